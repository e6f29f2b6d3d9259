import {
  ErrorCode,
  badInput,
  forbidden,
  unauthenticated,
  type Identity,
  type IdentitySigner,
} from '@switchboard/core';
import { contextFor } from '../context.ts';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Federation, OperationPlan } from '../federation/federation.ts';
import type { LiveBus } from './liveBus.ts';
import { KEYS_ALIAS, liveOperations } from './liveOperations.ts';
import { channelOf, hasPlaceholder, keyOf, type Subscriber } from './liveSchema.ts';
import { OrderedStream, RETRY_DELAYS, type Ordered, type OrderedStreamOptions } from './orderedStream.ts';
import type { LiveAccessEvent, LiveEvent } from './liveEvent.ts';
import { LiveRefusal, isRefusal, rootError, type PayloadResolver } from './payloadResolver.ts';
import type { Reconciler } from './reconciler.ts';
import {
  CAUGHT_UP_ALIAS,
  INITIAL_ALIAS,
  INITIAL_ARGUMENT,
  ORDER_ALIAS,
  REPLAY_ALIAS,
  type SubscriptionPlan,
} from './subscriptionPlanner.ts';

/** What every live subscription of a gateway shares. */
export interface LiveSubscriptionDeps {
  bus: LiveBus;
  federation: Federation;
  resolver: PayloadResolver;
  reconciler: Reconciler;
  signer: IdentitySigner;
  /** Resolve each event once per selection and channel for every subscriber (true), or per subscriber. */
  shareResolution: boolean;
  /** Payloads a subscription may have waiting for its socket before it counts as too slow. */
  maxQueued: number;
  /** Payloads per replay execution. */
  replayPageSize: number;
  log(message: string, error?: unknown): void;
}

export interface LiveSubscriptionRequest {
  plan: SubscriptionPlan;
  /** The operation's coerced variables, and the root field's argument values. */
  variables: Record<string, unknown>;
  args: Record<string, unknown>;
  /** The subscriber's user (`{viewer}`). */
  viewer: string;
  /** The subscriber's device (`{device}`), when its token names one. */
  device?: string;
  /** The access plan of the field (LiveAccess), when it has one. */
  access?: OperationPlan;
  /** Called when the subscriber's buffer overflows (the socket is then closed). */
  onOverflow(): void;
  /** Called once when the subscription ends, however it ends. */
  onEnd?(): void;
}

const isAccessEvent = (event: LiveEvent): event is LiveEvent & LiveAccessEvent =>
  event.type === 'liveAccess' &&
  typeof event['channel'] === 'string' &&
  typeof event['granted'] === 'boolean';

const toList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** One item of an access answer: a bare key, or `{ key, after?, version? }`. */
function grantOf(item: unknown): { key: string; after?: number; version?: number } {
  if (typeof item !== 'object' || item === null) return { key: String(item) };
  const { key, after, version } = item as Record<string, unknown>;
  return {
    key: String(key),
    ...(typeof after === 'number' ? { after } : {}),
    ...(typeof version === 'number' ? { version } : {}),
  };
}

/**
 * The items of a list the gateway asked for under `alias` (a replay page, what is owed at
 * subscribe), or the one item (the caught-up payload), each with its errors moved under the
 * subscription's response key. No value at all is a refusal (the subscriber may not have it) or a
 * failure.
 */
