import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** rover's supergraph config format, the parts we use. */
const SupergraphConfig = z.object({
  federation_version: z.string(),
  subgraphs: z.record(
    z.string(),
    z.object({
      routing_url: z.string().url(),
      schema: z.object({ file: z.string() }),
    }),
  ),
});

/** The version of @apollo/composition this process composes with. */
export const installedCompositionVersion = (): string =>
  (createRequire(import.meta.url)('@apollo/composition/package.json') as { version: string }).version;

/**
 * Why `federation_version` (rover's: `=2.14.4` exactly, or a major such as `2`) does not allow
 * composing with `installed`; null when it does.
 */
export function compositionVersionMismatch(federationVersion: string, installed: string): string | null {
  const wanted = federationVersion.trim();
  const exact = wanted.startsWith('=') ? wanted.slice(1) : null;
  const allowed =
    exact !== null ? installed === exact : /^\d+$/.test(wanted) && installed.split('.')[0] === wanted;
  if (allowed) return null;
  return (
    `supergraph.yaml pins federation_version ${wanted}, but @apollo/composition ${installed} is installed: ` +
    `install the pinned version, or pin =${installed} in supergraph.yaml (and commit what it composes)`
  );
}

/**
 * Composes `supergraph.yaml` into supergraph SDL with @apollo/composition (the library rover
 * itself uses). Composition errors throw with composition's own messages; so does a
 * `federation_version` the installed composition is not, so a supergraph is never composed by a
 * version other than the one the repository pins.
 */
export async function composeSupergraph(configPath: string): Promise<string> {
  const config = SupergraphConfig.parse(parseYaml(await readFile(configPath, 'utf8')));
  const mismatch = compositionVersionMismatch(config.federation_version, installedCompositionVersion());
  if (mismatch) throw new Error(mismatch);
  const base = dirname(resolve(configPath));
  const services = await Promise.all(
    Object.entries(config.subgraphs).map(async ([name, subgraph]) => ({
      name,
      url: subgraph.routing_url,
      typeDefs: parse(await readFile(resolve(base, subgraph.schema.file), 'utf8')),
    })),
  );
  const result = composeServices(services);
  if (result.errors) {
    const messages = result.errors.map((error) => `  - ${error.message}`).join('\n');
    throw new Error(`Supergraph composition failed:\n${messages}`);
  }
  return result.supergraphSdl;
}
