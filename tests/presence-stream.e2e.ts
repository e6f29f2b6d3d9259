import type { ChildProcess } from 'node:child_process';
import {
  createLivePublisher,
  createLiveSubscriber,
  liveChannel,
  redisConnection,
  type LiveEvent,
} from '@switchboard/messaging';
import type { RunningPresence } from '@switchboard/presence';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp } from './support/client.ts';
import { keysMatching } from './support/redis.ts';
import { spawnGateway as spawnGatewayProcess } from './support/gatewayProcess.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

type User = Awaited<ReturnType<typeof signUp>>;

let stack: Stack;
let anonymous: Client;
const sockets: WsClient[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ worker: false });
  anonymous = new Client(stack.gateway.url);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await stack?.stop();
});

/** A signed-in socket; resolves once the gateway has accepted it (and so told presence). */
async function connect(user: User, url: string): Promise<WsClient> {
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const socket = wsClient(url, user.client.token);
  sockets.push(socket);
  socket.on('connected', () => connected());
  await ready;
  return socket;
}

/** Presence events for `users`, as a client of the stack's gateway sees them. */
async function watch(users: User[]): Promise<Subscription & { statuses(user: User): string[] }> {
  const watcher = await signUp(anonymous);
  const before = stack.gateway.activeSubscriptions();
  const subscription = subscribe(await connect(watcher, stack.gateway.url), 'PresenceChanged', {
    userIds: users.map((user) => user.id),
  });
  await waitFor(() => stack.gateway.activeSubscriptions() > before, 10_000, 'PresenceChanged to listen');
  return Object.assign(subscription, {
    statuses: (user: User) =>
      subscription.results
        .map((result) => result.data!.presenceChanged)
        .filter((event) => event.user.id === user.id)
        .map((event) => event.status as string),
  });
}

const statusOf = async (user: User) =>
  (await anonymous.withToken(user.client.token).data('FindUser', { username: user.username })).userByUsername
    .presence.status as string;

/**
 * Counts the presenceChanged live events published for `users`, as a gateway hears them.
 * `settle()` returns once every event published so far has arrived: it publishes a marker on each
 * user's channel and waits for them all, and a channel delivers in the order Redis took them.
 */
async function liveEvents(users: User[]) {
  const subscriber = createLiveSubscriber(stack.config.redisUrl);
  const publisher = createLivePublisher(stack.config.redisUrl);
  const counts = new Map(users.map((user) => [user.id, 0]));
  const markers = new Map(users.map((user) => [user.id, 0]));
  await Promise.all(
    users.map((user) =>
      subscriber.listen(liveChannel.presence(user.id), (event) => {
        const { type } = event as { type: string };
        const map = type === 'settleMarker' ? markers : counts;
        map.set(user.id, (map.get(user.id) ?? 0) + 1);
      }),
    ),
  );
  let settles = 0;
  return {
    count: (user: User) => counts.get(user.id) ?? 0,
    async settle() {
      settles++;
      const marker = { type: 'settleMarker' } as unknown as LiveEvent;
      await Promise.all(users.map((user) => publisher.publish(liveChannel.presence(user.id), marker)));
      await waitFor(() => users.every((user) => markers.get(user.id) === settles), 10_000, 'the markers');
    },
    close: () => Promise.all([subscriber.close(), publisher.close()]),
  };
}

