import { parseEnv, sharedEnv } from '@switchboard/core';
import { observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...observabilityEnv,
    AWAY_AFTER_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(5 * 60_000),
    TYPING_TTL_MS: z.coerce.number().int().positive().default(5_000),
    PORT: z.coerce.number().int().min(0).max(65535).default(4004),
  }),
);
