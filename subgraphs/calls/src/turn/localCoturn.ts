import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `coturn` package puts the server. */
export const TURNSERVER = '/usr/bin/turnserver';

export interface LocalCoturnOptions {
  /** static-auth-secret: the calls subgraph's TURN_SECRET. */
  secret: string;
  /** UDP and TCP port for STUN/TURN (3478 by default in development). */
  port: number;
  /** Ports coturn relays media on. */
  relayPorts: { min: number; max: number };
  realm?: string;
  /** Where the server runs, if not `/usr/bin/turnserver`. */
  executable?: string;
  /** coturn's log lines (default: dropped). */
  onLog?: (line: string) => void;
}

/**
 * coturn's configuration for a server on this machine only (development and tests): it listens and
 * relays on 127.0.0.1, checks TURN REST API credentials against the shared secret, and (unlike in
 * production, README "Calls") lets two peers on this machine relay to each other.
 */
export function localCoturnConfig(options: LocalCoturnOptions & { dir: string }): string {
  return [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${options.port}`,
    `min-port=${options.relayPorts.min}`,
    `max-port=${options.relayPorts.max}`,
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    `realm=${options.realm ?? 'switchboard.local'}`,
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'allow-loopback-peers',
    'no-multicast-peers',
    'log-file=stdout',
    'simple-log',
    `pidfile=${join(options.dir, 'turnserver.pid')}`,
    `userdb=${join(options.dir, 'turndb')}`,
    '',
  ].join('\n');
}

/** TURN URLs of a local coturn, over UDP (media) and TCP (where UDP is blocked). */
export const localTurnUrls = (port: number) => [
  `turn:127.0.0.1:${port}?transport=udp`,
  `turn:127.0.0.1:${port}?transport=tcp`,
];

export interface LocalCoturn {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts coturn with a generated configuration (kept in a private temp directory, since it holds
 * the secret) and resolves once it answers a STUN binding request.
 */
export async function startLocalCoturn(options: LocalCoturnOptions): Promise<LocalCoturn> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-coturn-'));
  const configFile = join(dir, 'turnserver.conf');
  await writeFile(configFile, localCoturnConfig({ ...options, dir }), { mode: 0o600 });
  const child = spawn(options.executable ?? TURNSERVER, ['-c', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!])
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) options.onLog?.(line);
    });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      waitForStun(options.port, 10_000),
      exited.then(([code]) => {
        throw new Error(`turnserver exited with code ${String(code)} before it answered`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: options.port, process: child, stop };
}

/** Sends STUN binding requests (RFC 8489) to 127.0.0.1:port until one is answered. */
async function waitForStun(port: number, timeoutMs: number): Promise<void> {
  const socket = createSocket('udp4');
  const transaction = randomBytes(12);
  // Binding request: type 0x0001, no attributes, the magic cookie, then the transaction id.
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), transaction]);
  const answered = new Promise<void>((resolve) =>
    socket.on('message', (message) => {
      if (message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(transaction)) resolve();
    }),
  );
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      socket.send(request, port, '127.0.0.1');
      const done = await Promise.race([
        answered.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 100)),
      ]);
      if (done) return;
      if (Date.now() > deadline) throw new Error(`coturn did not answer on 127.0.0.1:${port}`);
    }
  } finally {
    socket.close();
  }
}
