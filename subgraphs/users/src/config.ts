import type { KeyObject } from 'node:crypto';
import type { TrustedKeys } from '@switchboard/core';
import type { PushTargetOptions } from './pushTargets.ts';

/** What createServer.ts is built from; index.ts reads it from the environment. */
export interface UsersConfig {
  /** users' database (DATABASE_URL_USERS, else DATABASE_URL); used as the switchboard_users role. */
  databaseUrl: string;
  /** Public keys of the issuers of internal identities (the gateway; chats on the gRPC plane). */
  trustedKeys: TrustedKeys;
  /** users' own Ed25519 key: it signs users' calls to chats (blocks, devices). */
  signingKey: KeyObject;
  /** chats' gRPC server (CHATS_RPC_URL), told of each block and device before the mutation answers. */
  chatsRpcUrl: string | (() => string);
  /** Port of users' gRPC server (RPC_PORT; 0: any free port). */
  rpcPort: number;
  /** Port of `/metrics` (METRICS_PORT; 0 or absent: any free port). */
  metricsPort?: number;
  development: boolean;
  /** Signs the user tokens handed out by signUp/signIn (the gateway verifies them). */
  jwtSecret: string;
  tokenTtlSeconds: number;
  /** Which push endpoints may be registered (pushTargets.ts): public ones, plus allowed hosts. */
  push?: PushTargetOptions;
  /** Where users announces profile changes to the gateways' entity caches (live events). */
  redisUrl?: string;
}
