// `npm run manifest`: contract/operations -> contract/persisted-query-manifest.json (committed; the
// gateway loads it for trusted documents and, with SAFELIST=1, runs nothing else).
import { writeFile } from 'node:fs/promises';
import { buildManifest, serializeManifest } from '../apps/gateway/src/guards/manifest.ts';

try {
  const manifest = await buildManifest('contract/operations');
  await writeFile('contract/persisted-query-manifest.json', serializeManifest(manifest));
  console.log(`Wrote contract/persisted-query-manifest.json (${manifest.operations.length} operations)`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
