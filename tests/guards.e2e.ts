import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signUserToken } from '@switchboard/core';
import type { GatewayConfig, RunningGateway } from '@switchboard/gateway';
import { getOperationAST, parse } from 'graphql';
import type { Client as WsClient } from 'graphql-ws';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../apps/gateway/src/apiSchema.ts';
import { DEFAULT_LIMITS, exceededLimit, measureOperation } from '../apps/gateway/src/guards/limits.ts';
import { buildManifest, serializeManifest } from '../apps/gateway/src/guards/manifest.ts';
import { MAX_PAGE_SIZE } from '../subgraphs/chats/src/cursors.ts';
import { Client, contract, errorCode, signUp, type GraphQLResponse } from './support/client.ts';
import { SUBGRAPHS, startStack, type Stack } from './support/stack.ts';
import { countingProxy } from './support/proxy.ts';
import { subscribe, wsClient } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

const root = new URL('..', import.meta.url).pathname;
const manifestPath = `${root}contract/persisted-query-manifest.json`;
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Awaited<ReturnType<typeof buildManifest>>;
const idOf = (name: string) => manifest.operations.find((operation) => operation.name === name)!.id;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

type Response = GraphQLResponse & { status: number; headers: Headers };

interface Request {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });
const byId = (name: string) => ({ persistedQuery: { version: 1, sha256Hash: idOf(name) } });

async function post(url: string, body: Request, token?: string): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    ...((await response.json()) as GraphQLResponse),
    status: response.status,
    headers: response.headers,
  };
}

