// The stock comparison for `npm run bench:gateways`, run as its own process: @apollo/gateway and
// @apollo/server as their docs set them up, over the same subgraphs, plus the one thing the
// subgraphs require (design.md, principle 6): the client's bearer token verified with the users
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
  DEV_INTERNAL_SECRET,
  DEV_JWT_SECRET,
  INTERNAL_IDENTITY_HEADER,
  bearerToken,
  signInternalIdentity,
  verifyUserToken,
  type Identity,
} from '@switchboard/core';
import { GraphQLError } from 'graphql';

const env = process.env;
const jwtSecret = env['JWT_SECRET'] ?? DEV_JWT_SECRET;
const internalSecret = env['INTERNAL_SECRET'] ?? DEV_INTERNAL_SECRET;
const supergraphPath =
  env['SUPERGRAPH_PATH'] ?? new URL('../../supergraph.graphql', import.meta.url).pathname;

interface StockContext {
  internalToken: string;
}

/** The internal identity header's value; the one call to change when internal signing changes. */
function internalIdentityToken(identity: Identity): Promise<string> {
  return signInternalIdentity(identity, internalSecret);
}

class IdentityHeaderDataSource extends RemoteGraphQLDataSource<StockContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<StockContext>): void {
    request.http?.headers.set(INTERNAL_IDENTITY_HEADER, context.internalToken);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  buildService: ({ name, url }) =>
    new IdentityHeaderDataSource({ url: env[`SUBGRAPH_URL_${name.toUpperCase()}`] ?? url }),
});
const server = new ApolloServer<StockContext>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(env['PORT'] ?? 0), host: '127.0.0.1' },
  context: async ({ req }) => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) return { internalToken: await internalIdentityToken({ userId: null }) };
    const verified = await verifyUserToken(token, jwtSecret);
    if ('problem' in verified)
      throw new GraphQLError('Invalid token', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    return { internalToken: await internalIdentityToken({ userId: verified.userId }) };
  },
});
// The standalone server answers on every path; the bench uses the same one as ours.
console.log(`stock gateway ready at ${url}graphql`);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void server.stop().finally(() => process.exit(0)));
