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
    ...subgraphDatabaseEnv('chats'),
    ...databasePoolSizeEnv(26),
    ...observabilityEnv,
    ...metricsPortEnv('chats'),
    /** Public keys of the issuers this subgraph trusts, by name: gateway, and users (gRPC). */
    INTERNAL_TRUSTED_KEYS: trustedKeysEnv(),
    /** chats' own Ed25519 private key, for its calls to users (PKCS8 PEM or JWK). */
    INTERNAL_SIGNING_KEY: signingKeyEnv('chats'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4002),
    /** gRPC port of ChatsService (users' CHATS_RPC_URL). */
    RPC_PORT: z.coerce.number().int().min(0).max(65535).default(5002),
    /** Inbox entries are kept at least this many days (a cursor older than that: RESYNC_REQUIRED). */
    INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
    /** users' gRPC server: which user ids exist. */
    USERS_RPC_URL: z.string().url().default('http://127.0.0.1:5001'),
  }),
);
