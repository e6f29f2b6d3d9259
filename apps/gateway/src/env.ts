import { DEV_JWT_SECRET, parseEnv, sharedEnv } from '@switchboard/core';
import { z } from 'zod';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    SUPERGRAPH_PATH: z.string().default(new URL('../../../supergraph.graphql', import.meta.url).pathname),
    /** Overrides of supergraph routing URLs, e.g. SUBGRAPH_URL_USERS=http://users:4001/graphql. */
    SUBGRAPH_URL_USERS: z.string().url().optional(),
    SUBGRAPH_URL_CHATS: z.string().url().optional(),
    SUBGRAPH_URL_MEDIA: z.string().url().optional(),
    SUBGRAPH_URL_PRESENCE: z.string().url().optional(),
  }),
);
