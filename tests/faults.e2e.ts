import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RunningGateway } from '@switchboard/gateway';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, contract, errorCode, signUp, type GraphQLResponse } from './support/client.ts';
import { spawnGateway } from './support/gatewayProcess.ts';
import { countingProxy } from './support/proxy.ts';
import { SUBGRAPHS, startStack, type Stack } from './support/stack.ts';
import { subscribe, wsClient, wsUrl } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * Faults answer clearly: a subgraph that is down or stalled gives clients a retryable
 * SERVICE_UNAVAILABLE (HTTP 503, Retry-After) within a deadline rather than a reset or a long
 * wait; a breaker stops hammering it and lets calls through again once it is back; and a gateway
 * told to stop finishes what is in flight and sends its sockets away with 1001.
 */

let stack: Stack;
let user: Awaited<ReturnType<typeof signUp>>;
const proxies: { close(): Promise<void> }[] = [];
const sockets: { dispose(): void | Promise<void> }[] = [];

beforeAll(async () => {
  stack = await startStack();
  user = await signUp(new Client(stack.gateway.url), 'Faulty');
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await stack?.stop();
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

const urls = (overrides: Record<string, string>) => ({
  ...Object.fromEntries(SUBGRAPHS.map((name) => [name, stack.subgraphs[name].url])),
  ...overrides,
});

async function me(gateway: RunningGateway) {
  const started = performance.now();
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.client.token}` },
    body: JSON.stringify({ query: contract.get('Me') }),
  });
  const body = (await response.json()) as GraphQLResponse;
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body,
    ms: performance.now() - started,
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a subgraph in trouble', () => {
  it('that is down gives SERVICE_UNAVAILABLE with retryAfter and HTTP 503, at once', async () => {
    const gateway = await stack.startGateway({
      subgraphUrls: urls({ users: `http://127.0.0.1:${await closedPort()}/graphql` }),
    });
    const answer = await me(gateway);
    expect(answer.status).toBe(503);
    expect(errorCode(answer.body)).toBe('SERVICE_UNAVAILABLE');
    expect(answer.body.errors![0]!.extensions!['retryAfter']).toBeGreaterThanOrEqual(1);
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(answer.ms).toBeLessThan(2_000);
  });

  it('that stalls fails after the deadline, then at once while it keeps failing, and is used again once it is back', async () => {
    const users = await countingProxy(stack.subgraphs.users.url);
    proxies.push(users);
    const gateway = await stack.startGateway({
      subgraphUrls: urls({ users: users.url }),
      subgraphCalls: { timeoutMs: 400, resetTimeoutMs: 1_000, volumeThreshold: 2 },
    });
    expect((await me(gateway)).status).toBe(200);
    users.stall();
    const timedOut = await me(gateway);
    expect([timedOut.status, errorCode(timedOut.body)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(timedOut.ms).toBeGreaterThanOrEqual(350);
    expect(timedOut.ms).toBeLessThan(3_000);
    await me(gateway); // the second failure opens the breaker
    const before = users.requests();
    const refused = await me(gateway);
    expect([refused.status, errorCode(refused.body)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(users.requests()).toBe(before); // the breaker answered; the subgraph was not called
    users.resume();
    // Within the breaker's reset the gateway tries again, and the subgraph answers.
    await waitFor(async () => (await me(gateway)).status === 200, 10_000, 'the gateway to use users again');
  });
});

describe('a subscriber catching up', () => {
  it('while the owner of its replay is unavailable keeps its subscription, and gets everything once it is back', async () => {
    const chats = await countingProxy(stack.subgraphs.chats.url);
    proxies.push(chats);
    const gateway = await stack.startGateway({ subgraphUrls: urls({ chats: chats.url }) });
    const friend = await signUp(new Client(stack.gateway.url), 'Friend');
    const chatId = (await user.client.data('CreateDirectChat', { userId: friend.id })).createDirectChat
      .id as string;
    for (const body of ['one', 'two', 'three'])
      await user.client.data('SendMessage', { input: { chatId, clientId: body, body } });

    // Its first two replays are answered 503: the subscription stays, and tries again.
    chats.failNext(2, /LiveReplay/);
    const socket = wsClient(gateway.url, friend.client.token);
    sockets.push(socket);
    const messages = subscribe<{ messageAdded: { body: string; seq: number } }>(socket, 'MessageAdded', {
      chatId,
      afterSeq: 0,
    });
    // The next message shows the gap again (and the reconcile would, without one).
    await waitFor(async () => chats.requests() >= 3, 10_000, 'the replays to be refused');
    await user.client.data('SendMessage', { input: { chatId, clientId: 'four', body: 'four' } });
    const bodies = [];
    for (let n = 1; n <= 4; n += 1) {
      const result = await messages.nth(n, 15_000);
      expect(result.errors).toBeUndefined();
      bodies.push(result.data!.messageAdded.body);
    }
    expect(bodies).toEqual(['one', 'two', 'three', 'four']);
  });
});

describe('a gateway told to stop', () => {
  it('on SIGTERM finishes a request in flight, sends its sockets away with 1001, and exits', async () => {
    const users = await countingProxy(stack.subgraphs.users.url);
    proxies.push(users);
    const gateway = await spawnGateway(stack, {
      SUBGRAPH_URL_USERS: users.url,
    });
    const socket = new WebSocket(wsUrl(gateway.url), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.client.token}` } }),
    );
    await new Promise((resolve) => socket.once('message', resolve));

    users.stall();
    const inFlight = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.client.token}` },
      body: JSON.stringify({ query: contract.get('Me') }),
    });
    await waitFor(() => users.requests() > 0, 10_000, 'the request to reach users');
    gateway.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    users.resume();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { data: { me: { id: string } } }).data.me.id).toBe(user.id);
    expect(await gateway.exited).toBe(0);
  });
});
