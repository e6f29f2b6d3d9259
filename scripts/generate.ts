// `npm run db:generate`: generates each subgraph's Prisma Client (Prisma 7, no native engine).
// The CLI insists on resolving a schema engine even to generate; none can be downloaded here and
// generate never runs it, so point it at a harmless executable (see prisma/README.md).
import { execFileSync } from 'node:child_process';
import { SUBGRAPH_SCHEMAS } from '@switchboard/db';

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
for (const schema of SUBGRAPH_SCHEMAS) {
  execFileSync('npx', ['prisma', 'generate', '--schema', `prisma/${schema}/schema.prisma`], {
    stdio: 'inherit',
    env,
  });
}
