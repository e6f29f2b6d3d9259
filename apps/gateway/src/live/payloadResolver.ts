import { ErrorCode, appError, isClientCode, type Identity, type IdentitySigner } from '@switchboard/core';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { contextFor, type GatewayContext } from '../context.ts';
import type { Federation } from '../federation/federation.ts';
import type { LiveEvent } from './liveEvent.ts';
import { markSharedCopy } from './sharedCopies.ts';
import type { SubscriptionPlan } from './subscriptionPlanner.ts';

export interface PayloadRequest {
  plan: SubscriptionPlan;
  variables: Record<string, unknown>;
  event: LiveEvent;
  /** The channel the event came on: a shared resolution reads as "a follower of this channel". */
  channel: string;
  /** Who a resolution of the subscriber's own is made as (its user, and device). */
  subscriber: Identity;
}

/** The payload, or `dropped` when a transient failure outlasted the retries. */
export type PayloadOutcome = { result: ExecutionResult } | { dropped: true };

/** Codes that say "try again": a subgraph down or shedding load. */
const TRANSIENT: ReadonlySet<string> = new Set<string>([
  ErrorCode.SERVICE_UNAVAILABLE,
  ErrorCode.RATE_LIMITED,
]);

/**
 * Whether a subgraph's error code says the subscriber may not have this (`FORBIDDEN`, `NOT_FOUND`,
 * a cursor it no longer keeps...): every client code but the transient ones. It ends the
 * subscription with that code; anything else is tried again, which would never end.
 */
export const isRefusal = (code: unknown): boolean => isClientCode(code) && !TRANSIENT.has(code);

export class LiveRefusal extends Error {
  constructor(readonly error: ReturnType<typeof appError>) {
    super(error.message);
  }
}

/** The client error a failed root field stands for (its code, or INTERNAL_SERVER_ERROR). */
export function rootError(error: GraphQLFormattedError | undefined): ReturnType<typeof appError> {
  const code = error?.extensions?.['code'];
  return appError(
    isClientCode(code) ? code : ErrorCode.INTERNAL_SERVER_ERROR,
    error?.message ?? 'No payload for this event',
  );
}

/** A resolution shared by the events of one `share` id, and the channel it was resolved as. */
interface ShareResolution {
  channel: string;
  outcome: Promise<PayloadOutcome>;
}

/** What this gateway resolved for one `share` id: per plan, per selection variables. */
interface Share {
  byPlan: Map<SubscriptionPlan, Map<string, ShareResolution>>;
  /** Resolutions not settled yet: the share is kept while any runs, then `keepMs` more. */
  pending: number;
  expiry?: NodeJS.Timeout;
}

/**
 * Turns live events into subscription payloads (architecture.md, principles 4 and 7). The same event
 * for the same selection is resolved once and shared by every subscriber on this gateway who
 * asked for it, as a follower of the event's channel; events that carry the same `share` id (the
 * owner's word that they read alike but for the root fields in their `own`) are resolved once
 * across their channels, as a follower of the first one's, and each subscriber gets that result
 * with its own event's `own` values. Where the selection holds a field that depends on the viewer
 * (`@viewer`) and the shared payload has a value for it, each subscriber gets a resolution of
 * their own instead. A refusal (access lost) ends the subscription; a transient failure is
 * retried, then the event is dropped for the subscriber to catch up by its order (the
 * subscription goes on).
 */
