import { createWebServer } from './createWebServer.ts';
import { env } from './env.ts';

const running = await createWebServer({ gatewayUrl: env.GATEWAY_URL, mediaUrl: env.MEDIA_URL }).listen(
  env.PORT,
  '0.0.0.0',
);
console.log(`Web client ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.stop().finally(() => process.exit(0));
  });
}
