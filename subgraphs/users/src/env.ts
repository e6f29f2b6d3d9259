import { DEV_JWT_SECRET, parseEnv, sharedEnv, trustedKeysEnv } from '@switchboard/core';
import { observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';
import { pushTargetEnv } from './pushTargets.ts';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...observabilityEnv,
    /** Public keys of the issuers this subgraph trusts, by name: {"gateway": JWK or SPKI PEM}. */
    INTERNAL_TRUSTED_KEYS: trustedKeysEnv(),
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(30 * 24 * 3600),
    PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    ...pushTargetEnv,
  }),
);
