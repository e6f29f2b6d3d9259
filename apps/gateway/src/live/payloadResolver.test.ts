import { appError, ErrorCode, type Identity, type IdentitySigner } from '@switchboard/core';
import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../context.ts';
import type { Federation } from '../federation/federation.ts';
import type { LiveEvent } from './liveEvent.ts';
import { createPayloadResolver, LiveRefusal, type PayloadRequest } from './payloadResolver.ts';
import type { SubscriptionPlan } from './subscriptionPlanner.ts';

/**
 * Events of one `share` id, on many channels: resolved once per selection, each subscriber given
 * the result with its own event's `own` values. A fake subgraph answers a per-device feed item:
 * `cursor` is the device's own, `item` is the same for every device.
 */
function fakeFeed(options: { likedByMe?: boolean; refuse?: string } = {}) {
  const calls: { identity: Identity; event: LiveEvent; variables: Record<string, unknown> }[] = [];
  const federation = {
    async execute(_plan: unknown, request: { context: GatewayContext; variables: Record<string, unknown> }) {
      const { identity, live } = request.context;
      const event = live!.event;
      calls.push({ identity, event, variables: request.variables });
      if (options.refuse && identity.delivery?.channel === options.refuse)
        return { errors: [appError(ErrorCode.NOT_FOUND, 'No such feed')] } as unknown as ExecutionResult;
      const cursor = `cursor of ${String(event['device'])}`;
      return {
        data: {
          feed: {
            cursor,
            at: cursor,
            item: {
              text: `item ${String(event['item'])}${request.variables['loud'] ? '!' : ''}`,
              likes: options.likedByMe === undefined ? [] : [{ likedByMe: options.likedByMe }],
            },
          },
        },
      };
    },
  } as unknown as Federation;
  const signer: IdentitySigner = { issuer: 'test', tokenFor: async () => 'token' };
  return { calls, federation, signer };
}

/** `feed { cursor at: cursor item { text likes { likedByMe } } }`, with `$loud` in the selection. */
const plan = {
  responseKey: 'feed',
  selectionVariables: ['loud'],
  viewerPaths: [['item', 'likes', 'likedByMe']],
  rootKeys: new Map([
    ['cursor', ['cursor', 'at']],
    ['item', ['item']],
  ]),
  payload: {},
  primary: {},
} as unknown as SubscriptionPlan;

const event = (device: string, share: string | undefined, item = 1): LiveEvent => ({
  type: 'feedItem',
  device,
  item,
  ...(share === undefined ? {} : { share, own: { cursor: `cursor of ${device}` } }),
});

const request = (device: string, share: string | undefined, variables = {}): PayloadRequest => ({
  plan,
  variables,
  event: event(device, share),
  channel: `feed:${device}`,
  subscriber: { userId: `user of ${device}`, deviceId: device },
});

const feedOf = (outcome: Awaited<ReturnType<ReturnType<typeof createPayloadResolver>['resolve']>>) => {
  if ('dropped' in outcome) throw new Error('dropped');
  return outcome.result.data!['feed'] as { cursor: string; at: string; item: unknown };
};

describe('payload resolver: share and own', () => {
  it('resolves a share once, as a follower of the first channel, and gives each device its own cursor', async () => {
    const { calls, federation, signer } = fakeFeed();
    const resolver = createPayloadResolver({ federation, signer });
    const devices = ['a', 'b', 'c'];
    const feeds = (await Promise.all(devices.map((d) => resolver.resolve(request(d, 's1'), true)))).map(
      feedOf,
    );

    expect(calls).toHaveLength(1);
    expect(calls[0]!.identity).toEqual({ userId: null, delivery: { channel: 'feed:a' } });
    for (const [i, device] of devices.entries()) {
      // Under every response key the selection gives the field (`cursor`, and its alias `at`).
      expect(feeds[i]).toMatchObject({ cursor: `cursor of ${device}`, at: `cursor of ${device}` });
      expect(feeds[i]!.item).toEqual({ text: 'item 1', likes: [] });
    }
    // The rest of the payload is the one shared object; no device's copy carries another's cursor.
    expect(feeds[1]!.item).toBe(feeds[0]!.item);
    expect(feeds[0]).not.toBe(feeds[1]);

    // A later event of the same share, on a fourth channel: the kept result.
    expect(feedOf(await resolver.resolve(request('d', 's1'), true)).cursor).toBe('cursor of d');
    expect(calls).toHaveLength(1);
  });

  it('resolves once per share and selection variables, and per channel without a share', async () => {
    const { calls, federation, signer } = fakeFeed();
    const resolver = createPayloadResolver({ federation, signer });
    const loud = await resolver.resolve(request('a', 's1', { loud: true }), true);
    const quiet = await resolver.resolve(request('b', 's1', { loud: false }), true);
    expect(feedOf(loud).item).toEqual({ text: 'item 1!', likes: [] });
    expect(feedOf(quiet)).toMatchObject({ cursor: 'cursor of b', item: { text: 'item 1', likes: [] } });
    expect(calls).toHaveLength(2);

    // No share: each channel's event resolved for its own channel, as before.
    await Promise.all(['a', 'b'].map((d) => resolver.resolve(request(d, undefined), true)));
    expect(calls.slice(2).map((call) => call.identity.delivery?.channel)).toEqual(['feed:a', 'feed:b']);
  });

  it('resolves per subscriber when the shared payload holds a @viewer value', async () => {
    const { calls, federation, signer } = fakeFeed({ likedByMe: true });
    const resolver = createPayloadResolver({ federation, signer });
    const feeds = (await Promise.all(['a', 'b'].map((d) => resolver.resolve(request(d, 's1'), true)))).map(
      feedOf,
    );
    expect(feeds.map((feed) => feed.cursor)).toEqual(['cursor of a', 'cursor of b']);
    // The shared resolution, then one as each subscriber with its own event.
    expect(calls.map((call) => call.identity)).toEqual([
      { userId: null, delivery: { channel: 'feed:a' } },
      { userId: 'user of a', deviceId: 'a' },
      { userId: 'user of b', deviceId: 'b' },
    ]);
    expect(calls[2]!.event['device']).toBe('b');
  });

  it('asks again as its own channel when the first channel was refused', async () => {
    const { calls, federation, signer } = fakeFeed({ refuse: 'feed:a' });
    const resolver = createPayloadResolver({ federation, signer });
    const first = resolver.resolve(request('a', 's1'), true);
    const second = resolver.resolve(request('b', 's1'), true);
    await expect(first).rejects.toBeInstanceOf(LiveRefusal);
    expect(feedOf(await second).cursor).toBe('cursor of b');
    expect(calls.map((call) => call.identity.delivery?.channel)).toEqual(['feed:a', 'feed:b']);
  });

  it('keeps a share a while after it settled, and a bounded number of them', async () => {
    const { calls, federation, signer } = fakeFeed();
    const resolver = createPayloadResolver({ federation, signer, shareKeepMs: 20, maxShares: 2 });
    await resolver.resolve(request('a', 's1'), true);
    await resolver.resolve(request('b', 's1'), true);
    expect(calls).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await resolver.resolve(request('c', 's1'), true);
    expect(calls).toHaveLength(2);

    // s1 is the oldest of three: forgotten for s3.
    await resolver.resolve(request('a', 's2'), true);
    await resolver.resolve(request('a', 's3'), true);
    await resolver.resolve(request('d', 's1'), true);
    expect(calls).toHaveLength(5);
  });
});
