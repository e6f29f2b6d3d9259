import type { GraphQLFieldResolver } from 'graphql';
import type { ChatsContext } from './context.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resolver types its own parent
export type FieldResolver = GraphQLFieldResolver<any, ChatsContext>;
/** What each concern's file exports: type name -> field name -> resolver. */
export type ResolverModule = Record<string, Record<string, FieldResolver>>;
