import type { InternalRequest } from '../federation/internalRequest.ts';
import type { ConnectionHooks } from '../socket/connectionHooks.ts';

/**
 * Tells presence about live connections: a heartbeat every third of `ttlMs` while the socket is
 * open (so a dead gateway's users expire on their own), whether the client did anything since
 * the last one (idle users turn AWAY), and a close.
 */
export function presenceHooks(
  request: InternalRequest,
  ttlMs: number,
  log: (message: string, error?: unknown) => void = console.error,
): ConnectionHooks & { stop(): void; settled(): Promise<void> } {
  const connections = new Map<string, { timer: NodeJS.Timeout; active: boolean }>();
  /** Close reports still on their way: a graceful stop waits for them. */
  const closing = new Set<Promise<unknown>>();
  const alive = (userId: string, connectionId: string, active: boolean) =>
    request(
      { userId },
      'mutation ($id: ID!, $ttl: Int!, $active: Boolean!) { _connectionAlive(connectionId: $id, ttlMs: $ttl, active: $active) }',
      { id: connectionId, ttl: ttlMs, active },
    ).catch((error) => log('presence heartbeat failed', error));

  return {
    opened(userId, connectionId) {
      const state = {
        active: false,
        timer: setInterval(
          () => {
            void alive(userId, connectionId, state.active);
            state.active = false;
          },
          Math.max(250, Math.floor(ttlMs / 3)),
        ),
      };
      state.timer.unref();
      connections.set(connectionId, state);
      void alive(userId, connectionId, true);
    },
    active(_userId, connectionId) {
      const state = connections.get(connectionId);
      if (state) state.active = true;
    },
    closed(userId, connectionId) {
      const state = connections.get(connectionId);
      if (!state) return;
      clearInterval(state.timer);
      connections.delete(connectionId);
      void request({ userId }, 'mutation ($id: ID!) { _connectionClosed(connectionId: $id) }', {
        id: connectionId,
      }).catch((error) => log('presence close failed', error));
    },
    async settled() {
      await Promise.all(closing);
    },
    /** Stops heartbeats without closing: what a crash looks like to presence (tests use it). */
    stop() {
      for (const state of connections.values()) clearInterval(state.timer);
      connections.clear();
    },
  };
}
