import { createClient } from '@connectrpc/connect';
import type { IdentitySigner } from '@switchboard/core';
import { MAX_IDS_PER_CALL, createRpcTransport } from '@switchboard/rpc';
import { PresenceService } from '@switchboard/rpc/presence/v1';
import DataLoader from 'dataloader';

/** Which of some ids hold a live connection now: users (`onlineAmong`) or devices (`connectedAmong`). */
export type LiveAmong = (ids: readonly string[]) => Promise<Set<string>>;

/**
 * Who among some users, and which of some devices, hold a live connection, asked of presence over
 * the internal gRPC plane (PresenceService.Online): presence's Redis keys are presence's own, so the
 * push handler never reads them. A failed call fails the job, which retries: better late than to
 * every device at once.
 */
export function presenceLive(options: { url: string; signer: IdentitySigner }) {
  const presence = createClient(
    PresenceService,
    createRpcTransport({ baseUrl: options.url, audience: 'presence', signer: options.signer }),
  );
  // The jobs the worker runs at once ask together: one call per turn of the event loop for all
  // of them (at 300 messages/s, a call per message was most of presence's and the worker's CPU).
  const loader = (ask: (ids: string[]) => Promise<string[]>): LiveAmong => {
    const live = new DataLoader<string, boolean>(
      async (ids) => {
        const answer = new Set(await ask([...ids]));
        return ids.map((id) => answer.has(id));
      },
      { cache: false, maxBatchSize: MAX_IDS_PER_CALL, batchScheduleFn: (callback) => setImmediate(callback) },
    );
    return async (ids) => {
      const answers = await live.loadMany(ids);
      const failed = answers.find((answer) => answer instanceof Error);
      if (failed) throw failed;
      return new Set(ids.filter((_, i) => answers[i] === true));
    };
  };
  return {
    onlineAmong: loader(async (userIds) => (await presence.online({ userIds })).onlineUserIds),
    connectedAmong: loader(async (deviceIds) => (await presence.online({ deviceIds })).onlineDeviceIds),
  };
}
