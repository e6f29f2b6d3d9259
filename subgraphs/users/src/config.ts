import type { TrustedKeys } from '@switchboard/core';
import type { PushTargetOptions } from './pushTargets.ts';

/** What createServer.ts is built from; index.ts reads it from the environment. */
export interface UsersConfig {
  databaseUrl: string;
  /** Public keys of the issuers of internal identities (the gateway). */
  trustedKeys: TrustedKeys;
  development: boolean;
  /** Signs the user tokens handed out by signUp/signIn (the gateway verifies them). */
  jwtSecret: string;
  tokenTtlSeconds: number;
  /** Which push endpoints may be registered (pushTargets.ts): public ones, plus allowed hosts. */
  push?: PushTargetOptions;
  /** Where users announces profile changes to the gateways' entity caches (live events). */
  redisUrl?: string;
}
