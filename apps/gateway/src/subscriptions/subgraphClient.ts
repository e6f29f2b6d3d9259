import { INTERNAL_IDENTITY_HEADER, appError, type Identity, type IdentitySigner } from '@switchboard/core';
import { GraphQLError } from 'graphql';

/**
 * The gateway's own calls to one subgraph (not client operations): the internal fields a
 * subscription needs, such as the ids of a user's chats or the messages to replay. Sent as the
 * subscriber, so the subgraph authorizes them as it would the subscriber's own query.
 */
export function createSubgraphClient(url: string, subgraph: string, signer: IdentitySigner) {
  return async function request<T>(
    identity: Identity,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [INTERNAL_IDENTITY_HEADER]: await signer.tokenFor(identity, subgraph),
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    const error = body.errors?.[0];
    if (error) {
      throw error.extensions?.code
        ? appError(error.extensions.code as Parameters<typeof appError>[0], error.message)
        : new GraphQLError(error.message);
    }
    if (!body.data) throw new GraphQLError(`${url} answered ${response.status} without data`);
    return body.data;
  };
}

export type SubgraphRequest = ReturnType<typeof createSubgraphClient>;

export interface ReplayMessage {
  id: string;
  seq: number;
}

/** What subscriptions ask of chats, as the subscriber. */
export function chatsApi(request: SubgraphRequest) {
  return {
    async assertMember(userId: string, chatId: string): Promise<void> {
      await request({ userId }, 'query ($id: ID!) { chat(id: $id) { id } }', { id: chatId });
    },
    async myChatIds(userId: string): Promise<string[]> {
      return (await request<{ _myChatIds: string[] }>({ userId }, '{ _myChatIds }'))._myChatIds;
    },
    async messagesAfter(
      userId: string,
      chatId: string,
      afterSeq: number,
      first: number,
    ): Promise<ReplayMessage[]> {
      const data = await request<{ _messagesAfter: ReplayMessage[] }>(
        { userId },
        'query ($chatId: ID!, $afterSeq: Int!, $first: Int!) { _messagesAfter(chatId: $chatId, afterSeq: $afterSeq, first: $first) { id seq } }',
        { chatId, afterSeq, first },
      );
      return data._messagesAfter;
    },
  };
}

export type ChatsApi = ReturnType<typeof chatsApi>;
