import { generateKeyPairSync } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Interceptor } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import {
  GATEWAY_ISSUER,
  INTERNAL_IDENTITY_HEADER,
  createIdentitySigner,
  signInternalIdentity,
  signUserToken,
} from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectRequestSchema,
  PresenceService,
  type ConnectRequest,
} from './gen/switchboard/presence/v1/presence_pb.ts';
import { callerOf, createRpcServer, createRpcTransport, type RunningRpcServer } from './index.ts';

const gateway = generateKeyPairSync('ed25519');
const trustedKeys = new Map([[GATEWAY_ISSUER, [gateway.publicKey]]]);
const signer = createIdentitySigner({ issuer: GATEWAY_ISSUER, key: gateway.privateKey });

let server: RunningRpcServer;
beforeAll(async () => {
  // A stand-in presence: answers Register with the caller's issuer in the lease, then echoes acks.
  server = await createRpcServer({
    name: 'presence',
    trustedKeys,
    routes: (router) =>
      router.service(PresenceService, {
        async *connect(requests, context) {
          const caller = callerOf(context);
          for await (const request of requests) {
            if (request.kind.case === 'register')
              yield {
                kind: { case: 'registered', value: { leaseMs: caller.issuer === GATEWAY_ISSUER ? 1 : 0 } },
              };
            else if (request.kind.case === 'batch')
              yield { kind: { case: 'ack', value: { seq: request.kind.value.seq } } };
          }
        },
      }),
  }).listen(0);
});
afterAll(() => server?.close());

const register = create(ConnectRequestSchema, {
  kind: { case: 'register', value: { gatewayId: 'g1', leaseMs: 1000 } },
});

/** Opens a stream, sends Register, and returns the first answer (or throws its error). */
async function firstAnswer(transport: ReturnType<typeof createGrpcTransport>) {
  async function* requests(): AsyncGenerator<ConnectRequest> {
    yield register;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  const abort = new AbortController();
  try {
    for await (const response of createClient(PresenceService, transport).connect(requests(), {
      signal: abort.signal,
    }))
      return response;
    return undefined;
  } finally {
    abort.abort();
  }
}

/** A transport that sends exactly `token` (or nothing) as the internal identity. */
function withToken(token: string | undefined) {
  const header: Interceptor = (next) => (request) => {
    if (token !== undefined) request.header.set(INTERNAL_IDENTITY_HEADER, token);
    return next(request);
  };
  return createGrpcTransport({ baseUrl: server.url, interceptors: [header] });
}

describe('the internal gRPC plane', () => {
  it('serves a call that carries the identity minted for this service', async () => {
    const transport = createRpcTransport({ baseUrl: server.url, audience: 'presence', signer });
    const answer = await firstAnswer(transport);
    expect(answer?.kind).toEqual({ case: 'registered', value: expect.objectContaining({ leaseMs: 1 }) });
  });

  const sign = (key: typeof gateway.privateKey, audience: string, ttlSeconds?: number) =>
    signInternalIdentity(
      { userId: null },
      { issuer: GATEWAY_ISSUER, key, audience, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) },
    );
  const refusals: [string, () => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    ['a token signed by another key', () => sign(generateKeyPairSync('ed25519').privateKey, 'presence')],
    ['an expired token', () => sign(gateway.privateKey, 'presence', -5)],
    ['a token for another service', () => sign(gateway.privateKey, 'chats')],
    [
      'a user token',
      () =>
        signUserToken({ userId: 'someone', deviceId: 'phone' }, 'a-user-token-secret-of-32-characters!!', 60),
    ],
  ];
  it.each(refusals)('refuses %s with unauthenticated', async (_case, token) => {
    const error = await firstAnswer(withToken(await token())).then(
      () => null,
      (thrown: unknown) => ConnectError.from(thrown),
    );
    expect(error?.code).toBe(Code.Unauthenticated);
  });

  it('ends open streams with unavailable when it closes', async () => {
    const closing = await createRpcServer({
      name: 'presence',
      trustedKeys,
      routes: (router) =>
        router.service(PresenceService, {
          async *connect(requests) {
            for await (const _ of requests) yield { kind: { case: 'ack', value: { seq: 1n } } };
          },
        }),
    }).listen(0);
    const transport = createRpcTransport({ baseUrl: closing.url, audience: 'presence', signer });
    // Like a real client, it stops sending once the server has ended the call.
    let answered!: () => void;
    const ended = new Promise<void>((resolve) => (answered = resolve));
    async function* requests(): AsyncGenerator<ConnectRequest> {
      yield register;
      await ended;
    }
    const stream = createClient(PresenceService, transport).connect(requests())[Symbol.asyncIterator]();
    expect((await stream.next()).done).toBe(false);
    const started = Date.now();
    const outcome = stream
      .next()
      .then(
        (result) => (result.done ? 'done' : 'message'),
        (thrown: unknown) => ConnectError.from(thrown).code,
      )
      .finally(answered);
    await closing.close(5_000);
    expect(await outcome).toBe(Code.Unavailable);
    // Closed once its calls ended, not when the grace period ran out.
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
