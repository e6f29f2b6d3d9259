import { createHash, randomUUID } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { wsUrl } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/** A contract operation as the app would hold it. */
const document = (name: string) => gql(contract.get(name)!);

interface SentRequest {
  method: string;
  url: URL;
  body?: Record<string, unknown>;
}

let stack: Stack;
const disposers: (() => unknown)[] = [];
beforeAll(async () => {
  // As in production: only the manifest's operations run. Apollo Client adds __typename to them,
  // which the safelist allows.
  stack = await startStack({ gateway: { safelist: true } });
});
afterAll(async () => {
  for (const dispose of disposers) await dispose();
  await stack?.stop();
});

/**
 * Apollo Client set up as a mobile app would be: automatic persisted queries (SHA-256 from
 * node:crypto) with hashed queries sent as GET, subscriptions over graphql-ws. Records every HTTP
 * request it sends.
 */
function mobileClient(token?: string) {
  const sent: SentRequest[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    const body =
      typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
    sent.push({ method: init?.method ?? 'GET', url: new URL(String(input)), ...(body ? { body } : {}) });
    return fetch(input, init);
  };
  const authorization = token ? `Bearer ${token}` : undefined;
  const http = new HttpLink({
    uri: stack.gateway.url,
    fetch: recordingFetch,
    headers: authorization ? { authorization } : {},
  });
  const persisted = new PersistedQueryLink({
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    useGETForHashedQueries: true,
  });
  const ws = createClient({
    url: wsUrl(stack.gateway.url),
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
  });
  const client = new ApolloClient({
    link: ApolloLink.split(
      ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
      new GraphQLWsLink(ws),
      persisted.concat(http),
    ),
    cache: new InMemoryCache(),
  });
  disposers.push(
    () => client.stop(),
    () => ws.dispose(),
  );
  return { client, sent };
}

async function signUp(displayName: string) {
  const { client } = mobileClient();
  const username = `ac_${randomUUID().slice(0, 8)}`;
  const { data } = await client.mutate({
    mutation: document('SignUp'),
    variables: { input: { username, password: 'correct horse battery', displayName } },
  });
  const { token, user } = (data as { signUp: { token: string; user: { id: string } } }).signUp;
  return { id: user.id, token, ...mobileClient(token) };
}

describe('Apollo Client as a mobile app', () => {
  it('signs up, creates a chat, sends a message and receives it over a subscription; repeats queries as hashed GETs', async () => {
    const [alice, bob] = await Promise.all([signUp('Alice'), signUp('Bob')]);

    const created = await alice.client.mutate({
      mutation: document('CreateGroup'),
      variables: { input: { title: 'Mobile', memberIds: [bob.id] } },
    });
    const chatId = (created.data as { createGroup: { id: string } }).createGroup.id;

    const received: { messageAdded: { id: string; body: string; sender: { id: string } } }[] = [];
    const before = stack.gateway.activeSubscriptions();
    const subscription = bob.client
      .subscribe({ query: document('MessageAdded'), variables: { chatId } })
      .subscribe({ next: ({ data }) => void (data && received.push(data as (typeof received)[number])) });
    disposers.push(() => subscription.unsubscribe());
    await waitFor(() => stack.gateway.activeSubscriptions() > before, 10_000, 'the subscription');

    const sent = await alice.client.mutate({
      mutation: document('SendMessage'),
      variables: { input: { chatId, clientId: randomUUID(), body: 'hello from a phone' } },
    });
    const messageId = (sent.data as { sendMessage: { id: string } }).sendMessage.id;
    await waitFor(() => received.length > 0, 10_000, 'the message over the subscription');
    expect(received[0]!.messageAdded).toMatchObject({
      id: messageId,
      body: 'hello from a phone',
      sender: { id: alice.id },
    });

    // The same query twice: the second call is a GET that carries only the hash.
    const history = { query: document('ChatHistory'), variables: { chatId, last: 20 } };
    const first = await bob.client.query({ ...history, fetchPolicy: 'network-only' });
    const requestsBefore = bob.sent.length;
    const second = await bob.client.query({ ...history, fetchPolicy: 'network-only' });
    expect(second.data).toEqual(first.data);
    expect(
      (second.data as { chat: { messages: { edges: { node: { id: string } }[] } } }).chat.messages.edges.map(
        (edge) => edge.node.id,
      ),
    ).toEqual([messageId]);

    const repeat = bob.sent.slice(requestsBefore);
    expect(repeat).toHaveLength(1);
    expect(repeat[0]!.method).toBe('GET');
    expect(repeat[0]!.url.searchParams.has('query')).toBe(false);
    expect(JSON.parse(repeat[0]!.url.searchParams.get('extensions')!)).toMatchObject({
      persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });

    // Mutations went as POST (APQ: the hash first, then the text on PERSISTED_QUERY_NOT_FOUND).
    expect(alice.sent.filter((request) => request.method === 'GET')).toEqual([]);
  });
});
