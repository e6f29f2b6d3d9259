import { ErrorCode, appError } from '@switchboard/core';
import { redisConnection } from '@switchboard/messaging';
import type { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

export interface RateLimitConfig {
  /** Mutation root fields per signed-in user (default 60 per 10 s). */
  perUser?: RateLimitRule;
  /** Anonymous mutation root fields (signUp, signIn) per client address (default 10 per 60 s). */
  anonymousPerAddress?: RateLimitRule;
  /** Redis key prefix; gateways that share it share the budgets (default "switchboard:rl"). */
  keyPrefix?: string;
  /** Proxies of ours in front of the gateway, whose X-Forwarded-For entry is trusted (default 0). */
  trustedProxyHops?: number;
}

export const DEFAULT_RATE_LIMITS = {
  perUser: { points: 60, durationSeconds: 10 },
  anonymousPerAddress: { points: 10, durationSeconds: 60 },
} satisfies RateLimitConfig;

export interface MutationRateLimiter {
  /**
   * Takes `points` (the mutation's root fields) from the caller's budget: the user's when signed in,
   * else the client address's. RATE_LIMITED with `retryAfter` (seconds) once it is spent.
   */
  consume(
    caller: { userId: string | null; clientAddress: string },
    points: number,
  ): Promise<GraphQLError | undefined>;
  close(): Promise<void>;
}

/**
 * Fixed-window counters in Redis (rate-limiter-flexible: one atomic Lua INCR+EXPIRE per call), so
 * every gateway process draws on the same budget. While Redis is unreachable each process falls back
 * to an in-memory limiter of the same size rather than letting everything through.
 */
export function createMutationRateLimiter(
  redisUrl: string,
  config: RateLimitConfig,
  log: (message: string, error?: unknown) => void,
): MutationRateLimiter {
  const redis = redisConnection(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', (error) => log('rate limiter (Redis) failed', error));
  const prefix = config.keyPrefix ?? 'switchboard:rl';
  const limiter = (name: string, rule: RateLimitRule) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:${name}`,
      points: rule.points,
      duration: rule.durationSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({
        keyPrefix: `${prefix}:${name}`,
        points: rule.points,
        duration: rule.durationSeconds,
      }),
    });
  const perUser = limiter('user', config.perUser ?? DEFAULT_RATE_LIMITS.perUser);
  const anonymous = limiter('address', config.anonymousPerAddress ?? DEFAULT_RATE_LIMITS.anonymousPerAddress);

  return {
    async consume(caller, points) {
      try {
        if (caller.userId) await perUser.consume(caller.userId, points);
        else await anonymous.consume(caller.clientAddress, points);
        return undefined;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          // Both Redis and the in-memory fallback failed: a bug, not a client's fault; let it pass.
          log('rate limiter failed', rejection);
          return undefined;
        }
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        return appError(ErrorCode.RATE_LIMITED, `Too many mutations; try again in ${retryAfter} s`, {
          retryAfter,
        });
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
