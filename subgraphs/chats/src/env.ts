import { parseEnv, sharedEnv, trustedKeysEnv } from '@switchboard/core';
import { observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...observabilityEnv,
    /** Public keys of the issuers this subgraph trusts, by name: {"gateway": JWK or SPKI PEM}. */
    INTERNAL_TRUSTED_KEYS: trustedKeysEnv(),
    PORT: z.coerce.number().int().min(0).max(65535).default(4002),
  }),
);
