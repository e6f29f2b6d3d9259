import { refuseDevSecretsInProduction } from '@switchboard/core';
import { createServer } from './createServer.ts';
import { env } from './env.ts';

refuseDevSecretsInProduction(env);
const server = await createServer({
  databaseUrl: env.DATABASE_URL,
  internalSecret: env.INTERNAL_SECRET,
  development: env.NODE_ENV !== 'production',
  jwtSecret: env.JWT_SECRET,
  tokenTtlSeconds: env.TOKEN_TTL_SECONDS,
});
const running = await server.listen(env.PORT);
console.log(`users subgraph ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.stop().finally(() => process.exit(0));
  });
}
