import { parseEnv } from '@switchboard/core';
import { z } from 'zod';

export const env = parseEnv(
  z.object({
    PORT: z.coerce.number().int().min(0).max(65535).default(5173),
    GATEWAY_URL: z.string().url().default('http://127.0.0.1:4000/graphql'),
    MEDIA_URL: z.string().url().default('http://127.0.0.1:4003'),
  }),
);
