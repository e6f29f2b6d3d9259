import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import type { IdentitySigner } from '@switchboard/core';
import { createRpcTransport } from '@switchboard/rpc';
import {
  ConnectRequestSchema,
  ConnectionChange_Kind,
  PresenceService,
  type ConnectRequest,
} from '@switchboard/rpc/presence/v1';
import type { ConnectionHooks } from '../socket/connectionHooks.ts';

export interface PresenceLinkOptions {
  /** presence's gRPC URL (PRESENCE_RPC_URL). */
  url: string;
  signer: IdentitySigner;
  /** Presence drops this gateway's connections when it hears nothing for this long (default 15 s). */
  leaseMs?: number;
  /** Changes wait this long to go out together (default 100 ms). */
  batchMs?: number;
  /** Changes per batch at most (default 1000); a snapshot goes out in batches of this size. */
  maxBatch?: number;
  /** Longest wait between two attempts to reach presence (default a third of the lease, at most 5 s). */
  maxBackoffMs?: number;
  /** Where a broken stream is reported (it reconnects by itself). */
  log?: (message: string) => void;
}

export interface PresenceLink extends ConnectionHooks {
  /** This gateway process, as presence knows it. */
  readonly gatewayId: string;
  /** Signed-in sockets this gateway holds (what it reports to presence). */
  readonly connections: number;
  start(): void;
  /** Sends what is pending, ends the stream (presence closes what this gateway still held). */
  stop(): Promise<void>;
  /** Drops the stream without a goodbye, as a crash would: presence waits for the lease (tests). */
  crash(): void;
  /** Resolves once presence has acknowledged every change made so far. */
  settled(): Promise<void>;
}

type Kind = ConnectionChange_Kind.OPENED | ConnectionChange_Kind.ACTIVE | ConnectionChange_Kind.CLOSED;

/** Whose a connection is: its user, and the device its token speaks for ('' for none). */
interface Holder {
  userId: string;
  deviceId: string;
}

/** One stream to presence; a new one (with a new snapshot) after each break. */
interface Session {
  /** Held connections still to announce after Register, oldest first. */
  snapshot: [connectionId: string, holder: Holder][];
  snapshotSent: boolean;
  seq: bigint;
  /** The batch presence has not acknowledged yet: one at a time. */
  inFlight: { seq: bigint; sentAt: number } | null;
  lastSentAt: number;
  /** presence answered Register: the next break retries without backing off first. */
  registered: boolean;
  abort: AbortController;
}

/**
 * The gateway's side of presence: ONE bidirectional gRPC stream per gateway process instead of a
 * timer and a request per socket. Socket opens, closes and activity are coalesced per connection
 * and sent in batches, at most one unacknowledged; an empty batch renews the lease when nothing
 * else was sent for a third of it. After any break it reconnects with backoff and re-registers
 * every connection it holds.
 */
