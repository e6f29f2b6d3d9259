import { spawn, type ChildProcess } from 'node:child_process';
import { redisEnv } from './redis.ts';
import type { Stack } from './stack.ts';

/**
 * A gateway in a process of its own over a test stack's subgraphs, as deployed (`npm start` runs
 * the same entry): for what only a real process shows, such as SIGKILL and SIGTERM.
 */
export async function spawnGateway(
  stack: Stack,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; exited: Promise<number | null> }> {
  const subgraphUrls = Object.fromEntries(
    Object.entries(stack.subgraphs).map(([name, server]) => [
      `SUBGRAPH_URL_${name.toUpperCase()}`,
      server.url,
    ]),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/index.ts'], {
    env: {
      ...process.env,
      ...subgraphUrls,
      PORT: '0',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      ...redisEnv(stack.config.redisUrl),
      PRESENCE_RPC_URL: stack.subgraphs.presence.rpcUrl,
      USERS_RPC_URL: stack.subgraphs.users.rpcUrl!,
      // Any free port: several gateways (and other test runs) share the machine.
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /Gateway ready at (\S+)/.exec(output);
      if (ready) resolve(ready[1]!);
    });
    void exited.then((code) => reject(new Error(`gateway exited with ${code}: ${output}`)));
  });
  return { url, child, exited };
}
