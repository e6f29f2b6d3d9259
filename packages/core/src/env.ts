import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { isDevKey, type TrustedKeys } from './internalKeys.ts';

/**
 * Validates the environment once at start; the error names every variable that is wrong.
 * Only an app's `src/env.ts` calls this; everything else receives config as arguments.
 */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`)
    .join('\n');
  throw new Error(`Invalid environment:\n${problems}`);
}

/** Development defaults: fine on a laptop, refused in production (README, "Secrets"). */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-in-production';

export const sharedEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/test'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /**
   * A Redis Cluster instead of REDIS_URL: some of its nodes as `host:port,host:port`, the rest
   * are discovered. Processes pass `redisAddress(env)` (@switchboard/messaging) on.
   */
  REDIS_CLUSTER_NODES: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .regex(/^\s*[^,\s]+:\d+\s*(,\s*[^,\s]+:\d+\s*)*$/, 'expected host:port,host:port,...')
      .optional(),
  ),
  /**
   * BullMQ key prefix shared by the relays and the worker. Its `{hash tag}` keeps each queue's
   * keys in one Redis Cluster slot, as BullMQ's multi-key scripts need.
   */
  QUEUE_PREFIX: z.string().default('{switchboard}'),
  /**
   * The address a subgraph listens on: loopback by default, since only the gateway should reach
   * it; containers set 0.0.0.0. (The gateway and the worker's metrics listen on every interface.)
   */
  LISTEN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Hours a subgraph's relay keeps published outbox events (replays read them); 0 keeps all. */
  OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).default(72),
};

/** The variable naming one subgraph's own database: `DATABASE_URL_CHATS` for chats. */
export const databaseUrlVariable = (subgraph: string): string => `DATABASE_URL_${subgraph.toUpperCase()}`;

/**
 * `DATABASE_URL_<SUBGRAPH>` of each subgraph named: its own database, or its own server (architecture.md,
 * principle 5). Unset, the subgraph uses DATABASE_URL (`databaseUrlOf`).
 */
export function subgraphDatabaseEnv<const Names extends readonly string[]>(
  ...subgraphs: Names
): Record<`DATABASE_URL_${Uppercase<Names[number]>}`, z.ZodOptional<z.ZodString>> {
  return Object.fromEntries(
    subgraphs.map((name) => [databaseUrlVariable(name), z.string().url().optional()]),
  ) as Record<`DATABASE_URL_${Uppercase<Names[number]>}`, z.ZodOptional<z.ZodString>>;
}

/**
 * DATABASE_POOL_SIZE: the most connections each database pool of the process opens (README,
 * "Databases"); a subgraph has one pool, the worker one per handler with a database.
 */
export const databasePoolSizeEnv = (defaultSize: number) => ({
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(defaultSize),
});

/** A subgraph's database: its `DATABASE_URL_<SUBGRAPH>` if set, else the shared DATABASE_URL. */
export function databaseUrlOf(subgraph: string, env: { DATABASE_URL: string }): string {
  const own = (env as Record<string, unknown>)[databaseUrlVariable(subgraph)];
  return typeof own === 'string' && own !== '' ? own : env.DATABASE_URL;
}

/** Production must never run on the development secrets or trust the development keys. */
export function refuseDevSecretsInProduction(env: {
  NODE_ENV: string;
  JWT_SECRET?: string;
  INTERNAL_SIGNING_KEY?: KeyObject;
  INTERNAL_TRUSTED_KEYS?: TrustedKeys;
}): void {
  if (env.NODE_ENV !== 'production') return;
  if (env.INTERNAL_SIGNING_KEY && isDevKey(env.INTERNAL_SIGNING_KEY))
    throw new Error('INTERNAL_SIGNING_KEY is the development key; set a real key in production');
  for (const [issuer, keys] of env.INTERNAL_TRUSTED_KEYS ?? [])
    if (keys.some(isDevKey))
      throw new Error(
        `INTERNAL_TRUSTED_KEYS trusts the development key of ${issuer}; set real keys in production`,
      );
  if (env.JWT_SECRET === DEV_JWT_SECRET)
    throw new Error('JWT_SECRET is the development default; set a real secret in production');
}
