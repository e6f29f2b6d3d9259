import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { RunningGateway } from '@switchboard/gateway';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { wsUrl } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * The WebSocket limits (README, "WebSocket limits"), each answered with its documented code on the
 * wire: 1009 for a message over maxPayload (however large), BAD_REQUEST for one subscription too
 * many on a socket (the socket and its other subscriptions go on), 4408 for a socket that never
 * sends connection_init, HTTP 429 for one new socket too many from an address, and a cut for a
 * socket that stops answering pings.
 */

let stack: Stack;
let gateway: RunningGateway;
let token: string;
const opened: WebSocket[] = [];

beforeAll(async () => {
  stack = await startStack();
  gateway = await stack.startGateway({
    socketLimits: {
      maxPayloadBytes: 4 * 1024,
      maxSubscriptionsPerSocket: 3,
      connectionInitTimeoutMs: 300,
      newConnectionsPerAddressPerSecond: 50,
      keepAliveMs: 200,
    },
  });
  token = (await signUp(new Client(stack.gateway.url))).client.token!;
});
afterAll(async () => {
  for (const socket of opened) socket.terminate();
  await stack?.stop();
});

function connect(target: RunningGateway = gateway): WebSocket {
  const socket = new WebSocket(wsUrl(target.url), 'graphql-transport-ws');
  opened.push(socket);
  return socket;
}

const closeOf = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );

async function initialised(socket: WebSocket): Promise<void> {
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await new Promise((resolve) => socket.once('message', resolve));
}

/** The first `error` message the socket receives, with its operation id and code. */
const errorsOf = (socket: WebSocket) =>
  new Promise<{ id: string; code: string }[]>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as {
        id: string;
        type: string;
        payload: { extensions?: { code?: string } }[];
      };
      if (message.type !== 'error') return;
      socket.off('message', onMessage);
      resolve([{ id: message.id, code: message.payload[0]!.extensions!.code! }]);
    };
    socket.on('message', onMessage);
  });

const subscribeMessage = (id: string) =>
  JSON.stringify({
    id,
    type: 'subscribe',
    payload: { query: 'subscription { messageAdded { id } }' },
  });

describe('WebSocket limits', () => {
  it('closes a socket that sends a message over the size limit with 1009', async () => {
    const socket = connect();
    await initialised(socket);
    const closed = closeOf(socket);
    socket.send(subscribeMessage('x'.repeat(5 * 1024)));
    expect((await closed).code).toBe(1009);
  });

  // A frame far over the limit: the client is still writing it when the close comes back, and
  // must still read 1009, not a cut (1006). The client runs in a process of its own, as a real
  // one does: in this process its reads and the gateway's writes would take turns and hide it.
  it('closes a socket that sends an 8 or 32 MiB frame with 1009', async () => {
    // Keep-alive as deployed: a client masking 32 MiB misses pings of this file's 200 ms.
    const large = await stack.startGateway({ socketLimits: { maxPayloadBytes: 4 * 1024 } });
    const client = `
      import WebSocket from 'ws';
      const codes = [];
      for (const mib of [8, 8, 8, 32, 32, 32]) {
        const socket = new WebSocket(process.argv[1], 'graphql-transport-ws');
        socket.on('error', () => {});
        await new Promise((resolve) => socket.once('open', resolve));
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: process.argv[2] } }));
        await new Promise((resolve) => socket.once('message', resolve));
        codes.push(await new Promise((resolve) => {
          socket.once('close', resolve);
          socket.send('x'.repeat(mib * 1024 * 1024));
        }));
      }
      console.log(JSON.stringify(codes));`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', client, wsUrl(large.url), `Bearer ${token}`],
        { timeout: 60_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
    expect(JSON.parse(output)).toEqual([1009, 1009, 1009, 1009, 1009, 1009]);
  }, 90_000);

  it('counts a refused subscription once: refusals make no room past the limit', async () => {
    const socket = connect();
    await initialised(socket);
    const before = gateway.activeSubscriptions();
    const refusals: string[] = [];
    const refused = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as {
          type: string;
          payload: { extensions?: { code?: string } }[];
        };
        if (message.type !== 'error') return;
        refusals.push(message.payload[0]!.extensions!.code!);
        if (refusals.length === 3) resolve();
      }),
    );
    for (const id of ['r1', 'r2', 'r3'])
      socket.send(
        JSON.stringify({
          id,
          type: 'subscribe',
          payload: { query: `subscription { messageAdded(chatId: "${randomUUID()}") { id } }` },
        }),
      );
    await refused;
    expect(refusals).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    expect(gateway.activeSubscriptions()).toBe(before);
    const answers = errorsOf(socket);
    for (const id of ['1', '2', '3', '4']) socket.send(subscribeMessage(id));
    expect(await answers).toEqual([{ id: '4', code: 'BAD_REQUEST' }]);
    socket.close();
    await waitFor(() => gateway.activeSubscriptions() === before, 10_000, 'its subscriptions to end');
  });

  it('refuses one subscription too many with BAD_REQUEST and keeps the socket and the others', async () => {
    const socket = connect();
    await initialised(socket);
    let closedWith: number | undefined;
    socket.once('close', (code) => (closedWith = code));
    const before = gateway.activeSubscriptions();
    const answers = errorsOf(socket);
    for (const id of ['1', '2', '3', '4']) socket.send(subscribeMessage(id));
    expect(await answers).toEqual([{ id: '4', code: 'BAD_REQUEST' }]);
    await waitFor(() => gateway.activeSubscriptions() === before + 3, 10_000, 'three subscriptions');
    // Completing one makes room for another on the same socket.
    socket.send(JSON.stringify({ id: '1', type: 'complete' }));
    await waitFor(() => gateway.activeSubscriptions() === before + 2, 10_000, 'one completed');
    socket.send(subscribeMessage('5'));
    await waitFor(() => gateway.activeSubscriptions() === before + 3, 10_000, 'the fifth running');
    expect(closedWith).toBeUndefined();
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket that never sends connection_init with 4408', async () => {
    const socket = connect();
    expect((await closeOf(socket)).code).toBe(4408);
  });

  it('cuts a socket that stops answering pings', async () => {
    const socket = connect();
    await initialised(socket);
    const before = gateway.openSockets();
    const closed = closeOf(socket);
    // The client stops reading: no pong goes back, and the gateway cuts it.
    const tcp = (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    await waitFor(() => gateway.openSockets() < before, 10_000, 'the gateway to cut the socket');
    tcp.resume();
    expect((await closed).code).toBe(1006); // cut, no close frame
  });

  it('answers one new socket too many from an address within a second with HTTP 429', async () => {
    const strict = await stack.startGateway({ socketLimits: { newConnectionsPerAddressPerSecond: 3 } });
    const statuses = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<number>((resolve) => {
            const socket = connect(strict);
            socket.once('open', () => resolve(101));
            socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
            socket.once('error', () => {});
          }),
      ),
    );
    expect(statuses.sort()).toEqual([101, 101, 101, 429, 429]);
  });
});
