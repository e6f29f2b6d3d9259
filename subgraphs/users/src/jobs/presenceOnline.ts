import { createClient } from '@connectrpc/connect';
import type { IdentitySigner } from '@switchboard/core';
import { createRpcTransport } from '@switchboard/rpc';
import { PresenceService } from '@switchboard/rpc/presence/v1';

/**
 * Who among some users holds a live connection, asked of presence over the internal gRPC plane
 * (PresenceService.Online): presence's Redis keys are presence's own, so the push handler never
 * reads them. A failed call fails the job, which retries: better late than to every device at once.
 */
export function presenceOnline(options: { url: string; signer: IdentitySigner }) {
  const presence = createClient(
    PresenceService,
    createRpcTransport({ baseUrl: options.url, audience: 'presence', signer: options.signer }),
  );
  return async (userIds: readonly string[]): Promise<Set<string>> => {
    if (userIds.length === 0) return new Set();
    return new Set((await presence.online({ userIds: [...userIds] })).onlineUserIds);
  };
}
