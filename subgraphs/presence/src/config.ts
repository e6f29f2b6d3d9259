/** What createServer.ts is built from; index.ts reads it from the environment. */
export interface PresenceConfig {
  databaseUrl: string;
  redisUrl: string;
  internalSecret: string;
  development: boolean;
  /** A user online but idle this long is AWAY. */
  awayAfterMs: number;
  /** A typing indicator not renewed within this time ends by itself. */
  typingTtlMs: number;
  /** How often expired connections are looked for (and their users announced offline). */
  sweepIntervalMs?: number;
}
