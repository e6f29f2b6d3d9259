import { randomUUID } from 'node:crypto';
import type { RunningGateway } from '@switchboard/gateway';
import { createLiveSubscriber, liveChannel } from '@switchboard/messaging';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp } from './support/client.ts';
import { countingProxy } from './support/proxy.ts';
import { SUBGRAPHS, startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/wait.ts';

/**
 * The gateway's entity cache (architecture.md, principle 8): `@cached` fields are fetched once per
 * entity, kept until the owner announces a change (never a stale value after it), shared by
 * gateways through Redis, kept per caller where access is per caller, and never for fields that
 * depend on the viewer.
 */

type User = Awaited<ReturnType<typeof signUp>>;
type Proxy = Awaited<ReturnType<typeof countingProxy>>;

let stack: Stack;
let anonymous: Client;
const proxies: Proxy[] = [];

beforeAll(async () => {
  stack = await startStack();
  anonymous = new Client(stack.gateway.url);
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

/** A gateway whose subgraph requests are counted, per subgraph. */
async function countedGateway(): Promise<{ gateway: RunningGateway; counts: Record<string, Proxy> }> {
  const counted = await Promise.all(SUBGRAPHS.map((name) => countingProxy(stack.subgraphs[name].url)));
  proxies.push(...counted);
  const gateway = await stack.startGateway({
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name, i) => [name, counted[i]!.url])),
  });
  return { gateway, counts: Object.fromEntries(SUBGRAPHS.map((name, i) => [name, counted[i]!])) };
}

async function chatWith(alice: User, bob: User): Promise<string> {
  return (await alice.client.data('CreateDirectChat', { userId: bob.id })).createDirectChat.id;
}

const history = (client: Client, gateway: RunningGateway, chatId: string) =>
  new Client(gateway.url, client.token).data<{
    chat: {
      messages: { edges: { node: { sender: { displayName: string }; attachments: { status: string }[] } }[] };
    };
  }>('ChatHistory', { chatId, last: 10 });

const senders = (result: Awaited<ReturnType<typeof history>>) =>
  result.chat.messages.edges.map((edge) => edge.node.sender.displayName);

describe('the entity cache', () => {
  it('fetches a cached field once per entity, and again only after its owner announced a change', async () => {
    const { gateway, counts } = await countedGateway();
    const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    const chatId = await chatWith(alice, bob);
    await alice.client.data('SendMessage', { input: { chatId, clientId: randomUUID(), body: 'hi' } });

    expect(senders(await history(bob.client, gateway, chatId))).toEqual(['Alice']);
    const before = counts['users']!.requests();
    expect(senders(await history(bob.client, gateway, chatId))).toEqual(['Alice']);
    expect(counts['users']!.requests()).toBe(before); // from the cache
    expect(senders(await history(alice.client, gateway, chatId))).toEqual(['Alice']);
    expect(counts['users']!.requests()).toBe(before); // public fields: shared between callers

    await alice.client.data('UpdateProfile', { input: { displayName: 'Alice Liddell' } });
    // Announced after commit: the next read is fresh, with no stale window to wait out.
    expect(senders(await history(bob.client, gateway, chatId))).toEqual(['Alice Liddell']);
    expect(counts['users']!.requests()).toBe(before + 1);
  });

  it('is shared by gateways through Redis, and an announced change reaches every gateway', async () => {
    const [first, second] = [await countedGateway(), await countedGateway()];
    const [alice, bob] = await Promise.all([signUp(anonymous, 'Ann'), signUp(anonymous, 'Ben')]);
    const chatId = await chatWith(alice, bob);
    await alice.client.data('SendMessage', { input: { chatId, clientId: randomUUID(), body: 'hi' } });
    await history(bob.client, first.gateway, chatId);
    const before = second.counts['users']!.requests();
    expect(senders(await history(bob.client, second.gateway, chatId))).toEqual(['Ann']);
    expect(second.counts['users']!.requests()).toBe(before); // filled by the first gateway

    await alice.client.data('UpdateProfile', { input: { displayName: 'Anne' } });
    for (const { gateway } of [first, second])
      expect(senders(await history(bob.client, gateway, chatId))).toEqual(['Anne']);
  });

  it('keeps per-caller fields per caller, and never caches a field that depends on the viewer', async () => {
    const { gateway, counts } = await countedGateway();
    const [alice, bob, carol] = await Promise.all([signUp(anonymous), signUp(anonymous), signUp(anonymous)]);
    const groupId = (
      await alice.client.data('CreateGroup', { input: { title: 'Pics', memberIds: [bob.id, carol.id] } })
    ).createGroup.id;
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#09f' } })
      .png()
      .toBuffer();
    const created = await alice.client.data<{ createUpload: { uploadUrl: string; media: { id: string } } }>(
      'CreateUpload',
      { input: { fileName: 'a.png', mimeType: 'image/png', byteSize: png.length } },
    );
    const mediaId = created.createUpload.media.id;
    // A Media's change reaches the entity caches three times: the upload (from its domain event),
    // processing (live after commit) and processing again (from its domain event, through the
    // outbox and the worker, healing a lost live one). Counted so the reads below come after all.
    const live = createLiveSubscriber(stack.config.redisUrl);
    let announced = 0;
    const stopListening = await live.listen(liveChannel.entities, (event) => {
      const { typename, id } = event as { typename?: string; id?: string };
      if (typename === 'Media' && id === mediaId) announced += 1;
    });
    await fetch(created.createUpload.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    // chats accepts it once it heard of the upload (MediaCreated).
    await waitFor(
      async () =>
        !(
          await alice.client.op('SendMessage', {
            input: { chatId: groupId, clientId: `pic-${mediaId}`, attachmentIds: [mediaId] },
          })
        ).errors,
      15_000,
      'chats to accept the attachment',
    );
    // Processing announces READY before chats tells anyone: a reader never sees a stale status.
    await waitFor(
      async () =>
        (await history(bob.client, gateway, groupId)).chat.messages.edges[0]?.node.attachments[0]?.status ===
        'READY',
      15_000,
      'the image to be READY',
    );
    await waitFor(() => announced >= 3, 15_000, "media's changes announced live and from its events");
    stopListening();
    await live.close();
    await history(bob.client, gateway, groupId);
    const media = counts['media']!;
    const before = media.requests();
    await history(bob.client, gateway, groupId);
    expect(media.requests()).toBe(before); // bob's own cached view
    await history(carol.client, gateway, groupId);
    expect(media.requests()).toBe(before + 1); // carol's access is checked for carol

    // presence's fields depend on the viewer (lastSeenAt): fetched on every read.
    const presence = counts['presence']!;
    const findAlice = () =>
      new Client(gateway.url, bob.client.token).data('FindUser', { username: alice.username });
    await findAlice();
    const seen = presence.requests();
    await findAlice();
    expect(presence.requests()).toBe(seen + 1);
  });
});
