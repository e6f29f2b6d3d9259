import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp } from './support/client.ts';
import { redisEnv } from './support/redis.ts';
import { SUBGRAPHS, stackConfig } from './support/stack.ts';
import { subscribe, wsClient } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * The production build: `npm run build`, then the gateway, the five subgraphs and the worker each
 * run from dist/ with plain node (no TypeScript loader; `--conditions=dist` resolves the
 * workspaces to their JavaScript), as the Dockerfile runs them, and answer the contract.
 */
const root = new URL('..', import.meta.url).pathname;
const children: ChildProcess[] = [];
let gateway: string;
let anonymous: Client;
let mediaStorageDir: string;
let databaseUrl: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts one built entry with plain node; resolves with the URL of its "ready at" line. */
function start(entry: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--conditions=dist', entry], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready at (\S+)/.exec(output) ?? /(worker) ready/.exec(output);
      if (ready) resolve(ready[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}: ${output}`)));
  });
}

beforeAll(async () => {
  // turbo skips workspaces whose sources did not change since their last build.
  await promisify(execFile)('npm', ['run', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const config = await stackConfig();
  databaseUrl = config.databaseUrl;
  mediaStorageDir = join(tmpdir(), `switchboard-media-${randomBytes(6).toString('hex')}`);
  // Free ports for the gRPC plane; every other port (HTTP, /metrics) is any free one.
  const [usersRpc, chatsRpc, presenceRpc] = await Promise.all([freePort(), freePort(), freePort()]);
  const rpc = {
    USERS_RPC_URL: `http://127.0.0.1:${usersRpc}`,
    CHATS_RPC_URL: `http://127.0.0.1:${chatsRpc}`,
    PRESENCE_RPC_URL: `http://127.0.0.1:${presenceRpc}`,
  };
  const common = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: '0',
    METRICS_PORT: '0',
    DATABASE_URL: config.databaseUrl,
    ...Object.fromEntries(
      SUBGRAPHS.map((name) => [`DATABASE_URL_${name.toUpperCase()}`, config.databaseUrls[name]]),
    ),
    ...redisEnv(config.redisUrl),
    QUEUE_PREFIX: config.queuePrefix,
    MEDIA_STORAGE_DIR: mediaStorageDir,
    ...rpc,
  };
  const [users, chats, media, presence, calls] = await Promise.all([
    start('subgraphs/users/dist/index.js', { ...common, RPC_PORT: String(usersRpc) }),
    start('subgraphs/chats/dist/index.js', { ...common, RPC_PORT: String(chatsRpc) }),
    start('subgraphs/media/dist/index.js', common),
    start('subgraphs/presence/dist/index.js', { ...common, RPC_PORT: String(presenceRpc) }),
    start('subgraphs/calls/dist/index.js', common),
    start('apps/worker/dist/index.js', common),
  ]);
  gateway = await start('apps/gateway/dist/index.js', {
    ...common,
    SUBGRAPH_URL_USERS: users,
    SUBGRAPH_URL_CHATS: chats,
    SUBGRAPH_URL_MEDIA: media,
    SUBGRAPH_URL_PRESENCE: presence,
    SUBGRAPH_URL_CALLS: calls,
  });
  anonymous = new Client(gateway);
}, 240_000);

afterAll(async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }),
  );
  if (mediaStorageDir) await rm(mediaStorageDir, { recursive: true, force: true });
});

describe('the production build, run with plain node', () => {
  it('answers the contract through the built gateway: queries, mutations and a subscription', async () => {
    const ready = await fetch(new URL('/ready', gateway));
    expect(ready.status).toBe(200);

    const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    expect((await alice.client.data('Me')).me).toMatchObject({ id: alice.id, displayName: 'Alice' });
    const chatId = (await alice.client.data('CreateDirectChat', { userId: bob.id })).createDirectChat
      .id as string;

    const socket = wsClient(gateway, bob.client.token);
    try {
      const messages = subscribe(socket, 'MessageAdded', { chatId });
      // Sent until the subscription hears one: it is listening once a payload comes back.
      await waitFor(
        async () => {
          await alice.client.data('SendMessage', {
            input: { chatId, clientId: randomUUID(), body: 'from the build' },
          });
          return messages.results.length > 0;
        },
        20_000,
        'a MessageAdded payload',
      );
      expect(messages.results[0]!.data!.messageAdded).toMatchObject({
        body: 'from the build',
        sender: { id: alice.id, displayName: 'Alice' },
      });
    } finally {
      await socket.dispose();
    }

    const history = await bob.client.data('ChatHistory', { chatId, last: 10 });
    expect(JSON.stringify(history)).toContain('from the build');
  });

  it('runs the operator commands built too: migrations', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=dist', 'scripts/dist/migrate.js'],
      {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: databaseUrl },
      },
    );
    expect(stdout).toContain('Database is up to date');
  });

  it('stops every process cleanly on SIGTERM', async () => {
    const exits = children.map(async (child) => {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    });
    expect(await Promise.all(exits)).toEqual(children.map(() => 0));
  });
});