/** Presence's own counters, read from its `/metrics` like a scraper would. */
async function streamCounters(presence: RunningPresence) {
  const text = await (await fetch(presence.metricsUrl)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((total, line) => total + Number(line.split(' ').at(-1)), 0);
  return {
    batches: sum('presence_gateway_batches_total'),
    changes: sum('presence_connection_changes_total'),
  };
}

async function spawnGateway(leaseMs: number): Promise<{ url: string; child: ChildProcess }> {
  const gateway = await spawnGatewayProcess(stack, { PRESENCE_LEASE_MS: String(leaseMs) });
  children.push(gateway.child);
  return gateway;
}

describe('presence over one gRPC stream per gateway', () => {
  it('takes the users of a gateway killed with SIGKILL offline within its lease, not those connected elsewhere', async () => {
    const leaseMs = 2_000;
    const [bob, carol] = await Promise.all([signUp(anonymous, 'Bob'), signUp(anonymous, 'Carol')]);
    const events = await watch([bob, carol]);
    const doomed = await spawnGateway(leaseMs);
    await connect(bob, doomed.url);
    await connect(carol, doomed.url);
    await connect(carol, stack.gateway.url);
    await waitFor(() => events.statuses(bob).length === 1 && events.statuses(carol).length === 1);
    expect(events.statuses(bob)).toEqual(['ONLINE']);

    const killedAt = Date.now();
    doomed.child.kill('SIGKILL');
    await waitFor(() => events.statuses(bob).length === 2, 10_000, 'bob to go offline');
    const offlineAfter = Date.now() - killedAt;
    const offline = events.results.at(-1)!.data!.presenceChanged;
    expect(offline.status).toBe('OFFLINE');
    // The lease runs from the gateway's last message (at most a third of a lease before the kill);
    // the sweeper and the event's delivery add their share.
    expect(offlineAfter).toBeLessThan(leaseMs + 1_500);
    expect(Date.parse(offline.lastSeenAt)).toBeGreaterThan(killedAt - leaseMs);
    expect(Date.parse(offline.lastSeenAt)).toBeLessThanOrEqual(killedAt + leaseMs);
    expect(await statusOf(bob)).toBe('OFFLINE');
    // Carol also held a socket on the stack's gateway: still online, never announced offline.
    expect(await statusOf(carol)).toBe('ONLINE');
    expect(events.statuses(carol)).toEqual(['ONLINE']);
  });

  it('is right again within one lease after presence restarts, without flapping who stayed', async () => {
    const leaseMs = 3_000;
    const gateway = await stack.startGateway({ presence: { leaseMs } });
    const [alice, bob, carol] = await Promise.all([signUp(anonymous), signUp(anonymous), signUp(anonymous)]);
    const events = await watch([alice, bob, carol]);
    const live = await liveEvents([alice, bob, carol]);
    await connect(alice, gateway.url);
    const bobSocket = await connect(bob, gateway.url);
    await waitFor(() => events.statuses(alice).length === 1 && events.statuses(bob).length === 1);

    let restartedAt = 0;
    await stack.restartPresence(async () => {
      // While presence is down: Bob leaves and Carol arrives; only the gateway knows.
      await bobSocket.dispose();
      await connect(carol, gateway.url);
      restartedAt = Date.now();
    });
    await waitFor(
      () => events.statuses(bob).length === 2 && events.statuses(carol).length === 1,
      10_000,
      'bob offline and carol online',
    );
    expect(Date.now() - restartedAt).toBeLessThan(leaseMs);
    expect(events.statuses(bob)).toEqual(['ONLINE', 'OFFLINE']);
    expect(events.statuses(carol)).toEqual(['ONLINE']);
    expect([await statusOf(alice), await statusOf(bob), await statusOf(carol)]).toEqual([
      'ONLINE',
      'OFFLINE',
      'ONLINE',
    ]);
    // Alice stayed connected throughout: re-registered, not announced again.
    await gateway.presence!.settled();
    await live.settle();
    expect(live.count(alice)).toBe(1);
    await live.close();
  });

  it('announces each change once with two gateways and two presence processes, and one close of two keeps the user online', async () => {
    const secondPresence = await stack.startPresence();
    const [one, two] = await Promise.all([
      stack.startGateway(),
      stack.startGateway({ presence: { url: secondPresence.rpcUrl } }),
    ]);
    const dana = await signUp(anonymous, 'Dana');
    const events = await watch([dana]);
    const live = await liveEvents([dana]);
    const settled = async () => {
      await Promise.all([one.presence!.settled(), two.presence!.settled()]);
      await live.settle();
    };

    // Both opens race through different presence processes: one of them announces.
    const [viaOne, viaTwo] = await Promise.all([connect(dana, one.url), connect(dana, two.url)]);
    await settled();
    expect(live.count(dana)).toBe(1);

    await viaOne.dispose();
    await waitFor(() => one.presence!.connections === 0, 10_000, 'the gateway to see the close');
    await settled();
    expect(live.count(dana)).toBe(1);
    expect(await statusOf(dana)).toBe('ONLINE');

    await viaTwo.dispose();
    await waitFor(() => two.presence!.connections === 0, 10_000, 'the gateway to see the close');
    await settled();
    expect(live.count(dana)).toBe(2);
    expect(await statusOf(dana)).toBe('OFFLINE');
    await waitFor(() => events.statuses(dana).length === 2);
    expect(events.statuses(dana)).toEqual(['ONLINE', 'OFFLINE']);
    await live.close();
  });

  it('registers again when presence lost its state (Redis wiped), within one lease', async () => {
    const leaseMs = 1_500;
    const presence = await stack.startPresence();
    const gateway = await stack.startGateway({ presence: { url: presence.rpcUrl, leaseMs } });
    const erin = await signUp(anonymous);
    await connect(erin, gateway.url);
    await gateway.presence!.settled();
    expect(await statusOf(erin)).toBe('ONLINE');

    const redis = redisConnection(stack.config.redisUrl);
    const keys = await keysMatching(redis, `presence:{${stack.config.presenceTag}}:*`);
    await redis.del(...keys);
    redis.disconnect();
    expect(await statusOf(erin)).toBe('OFFLINE');
    const wipedAt = Date.now();
    // Its next renewal is refused (the session is unknown): it registers again with a snapshot.
    await waitFor(async () => (await statusOf(erin)) === 'ONLINE', 10_000, 'erin to be online again');
    expect(Date.now() - wipedAt).toBeLessThan(leaseMs + 1_000);
  });

  it('carries no per-socket traffic while sockets sit idle: lease renewals only', async () => {
    const presence = await stack.startPresence();
    const gateway = await stack.startGateway({ presence: { url: presence.rpcUrl, leaseMs: 1_500 } });
    const users = await Promise.all(Array.from({ length: 10 }, () => signUp(anonymous)));
    await Promise.all(users.map((user) => connect(user, gateway.url)));
    await gateway.presence!.settled();
    const before = await streamCounters(presence);
    expect(before.changes).toBe(10);

    // Three renewals at least (one per third of the lease), waited for on presence's counter.
    await waitFor(async () => (await streamCounters(presence)).batches >= before.batches + 3, 10_000);
    expect((await streamCounters(presence)).changes).toBe(before.changes);
  });
});