/** A GET as a mobile app sends it: JSON-encoded parameters, and a header that passes CSRF prevention. */
async function get(
  url: string,
  request: Request,
  { token, csrfHeader = true }: { token?: string; csrfHeader?: boolean } = {},
): Promise<Response> {
  const target = new URL(url);
  for (const [key, value] of Object.entries(request))
    target.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  const response = await fetch(target, {
    headers: {
      ...(csrfHeader ? { 'apollo-require-preflight': 'true' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  return {
    ...((await response.json()) as GraphQLResponse),
    status: response.status,
    headers: response.headers,
  };
}

/** The first result or error of one graphql-ws operation. */
function once(client: WsClient, payload: Request & { query: string }): Promise<GraphQLResponse> {
  return new Promise((resolve) => {
    const dispose = client.subscribe(payload, {
      next: (value) => {
        resolve(value as GraphQLResponse);
        dispose();
      },
      error: (error) => resolve({ errors: error as GraphQLResponse['errors'] }),
      complete: () => {},
    });
  });
}

/**
 * The answer to a query or mutation over graphql-ws, once it completes. (Disposing an operation
 * from its first payload, as `once` does, and then receiving its `complete` releases the client's
 * hold on the socket twice: with `lazy: false` it then closes the socket, 1000, itself.)
 */
function answer(client: WsClient, payload: Request & { query: string }): Promise<GraphQLResponse> {
  return new Promise((resolve) => {
    let result: GraphQLResponse = {};
    client.subscribe(payload, {
      next: (value) => void (result = value as GraphQLResponse),
      error: (error) => resolve({ errors: error as GraphQLResponse['errors'] }),
      complete: () => resolve(result),
    });
  });
}

let stack: Stack;
let anonymous: Client;
const sockets: WsClient[] = [];
const proxies: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  stack = await startStack();
  anonymous = new Client(stack.gateway.url);
});
afterAll(async () => {
  await Promise.all(sockets.map((client) => client.dispose()));
  await stack?.stop();
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

/** Another gateway over the same subgraphs, each behind a counting proxy. */
async function countedGateway(extra: Partial<GatewayConfig> = {}) {
  const counted = await Promise.all(SUBGRAPHS.map((name) => countingProxy(stack.subgraphs[name].url)));
  proxies.push(...counted);
  const gateway = await stack.startGateway({
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name, i) => [name, counted[i]!.url])),
    ...extra,
  });
  return { gateway, subgraphRequests: () => counted.reduce((sum, proxy) => sum + proxy.requests(), 0) };
}

function socket(gateway: RunningGateway, token?: string): WsClient {
  const client = wsClient(gateway.url, token);
  sockets.push(client);
  return client;
}

describe('automatic persisted queries', () => {
  it('misses with PERSISTED_QUERY_NOT_FOUND, registers, then hits over GET and POST on every gateway', async () => {
    const user = await signUp(anonymous);
    const token = user.client.token!;
    const other = await stack.startGateway();
    // A comment makes the text, so the hash, new to this Redis.
    const query = `query Probe { me { id username } } # ${randomUUID()}`;
    const hashOnly = { operationName: 'Probe', extensions: persisted(query) };

    const miss = await post(stack.gateway.url, hashOnly, token);
    expect(errorCode(miss)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(errorCode(await get(other.url, hashOnly, { token }))).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await post(stack.gateway.url, { ...hashOnly, query }, token);
    expect(registered.data).toEqual({ me: { id: user.id, username: user.username } });

    // Apollo writes the cache after answering; wait for the write to reach Redis.
    const viaGet = await waitFor(async () => {
      const result = await get(other.url, hashOnly, { token });
      return result.data ? result : undefined;
    }, 5_000);
    expect(viaGet!.data).toEqual(registered.data);
    expect((await post(other.url, hashOnly, token)).data).toEqual(registered.data);
  });

  it('refuses a hash that is not the SHA-256 of the query sent with it', async () => {
    const result = await post(stack.gateway.url, {
      query: '{ __typename }',
      extensions: persisted('{ something { else } }'),
    });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toBe('provided sha does not match query');
    // The client's mistake, with a code: not masked as an internal error.
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
  });

  it('serves contract operations by id without registration (the manifest is preloaded)', async () => {
    const user = await signUp(anonymous);
    const result = await get(
      stack.gateway.url,
      { operationName: 'Me', extensions: byId('Me') },
      {
        token: user.client.token!,
      },
    );
    expect(result.data?.['me']).toMatchObject({ id: user.id, username: user.username });
  });

  it('keeps CSRF prevention on: a GET without a non-simple header is refused', async () => {
    const request = { operationName: 'Me', extensions: byId('Me') };
    const refused = await get(stack.gateway.url, request, { csrfHeader: false });
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.message).toMatch(/CSRF/);
    expect((await get(stack.gateway.url, request)).status).toBe(200);
  });
});

describe('trusted documents', () => {
  it('the committed manifest equals a fresh generation from contract/operations', async () => {
    const fresh = serializeManifest(await buildManifest(`${root}contract/operations`));
    expect(readFileSync(manifestPath, 'utf8')).toBe(fresh);
  });

  it('each manifest body is the text clients send for that contract operation', () => {
    expect(manifest.operations.map((operation) => operation.name).sort()).toEqual(
      [...contract.keys()].sort(),
    );
    for (const operation of manifest.operations)
      expect(operation.body, operation.name).toBe(contract.get(operation.name));
  });

  describe('with the safelist on', () => {
    let safe: Awaited<ReturnType<typeof countedGateway>>;
    beforeAll(async () => {
      safe = await countedGateway({ safelist: true });
    });

    it('runs a contract operation by id (GET and POST) and by identical text', async () => {
      const user = await signUp(anonymous);
      const token = user.client.token!;
      const me = { id: user.id, username: user.username };
      const request = { operationName: 'Me', extensions: byId('Me') };
      expect((await get(safe.gateway.url, request, { token })).data?.['me']).toMatchObject(me);
      expect((await post(safe.gateway.url, request, token)).data?.['me']).toMatchObject(me);
      expect((await new Client(safe.gateway.url, token).op('Me')).data?.['me']).toMatchObject(me);
      // Mutations too: sign-in by id.
      const signIn = await post(safe.gateway.url, {
        operationName: 'SignIn',
        extensions: byId('SignIn'),
        variables: { input: { username: user.username, password: 'correct horse battery' } },
      });
      expect(signIn.data?.['signIn']?.user?.id).toBe(user.id);
    });

    it('refuses anything else with FORBIDDEN before any subgraph is called, and does not register it', async () => {
      const user = await signUp(anonymous);
      const before = safe.subgraphRequests();
      const reworded = `query Me { me { id } } # ${randomUUID()}`;
      const byText = await post(safe.gateway.url, { query: reworded }, user.client.token);
      expect(byText.status).toBe(403);
      expect(errorCode(byText)).toBe('FORBIDDEN');
      expect(byText.errors?.[0]?.extensions?.['reason']).toBe('NOT_IN_SAFELIST');
      const withHash = await post(
        safe.gateway.url,
        { query: reworded, extensions: persisted(reworded) },
        user.client.token,
      );
      expect(errorCode(withHash)).toBe('FORBIDDEN');
      const write = await post(
        safe.gateway.url,
        { query: `mutation { updateProfile(input: { displayName: "Mallory" }) { id } }` },
        user.client.token,
      );
      expect(errorCode(write)).toBe('FORBIDDEN');
      // The safelist comes before the operationName mistake.
      const two = await post(
        safe.gateway.url,
        { query: 'query A { me { id } } query B { me { id } }' },
        user.client.token,
      );
      expect([two.status, errorCode(two)]).toEqual([403, 'FORBIDDEN']);
      expect(safe.subgraphRequests()).toBe(before);

      expect((await user.client.data('Me')).me.displayName).toBe('Test User');
      // The refused text was never registered: an open gateway does not know its hash either.
      const lookup = await post(stack.gateway.url, { extensions: persisted(reworded) }, user.client.token);
      expect(errorCode(lookup)).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('applies the same safelist over WebSocket, by text and by id', async () => {
      const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
      const chatId = (
        await alice.client.data('CreateGroup', { input: { title: 'Safe', memberIds: [bob.id] } })
      ).createGroup.id;
      const client = socket(safe.gateway, bob.client.token);

      const unknown = await once(client, {
        query: `subscription { typing(chatId: "${chatId}") { chatId } }`,
      });
      expect(errorCode(unknown)).toBe('FORBIDDEN');
      const unknownQuery = await once(client, { query: '{ me { id } }' });
      expect(errorCode(unknownQuery)).toBe('FORBIDDEN');

      const meById = await once(client, { query: '', operationName: 'Me', extensions: byId('Me') });
      expect(meById.data?.['me']?.id).toBe(bob.id);

      const before = safe.gateway.activeSubscriptions();
      const results: GraphQLResponse[] = [];
      const listen = (payload: Request & { query: string }) =>
        client.subscribe(payload, {
          next: (value) => void results.push(value as GraphQLResponse),
          error: () => {},
          complete: () => {},
        });
      listen({ query: contract.get('MessageAdded')!, operationName: 'MessageAdded', variables: { chatId } });
      listen({
        query: '',
        operationName: 'MessageAdded',
        variables: { chatId },
        extensions: byId('MessageAdded'),
      });
      await waitFor(() => safe.gateway.activeSubscriptions() === before + 2, 10_000, 'both subscriptions');
      const sent = await alice.client.data('SendMessage', {
        input: { chatId, clientId: randomUUID(), body: 'trusted only' },
      });
      await waitFor(() => results.length === 2, 10_000, 'both payloads');
      for (const result of results) expect(result.data?.['messageAdded']?.id).toBe(sent.sendMessage.id);
    });

    it('refuses every operation on a socket whose token has expired with UNAUTHENTICATED, and closes it with 4403 (issue 17)', async () => {
      const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
      const chatId = (
        await alice.client.data('CreateGroup', { input: { title: 'Expiring', memberIds: [bob.id] } })
      ).createGroup.id;
      // Bob's own device, with a token that runs out within 4 s (`exp` is in whole seconds).
      const deviceId = decodeJwt(bob.client.token!)['did'] as string;
      const expiring = await signUserToken({ userId: bob.id, deviceId }, stack.config.jwtSecret, 4);
      const opened = () => {
        let client!: WsClient;
        const closeCode = new Promise<number>((resolve) => {
          client = wsClient(safe.gateway.url, expiring, {
            onClosed: (event) => resolve((event as { code: number }).code),
          });
        });
        sockets.push(client);
        return { client, closeCode };
      };
      const [listening, writing] = [opened(), opened()];
      const me = { query: contract.get('Me')!, operationName: 'Me' };
      // Both sockets work while the token holds.
      for (const { client } of [listening, writing])
        expect((await answer(client, me)).data?.['me']?.id).toBe(bob.id);
      const active = safe.gateway.activeSubscriptions();
      const messages = subscribe(listening.client, 'MessageAdded', { chatId });
      await waitFor(() => safe.gateway.activeSubscriptions() > active, 10_000, 'the subscription');

      // The subscription ends when the token does: that moment has passed.
      expect(errorCode({ errors: (await messages.ended) as GraphQLResponse['errors'] })).toBe(
        'UNAUTHENTICATED',
      );
      const before = safe.subgraphRequests();
      expect(errorCode(await answer(listening.client, me))).toBe('UNAUTHENTICATED');
      expect(await listening.closeCode).toBe(4403);
      const sent = await answer(writing.client, {
        query: contract.get('SendMessage')!,
        operationName: 'SendMessage',
        variables: { input: { chatId, clientId: randomUUID(), body: 'after my token ran out' } },
      });
      expect(errorCode(sent)).toBe('UNAUTHENTICATED');
      expect(await writing.closeCode).toBe(4403);
      expect(safe.subgraphRequests()).toBe(before);
      const history = await alice.client.data('ChatHistory', { chatId, last: 10 });
      expect(history.chat.messages.edges).toEqual([]);
    });
  });
});

describe('limits', () => {
  let guarded: Awaited<ReturnType<typeof countedGateway>>;
  let token: string;
  beforeAll(async () => {
    guarded = await countedGateway();
    token = (await signUp(anonymous)).client.token!;
  });

  const manyTokens = () => `{ me { ${'id '.repeat(DEFAULT_LIMITS.maxTokens)}} }`;
  const nestedReplies = (levels: number) =>
    `query Deep { chat(id: "x") { messages { edges { node { ${'replyTo { '.repeat(levels)}id${' }'.repeat(levels)} } } } } }`;

  const refusals: [string, () => string, Record<string, unknown>, string][] = [
    ['depth', () => nestedReplies(9), {}, 'QUERY_TOO_COMPLEX'],
    [
      'aliases',
      () =>
        `{ me { ${Array.from({ length: DEFAULT_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: id`).join(' ')} } }`,
      {},
      'QUERY_TOO_COMPLEX',
    ],
    [
      'root fields',
      () => `{ ${'me { id } '.repeat(DEFAULT_LIMITS.maxRootFields + 1)}}`,
      {},
      'QUERY_TOO_COMPLEX',
    ],
    // The contract's own ChatHistory, asking for far more than a page.
    ['cost', () => contract.get('ChatHistory')!, { chatId: 'x', last: 1000 }, 'QUERY_TOO_COMPLEX'],
    ['tokens', manyTokens, {}, 'GRAPHQL_PARSE_FAILED'],
  ];

  it.each(refusals)(
    'refuses %s over HTTP before any subgraph is called',
    async (limit, query, variables, code) => {
      const before = guarded.subgraphRequests();
      const result = await post(guarded.gateway.url, { query: query(), variables }, token);
      expect(errorCode(result)).toBe(code);
      expect(result.status).toBe(400);
      if (code === 'QUERY_TOO_COMPLEX')
        expect(result.errors?.[0]?.extensions?.['limit']).toBe(
          limit === 'root fields' ? 'rootFields' : limit,
        );
      expect(guarded.subgraphRequests()).toBe(before);
    },
  );

  it('refuses a body over the limit with 413 and a GraphQL error', async () => {
    const before = guarded.subgraphRequests();
    const result = await post(
      guarded.gateway.url,
      { query: contract.get('Me')!, variables: { padding: 'x'.repeat(DEFAULT_LIMITS.maxBodyBytes) } },
      token,
    );
    expect(result.status).toBe(413);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(guarded.subgraphRequests()).toBe(before);
  });

  it('refuses the same over WebSocket', async () => {
    // Anonymous, so no presence heartbeat reaches a subgraph while we count.
    const client = socket(guarded.gateway);
    const before = guarded.subgraphRequests();
    const deep = `subscription { messageAdded { ${'replyTo { '.repeat(12)}id${' }'.repeat(12)} } }`;
    expect(errorCode(await once(client, { query: deep }))).toBe('QUERY_TOO_COMPLEX');
    expect(errorCode(await once(client, { query: manyTokens() }))).toBe('GRAPHQL_PARSE_FAILED');
    const cost = await once(client, {
      query: contract.get('ChatHistory')!,
      variables: { chatId: 'x', last: 1000 },
    });
    expect(errorCode(cost)).toBe('QUERY_TOO_COMPLEX');
    expect(guarded.subgraphRequests()).toBe(before);
  });

  it('answers a request that names no operation of its document with BAD_REQUEST and 400, after the limits', async () => {
    const before = guarded.subgraphRequests();
    const two = 'query A { me { id } } query B { me { username } }';
    for (const body of [
      { query: two },
      { query: two, operationName: 'C' },
      { query: '{ me { id } }', operationName: 'X' },
    ]) {
      const result = await post(guarded.gateway.url, body, token);
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(result)).toBe('BAD_REQUEST');
    }
    // The limits still apply to every operation of such a document, first.
    const deep = `${two} query Deep { chat(id: "x") { messages { edges { node { ${'replyTo { '.repeat(9)}id${' }'.repeat(9)} } } } } }`;
    const tooDeep = await post(guarded.gateway.url, { query: deep }, token);
    expect([tooDeep.status, errorCode(tooDeep)]).toEqual([400, 'QUERY_TOO_COMPLEX']);
    // And over WebSocket.
    expect(errorCode(await once(socket(guarded.gateway), { query: two }))).toBe('BAD_REQUEST');
    expect(guarded.subgraphRequests()).toBe(before);
  });

  it('every contract document passes every limit, at the largest page the subgraphs allow', () => {
    const schema = apiSchemaOf(readFileSync(`${root}supergraph.graphql`, 'utf8'));
    for (const { name, body } of manifest.operations) {
      const document = parse(body, { maxTokens: DEFAULT_LIMITS.maxTokens });
      const operation = getOperationAST(document)!;
      for (const variables of [{}, { first: MAX_PAGE_SIZE, last: MAX_PAGE_SIZE }]) {
        const measure = measureOperation(
          schema,
          document,
          operation,
          variables,
          DEFAULT_LIMITS.defaultListSize,
        );
        expect(exceededLimit(measure, DEFAULT_LIMITS), `${name} ${JSON.stringify(measure)}`).toBeUndefined();
      }
      expect(Buffer.byteLength(JSON.stringify({ query: body }))).toBeLessThan(DEFAULT_LIMITS.maxBodyBytes);
    }
  });
});

describe('mutation rate limits', () => {
  let first: RunningGateway;
  let second: RunningGateway;
  beforeAll(async () => {
    // Two gateways sharing budgets through Redis, with limits low enough to reach.
    const rateLimits = {
      perUser: { points: 3, durationSeconds: 60 },
      anonymousPerAddress: { points: 3, durationSeconds: 60 },
      keyPrefix: `test-rl-${randomUUID()}`,
    };
    [first, second] = await Promise.all([
      stack.startGateway({ rateLimits }),
      stack.startGateway({ rateLimits }),
    ]);
  });

  const rename = (displayName: string) => ({
    query: contract.get('UpdateProfile')!,
    variables: { input: { displayName } },
  });

  it('limits a user across gateways with RATE_LIMITED and retryAfter, and leaves the data alone', async () => {
    const user = await signUp(anonymous);
    const token = user.client.token!;
    expect((await post(first.url, rename('one'), token)).data).toBeTruthy();
    expect((await post(second.url, rename('two'), token)).data).toBeTruthy();
    expect((await post(first.url, rename('three'), token)).data).toBeTruthy();

    const limited = await post(second.url, rename('four'), token);
    expect(limited.status).toBe(429);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    const retryAfter = limited.errors?.[0]?.extensions?.['retryAfter'] as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('retry-after')).toBe(String(retryAfter));

    // Queries are not limited, and the refused mutation did not happen.
    expect((await post(first.url, { query: contract.get('Me')! }, token)).data?.['me']?.displayName).toBe(
      'three',
    );
    // Over the socket too.
    const overSocket = await once(socket(first, token), rename('five'));
    expect(errorCode(overSocket)).toBe('RATE_LIMITED');
  });

  it('counts each root field of a mutation', async () => {
    const user = await signUp(anonymous);
    const four = `mutation { ${[1, 2, 3, 4].map((i) => `u${i}: updateProfile(input: { about: "${i}" }) { id }`).join(' ')} }`;
    expect(errorCode(await post(first.url, { query: four }, user.client.token))).toBe('RATE_LIMITED');
  });

  it('limits anonymous mutations (sign-in attempts) per client address, across gateways', async () => {
    const user = await signUp(anonymous);
    const signIn = (password: string) => ({
      query: contract.get('SignIn')!,
      variables: { input: { username: user.username, password } },
    });
    for (const gateway of [first, second, first])
      expect(errorCode(await post(gateway.url, signIn('wrong password!')))).toBe('UNAUTHENTICATED');
    const limited = await post(second.url, signIn('correct horse battery'));
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.data ?? null).toBeNull();
  });
});
