export interface HealthReport {
  ok: boolean;
  subgraphs: Record<string, 'ok' | 'unavailable'>;
}

/** Asks each subgraph's `/health` (next to its `/graphql`); healthy only if all answer 200. */
export async function checkSubgraphs(urls: Map<string, string>, timeoutMs = 2000): Promise<HealthReport> {
  const entries = await Promise.all(
    [...urls].map(async ([name, url]) => {
      try {
        const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(timeoutMs) });
        await response.body?.cancel();
        return [name, response.ok ? 'ok' : 'unavailable'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      }
    }),
  );
  const subgraphs = Object.fromEntries(entries);
  return { ok: entries.length > 0 && entries.every(([, status]) => status === 'ok'), subgraphs };
}
