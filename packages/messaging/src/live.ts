import { defaultLog } from '@switchboard/observability';
import { LiveUnavailableError } from './liveUnavailableError.ts';
import { isCluster, redisConnection } from './redis.ts';

/**
 * Live events (architecture.md, principle 2): Redis pub/sub, at most once, fast. Losing one never loses
 * data: clients catch up by `seq`. Subgraphs publish them after their transaction commits, on the
 * channels their @live directives name; the gateway turns them into subscription payloads. An
 * event may carry `data`: the committed value of the field it feeds, as its owner would answer
 * it (no viewer-dependent field in it), so the gateway need not ask the owner again. An event may
 * carry `accessVersion`: the version of its channel's access (a chat's membership) in the change's
 * transaction; a gateway that granted access at an older one checks again before delivering it.
 */
export type LiveEvent =
  | {
      type: 'messageAdded';
      chatId: string;
      messageId: string;
      seq: number;
      accessVersion?: number;
      data?: object;
    }
  | { type: 'messageUpdated'; chatId: string; messageId: string; accessVersion?: number; data?: object }
  | {
      type: 'receiptUpdated';
      chatId: string;
      userId: string;
      deliveredSeq: number;
      readSeq: number;
      accessVersion?: number;
      data?: object;
    }
  | {
      type: 'typing';
      chatId: string;
      userId: string;
      isTyping: boolean;
      accessVersion?: number;
      data?: object;
    }
  | { type: 'presenceChanged'; userId: string }
  /** A call's signalling for one participant (`calls:<user id>`): only ever the other side's. */
  | {
      type: 'callEvent';
      callId: string;
      to: string;
      kind: 'INCOMING' | 'ANSWERED' | 'ICE_CANDIDATE' | 'ENDED';
      sdp: string | null;
      candidate: string | null;
      data?: object;
    }
  /**
   * A device's inbox has an entry at `pos` (`inbox:<device id>`): the store has it, this says
   * "look". `share` is the same for every device's entry of one item (resolved once by the
   * gateway), `own` what differs per device (its cursor).
   */
  | {
      type: 'inbox';
      deviceId: string;
      pos: number;
      share?: string;
      own?: { cursor: string };
      data?: object;
    }
  /** The gateway's own protocol: a subscriber gained or lost a channel (`@live(revokedOn:)`). */
  | { type: 'liveAccess'; channel: string; granted: boolean; after?: number }
  /** The gateway's own protocol: an entity's `@cached` fields changed; cached values are dropped. */
  | { type: 'entityChanged'; typename: string; id: string }
  /** The gateway's own protocol: a device was revoked; its tokens are refused and its sockets closed. */
  | { type: 'deviceRevoked'; userId: string; deviceId: string };

/** Channel names as the @live directives write them (`chat:{chatId}`); Redis adds `live:`. */
export const liveChannel = {
  chat: (chatId: string) => `chat:${chatId}`,
  user: (userId: string) => `user:${userId}`,
  presence: (userId: string) => `presence:${userId}`,
  calls: (userId: string) => `calls:${userId}`,
  /** Where owners announce entity changes to the gateways' entity caches. */
  entities: 'entities',
  /** Where users announces revoked devices to every gateway. */
  deviceRevoked: 'device:revoked',
};

/**
 * Tells every gateway that an entity's `@cached` fields changed (after the change committed): its
 * cached values are dropped. The owner's domain event of the change heals a lost one (the worker
 * announces it again).
 */
export const announceEntityChanged = (publisher: LivePublisher, typename: string, id: string) =>
  publisher.publish(liveChannel.entities, { type: 'entityChanged', typename, id });

/**
 * Tells every gateway that a device was revoked (after the revocation committed): each refuses its
 * token at once and closes its sockets. A gateway that misses it refuses the device once its
 * remembered answer expires (USER_CHECK_TTL_MS).
 */
export const announceDeviceRevoked = (publisher: LivePublisher, userId: string, deviceId: string) =>
  publisher.publish(liveChannel.deviceRevoked, { type: 'deviceRevoked', userId, deviceId });

/** Where live events live in Redis: the gateway listens under the same prefix. */
export const LIVE_CHANNEL_PREFIX = 'live:';

