// `npm run compose`: supergraph.yaml -> supergraph.graphql (committed; the gateway loads it at start).
import { writeFile } from 'node:fs/promises';
import { composeSupergraph } from '../apps/gateway/src/composeSupergraph.ts';

try {
  const sdl = await composeSupergraph('supergraph.yaml');
  await writeFile('supergraph.graphql', sdl);
  console.log('Wrote supergraph.graphql');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
