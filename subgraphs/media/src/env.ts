import { parseEnv, sharedEnv } from '@switchboard/core';
import { z } from 'zod';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    PORT: z.coerce.number().int().min(0).max(65535).default(4003),
  }),
);
