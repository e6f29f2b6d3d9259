/** A process `npm start` runs, and the URL that answers 2xx once it is ready to serve. */
export interface ReadyCheck {
  name: string;
  url: string;
}

/**
 * Resolves once every process answers its readiness URL; rejects, naming them, when `died`
 * settles first (a process exited: its reason) or when some are still not ready at the deadline.
 * `npm start` says "Ready" only after this resolves.
 */
export async function waitUntilReady(
  checks: ReadyCheck[],
  options: { died: Promise<string>; timeoutMs: number; intervalMs?: number },
): Promise<void> {
  const waiting = new Set(checks);
  const deadline = Date.now() + options.timeoutMs;
  let dead: string | undefined;
  void options.died.then((reason) => (dead = reason));
  const died = options.died.then((reason) => {
    throw new Error(reason);
  });
  died.catch(() => {}); // read through `dead` when nothing awaits it
  while (waiting.size > 0) {
    if (dead !== undefined) throw new Error(dead);
    if (Date.now() > deadline)
      throw new Error(
        `not ready within ${options.timeoutMs / 1000} s: ${[...waiting].map((check) => check.name).join(', ')}`,
      );
    await Promise.race([
      died,
      Promise.all(
        [...waiting].map(async (check) => {
          try {
            const response = await fetch(check.url, { signal: AbortSignal.timeout(2_000) });
            await response.body?.cancel();
            if (response.ok) waiting.delete(check);
          } catch {
            // not up yet
          }
        }),
      ),
    ]);
    if (waiting.size > 0)
      await Promise.race([died, new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250))]);
  }
  if (dead !== undefined) throw new Error(dead);
}
