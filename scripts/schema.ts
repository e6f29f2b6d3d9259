// `npm run check:schema`: nothing released breaks silently. Each subgraph's SDL and the supergraph's
// API schema against schema/released (GraphQL Inspector: a breaking change fails unless its element
// was @deprecated in the release and no persisted document uses it), the protos against
// schema/released/proto (`buf breaking`), and the composition version supergraph.yaml pins.
// `npm run schema:release`: makes today's schemas the released ones (run it when releasing).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkGraphQLSchemas, releaseSchemas, RELEASED_DIR } from './schemaCompatibility.ts';

const root = new URL('..', import.meta.url).pathname;
const buf = join(root, 'node_modules/.bin/buf');

/** `buf breaking` of proto/ against the released copy; the problems it prints, or none. */
async function protoProblems(): Promise<string | null> {
  try {
    await promisify(execFile)(buf, ['breaking', '--against', join(RELEASED_DIR, 'proto')], { cwd: root });
    return null;
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    return `${stdout ?? ''}${stderr ?? ''}`.trim() || message;
  }
}

async function check(): Promise<boolean> {
  const changes = await checkGraphQLSchemas(root);
  for (const change of changes)
    console.log(
      `${change.allowed ? 'allowed' : 'BREAKING'} ${change.schema}: ${change.message} (${change.path}): ${change.reason}`,
    );
  const refused = changes.filter((change) => !change.allowed);
  const proto = await protoProblems();
  if (proto) console.log(`BREAKING proto (buf breaking against ${RELEASED_DIR}/proto):\n${proto}`);
  const ok = refused.length === 0 && !proto;
  console.log(
    ok
      ? `Schemas compatible with ${RELEASED_DIR} (${changes.length} deprecated element(s) removed or changed)`
      : `${refused.length + (proto ? 1 : 0)} breaking change(s) against ${RELEASED_DIR}`,
  );
  return ok;
}

try {
  if (process.argv[2] === 'release') {
    await releaseSchemas(root);
    console.log(`Wrote ${RELEASED_DIR}: commit it with the release`);
  } else if (!(await check())) process.exitCode = 1;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
