import type { KeyObject } from 'node:crypto';
import type { TrustedKeys } from '@switchboard/core';

/** What createServer.ts is built from; index.ts reads it from the environment. */
export interface PresenceConfig {
  /** presence's database (DATABASE_URL_PRESENCE, else DATABASE_URL); used as its own role. */
  databaseUrl: string;
  redisUrl: string;
  /** Public keys of the issuers of internal identities (the gateway; the worker on gRPC). */
  trustedKeys: TrustedKeys;
  development: boolean;
  /** A user online but idle this long is AWAY. */
  awayAfterMs: number;
  /** A typing indicator not renewed within this time ends by itself. */
  typingTtlMs: number;
  /** How often expired gateway leases and idle users are looked for (and announced). */
  sweepIntervalMs?: number;
  /** presence's own Ed25519 key: it signs presence's calls to chats (ChatsService.MemberOf). */
  signingKey: KeyObject;
  /** chats' gRPC server (CHATS_RPC_URL), asked who is a member of a chat the projection lacks. */
  chatsRpcUrl: string | (() => string);
  /** Port of the gRPC server gateways stream their connections to (0: any free port). */
  rpcPort: number;
  /** Port of `/metrics` (METRICS_PORT; 0 or absent: any free port). */
  metricsPort?: number;
  /** Hash tag of every presence key in Redis (default `p`); tests give each stack its own. */
  redisTag?: string;
}