function payloadsOf(
  result: ExecutionResult,
  alias: string,
  responseKey: string,
  what: string,
): { item: Record<string, unknown>; errors: GraphQLFormattedError[] }[] {
  const value = result.data?.[alias] as
    Record<string, unknown>[] | Record<string, unknown> | null | undefined;
  const errors = (result.errors ?? []) as unknown as GraphQLFormattedError[];
  if (!value) {
    // A refusal ends the subscription; anything else (a subgraph unavailable or slow for a
    // moment) is tried again: on the next event or reconcile for a replay.
    const refusal = rootError(errors[0]);
    const code = refusal.extensions['code'] as string;
    if (isRefusal(code)) throw new LiveRefusal(refusal);
    // SERVICE_UNAVAILABLE and the like keep their code (a client subscribing is told to retry).
    if (code !== ErrorCode.INTERNAL_SERVER_ERROR) throw refusal;
    throw new Error(`${what} failed: ${errors[0]?.message ?? 'no data'}`);
  }
  // An item's errors are those under `alias` (and its index, in a list).
  const list = Array.isArray(value);
  return (list ? value : [value]).map((item, index) => ({
    item,
    errors: errors.flatMap((error) =>
      error.path?.[0] === alias && (!list || error.path[1] === index)
        ? [{ ...error, path: [responseKey, ...error.path.slice(list ? 2 : 1)] }]
        : [],
    ),
  }));
}

const payloadOf = (
  responseKey: string,
  value: unknown,
  errors: GraphQLFormattedError[],
): ExecutionResult => ({
  data: { [responseKey]: value },
  ...(errors.length ? { errors: errors as unknown as ExecutionResult['errors'] } : {}),
});

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * One subscription to a live field for one subscriber, run from its directives alone: checks
 * access, follows the channels it grants (and, for a field without a fixed key, those granted
 * later), ends with FORBIDDEN when a fixed one is revoked, replays from a cursor and keeps each
 * channel in order (OrderedStream), and turns events into payloads (PayloadResolver).
 *
 * It is itself the stream of its payloads (the async iterator graphql-ws reads), with a bounded
 * queue for a socket that reads slower than events come; `fail` ends it with an error (its token
 * expired) after what is queued, and `dispose` releases what it listens to even if its payloads
 * were never read (the socket closed before the first one). A class rather than closures: an idle
 * socket holds one of these per subscription, so its methods are shared and its state is a few
 * fields.
 */
