import { createClient } from '@connectrpc/connect';
import type { IdentitySigner } from '@switchboard/core';
import { MAX_IDS_PER_CALL, createRpcTransport } from '@switchboard/rpc';
import { PresenceService } from '@switchboard/rpc/presence/v1';
import DataLoader from 'dataloader';

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
  // The jobs the worker runs at once ask together: one call per turn of the event loop for all
  // of them (at 300 messages/s, a call per message was most of presence's and the worker's CPU).
  const online = new DataLoader<string, boolean>(
    async (ids) => {
      const answer = new Set((await presence.online({ userIds: [...ids] })).onlineUserIds);
      return ids.map((id) => answer.has(id));
    },
    { cache: false, maxBatchSize: MAX_IDS_PER_CALL, batchScheduleFn: (callback) => setImmediate(callback) },
  );
  return async (userIds: readonly string[]): Promise<Set<string>> => {
    const answers = await online.loadMany(userIds);
    const failed = answers.find((answer) => answer instanceof Error);
    if (failed) throw failed;
    return new Set(userIds.filter((_, i) => answers[i] === true));
  };
}
