// Reads a process's /metrics (Prometheus text format), for figures a process knows about itself.

export interface Metrics {
  /** The sum of every series of `name` whose labels include `labels`. */
  get(name: string, labels?: Record<string, string>): number;
}

export async function scrape(url: string): Promise<Metrics> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  const series = (await response.text())
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) return undefined;
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    })
    .filter((entry) => entry !== undefined);
  return {
    get(name, labels = {}) {
      return series
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0);
    },
  };
}

/** The gateway's /metrics for its /graphql URL. */
export const metricsUrl = (graphqlUrl: string) => new URL('/metrics', graphqlUrl).toString();
