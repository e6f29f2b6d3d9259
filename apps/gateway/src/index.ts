import { refuseDevSecretsInProduction } from '@switchboard/core';
import { createGateway } from './createGateway.ts';
import { env } from './env.ts';

refuseDevSecretsInProduction(env);
const subgraphUrls = Object.fromEntries(
  (['users', 'chats', 'media', 'presence'] as const).flatMap((name) => {
    const url = env[`SUBGRAPH_URL_${name.toUpperCase()}` as `SUBGRAPH_URL_${Uppercase<typeof name>}`];
    return url ? [[name, url]] : [];
  }),
);
const gateway = await createGateway({
  supergraphPath: env.SUPERGRAPH_PATH,
  subgraphUrls,
  jwtSecret: env.JWT_SECRET,
  internalSecret: env.INTERNAL_SECRET,
  development: env.NODE_ENV !== 'production',
  redisUrl: env.REDIS_URL,
});
const running = await gateway.listen(env.PORT, '0.0.0.0');
console.log(`Gateway ready at ${running.url}`);
if (env.NODE_ENV !== 'production') console.log(`Apollo Sandbox: open ${running.url} in a browser`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.stop().finally(() => process.exit(0));
  });
}
