import { randomUUID } from 'node:crypto';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { GATEWAY_ISSUER } from '@switchboard/core';
import type { PresenceStreamStats } from '@switchboard/observability';
import { callerOf, checkIdCount, requireIssuer } from '@switchboard/rpc';
import { ConnectionChange_Kind, PresenceService } from '@switchboard/rpc/presence/v1';
import type { Connections } from './connections.ts';
import type {
  ConnectionChange,
  ConnectionChangeKind,
  GatewaySession,
  PresenceStore,
} from './presenceStore.ts';

/** Leases presence grants, whatever a gateway asks for. */
export const LEASE_BOUNDS_MS = { min: 1_000, max: 5 * 60_000 };

const KINDS: Partial<Record<ConnectionChange_Kind, ConnectionChangeKind>> = {
  [ConnectionChange_Kind.OPENED]: 'OPENED',
  [ConnectionChange_Kind.ACTIVE]: 'ACTIVE',
  [ConnectionChange_Kind.CLOSED]: 'CLOSED',
};

/**
 * presence's gRPC service (proto/switchboard/presence/v1).
 * - Connect, each gateway's stream: Register, then batches applied one at a time in order, each
 *   acknowledged once its changes are stored and announced. The stream ending cleanly is the
 *   gateway's goodbye (its connections close now); a broken stream leaves them to the lease.
 * - Online: which users, and which devices, hold a live connection, for users' push handler in
 *   the worker (which reads no Redis key of presence's).
 */
export function presenceService(connections: Connections, store: PresenceStore, stats: PresenceStreamStats) {
  const impl: ServiceImpl<typeof PresenceService> = {
    async online(request, context) {
      requireIssuer(context, ['worker']);
      checkIdCount([...request.userIds, ...request.deviceIds]);
      const [online, connected] = await Promise.all([
        store.onlineAmong(request.userIds),
        store.connectedDevices(request.deviceIds),
      ]);
      return {
        onlineUserIds: request.userIds.filter((id) => online.has(id)),
        onlineDeviceIds: request.deviceIds.filter((id) => connected.has(id)),
      };
    },
    async *connect(requests, context) {
      if (callerOf(context).issuer !== GATEWAY_ISSUER)
        throw new ConnectError('only gateways report connections', Code.PermissionDenied);
      let session: GatewaySession | undefined;
      let goodbye = false;
      stats.streamsOpen += 1;
      try {
        for await (const request of requests) {
          const { kind } = request;
          if (kind.case === 'register') {
            if (!kind.value.gatewayId) throw new ConnectError('gateway_id is required', Code.InvalidArgument);
            const leaseMs = Math.min(Math.max(kind.value.leaseMs, LEASE_BOUNDS_MS.min), LEASE_BOUNDS_MS.max);
            session = { gatewayId: kind.value.gatewayId, sessionId: randomUUID(), leaseMs };
            await connections.register(session);
            yield { kind: { case: 'registered', value: { leaseMs } } };
          } else if (kind.case === 'batch') {
            if (!session) throw new ConnectError('register before sending batches', Code.FailedPrecondition);
            const changes: ConnectionChange[] = [];
            for (const change of kind.value.changes) {
              const changeKind = KINDS[change.kind];
              if (!changeKind || !change.connectionId || !change.userId) continue;
              // A device id is a token's: no space can split the stored "<user> <device>".
              const deviceId = /^\S*$/.test(change.deviceId) ? change.deviceId : '';
              changes.push({
                kind: changeKind,
                connectionId: change.connectionId,
                userId: change.userId,
                deviceId,
              });
              stats.changes[changeKind] += 1;
            }
            stats.batches += 1;
            if (!(await connections.apply(session, changes, kind.value.snapshotComplete)))
              throw new ConnectError(
                'session unknown (its lease ran out); register again',
                Code.FailedPrecondition,
              );
            yield { kind: { case: 'ack', value: { seq: kind.value.seq } } };
          }
        }
        goodbye = true;
      } finally {
        stats.streamsOpen -= 1;
        if (goodbye && session) await connections.release(session);
      }
    },
  };
  return { service: PresenceService, impl };
}
