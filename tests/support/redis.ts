import { clusterNodes, isCluster, type RedisClient } from '@switchboard/messaging';

/** KEYS on every master of a cluster (KEYS reads one node), or on the one server. */
export async function keysMatching(redis: RedisClient, pattern: string): Promise<string[]> {
  if (!isCluster(redis)) return redis.keys(pattern);
  await redis.ping(); // the cluster knows its masters once connected
  return (await Promise.all(redis.nodes('master').map((node) => node.keys(pattern)))).flat();
}

/** Why a test that needs a Redis Cluster is skipped, or undefined when REDIS_CLUSTER_NODES names one. */
export const noCluster = process.env['REDIS_CLUSTER_NODES']
  ? undefined
  : 'needs a Redis Cluster: set REDIS_CLUSTER_NODES (npm run test:cluster starts one)';

/** The environment that gives a child process this Redis address (REDIS_URL or REDIS_CLUSTER_NODES). */
export function redisEnv(address: string): Record<string, string> {
  const nodes = clusterNodes(address);
  return nodes
    ? { REDIS_CLUSTER_NODES: nodes.map(({ host, port }) => `${host}:${port}`).join(',') }
    : { REDIS_URL: address, REDIS_CLUSTER_NODES: '' };
}
