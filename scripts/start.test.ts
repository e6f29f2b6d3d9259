import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv } from './childEnv.ts';
import { waitUntilReady } from './waitUntilReady.ts';

/** `npm start`'s two decisions: what each process inherits, and when to say "Ready". */

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A process's readiness URL answering `status`. */
async function answering(status: () => number): Promise<string> {
  const server = createServer((_request, response) => response.writeHead(status()).end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`;
}

describe('npm start', () => {
  it("gives the caller's PORT and RPC_PORT to no process that does not set its own", () => {
    const parent = { PORT: '5000', RPC_PORT: '6000', REDIS_URL: 'redis://x', PATH: '/bin' };
    expect(childEnv(parent, { METRICS_PORT: '9461' })).toEqual({
      REDIS_URL: 'redis://x',
      PATH: '/bin',
      METRICS_PORT: '9461',
    });
    expect(childEnv(parent, { PORT: '5000' })['PORT']).toBe('5000');
  });

  it('says ready once every process answers', async () => {
    let users = 503;
    const checks = [
      { name: 'gateway', url: await answering(() => 200) },
      { name: 'users', url: await answering(() => users) },
    ];
    setTimeout(() => (users = 200), 300);
    await expect(
      waitUntilReady(checks, { died: new Promise(() => {}), timeoutMs: 10_000, intervalMs: 50 }),
    ).resolves.toBeUndefined();
  });

  it('never says ready when a process died, even with the gateway answering', async () => {
    const checks = [
      { name: 'gateway', url: await answering(() => 200) },
      { name: 'users', url: 'http://127.0.0.1:1/ready' },
    ];
    const died = new Promise<string>((resolve) => setTimeout(() => resolve('users exited with code 1'), 200));
    await expect(waitUntilReady(checks, { died, timeoutMs: 10_000, intervalMs: 50 })).rejects.toThrow(
      'users exited with code 1',
    );
  });

  it('gives up at the deadline, naming who is not ready', async () => {
    const checks = [
      { name: 'gateway', url: await answering(() => 200) },
      { name: 'worker', url: await answering(() => 503) },
    ];
    await expect(
      waitUntilReady(checks, { died: new Promise(() => {}), timeoutMs: 300, intervalMs: 50 }),
    ).rejects.toThrow('not ready within 0.3 s: worker');
  });
});
