import type { ChatsPushes, OwedPush } from './chatsPushes.ts';
import type { DevicePushes } from './devicePushes.ts';

export interface PushSweepOptions {
  chats: ChatsPushes;
  pushes: DevicePushes;
  /** How often it looks (default 5 s). */
  intervalMs: number;
  /**
   * Only entries at least this old are pushed (default 10 s): a device whose socket is open gets
   * its entries live and acknowledges them well within it (the web client within 3 s).
   */
  graceMs: number;
  /** Devices per round at most (default 200). */
  batch: number;
  log: (message: string, error?: unknown) => void;
}

export const DEFAULT_PUSH_SWEEP = { intervalMs: 5_000, graceMs: 10_000, batch: 200 };

/**
 * Sends the pushes the MessageSent jobs did not (README, "Push notifications"): it asks chats for
 * devices owed a push whose entries are older than the grace, and pushes those with no live
 * connection. That covers a socket that closed with entries sent but not acknowledged, a push left
 * to its lease by a worker that died, and jobs lost with Redis (a restart without AOF): what is owed
 * is read from the store. Each round reads one page, oldest first, and the next round goes on after
 * it (from the start again after a short page), so devices that stay owed while connected (a client
 * that does not acknowledge) never hold the others back. Safe beside other workers' sweeps: pushes
 * are claimed in chats.
 */
export function pushSweep(
  options: Partial<PushSweepOptions> & Pick<PushSweepOptions, 'chats' | 'pushes' | 'log'>,
) {
  const intervalMs = options.intervalMs ?? DEFAULT_PUSH_SWEEP.intervalMs;
  const graceMs = options.graceMs ?? DEFAULT_PUSH_SWEEP.graceMs;
  const batch = options.batch ?? DEFAULT_PUSH_SWEEP.batch;
  let after: OwedPush | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = true;

  async function round() {
    const owed = await options.chats.owed({ minAgeMs: graceMs, limit: batch, ...(after ? { after } : {}) });
    after = owed.length === batch ? owed.at(-1) : undefined;
    await options.pushes.push(owed);
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round()
        .catch((error: unknown) => options.log('push sweep: some pushes wait for the next round', error))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type PushSweep = ReturnType<typeof pushSweep>;
