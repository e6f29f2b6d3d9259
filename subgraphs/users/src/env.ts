import {
  DEV_JWT_SECRET,
  parseEnv,
  databasePoolSizeEnv,
  sharedEnv,
  signingKeyEnv,
  subgraphDatabaseEnv,
  trustedKeysEnv,
} from '@switchboard/core';
import { metricsPortEnv, observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';
import { pushTargetEnv } from './pushTargets.ts';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...subgraphDatabaseEnv('users'),
    ...databasePoolSizeEnv(6),
    ...observabilityEnv,
    ...metricsPortEnv('users'),
    /** Public keys of the issuers this subgraph trusts, by name: gateway, and chats (gRPC). */
    INTERNAL_TRUSTED_KEYS: trustedKeysEnv(),
    /** users' own Ed25519 private key, for its calls to chats (PKCS8 PEM or JWK). */
    INTERNAL_SIGNING_KEY: signingKeyEnv('users'),
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(30 * 24 * 3600),
    PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    /** gRPC port of UsersService (the gateway's and chats' USERS_RPC_URL). */
    RPC_PORT: z.coerce.number().int().min(0).max(65535).default(5001),
    /** chats' gRPC server, told of each block before blockUser answers. */
    CHATS_RPC_URL: z.string().url().default('http://127.0.0.1:5002'),
    ...pushTargetEnv,
  }),
);