export class LiveSubscription
  implements AsyncIterableIterator<ExecutionResult>, OrderedStreamOptions<LiveEvent, ExecutionResult>
{
  private readonly plan: SubscriptionPlan;
  /** Who the gateway asks as (access, replay): the subscriber, with its device. */
  private readonly identity: Identity;
  /** What fills the channel templates' `{viewer}` and `{device}`. */
  private readonly subscriber: Subscriber;
  /** A null key argument follows every key access grants, now and later. */
  private readonly open: boolean;
  private readonly stream: OrderedStream<LiveEvent, ExecutionResult> | undefined;
  /** Followed channels, and how to stop following each (null while it is being set up). */
  private readonly followed = new Map<string, (() => void) | null>();
  /** Per followed key, the access version it was granted at (when access said, or a check did). */
  private readonly versions = new Map<string, number>();
  /** Per key, the access check under way and the event version it answers for. */
  private readonly checks = new Map<string, { version: number; granted: Promise<boolean> }>();
  private stopAccess: (() => void) | undefined;
  /** Unordered fields: one event after another, in the order they arrived. */
  private tail: Promise<void> = Promise.resolve();
  private lastKey: string | undefined;
  private lastChannel = '';
  /** Payloads the socket has not taken yet (at most `deps.maxQueued`). */
  private queue: ExecutionResult[] | undefined;
  /** A `next()` waiting for a payload. */
  private waiting:
    { resolve(result: IteratorResult<ExecutionResult>): void; reject(error: unknown): void } | undefined;
  private failure: { error: unknown } | undefined;
  /** Listens to nothing any more. */
  private ended = false;
  /** The stream is over (its queue, and its failure if any, were taken or dropped). */
  private finished = false;

  constructor(
    private readonly deps: LiveSubscriptionDeps,
    private readonly request: LiveSubscriptionRequest,
  ) {
    this.plan = request.plan;
    const argument = this.plan.live.channel.argument;
    this.open =
      argument !== undefined && (request.args[argument] === null || request.args[argument] === undefined);
    this.subscriber = {
      viewer: request.viewer,
      ...(request.device === undefined ? {} : { device: request.device }),
    };
    this.identity = {
      userId: request.viewer,
      ...(request.device === undefined ? {} : { deviceId: request.device }),
    };
    this.stream = this.plan.live.replay ? new OrderedStream<LiveEvent, ExecutionResult>(this) : undefined;
  }

  // The stream graphql-ws reads.

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.settle();
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.dispose();
    return Promise.resolve(DONE);
  }

  /** Ends the subscription: it listens to nothing more, and its stream ends now. */
  dispose(): void {
    this.end();
    this.finished = true;
    this.queue = undefined;
    this.settle();
  }

  /** Ends the subscription with an error, which its stream throws after the payloads queued. */
  fail(error: unknown): void {
    if (this.ended || this.failure) return;
    this.failure = { error: error instanceof LiveRefusal ? error.error : error };
    this.end();
    this.settle();
  }

  /** Answers a waiting `next()`, if there is something to answer now. */
  private settle(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    const queued = this.queue?.shift();
    if (queued) {
      this.waiting = undefined;
      waiting.resolve({ value: queued, done: false });
    } else if (this.ended || this.finished) {
      this.waiting = undefined;
      const failure = this.finished ? undefined : this.failure;
      this.finished = true;
      if (failure) waiting.reject(failure.error);
      else waiting.resolve(DONE);
    }
  }

  emit(result: ExecutionResult): void {
    if (this.ended) return;
    const queue = (this.queue ??= []);
    if (queue.length >= this.deps.maxQueued) {
      this.fail(new Error('subscriber too slow'));
      this.request.onOverflow();
      return;
    }
    queue.push(result);
    this.settle();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopAccess?.();
    for (const channel of [...this.followed.keys()]) this.unfollow(channel);
    this.request.onEnd?.();
  }

  // OrderedStream's side.

  get pageSize(): number {
    return this.deps.replayPageSize;
  }

  log(message: string, error?: unknown): void {
    this.deps.log(message, error);
  }

  /** One page of stored payloads after `after`, resolved in one execution, as the subscriber. */
  async replay(key: string, after: number): Promise<Ordered<ExecutionResult>[]> {
    const { plan } = this;
    const result = await this.execute(plan.replay!, {
      ...this.selection(),
      _liveKey: key,
      _liveCursor: after,
      _liveFirst: this.deps.replayPageSize,
    });
    const channel = this.channelFor(key);
    return payloadsOf(result, REPLAY_ALIAS, plan.responseKey, `replay of ${plan.live.field}`).map(
      ({ item: { [ORDER_ALIAS]: order, ...payload }, errors }) => {
        this.deps.reconciler.seen(channel, order as number);
        return { order: order as number, payload: payloadOf(plan.responseKey, payload, errors) };
      },
    );
  }

  /**
   * The payload that closes a key's first catch-up (`@liveReplay(caughtUp:)`), as the subscriber,
   * with its selection; null when the field has none.
   */
  async caughtUp(key: string, after: number, backlog: number): Promise<ExecutionResult | null> {
    const { plan } = this;
    if (!plan.caughtUp) return null;
    const result = await this.execute(plan.caughtUp, {
      ...this.selection(),
      _liveKey: key,
      _liveCursor: after,
      _liveBacklog: backlog,
    });
    const { item, errors } = payloadsOf(
      result,
      CAUGHT_UP_ALIAS,
      plan.responseKey,
      `caughtUp of ${plan.live.field}`,
    )[0]!;
    return payloadOf(plan.responseKey, item, errors);
  }

  /** The payload of a live event, or null when it could not be had for now. */
  async resolve(key: string, event: LiveEvent): Promise<ExecutionResult | null> {
    const { plan, request } = this;
    const outcome = await this.deps.resolver.resolve(
      {
        plan,
        variables: request.variables,
        event,
        channel: this.channelFor(key),
        subscriber: this.identity,
      },
      this.deps.shareResolution,
    );
    return 'dropped' in outcome ? null : outcome.result;
  }

  // Following channels.

  private channelFor(key: string): string {
    // Every event resolved asks this again; the last answer is kept (one key, for a large group's
    // thousand subscribers and for a per-device channel's bursts).
    if (key === this.lastKey) return this.lastChannel;
    const { channel } = this.plan.live;
    const name = channelOf(channel, {
      ...this.subscriber,
      ...(channel.keyName ? { [channel.keyName]: key } : {}),
    });
    this.lastKey = key;
    this.lastChannel = name;
    return name;
  }

  private execute(planned: OperationPlan, variables: Record<string, unknown>) {
    return this.deps.federation.execute(planned, {
      context: contextFor(this.identity, this.deps.signer),
      variables,
    });
  }

  /** The subscriber's selection variables, which the gateway's own operations carry too. */
  private selection(): Record<string, unknown> {
    return Object.fromEntries(
      this.plan.selectionVariables.map((name) => [name, this.request.variables[name]]),
    );
  }

  /** What the subscriber is owed at subscribe (`@live(initial:)`), as the subscriber. */
  private async initialPayloads(): Promise<ExecutionResult[]> {
    const { plan, request } = this;
    const result = await this.execute(plan.initial!, {
      ...this.selection(),
      ...Object.fromEntries(
        plan.live.initial!.arguments.map(({ name }) => [
          `${INITIAL_ARGUMENT}${name}`,
          request.args[name] ?? null,
        ]),
      ),
    });
    return payloadsOf(result, INITIAL_ALIAS, plan.responseKey, `initial of ${plan.live.field}`).map(
      ({ item, errors }) => payloadOf(plan.responseKey, item, errors),
    );
  }

  /** The first order stored after `after` on a channel, asked as a follower of that channel. */
  private async headOf(key: string, channel: string, after: number): Promise<number | null> {
    const head = liveOperations(this.deps.federation, this.plan.live).head()!;
    const delivery: Identity = { userId: null, delivery: { channel } };
    const result = await this.deps.federation.execute(head, {
      context: contextFor(delivery, this.deps.signer),
      variables: { _liveKey: key, _liveCursor: after },
    });
    const items = result.data?.[REPLAY_ALIAS] as { [ORDER_ALIAS]: number }[] | undefined;
    if (!items) throw new Error(`head of ${channel} failed: ${result.errors?.[0]?.message ?? 'no data'}`);
    return items[0]?.[ORDER_ALIAS] ?? null;
  }

  /** An unordered field's event: delivered after the ones before it, if access still holds. */
  private deliver(key: string, channel: string, event: LiveEvent): void {
    this.tail = this.tail
      .then(async () => {
        if (!this.followed.has(channel) || !(await this.admit(key, event))) return;
        const result = await this.resolve(key, event);
        if (result) this.emit(result);
      })
      .catch((error: unknown) => this.fail(error));
  }

  private onEvent(key: string, channel: string, event: LiveEvent): void {
    const { live } = this.plan;
    if (!live.events.has(event.type) || !this.followed.has(channel)) return;
    if (!this.stream) return this.deliver(key, channel, event);
    const order = event[live.replay!.orderBy];
    if (typeof order !== 'number') return;
    this.deps.reconciler.seen(channel, order);
    this.stream.event(key, order, event);
  }

  /** Follows a key's channel; what is stored after `after` is owed (replayed now with `replay`). */
  private async follow(key: string, after: number | null, replay = true): Promise<void> {
    const channel = this.channelFor(key);
    if (this.followed.has(channel)) return;
    this.followed.set(channel, null);
    const { stream } = this;
    stream?.follow(key, after, replay);
    const unwatch = stream
      ? this.deps.reconciler.watch(
          channel,
          (after) => this.headOf(key, channel, after),
          (order) => stream.behind(key, order),
          () => stream.lastOf(key),
        )
      : undefined;
    if (after !== null) this.deps.reconciler.seen(channel, after);
    const stop = await this.deps.bus.listen(channel, (event) => this.onEvent(key, channel, event));
    const release = () => {
      stop();
      unwatch?.();
      stream?.forget(key);
      this.versions.delete(key);
    };
    if (this.followed.has(channel) && !this.ended) this.followed.set(channel, release);
    else release();
  }

  private unfollow(channel: string): void {
    this.followed.get(channel)?.();
    this.followed.delete(channel);
  }

  /** A `liveAccess` event: a channel granted (followed, under a null key) or revoked. */
  private onAccess(event: LiveAccessEvent): void {
    const key = keyOf(this.plan.live.channel, event.channel, this.subscriber);
    if (key === null) return;
    if (event.granted) {
      if (this.open) void this.follow(key, event.after ?? null).catch((error: unknown) => this.fail(error));
    } else if (this.followed.has(event.channel)) this.lose(key);
  }

  /** Access to a followed key is gone: a null key argument lets it go, a named one ends with FORBIDDEN. */
  private lose(key: string): false {
    if (this.open) this.unfollow(this.channelFor(key));
    else this.fail(forbidden('You no longer have access to this'));
    return false;
  }

  /**
   * Whether a live event of `key` may go out. One whose `accessVersion` is above the version access
   * was granted at (or that carries one when none is known) waits for access, asked again as the
   * subscriber for that key alone; refused, the key is lost (`lose`) and nothing of it goes out.
   * A key's events pass here one at a time, and a check answers for every version up to its own, so
   * it is one check per key and version.
   */
  admit(key: string, event: LiveEvent): boolean | Promise<boolean> {
    const version = event['accessVersion'];
    if (typeof version !== 'number' || !this.request.access) return true;
    const granted = this.versions.get(key);
    if (granted !== undefined && version <= granted) return true;
    const running = this.checks.get(key);
    if (running && running.version >= version) return running.granted;
    const check = this.recheck(key, version).finally(() => {
      if (this.checks.get(key)?.granted === check) this.checks.delete(key);
    });
    this.checks.set(key, { version, granted: check });
    return check;
  }

  /**
   * Asks `access` again for one key (its channel's argument set to the key), as the subscriber,
   * until it answers: a failure for a moment is tried again, with backoff, while the key's events
   * wait. Granted: the version it answers (at least `version`) is remembered.
   */
  private async recheck(key: string, version: number): Promise<boolean> {
    const { live } = this.plan;
    const argument = live.channel.argument;
    const variables = Object.fromEntries(
      live.access!.arguments.map(({ name, type }) => [
        name,
        name !== argument ? (this.request.args[name] ?? null) : type.startsWith('[') ? [key] : key,
      ]),
    );
    for (let failures = 0; !this.ended; failures += 1) {
      try {
        const result = await this.execute(this.request.access!, variables);
        const answer = result.data?.[KEYS_ALIAS];
        if (!Array.isArray(answer)) {
          const error = rootError(result.errors?.[0] as GraphQLFormattedError | undefined);
          if (isRefusal(error.extensions['code'])) return this.lose(key);
          throw error;
        }
        const grant = answer.map(grantOf).find((item) => item.key === key);
        if (!grant) return this.lose(key);
        if (this.ended) return false;
        this.versions.set(key, Math.max(grant.version ?? version, version));
        return true;
      } catch (error) {
        this.deps.log('live access check failed; trying again', error);
        const wait = RETRY_DELAYS[Math.min(failures, RETRY_DELAYS.length - 1)] ?? 0;
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
    }
    return false;
  }

  /**
   * Does what can refuse the subscription, so its errors reach the client as the answer to
   * `subscribe`: checks the arguments and access, follows the channels, and queues what is owed.
   */
  async start(): Promise<void> {
    const { plan, request } = this;
    const { live } = plan;
    const { args } = request;
    const { replay } = live;
    const argument = live.channel.argument;
    // A channel of the subscriber's device cannot be followed for a token that names none.
    if (
      request.device === undefined &&
      [live.channel, live.revokedOn].some((template) => template && hasPlaceholder(template, 'device'))
    )
      throw unauthenticated('Sign in on a device first');
    const cursor = replay ? args[replay.cursor] : undefined;
    // An opaque cursor is access's to read; an Int one is where the subscriber resumes, in one key.
    if (replay && !replay.opaque && cursor !== undefined && cursor !== null) {
      if (this.open) throw badInput(`${replay.cursor} needs ${argument}`, replay.cursor);
      if (typeof cursor !== 'number' || cursor < 0)
        throw badInput(`${replay.cursor} must be 0 or more`, replay.cursor);
    }
    // What is owed at subscribe goes out before any live event: those wait behind it.
    let owed: (() => void) | undefined;
    if (plan.initial) this.tail = new Promise<void>((resolve) => (owed = resolve));

    try {
      // Hear of access changes first, so none is missed between the access check and following.
      let heard: LiveAccessEvent[] | undefined = [];
      if (live.revokedOn)
        this.stopAccess = await this.deps.bus.listen(channelOf(live.revokedOn, this.subscriber), (event) => {
          if (!isAccessEvent(event)) return;
          if (heard) heard.push(event);
          else this.onAccess(event);
        });

      let keys: string[];
      /** Where each key's channel stood when access was granted (access answering `{ key after }`). */
      const standing = new Map<string, number>();
      if (request.access) {
        const variables = Object.fromEntries(
          live.access!.arguments.map(({ name }) => [name, args[name] ?? null]),
        );
        const result = await this.execute(request.access, variables);
        const granted = result.data?.[KEYS_ALIAS];
        if (!Array.isArray(granted)) throw rootError(result.errors?.[0] as GraphQLFormattedError | undefined);
        keys = granted.map((item: unknown) => {
          const { key, after, version } = grantOf(item);
          if (after !== undefined) standing.set(key, after);
          if (version !== undefined) this.versions.set(key, version);
          return key;
        });
      } else {
        const { keyName } = live.channel;
        keys = argument
          ? toList(args[argument]).map(String)
          : [keyName ? this.subscriber[keyName as keyof Subscriber]! : ''];
      }
      // Changes heard while access was checked: a revoked key is not followed, a granted one is.
      const changes = heard;
      heard = undefined;
      const revoked = new Set(changes.filter((change) => !change.granted).map((change) => change.channel));
      // A client's Int cursor is replayed from at once; otherwise what is owed starts where access
      // said the channel stood (an event published late is still delivered), if it said. That is
      // replayed at once too when the cursor is opaque (access read it: that is where it resumes),
      // or when the field reports the end of the catch-up (`caughtUp`), even an empty one.
      const startAt = typeof cursor === 'number' ? cursor : null;
      const replayNow = startAt !== null || Boolean(replay?.opaque || replay?.caughtUp);
      await Promise.all(
        keys
          .filter((key) => !revoked.has(this.channelFor(key)))
          .map((key) => this.follow(key, startAt ?? standing.get(key) ?? null, replayNow)),
      );
      for (const change of changes) if (change.granted) this.onAccess(change);
      // Asked once the channels are followed, so nothing falls between it and the live events.
      if (plan.initial) for (const payload of await this.initialPayloads()) this.emit(payload);
    } catch (error) {
      this.end();
      throw error instanceof LiveRefusal ? error.error : error;
    } finally {
      owed?.();
    }
  }
}

/** Starts a subscription; throws the client's error when it cannot start (see `start`). */
export async function startLiveSubscription(
  deps: LiveSubscriptionDeps,
  request: LiveSubscriptionRequest,
): Promise<LiveSubscription> {
  const subscription = new LiveSubscription(deps, request);
  await subscription.start();
  return subscription;
}
