import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { localTurnUrls, startLocalCoturn, TURNSERVER, type LocalCoturn } from '@switchboard/calls/turn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, signUp } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { freeUdpPort, turnAllocate } from './support/turnClient.ts';

const coturnMissing = !existsSync(TURNSERVER);
if (coturnMissing)
  console.warn(
    `tests/turn.e2e.ts skipped: ${TURNSERVER} is missing (apt-get install -y coturn; .ci/run does).`,
  );

const TTL_SECONDS = 600;

describe.skipIf(coturnMissing)('TURN credentials, checked by a real coturn', () => {
  const secret = randomBytes(24).toString('base64');
  let coturn: LocalCoturn;
  let stack: Stack;
  let anonymous: Client;
  const relayPorts = { min: randomInt(50_000, 59_000), max: 0 };
  relayPorts.max = relayPorts.min + 99;

  beforeAll(async () => {
    const port = await freeUdpPort();
    coturn = await startLocalCoturn({ secret, port, relayPorts });
    stack = await startStack({
      worker: false,
      calls: {
        turn: {
          secret,
          urls: localTurnUrls(port),
          stunUrls: [`stun:127.0.0.1:${port}`],
          credentialTtlSeconds: TTL_SECONDS,
        },
      },
    });
    anonymous = new Client(stack.gateway.url);
  });
  afterAll(async () => {
    await stack?.stop();
    await coturn?.stop();
  });

  const sign = (username: string, key = secret) => createHmac('sha1', key).update(username).digest('base64');

  it('iceServers gives a signed-in caller STUN and a TURN credential of their own, never the secret', async () => {
    expect(errorCode(await anonymous.op('IceServers'))).toBe('UNAUTHENTICATED');
    const alice = await signUp(anonymous, 'Alice');
    const response = await alice.client.op('IceServers');
    const [stunServer, turnServer] = response.data!['iceServers'];
    expect(stunServer).toEqual({
      urls: [`stun:127.0.0.1:${coturn.port}`],
      username: null,
      credential: null,
      expiresAt: null,
    });
    expect(turnServer.urls).toEqual(localTurnUrls(coturn.port));
    // The TURN REST API convention: "<expiry unix time>:<user id>", HMAC-SHA1 of it with the secret.
    const [expiry, userId] = turnServer.username.split(':');
    expect(userId).toBe(alice.id);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(TTL_SECONDS - 60);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(TTL_SECONDS);
    expect(Date.parse(turnServer.expiresAt)).toBe(Number(expiry) * 1000);
    expect(turnServer.credential).toBe(sign(turnServer.username));
    expect(JSON.stringify(response)).not.toContain(secret);
  });

  it('coturn relays for that credential, and refuses an expired one and one made with another secret', async () => {
    const alice = await signUp(anonymous, 'Alice');
    const turnServer = (await alice.client.data('IceServers')).iceServers[1];
    const granted = await turnAllocate(coturn.port, turnServer);
    expect(granted).toEqual({ ok: true, relayed: { address: '127.0.0.1', port: expect.any(Number) } });
    const relayedPort = (granted as { relayed: { port: number } }).relayed.port;
    expect(relayedPort).toBeGreaterThanOrEqual(relayPorts.min);
    expect(relayedPort).toBeLessThanOrEqual(relayPorts.max);

    // Signed with the right secret, but its expiry has passed.
    const expired = `${Math.floor(Date.now() / 1000) - 60}:${alice.id}`;
    expect(await turnAllocate(coturn.port, { username: expired, credential: sign(expired) })).toMatchObject({
      ok: false,
      code: 401,
    });
    // Not expired, but not made with coturn's secret.
    const forged = `${Math.floor(Date.now() / 1000) + 600}:${alice.id}`;
    expect(
      await turnAllocate(coturn.port, { username: forged, credential: sign(forged, 'not-the-secret') }),
    ).toMatchObject({ ok: false, code: 401 });
  });
});

describe('the calls subgraph in production', () => {
  /** Starts calls with NODE_ENV=production and real keys (production refuses the development ones first). */
  async function start(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/calls/src/index.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        INTERNAL_TRUSTED_KEYS: JSON.stringify({
          gateway: generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }),
        }),
        INTERNAL_SIGNING_KEY: String(
          generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
        ),
        PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    return { code, stderr };
  }

  it('refuses to start with the development TURN secret', async () => {
    const { code, stderr } = await start({});
    expect(code).toBe(1);
    expect(stderr).toContain('TURN_SECRET is the development default');
  });

  it('refuses to start handing clients a loopback TURN or STUN URL, the defaults included (issue 17)', async () => {
    const secret = { TURN_SECRET: randomBytes(32).toString('hex') };
    const [defaults, stun] = await Promise.all([
      start(secret),
      start({
        ...secret,
        TURN_URLS: 'turn:turn.example.com:3478?transport=udp',
        STUN_URLS: 'stun:[::1]:3478',
      }),
    ]);
    expect(defaults.code).toBe(1);
    expect(defaults.stderr).toContain(
      'TURN_URLS names a loopback address (turn:127.0.0.1:3478?transport=udp)',
    );
    expect(stun.code).toBe(1);
    expect(stun.stderr).toContain('STUN_URLS names a loopback address (stun:[::1]:3478)');
  });
});
