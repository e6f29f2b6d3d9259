// The stock comparison for `npm run bench:gateways`, run as its own process: @apollo/gateway and
// @apollo/server as their docs set them up, over the same subgraphs, plus the one thing the
// subgraphs require (architecture.md, principle 6): the client's bearer token verified with the users
// JWT secret, and the signed internal identity header sent with every subgraph fetch.
import { readFileSync } from 'node:fs';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import {
  DEV_INTERNAL_SIGNING_KEYS,
  DEV_JWT_SECRET,
  GATEWAY_ISSUER,
  INTERNAL_IDENTITY_HEADER,
  bearerToken,
  createIdentitySigner,
  parseSigningKey,
  verifyUserToken,
  type Identity,
} from '@switchboard/core';
import { GraphQLError } from 'graphql';

const env = process.env;
const jwtSecret = env['JWT_SECRET'] ?? DEV_JWT_SECRET;
// The same signer as ours (tokens per identity and audience, reused for half their life).
const signer = createIdentitySigner({
  issuer: GATEWAY_ISSUER,
  key: parseSigningKey(env['INTERNAL_SIGNING_KEY'] ?? DEV_INTERNAL_SIGNING_KEYS.gateway),
});
const supergraphPath =
  env['SUPERGRAPH_PATH'] ?? new URL('../../supergraph.graphql', import.meta.url).pathname;

interface StockContext {
  identity: Identity;
}

/** Sends the internal identity token for the caller, minted for this subgraph (the audience). */
class IdentityHeaderDataSource extends RemoteGraphQLDataSource<StockContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
  ) {
    super({ url });
  }

  override async willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<StockContext>): Promise<void> {
    request.http?.headers.set(
      INTERNAL_IDENTITY_HEADER,
      await signer.tokenFor(context.identity, this.subgraph),
    );
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  buildService: ({ name, url }) =>
    new IdentityHeaderDataSource(name, env[`SUBGRAPH_URL_${name.toUpperCase()}`] ?? url!),
});
const server = new ApolloServer<StockContext>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(env['PORT'] ?? 0), host: '127.0.0.1' },
  context: async ({ req }) => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) return { identity: { userId: null } };
    const verified = await verifyUserToken(token, jwtSecret);
    if ('problem' in verified)
      throw new GraphQLError('Invalid token', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    return { identity: { userId: verified.userId, deviceId: verified.deviceId } };
  },
});
// The standalone server answers on every path; the bench uses the same one as ours.
console.log(`stock gateway ready at ${url}graphql`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void server.stop().finally(() => process.exit(0)));
