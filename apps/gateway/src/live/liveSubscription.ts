import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import { ErrorCode, badInput, forbidden, type Identity, type IdentitySigner } from '@switchboard/core';
import { contextFor } from '../context.ts';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Federation, OperationPlan } from '../federation/federation.ts';
import type { LiveBus } from './liveBus.ts';
import { KEYS_ALIAS, liveOperations } from './liveOperations.ts';
import { channelOf, keyOf } from './liveSchema.ts';
import { OrderedStream, type Ordered } from './orderedStream.ts';
import type { LiveAccessEvent, LiveEvent } from './liveEvent.ts';
import { LiveRefusal, rootError, type PayloadResolver } from './payloadResolver.ts';
import type { Reconciler } from './reconciler.ts';
import {
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
  viewer: string;
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

/**
 * A running subscription: its payloads; a way to end it with an error (e.g. its token expired);
 * and `dispose`, which releases what it listens to even if its payloads were never read (the
 * socket closed before the first one). Disposing twice does nothing.
 */
export interface LiveSubscription {
  payloads: Repeater<ExecutionResult>;
  fail(error: unknown): void;
  dispose(): void;
}

const toList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * The items of a list the gateway asked for under `alias` (a replay page, what is owed at
 * subscribe), each with its errors moved under the subscription's response key. No list at all
 * is a refusal (the subscriber may not have it) or a failure.
 */
function payloadsOf(
  result: ExecutionResult,
  alias: string,
  responseKey: string,
  what: string,
): { item: Record<string, unknown>; errors: GraphQLFormattedError[] }[] {
  const items = result.data?.[alias] as Record<string, unknown>[] | null | undefined;
  const errors = (result.errors ?? []) as unknown as GraphQLFormattedError[];
  if (!items) {
    const refusal = rootError(errors[0]);
    if (refusal.extensions['code'] !== ErrorCode.INTERNAL_SERVER_ERROR) throw new LiveRefusal(refusal);
    throw new Error(`${what} failed: ${errors[0]?.message ?? 'no data'}`);
  }
  return items.map((item, index) => ({
    item,
    errors: errors.flatMap((error) =>
      error.path?.[0] === alias && error.path[1] === index
        ? [{ ...error, path: [responseKey, ...error.path.slice(2)] }]
        : [],
    ),
  }));
}

/**
 * Runs one subscription to a live field for one subscriber, from its directives alone: checks
 * access, follows the channels it grants (and, for a field without a fixed key, those granted
 * later), ends with FORBIDDEN when a fixed one is revoked, replays from a cursor and keeps each
 * channel in order (OrderedStream), and turns events into payloads (PayloadResolver).
 * `prepare` does what can refuse the subscription, so its errors reach the client as the answer to
 * `subscribe`; the returned stream then delivers payloads until it is returned or fails.
 */
export async function startLiveSubscription(
  deps: LiveSubscriptionDeps,
  request: LiveSubscriptionRequest,
): Promise<LiveSubscription> {
  const { plan, args, viewer } = request;
  const { live } = plan;
  const argument = live.channel.argument;
  const cursor = live.replay ? args[live.replay.cursor] : undefined;
  if (cursor !== undefined && cursor !== null) {
    if (!argument || args[argument] === null || args[argument] === undefined)
      throw badInput(`${live.replay!.cursor} needs ${argument ?? 'a key'}`, live.replay!.cursor);
    if (typeof cursor !== 'number' || cursor < 0)
      throw badInput(`${live.replay!.cursor} must be 0 or more`, live.replay!.cursor);
  }
  /** A null key argument follows every key access grants, now and later. */
  const open = argument !== undefined && (args[argument] === null || args[argument] === undefined);
  const identity: Identity = { userId: viewer };

  // Payloads wait here until the socket takes them: a Repeater with a bounded buffer.
  let push: ((result: ExecutionResult) => unknown) | undefined;
  let stopWith: ((error?: unknown) => void) | undefined;
  const early: ExecutionResult[] = [];
  let failure: { error: unknown } | undefined;
  const buffer = new FixedBuffer(deps.maxQueued);
  const cleanups: (() => void)[] = [];
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
    request.onEnd?.();
  };

  const emit = (result: ExecutionResult) => {
    if (ended || failure) return;
    if (!push) {
      if (early.length >= deps.maxQueued) return overflow();
      early.push(result);
      return;
    }
    if (buffer.full) return overflow();
    void push(result);
  };
  const fail = (error: unknown) => {
    if (ended || failure) return;
    const reason = error instanceof LiveRefusal ? error.error : error;
    failure = { error: reason };
    stopWith?.(reason);
  };
  const overflow = () => {
    fail(new Error('subscriber too slow'));
    request.onOverflow();
  };

  const channelFor = (key: string) =>
    channelOf(live.channel, { ...(argument ? { [argument]: key } : {}), viewer });
  const followed = new Map<string, () => void>();

  const execute = (planned: OperationPlan, variables: Record<string, unknown>) =>
    deps.federation.execute(planned, { context: contextFor(identity, deps.signer), variables });

  const stream = live.replay
    ? new OrderedStream<LiveEvent, ExecutionResult>({
        pageSize: deps.replayPageSize,
        replay: (key, after) => replayPage(key, after),
        resolve: async (key, event) => {
          const outcome = await deps.resolver.resolve(
            { plan, variables: request.variables, event, channel: channelFor(key), viewer },
            deps.shareResolution,
          );
          return 'dropped' in outcome ? null : outcome.result;
        },
        emit: (result) => {
          emit(result);
        },
        fail,
        log: deps.log,
      })
    : undefined;

  /** The subscriber's selection variables, which the gateway's own operations carry too. */
  const selection = () =>
    Object.fromEntries(plan.selectionVariables.map((name) => [name, request.variables[name]]));

  /** One page of stored payloads after `after`, resolved in one execution, as the subscriber. */
  async function replayPage(key: string, after: number): Promise<Ordered<ExecutionResult>[]> {
    const result = await execute(plan.replay!, {
      ...selection(),
      _liveKey: key,
      _liveCursor: after,
      _liveFirst: deps.replayPageSize,
    });
    return payloadsOf(result, REPLAY_ALIAS, plan.responseKey, `replay of ${live.field}`).map(
      ({ item: { [ORDER_ALIAS]: order, ...payload }, errors }) => {
        deps.reconciler.seen(channelFor(key), order as number);
        return { order: order as number, payload: payloadOf(payload, errors) };
      },
    );
  }

  /** What the subscriber is owed at subscribe (`@live(initial:)`), as the subscriber. */
  async function initialPayloads(): Promise<ExecutionResult[]> {
    const result = await execute(plan.initial!, {
      ...selection(),
      ...Object.fromEntries(
        live.initial!.arguments.map(({ name }) => [`${INITIAL_ARGUMENT}${name}`, args[name] ?? null]),
      ),
    });
    return payloadsOf(result, INITIAL_ALIAS, plan.responseKey, `initial of ${live.field}`).map(
      ({ item, errors }) => payloadOf(item, errors),
    );
  }

  const payloadOf = (value: unknown, errors: GraphQLFormattedError[]): ExecutionResult => ({
    data: { [plan.responseKey]: value },
    ...(errors.length ? { errors: errors as unknown as ExecutionResult['errors'] } : {}),
  });

  /** The first order stored after `after` on a channel, asked as a follower of that channel. */
  async function headOf(key: string, channel: string, after: number): Promise<number | null> {
    const head = liveOperations(deps.federation, live).head()!;
    const delivery: Identity = { userId: null, delivery: { channel } };
    const result = await deps.federation.execute(head, {
      context: contextFor(delivery, deps.signer),
      variables: { _liveKey: key, _liveCursor: after },
    });
    const items = result.data?.[REPLAY_ALIAS] as { [ORDER_ALIAS]: number }[] | undefined;
    if (!items) throw new Error(`head of ${channel} failed: ${result.errors?.[0]?.message ?? 'no data'}`);
    return items[0]?.[ORDER_ALIAS] ?? null;
  }

  /** Non-ordered fields: one event after another, in the order they arrived. */
  let tail = Promise.resolve();
  const deliver = (key: string, event: LiveEvent) => {
    tail = tail
      .then(async () => {
        const outcome = await deps.resolver.resolve(
          { plan, variables: request.variables, event, channel: channelFor(key), viewer },
          deps.shareResolution,
        );
        if (!('dropped' in outcome)) emit(outcome.result);
      })
      .catch(fail);
  };

  async function follow(key: string, after: number | null) {
    const channel = channelFor(key);
    if (followed.has(channel)) return;
    followed.set(channel, () => {});
    stream?.follow(key, after);
    const unwatch = stream
      ? deps.reconciler.watch(
          channel,
          (after) => headOf(key, channel, after),
          (order) => stream.behind(key, order),
        )
      : undefined;
    if (after !== null) deps.reconciler.seen(channel, after);
    const stop = await deps.bus.listen(channel, (event) => {
      if (!live.events.has(event.type) || !followed.has(channel)) return;
      if (stream) {
        const order = event[live.replay!.orderBy];
        if (typeof order !== 'number') return;
        deps.reconciler.seen(channel, order);
        stream.event(key, order, event);
      } else deliver(key, event);
    });
    const release = () => {
      stop();
      unwatch?.();
      stream?.forget(key);
    };
    if (followed.has(channel) && !ended) followed.set(channel, release);
    else release();
  }

  const unfollow = (channel: string) => {
    followed.get(channel)?.();
    followed.delete(channel);
  };
  cleanups.push(() => {
    for (const channel of [...followed.keys()]) unfollow(channel);
  });

  // What is owed at subscribe goes out before any live event: those wait behind it.
  let owed: (() => void) | undefined;
  if (plan.initial) tail = new Promise<void>((resolve) => (owed = resolve));

  try {
    // Hear of access changes first, so none is missed between the access check and following.
    let keysKnown = false;
    const changes: LiveAccessEvent[] = [];
    const onAccess = (event: LiveAccessEvent) => {
      const key = keyOf(live.channel, event.channel, viewer);
      if (key === null) return;
      if (event.granted) {
        if (open) void follow(key, event.after ?? null).catch(fail);
      } else if (followed.has(event.channel)) {
        if (open) unfollow(event.channel);
        else fail(forbidden('You no longer have access to this'));
      }
    };
    if (live.revokedOn) {
      const stop = await deps.bus.listen(channelOf(live.revokedOn, { viewer }), (event) => {
        if (!isAccessEvent(event)) return;
        if (keysKnown) onAccess(event);
        else changes.push(event);
      });
      cleanups.push(stop);
    }

    let keys: string[];
    if (request.access) {
      const variables = Object.fromEntries(
        live.access!.arguments.map(({ name }) => [name, args[name] ?? null]),
      );
      const result = await execute(request.access, variables);
      const granted = result.data?.[KEYS_ALIAS];
      if (!Array.isArray(granted)) throw rootError(result.errors?.[0] as GraphQLFormattedError | undefined);
      keys = granted.map(String);
    } else {
      keys = argument ? toList(args[argument]).map(String) : [''];
    }
    // Changes heard while access was checked: a revoked key is not followed, a granted one is.
    const revoked = new Set(changes.filter((change) => !change.granted).map((change) => change.channel));
    keysKnown = true;
    const startAt = typeof cursor === 'number' ? cursor : null;
    await Promise.all(keys.filter((key) => !revoked.has(channelFor(key))).map((key) => follow(key, startAt)));
    for (const change of changes) if (change.granted) onAccess(change);
    // Asked once the channels are followed, so nothing falls between it and the live events.
    if (plan.initial) for (const payload of await initialPayloads()) emit(payload);
  } catch (error) {
    end();
    throw error instanceof LiveRefusal ? error.error : error;
  } finally {
    owed?.();
  }

  const payloads = new Repeater<ExecutionResult>(async (pushValue, stop) => {
    push = pushValue;
    stopWith = (error) => stop(error);
    for (const result of early.splice(0)) void pushValue(result);
    if (failure) stop(failure.error);
    await stop;
    end();
  }, buffer);
  return {
    payloads,
    fail,
    dispose() {
      end();
      void payloads.return();
    },
  };
}