export function createPayloadResolver(options: {
  federation: Federation;
  signer: IdentitySigner;
  retries?: number[];
  /** How long a `share` id's resolutions are kept once settled, for its late events (ms). */
  shareKeepMs?: number;
  /** At most this many `share` ids are kept (the oldest are forgotten first). */
  maxShares?: number;
}) {
  // Event -> plan (one per document, shared by its subscriptions) -> selection variables and
  // channel. Keyed by the plan object, not its document's text: the key is built per subscriber and
  // event, and hashing the whole document each time cost more than the rest of the lookup.
  const shared = new WeakMap<object, Map<SubscriptionPlan, Map<string, Promise<PayloadOutcome>>>>();
  // Share id -> plan -> selection variables. Map order is insertion order: the first is the oldest.
  const shares = new Map<string, Share>();
  const shareKeepMs = options.shareKeepMs ?? 2_000;
  const maxShares = options.maxShares ?? 10_000;
  const retries = options.retries ?? [50, 250];
  let executions = 0;

  async function execute(request: PayloadRequest, identity: Identity): Promise<ExecutionResult> {
    executions += 1;
    const context: GatewayContext = {
      ...contextFor(identity, options.signer),
      live: { event: request.event, primary: request.plan.primary },
    };
    return options.federation.execute(request.plan.payload, { context, variables: request.variables });
  }

  /** Runs until it has a payload or a refusal; a transient failure is tried again, then dropped. */
  async function resolveAs(request: PayloadRequest, identity: Identity): Promise<PayloadOutcome> {
    for (let attempt = 0; ; attempt += 1) {
      let result: ExecutionResult;
      try {
        result = await execute(request, identity);
      } catch {
        result = { errors: [] };
      }
      if (result.data?.[request.plan.responseKey] != null) return { result };
      const first = result.errors?.[0] as GraphQLFormattedError | undefined;
      const code = first?.extensions?.['code'];
      if (isRefusal(code)) throw new LiveRefusal(rootError(first));
      const wait = retries[attempt];
      if (wait === undefined) return { dropped: true };
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  function resolveShared(request: PayloadRequest, shareKey: string): Promise<PayloadOutcome> {
    let byPlan = shared.get(request.event);
    if (!byPlan) {
      byPlan = new Map();
      shared.set(request.event, byPlan);
    }
    let byKey = byPlan.get(request.plan);
    if (!byKey) {
      byKey = new Map();
      byPlan.set(request.plan, byKey);
    }
    let outcome = byKey.get(shareKey);
    if (!outcome) {
      outcome = resolveAs(request, { userId: null, delivery: { channel: request.channel } });
      byKey.set(shareKey, outcome);
    }
    return outcome;
  }

  const selectionKey = ({ plan, variables }: PayloadRequest) =>
    plan.selectionVariables.length === 0
      ? ''
      : JSON.stringify(plan.selectionVariables.map((name) => variables[name] ?? null));

  /** The resolution of a `share` id for this request's plan and selection, started if it is the first. */
  function resolveShare(request: PayloadRequest, id: string): ShareResolution {
    let share = shares.get(id);
    if (!share) {
      if (shares.size >= maxShares) forget(shares.keys().next().value!);
      share = { byPlan: new Map(), pending: 0 };
      shares.set(id, share);
    }
    let byKey = share.byPlan.get(request.plan);
    if (!byKey) {
      byKey = new Map();
      share.byPlan.set(request.plan, byKey);
    }
    const key = selectionKey(request);
    let resolution = byKey.get(key);
    if (!resolution) {
      const { channel } = request;
      resolution = { channel, outcome: resolveAs(request, { userId: null, delivery: { channel } }) };
      byKey.set(key, resolution);
      const kept = share;
      kept.pending += 1;
      clearTimeout(kept.expiry);
      const settled = () => {
        kept.pending -= 1;
        if (kept.pending > 0 || shares.get(id) !== kept) return;
        kept.expiry = setTimeout(() => {
          if (shares.get(id) === kept) shares.delete(id);
        }, shareKeepMs).unref();
      };
      resolution.outcome.then(settled, settled);
    }
    return resolution;
  }

  function forget(id: string): void {
    clearTimeout(shares.get(id)?.expiry);
    shares.delete(id);
  }

  /** Shared by channel: every subscriber of this event on this gateway with the same selection. */
  async function resolveChannel(request: PayloadRequest): Promise<PayloadOutcome> {
    const { plan, channel } = request;
    const selection = selectionKey(request);
    const outcome = await resolveShared(request, selection === '' ? channel : `${channel}\n${selection}`);
    if ('dropped' in outcome || !hasViewerValue(outcome.result.data?.[plan.responseKey], plan.viewerPaths))
      return outcome;
    return resolveAs(request, request.subscriber);
  }

  /** Shared by `share` id, across channels: the result with this event's `own` values. */
  async function resolveByShare(request: PayloadRequest, id: string): Promise<PayloadOutcome> {
    const { plan } = request;
    const resolution = resolveShare(request, id);
    let outcome: PayloadOutcome;
    try {
      outcome = await resolution.outcome;
    } catch (error) {
      // A refusal to the follower of another channel says nothing of this one's: asked as its own.
      if (error instanceof LiveRefusal && resolution.channel !== request.channel)
        return resolveChannel(request);
      throw error;
    }
    if ('dropped' in outcome) return outcome;
    if (hasViewerValue(outcome.result.data?.[plan.responseKey], plan.viewerPaths))
      return resolveAs(request, request.subscriber);
    return { result: withOwn(outcome.result, plan, request.event['own']) };
  }

  return {
    get executions() {
      return executions;
    },
    /** The payload of `event` for one subscriber; throws LiveRefusal when they may not have it. */
    resolve(request: PayloadRequest, share: boolean): Promise<PayloadOutcome> {
      if (!share) return resolveAs(request, request.subscriber);
      const id = request.event['share'];
      return typeof id === 'string' ? resolveByShare(request, id) : resolveChannel(request);
    },
  };
}

/**
 * A shared result with the root object's fields named in `own` set to this event's values, under
 * every response key the subscriber's selection gives them (a field it did not select, or that a
 * condition left out, stays out). The shared objects are copied, never changed, and the copies
 * marked so the socket encodes what they share once.
 */
export function withOwn(result: ExecutionResult, plan: SubscriptionPlan, own: unknown): ExecutionResult {
  const root = result.data?.[plan.responseKey];
  if (
    typeof own !== 'object' ||
    own === null ||
    typeof root !== 'object' ||
    root === null ||
    Array.isArray(root)
  )
    return result;
  let copy: Record<string, unknown> | undefined;
  for (const [field, value] of Object.entries(own)) {
    for (const key of plan.rootKeys.get(field) ?? []) {
      if (!(key in root)) continue;
      copy ??= { ...(root as Record<string, unknown>) };
      copy[key] = value;
    }
  }
  if (!copy) return result;
  return { ...result, data: markSharedCopy({ ...result.data, [plan.responseKey]: markSharedCopy(copy) }) };
}

export type PayloadResolver = ReturnType<typeof createPayloadResolver>;

/**
 * Whether a payload holds a value of a viewer-dependent field: a field under an empty list or a
 * null object has none, so a new message's `reactions { reactedByMe }` (no reactions yet) is the
 * same for every viewer.
 */
export function hasViewerValue(value: unknown, paths: string[][]): boolean {
  return paths.some((path) => reaches(value, path, 0));
}

function reaches(value: unknown, path: string[], index: number): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.some((item) => reaches(item, path, index));
  if (index === path.length) return true;
  if (typeof value !== 'object') return false;
  const key = path[index]!;
  if (!(key in value)) return false;
  return index + 1 === path.length || reaches((value as Record<string, unknown>)[key], path, index + 1);
}
