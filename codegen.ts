import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Resolver types from each subgraph's SDL (`npm run codegen`): argument and input types, and
 * parents and results as the resolvers really pass them (the Prisma row where a resolver
 * returns one). The output is committed; CI fails when it is stale.
 */
const prisma = '../generated/prisma/client.ts';

const subgraphs: Record<string, { context: string; mappers: Record<string, string> }> = {
  users: {
    context: 'UsersContext',
    mappers: { User: '../userLoader.ts#PublicUser', Device: `${prisma}#Device as DeviceModel` },
  },
  chats: {
    context: 'ChatsContext',
    mappers: {
      Chat: `${prisma}#Chat as ChatModel`,
      ChatMember: `${prisma}#ChatMember as ChatMemberModel`,
      Message: `${prisma}#Message as MessageModel`,
    },
  },
  media: {
    context: 'MediaContext',
    mappers: { Media: `${prisma}#Media as MediaModel` },
  },
  presence: {
    context: 'PresenceContext',
    mappers: { User: '../userRepresentation.ts#UserRepresentation' },
  },
  calls: {
    context: 'CallsContext',
    mappers: {
      Call: '../liveEvents.ts#CallRecord',
      CallEvent: '../liveEvents.ts#CallEventPayload',
      IceServer: '../turn/turnCredentials.ts#IceServer as IceServerModel',
    },
  },
};

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(
    Object.entries(subgraphs).map(([name, { context, mappers }]) => [
      `subgraphs/${name}/src/__generated__/resolvers-types.ts`,
      {
        schema: `subgraphs/${name}/src/schema.graphql`,
        plugins: ['typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          useIndexSignature: true,
          useTypeImports: true,
          enumsAsTypes: true,
          // Our resolvers are functions; the object form ({ resolve }) is for subscriptions only.
          makeResolverTypeCallable: true,
          contextType: `../context.ts#${context}`,
          scalars: { DateTime: 'Date' },
          mappers,
        },
      },
    ]),
  ),
  hooks: { afterAllFileWrite: ['prettier --write'] },
};

export default config;
