import type { Client } from '@connectrpc/connect';
import type { Identity } from '@switchboard/core';
import type { LivePublisher } from '@switchboard/messaging';
import type { ChatsService } from '@switchboard/rpc/chats/v1';
import type { UsersConfig } from './config.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { UserLoader } from './userLoader.ts';

/** What every users resolver receives, built per request by createServer.ts. */
export interface UsersContext {
  identity: Identity;
  db: PrismaClient;
  config: UsersConfig;
  /** Batches user lookups of one request (entity references, me). */
  users: UserLoader;
  /** Announces profile changes to the gateways' entity caches (absent without Redis). */
  live?: LivePublisher;
  /** chats over the internal gRPC plane: told of each block and device before the mutation answers. */
  chats: Client<typeof ChatsService>;
}
