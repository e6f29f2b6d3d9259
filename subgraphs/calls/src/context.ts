import type { Identity } from '@switchboard/core';
import type { LiveQueue } from '@switchboard/messaging';
import type { CallsSettings } from './config.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { CallInbox } from './inbox.ts';

/** What every calls resolver receives, built per request by createServer.ts. */
export interface CallsContext {
  identity: Identity;
  db: PrismaClient;
  settings: CallsSettings;
  /** Live events of the running mutation, published once it succeeded (resolvers.ts). */
  live: LiveQueue;
  /** The devices' inboxes in chats, where every signal is appended before a mutation answers. */
  inbox: CallInbox;
  /** The live event the gateway is resolving a subscription payload for (subscriptions.ts). */
  liveEvent: unknown;
}