export interface LivePublisher {
  publish(channel: string, event: LiveEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishing never fails the caller's request: the state is committed already, and a lost live
 * event is caught up by `seq`. On a Redis Cluster it is SPUBLISH (sharded pub/sub, Redis 7): the
 * channel lives on the master of its slot, so an event crosses the cluster bus once, to that
 * shard's nodes, instead of being broadcast to every node as PUBLISH is.
 */
export function createLivePublisher(
  redisUrl: string,
  log: (message: string, error?: unknown) => void = defaultLog({ component: 'live-publisher' }),
): LivePublisher {
  const redis = redisConnection(redisUrl, { maxRetriesPerRequest: 1 });
  const sharded = isCluster(redis);
  return {
    async publish(channel, event) {
      const name = LIVE_CHANNEL_PREFIX + channel;
      const text = JSON.stringify(event);
      try {
        await (sharded ? redis.spublish(name, text) : redis.publish(name, text));
      } catch (error) {
        log(`live event ${event.type} not published`, error);
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * The gateway's side of live events: `listen` holds one Redis subscription per channel for this
 * process however many listeners it has, resolves once Redis confirmed it, and hands every
 * listener of a channel the same parsed event object (the gateway shares one resolution of an
 * event between them by that identity). `onReconnect` listeners run when the subscriptions came
 * back after a loss (Redis restarted, a master failed over): events may have been lost meanwhile.
 */
export interface LiveSubscriber {
  listen(channel: string, listener: (event: unknown) => void): Promise<() => void>;
  onReconnect(listener: () => void): void;
  /** Whether its connection to Redis is up now (the gateway's `/ready`). */
  connected(): boolean;
  close(): Promise<void>;
}

/** After a cluster's subscribers were reset, how long things must stay quiet before "reconnected". */
const SETTLE_MS = 500;

/**
 * SUBSCRIBE on a single Redis; SSUBSCRIBE on a Redis Cluster, through ioredis' sharded
 * subscribers (one connection per master, each channel on the master of its slot, moved to the
 * promoted replica when a master fails over). graphql-redis-subscriptions, used before, only
 * speaks SUBSCRIBE/PSUBSCRIBE.
 */
export function createLiveSubscriber(
  redisUrl: string,
  log: (message: string, error?: unknown) => void = defaultLog({ component: 'live-subscriber' }),
  options: {
    /**
     * How long `listen` waits for Redis to confirm a new channel (default 5 s); past it, it
     * rejects with LiveUnavailableError. A single Redis that is down would otherwise hold every
     * new subscription until it is back.
     */
    listenTimeoutMs?: number;
  } = {},
): LiveSubscriber {
  const listenTimeoutMs = options.listenTimeoutMs ?? 5_000;
  const redis = redisConnection(redisUrl, {}, { shardedSubscribers: true });
  const sharded = isCluster(redis);
  const channels = new Map<string, { listeners: Set<(event: unknown) => void>; subscribed: Promise<void> }>();
  let closed = false;

  redis.on(sharded ? 'smessage' : 'message', (name: string, text: string) => {
    const entry = channels.get(name);
    if (!entry) return;
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (error) {
      log(`live event on ${name} is not JSON; dropped`, error);
      return;
    }
    for (const listener of entry.listeners) {
      try {
        listener(event);
      } catch (error) {
        log(`live listener of ${name} failed`, error);
      }
    }
  });

  // One SUBSCRIBE for every channel asked for in the same turn of the event loop: a burst of new
  // sockets asks for thousands, one command each (an A/B at 6,000 sockets: ~3% of the gateway's
  // CPU per socket and ~30% of Redis's). A cluster's SSUBSCRIBE goes channel by channel, below:
  // its channels live on different shards.
  // It is sent once the connection is ready: ioredis writes a SUBSCRIBE at once while its ready
  // check still runs (the command may run while Redis loads), and the check's INFO then fails on a
  // connection in subscriber mode. Before connecting, or while reconnecting, it would queue it.
  const ready = () =>
    redis.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const onReady = () => {
            redis.off('end', onEnd);
            resolve();
          };
          const onEnd = () => {
            redis.off('ready', onReady);
            reject(new Error('the live subscriber was closed'));
          };
          redis.once('ready', onReady);
          redis.once('end', onEnd);
        });
  let batch: { names: string[]; done: Promise<unknown> } | undefined;
  function subscribeBatched(name: string): Promise<unknown> {
    if (!batch) {
      const names: string[] = [];
      const done = new Promise((resolve, reject) =>
        setImmediate(() => {
          batch = undefined;
          ready()
            .then(() => redis.subscribe(...names))
            .then(resolve, reject);
        }),
      );
      batch = { names, done };
    }
    batch.names.push(name);
    return batch.done;
  }

  async function subscribe(name: string, entry: object): Promise<void> {
    if (!sharded) {
      await subscribeBatched(name);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await redis.ssubscribe(name);
        return;
      } catch (error) {
        // A cluster refuses an SSUBSCRIBE while the channel's master is down: try again until it
        // is promoted or nobody listens. (A single Redis queues a SUBSCRIBE until it is back.)
        if (closed || channels.get(name) !== entry) throw error;
        if (attempt === 1) log(`SSUBSCRIBE ${name} refused; retrying`, error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(attempt * 100, 1000)));
      }
    }
  }

  const reconnectListeners: (() => void)[] = [];
  const reconnected = () => {
    for (const listener of reconnectListeners) listener();
  };
  if (sharded) {
    // ioredis resets its sharded subscribers (and subscribes them again) after a master was lost,
    // sometimes many times in a row while a failover runs: report once things stay settled.
    let lost = false;
    let settle: NodeJS.Timeout | undefined;
    const markLost = () => {
      lost = true;
    };
    redis.on('-subscriber', markLost);
    redis.on('reconnecting', markLost);
    redis.on('subscribersReady', () => {
      if (!lost) return;
      clearTimeout(settle);
      settle = setTimeout(() => {
        lost = false;
        if (!closed) reconnected();
      }, SETTLE_MS);
      settle.unref();
    });
  } else {
    let connectedBefore = redis.status === 'ready';
    redis.on('ready', () => {
      if (connectedBefore) reconnected();
      connectedBefore = true;
    });
  }

  return {
    async listen(channel, listener) {
      const name = LIVE_CHANNEL_PREFIX + channel;
      let entry = channels.get(name);
      if (!entry) {
        const created = { listeners: new Set<(event: unknown) => void>(), subscribed: Promise.resolve() };
        channels.set(name, created);
        created.subscribed = subscribe(name, created).then(
          () => {
            // Given up on (its listeners timed out) before Redis confirmed it: nobody follows it.
            if (!closed && !channels.has(name))
              (sharded ? redis.sunsubscribe(name) : redis.unsubscribe(name)).catch((error: unknown) =>
                log(`unsubscribing ${name} failed`, error),
              );
          },
          (error: unknown) => {
            if (channels.get(name) === created) channels.delete(name);
            throw error;
          },
        );
        entry = created;
      }
      entry.listeners.add(listener);
      const current = entry;
      let deadline: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          current.subscribed,
          new Promise<never>((_resolve, reject) => {
            deadline = setTimeout(
              () => reject(new LiveUnavailableError(channel, listenTimeoutMs)),
              listenTimeoutMs,
            );
          }),
        ]);
      } catch (error) {
        current.listeners.delete(listener);
        if (current.listeners.size === 0 && channels.get(name) === current) channels.delete(name);
        throw error;
      } finally {
        clearTimeout(deadline);
      }
      return () => {
        if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
        if (channels.get(name) !== current) return;
        channels.delete(name);
        if (closed) return;
        (sharded ? redis.sunsubscribe(name) : redis.unsubscribe(name)).catch((error: unknown) =>
          log(`unsubscribing ${name} failed`, error),
        );
      };
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    connected: () => redis.status === 'ready',
    async close() {
      closed = true;
      redis.disconnect();
    },
  };
}

/**
 * The live events one request's mutation announces. They wait here until the mutation succeeded
 * (a subgraph's resolvers.ts), so a subscriber never hears of a change that rolled back or failed
 * half-way.
 */
export interface LiveQueue {
  /** Queues an event of the running mutation; call it after the change committed. */
  publishAfterCommit(channel: string, event: LiveEvent): void;
  /** Publishes what was queued, in order (PUBLISHes go out on one connection, in call order). */
  flush(): Promise<void>;
  /** Forgets what was queued (the mutation failed). */
  discard(): void;
}

export function createLiveQueue(publisher: LivePublisher): LiveQueue {
  let pending: [string, LiveEvent][] = [];
  return {
    publishAfterCommit(channel, event) {
      pending.push([channel, event]);
    },
    async flush() {
      const events = pending;
      pending = [];
      await Promise.all(events.map(([channel, event]) => publisher.publish(channel, event)));
    },
    discard() {
      pending = [];
    },
  };
}
