import { generateKeyPairSync } from 'node:crypto';
import { GATEWAY_ISSUER, createIdentitySigner } from '@switchboard/core';
import { createRpcServer, type RunningRpcServer } from '@switchboard/rpc';
import { ConnectionChange_Kind, PresenceService, type ConnectRequest } from '@switchboard/rpc/presence/v1';
import { afterEach, describe, expect, it } from 'vitest';
import { createPresenceLink, type PresenceLink } from './presenceLink.ts';

const keys = generateKeyPairSync('ed25519');
const signer = createIdentitySigner({ issuer: GATEWAY_ISSUER, key: keys.privateKey });

/** A stand-in presence that records what each stream carries and acknowledges every batch. */
async function recordingPresence(port = 0) {
  const streams: ConnectRequest[][] = [];
  const server: RunningRpcServer = await createRpcServer({
    name: 'presence',
    trustedKeys: new Map([[GATEWAY_ISSUER, [keys.publicKey]]]),
    routes: (router) =>
      router.service(PresenceService, {
        async *connect(requests) {
          const received: ConnectRequest[] = [];
          streams.push(received);
          for await (const request of requests) {
            received.push(request);
            if (request.kind.case === 'register')
              yield { kind: { case: 'registered', value: { leaseMs: request.kind.value.leaseMs } } };
            if (request.kind.case === 'batch')
              yield { kind: { case: 'ack', value: { seq: request.kind.value.seq } } };
          }
        },
      }),
  }).listen(port);
  /** The changes received on stream `n`, as `KIND connection`. */
  const changes = (n = streams.length - 1) =>
    (streams[n] ?? []).flatMap((request) =>
      request.kind.case === 'batch'
        ? request.kind.value.changes.map((c) => `${ConnectionChange_Kind[c.kind]} ${c.connectionId}`)
        : [],
    );
  return { server, streams, changes };
}

const links: PresenceLink[] = [];
const servers: RunningRpcServer[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((link) => link.stop()));
  await Promise.all(servers.splice(0).map((server) => server.close(100)));
});

function link(url: string, options: { maxBatch?: number } = {}) {
  const created = createPresenceLink({ url, signer, leaseMs: 3_000, batchMs: 50, log: () => {}, ...options });
  links.push(created);
  created.start();
  return created;
}

describe('the presence link', () => {
  it('coalesces per connection: nothing for a socket that came and went, one ACTIVE per batch', async () => {
    const presence = await recordingPresence();
    servers.push(presence.server);
    const gateway = link(presence.server.url);
    await gateway.settled();

    gateway.opened('u1', 'brief');
    gateway.closed('u1', 'brief');
    gateway.opened('u2', 'c2');
    for (let i = 0; i < 5; i += 1) gateway.active('u2', 'c2');
    await gateway.settled();
    expect(presence.changes()).toEqual(['OPENED c2']);

    for (let i = 0; i < 5; i += 1) gateway.active('u2', 'c2');
    await gateway.settled();
    expect(presence.changes()).toEqual(['OPENED c2', 'ACTIVE c2']);

    gateway.active('u2', 'c2');
    gateway.closed('u2', 'c2');
    await gateway.settled();
    expect(presence.changes()).toEqual(['OPENED c2', 'ACTIVE c2', 'CLOSED c2']);
  });

  it('re-registers every connection it holds after presence restarts, as one snapshot', async () => {
    const first = await recordingPresence();
    const port = first.server.port;
    const gateway = link(first.server.url, { maxBatch: 2 });
    for (const id of ['a', 'b', 'c']) gateway.opened(`user-${id}`, id);
    gateway.closed('user-b', 'b');
    await gateway.settled();
    expect(first.changes()).toEqual(['OPENED a', 'OPENED c']);
    await first.server.close(100);

    // Changes made while presence is away reach it through the snapshot.
    gateway.opened('user-d', 'd');
    gateway.opened('user-e', 'e');
    gateway.closed('user-a', 'a');
    const second = await recordingPresence(port);
    servers.push(second.server);
    await expect.poll(() => second.streams.length, { timeout: 5_000 }).toBe(1);
    await gateway.settled();
    const [register, ...batches] = second.streams[0]!;
    expect(register!.kind).toMatchObject({ case: 'register', value: { gatewayId: gateway.gatewayId } });
    expect(second.changes(0)).toEqual(['OPENED c', 'OPENED d', 'OPENED e']);
    // In chunks of maxBatch; the last chunk says the snapshot is complete.
    const flags = batches.map((b) => (b.kind.case === 'batch' ? b.kind.value.snapshotComplete : null));
    expect(flags.slice(0, 2)).toEqual([false, true]);
  });
});
