import {
  databasePoolSizeEnv,
  parseEnv,
  sharedEnv,
  signingKeyEnv,
  subgraphDatabaseEnv,
  trustedKeysEnv,
} from '@switchboard/core';
import { metricsPortEnv, observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...subgraphDatabaseEnv('presence'),
    ...databasePoolSizeEnv(6),
    ...observabilityEnv,
    ...metricsPortEnv('presence'),
    /** Public keys of the issuers this subgraph trusts, by name: gateway, and worker (gRPC). */
    INTERNAL_TRUSTED_KEYS: trustedKeysEnv(),
    /** presence's own key: it signs its calls to chats (who is a member of a chat). */
    INTERNAL_SIGNING_KEY: signingKeyEnv('presence'),
    /** chats' gRPC server (ChatsService.MemberOf). */
    CHATS_RPC_URL: z.string().url().default('http://127.0.0.1:5002'),
    AWAY_AFTER_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(5 * 60_000),
    TYPING_TTL_MS: z.coerce.number().int().positive().default(5_000),
    PORT: z.coerce.number().int().min(0).max(65535).default(4004),
    /** gRPC port for the gateways' connection streams and the worker's Online calls (PRESENCE_RPC_URL). */
    RPC_PORT: z.coerce.number().int().min(0).max(65535).default(5004),
  }),
);
