import { DEV_INTERNAL_SECRET, DEV_JWT_SECRET, type RunningServer } from '@switchboard/core';
import { createServer as createChats } from '@switchboard/chats';
import { createGateway, type RunningGateway } from '@switchboard/gateway';
import { createServer as createMedia } from '@switchboard/media';
import { createServer as createPresence } from '@switchboard/presence';
import { createServer as createUsers } from '@switchboard/users';
import { inject } from 'vitest';

export interface Stack {
  gateway: RunningGateway;
  subgraphs: Record<'users' | 'chats' | 'media' | 'presence', RunningServer>;
  config: StackConfig;
  stop(): Promise<void>;
}

export interface StackConfig {
  databaseUrl: string;
  jwtSecret: string;
  internalSecret: string;
}

/** Starts the four subgraphs and the gateway in-process on free ports, against the run's database. */
export async function startStack(overrides: Partial<StackConfig> = {}): Promise<Stack> {
  const config: StackConfig = {
    databaseUrl: inject('databaseUrl'),
    jwtSecret: DEV_JWT_SECRET,
    internalSecret: DEV_INTERNAL_SECRET,
    ...overrides,
  };
  const common = { databaseUrl: config.databaseUrl, internalSecret: config.internalSecret, development: true };
  const [users, chats, media, presence] = await Promise.all([
    createUsers({ ...common, jwtSecret: config.jwtSecret, tokenTtlSeconds: 3600 }).then((s) => s.listen(0)),
    createChats(common).then((s) => s.listen(0)),
    createMedia(common).then((s) => s.listen(0)),
    createPresence(common).then((s) => s.listen(0)),
  ]);
  const subgraphs = { users, chats, media, presence };
  const gateway = await (
    await createGateway({
      supergraphPath: new URL('../../supergraph.graphql', import.meta.url).pathname,
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
      jwtSecret: config.jwtSecret,
      internalSecret: config.internalSecret,
      development: true,
    })
  ).listen(0);
  return {
    gateway,
    subgraphs,
    config,
    async stop() {
      await gateway.stop();
      await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
    },
  };
}
