import { createClient } from '@connectrpc/connect';
import type { IdentitySigner } from '@switchboard/core';
import { createRpcTransport, rpcFailure } from '@switchboard/rpc';
import { ChatsService } from '@switchboard/rpc/chats/v1';

/** Whether a user is a member of a chat, as chats (the owner) answers it now, with its version. */
export type ChatMember = (chatId: string, userId: string) => Promise<{ member: boolean; version: number }>;

/** A call that must hold before a client's request answers: short, the client is waiting. */
const SYNC_CALL_TIMEOUT_MS = 2_000;

/**
 * presence's projection of chats' membership comes by the durable path, later than the mutation
 * that changed it: a member of a chat just created or joined is asked about here, so typing works
 * the moment createDirectChat or addMembers answers (architecture.md, principle 9). chats down or
 * slow is SERVICE_UNAVAILABLE for the client.
 */
export function chatMemberOf(options: {
  chatsRpcUrl: string | (() => string);
  signer: IdentitySigner;
}): ChatMember {
  const chats = createClient(
    ChatsService,
    createRpcTransport({
      baseUrl: options.chatsRpcUrl,
      audience: 'chats',
      signer: options.signer,
      defaultTimeoutMs: SYNC_CALL_TIMEOUT_MS,
    }),
  );
  return async (chatId, userId) => {
    try {
      const answer = await chats.memberOf({ chatId, userId });
      return { member: answer.member, version: answer.memberVersion };
    } catch (error) {
      throw rpcFailure('chats', error);
    }
  };
}
