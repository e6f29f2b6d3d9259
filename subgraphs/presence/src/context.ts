import type { Identity } from '@switchboard/core';
import type { LivePublisher } from '@switchboard/messaging';
import type { PresenceConfig } from './config.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { PresenceStore } from './presenceStore.ts';
import type { ChatMember } from './chatMember.ts';
import type { TypingTimers } from './typing.ts';

/** What every presence resolver receives, built per request by createServer.ts. */
export interface PresenceContext {
  identity: Identity;
  db: PrismaClient;
  store: PresenceStore;
  live: LivePublisher;
  typing: TypingTimers;
  config: PresenceConfig;
  /** Asks chats, the owner, whether a user is a member of a chat (ChatsService.MemberOf). */
  chatMember: ChatMember;
  /** The live event a subscription payload is being resolved for (from the gateway). */
  liveEvent: unknown;
}
