import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
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

/** Local TCP ports of this process's own sockets (from /proc: Linux only). */
function ownTcpPorts(): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length > 9 && inodes.has(columns[9]!)) ports.add(parseInt(columns[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/**
 * `CLIENT KILL`s the pub/sub connections this process holds to Redis (every master of a cluster):
 * what a network blip or a Redis restart does to a gateway's subscriptions, without touching the
 * stacks of other test files that share the server. Returns how many it killed.
 */
export async function killOwnPubsubConnections(redis: RedisClient): Promise<number> {
  const ports = ownTcpPorts();
  const nodes = isCluster(redis) ? redis.nodes('master') : [redis];
  let killed = 0;
  for (const node of nodes) {
    const list = (await node.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
    for (const line of list.split('\n')) {
      const id = /\bid=(\d+)/.exec(line)?.[1];
      const port = Number(/\baddr=\S+:(\d+)/.exec(line)?.[1]);
      if (id && ports.has(port)) {
        await node.call('CLIENT', 'KILL', 'ID', id);
        killed += 1;
      }
    }
  }
  return killed;
}
