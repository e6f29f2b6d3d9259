import type { TrustedKeys } from '@switchboard/core';

/** What createServer.ts is built from; index.ts reads it from the environment. */
export interface PresenceConfig {
  databaseUrl: string;
  redisUrl: string;
  /** Public keys of the issuers of internal identities (the gateway). */
  trustedKeys: TrustedKeys;
  development: boolean;
  /** A user online but idle this long is AWAY. */
  awayAfterMs: number;
  /** A typing indicator not renewed within this time ends by itself. */
  typingTtlMs: number;
  /** How often expired gateway leases and idle users are looked for (and announced). */
  sweepIntervalMs?: number;
  /** Port of the gRPC server gateways stream their connections to (0: any free port). */
  rpcPort: number;
  /** Hash tag of every presence key in Redis (default `p`); tests give each stack its own. */
  redisTag?: string;
}
