import { parseEnv, sharedEnv } from '@switchboard/core';
import { observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...observabilityEnv,
    PORT: z.coerce.number().int().min(0).max(65535).default(4002),
  }),
);
