import { parseEnv, sharedEnv, trustedKeysEnv } from '@switchboard/core';
import { observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...observabilityEnv,
    /** Public keys of the issuers this subgraph trusts, by name: {"gateway": JWK or SPKI PEM}. */
    INTERNAL_TRUSTED_KEYS: trustedKeysEnv(),
    AWAY_AFTER_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(5 * 60_000),
    TYPING_TTL_MS: z.coerce.number().int().positive().default(5_000),
    PORT: z.coerce.number().int().min(0).max(65535).default(4004),
    /** gRPC port for the gateways' connection streams (their PRESENCE_RPC_URL). */
    RPC_PORT: z.coerce.number().int().min(0).max(65535).default(5004),
  }),
);
