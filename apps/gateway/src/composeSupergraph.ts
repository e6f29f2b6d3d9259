import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** rover's supergraph config format, the parts we use. */
const SupergraphConfig = z.object({
  federation_version: z.string().optional(),
  subgraphs: z.record(
    z.string(),
    z.object({
      routing_url: z.string().url(),
      schema: z.object({ file: z.string() }),
    }),
  ),
});

/**
 * Composes `supergraph.yaml` into supergraph SDL with @apollo/composition (the library rover
 * itself uses). Composition errors throw with composition's own messages.
 */
export async function composeSupergraph(configPath: string): Promise<string> {
  const config = SupergraphConfig.parse(parseYaml(await readFile(configPath, 'utf8')));
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
