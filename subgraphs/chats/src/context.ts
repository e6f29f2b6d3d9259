import type { Identity } from '@switchboard/core';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { LiveQueue } from './liveEvents.ts';
import type { Loaders } from './loaders.ts';
import type { UserDirectory } from './userDirectory.ts';

/** What every chats resolver receives, built per request by createServer.ts. */
export interface ChatsContext {
  identity: Identity;
  db: PrismaClient;
  /** Per-request batching of reads (loaders.ts). */
  loaders: Loaders;
  /** Live events of the running mutation, published once it succeeded (resolvers.ts). */
  live: LiveQueue;
  /** The live event the gateway is resolving a subscription payload for (subscriptions.ts). */
  liveEvent: unknown;
  /** Which ids name users, asked of users over gRPC before a chat or members are stored. */
  users: UserDirectory;
}