export function createPresenceLink(options: PresenceLinkOptions): PresenceLink {
  const gatewayId = randomUUID();
  const leaseMs = options.leaseMs ?? 15_000;
  const batchMs = options.batchMs ?? 100;
  const maxBatch = options.maxBatch ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? Math.min(5_000, Math.floor(leaseMs / 3));
  const log = options.log ?? console.warn;
  const client = createClient(
    PresenceService,
    createRpcTransport({ baseUrl: options.url, audience: 'presence', signer: options.signer }),
  );

  /** Connections this gateway holds: what a snapshot re-registers. */
  const held = new Map<string, Holder>();
  /** Changes not sent yet, the newest per connection. */
  const pending = new Map<string, Holder & { kind: Kind }>();
  let batchDue = false;
  let batchTimer: NodeJS.Timeout | undefined;
  let session: Session | undefined;
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let loop: Promise<void> = Promise.resolve();
  let wakeUp: (() => void) | undefined;
  const settledWaiters: (() => void)[] = [];
  let renewTimer: NodeJS.Timeout | undefined;
  let retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  const wake = () => {
    wakeUp?.();
    wakeUp = undefined;
  };
  const isSettled = () =>
    pending.size === 0 && (!session || (session.snapshotSent && session.inFlight === null));
  const checkSettled = () => {
    if (isSettled()) for (const resolve of settledWaiters.splice(0)) resolve();
  };

  function change(connectionId: string, holder: Holder, kind: Kind) {
    pending.set(connectionId, { ...holder, kind });
    if (batchTimer || batchDue) return;
    batchTimer = setTimeout(() => {
      batchTimer = undefined;
      batchDue = true;
      wake();
    }, batchMs);
    batchTimer.unref();
  }

  const batch = (
    current: Session,
    changes: (Holder & { connectionId: string; kind: Kind })[],
    snapshotComplete = false,
  ): ConnectRequest => {
    current.seq += 1n;
    current.inFlight = { seq: current.seq, sentAt: Date.now() };
    current.lastSentAt = Date.now();
    return create(ConnectRequestSchema, {
      kind: { case: 'batch', value: { seq: current.seq, changes, snapshotComplete } },
    });
  };

  /** The next message for presence, or null when there is nothing to send yet. */
  function next(current: Session): ConnectRequest | null {
    if (current.inFlight) return null;
    if (!current.snapshotSent) {
      const chunk = current.snapshot
        .splice(0, maxBatch)
        .filter(([connectionId]) => held.has(connectionId))
        .map(([connectionId, holder]) => ({
          connectionId,
          ...holder,
          kind: ConnectionChange_Kind.OPENED as Kind,
        }));
      current.snapshotSent = current.snapshot.length === 0;
      return batch(current, chunk, current.snapshotSent);
    }
    if ((batchDue || state === 'stopping') && pending.size > 0) {
      const changes = [];
      for (const [connectionId, { userId, deviceId, kind }] of pending) {
        changes.push({ connectionId, userId, deviceId, kind });
        pending.delete(connectionId);
        if (changes.length === maxBatch) break;
      }
      batchDue = pending.size > 0;
      return batch(current, changes);
    }
    if (Date.now() - current.lastSentAt >= leaseMs / 3) return batch(current, []);
    return null;
  }

  async function* requests(current: Session): AsyncGenerator<ConnectRequest> {
    yield create(ConnectRequestSchema, { kind: { case: 'register', value: { gatewayId, leaseMs } } });
    current.lastSentAt = Date.now();
    for (;;) {
      // A broken stream's requests are never read again; its successor owns what is pending.
      if (current.abort.signal.aborted || session !== current) return;
      const message = next(current);
      if (message) {
        yield message;
        continue;
      }
      // Stopping and everything acknowledged: ending the stream is the goodbye.
      if (state === 'stopping' && current.inFlight === null) return;
      await new Promise<void>((resolve) => (wakeUp = resolve));
    }
  }

  /** One stream, from Register until it breaks or ends. */
  async function run(current: Session): Promise<void> {
    for await (const response of client.connect(requests(current), {
      signal: current.abort.signal,
      timeoutMs: 0,
    })) {
      if (response.kind.case === 'registered') current.registered = true;
      else if (response.kind.case === 'ack') {
        if (response.kind.value.seq !== current.inFlight?.seq)
          throw new ConnectError(`presence acknowledged batch ${response.kind.value.seq}`, Code.Internal);
        current.inFlight = null;
        checkSettled();
        wake();
      }
    }
  }

  async function connectLoop() {
    let attempt = 0;
    while (state === 'running') {
      const current: Session = {
        // The snapshot supersedes what was waiting to be sent, except activity.
        snapshot: [...held],
        snapshotSent: false,
        seq: 0n,
        inFlight: null,
        lastSentAt: Date.now(),
        registered: false,
        abort: new AbortController(),
      };
      for (const [connectionId, { kind }] of pending)
        if (kind !== ConnectionChange_Kind.ACTIVE) pending.delete(connectionId);
      session = current;
      try {
        await run(current);
      } catch (error) {
        if (state === 'running') {
          const broken = ConnectError.from(error);
          log(`presence stream broke (${Code[broken.code]}: ${broken.rawMessage}); reconnecting`);
        }
      } finally {
        current.abort.abort();
        if (session === current) session = undefined;
        wake();
        checkSettled();
      }
      if (state !== 'running') return;
      // Exponential backoff with jitter; a stream presence had accepted retries almost at once.
      attempt = current.registered ? 0 : attempt + 1;
      const delay = Math.min(maxBackoffMs, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
      await new Promise<void>((resolve) => {
        retryTimer = { timer: setTimeout(resolve, delay), resolve };
      });
      retryTimer = undefined;
    }
  }

  return {
    gatewayId,
    get connections() {
      return held.size;
    },
    opened(userId, connectionId, deviceId) {
      const holder = { userId, deviceId: deviceId ?? '' };
      held.set(connectionId, holder);
      change(connectionId, holder, ConnectionChange_Kind.OPENED);
    },
    active(_userId, connectionId) {
      // A pending open already counts as activity; one ACTIVE per connection per batch.
      const holder = held.get(connectionId);
      if (!holder || pending.has(connectionId)) return;
      change(connectionId, holder, ConnectionChange_Kind.ACTIVE);
    },
    closed(_userId, connectionId) {
      const holder = held.get(connectionId);
      if (!holder) return;
      held.delete(connectionId);
      // Opened and closed before presence heard of it: presence never needs to.
      if (pending.get(connectionId)?.kind === ConnectionChange_Kind.OPENED) {
        pending.delete(connectionId);
        checkSettled();
      } else change(connectionId, holder, ConnectionChange_Kind.CLOSED);
    },
    start() {
      if (state !== 'idle') return;
      state = 'running';
      // Checks the lease renewal and a batch left unacknowledged (a stuck presence) on a timer per
      // gateway process, never per socket.
      renewTimer = setInterval(
        () => {
          const inFlight = session?.inFlight;
          if (inFlight && Date.now() - inFlight.sentAt > leaseMs) session?.abort.abort();
          wake();
        },
        Math.max(50, Math.floor(leaseMs / 6)),
      );
      renewTimer.unref();
      loop = connectLoop().catch((error: unknown) => log(`presence link stopped: ${String(error)}`));
    },
    async stop() {
      if (state !== 'running') return;
      state = 'stopping';
      clearTimeout(retryTimer?.timer);
      retryTimer?.resolve();
      wake();
      // A stream that cannot say goodbye in time is dropped: the lease then runs out.
      const stopped = setTimeout(() => session?.abort.abort(), 2_000);
      await loop;
      clearTimeout(stopped);
      state = 'stopped';
      clearInterval(renewTimer);
      clearTimeout(batchTimer);
      for (const resolve of settledWaiters.splice(0)) resolve();
    },
    crash() {
      state = 'stopped';
      clearInterval(renewTimer);
      clearTimeout(batchTimer);
      clearTimeout(retryTimer?.timer);
      retryTimer?.resolve();
      session?.abort.abort();
      wake();
      for (const resolve of settledWaiters.splice(0)) resolve();
    },
    settled() {
      if (isSettled() || state === 'stopped') return Promise.resolve();
      return new Promise((resolve) => settledWaiters.push(resolve));
    },
  };
}
