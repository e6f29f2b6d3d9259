import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserRepresentation } from '../userRepresentation.ts';
import type { PresenceContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  /** ISO-8601 date and time in UTC. */
  DateTime: { input: Date; output: Date };
  _FieldSet: { input: unknown; output: unknown };
};

export type LastSeenVisibility = 'EVERYONE' | 'NOBODY';

export type Mutation = {
  __typename?: 'Mutation';
  /** Members only; expires by itself after a few seconds. */
  setTyping: Scalars['Boolean']['output'];
};

export type MutationSetTypingArgs = {
  chatId: Scalars['ID']['input'];
  isTyping: Scalars['Boolean']['input'];
};

export type Presence = {
  __typename?: 'Presence';
  /** Null when the user hides it (lastSeenVisibility NOBODY) from the caller. */
  lastSeenAt?: Maybe<Scalars['DateTime']['output']>;
  status: PresenceStatus;
};

export type PresenceEvent = {
  __typename?: 'PresenceEvent';
  /** Null when the user hides it (lastSeenVisibility NOBODY) from the caller. */
  lastSeenAt?: Maybe<Scalars['DateTime']['output']>;
  status: PresenceStatus;
  user: User;
};

export type PresenceStatus = 'AWAY' | 'OFFLINE' | 'ONLINE';

export type Query = {
  __typename?: 'Query';
  /** For the gateway's presence subscriptions (@live access): 1 to 100 distinct user ids. */
  _presenceAccess: Array<Scalars['ID']['output']>;
  /**
   * For the gateway's typing subscriptions (@live access): the chat, if the caller is a member, with
   * its membership version.
   */
  _typingAccess: Array<TypingChannel>;
};

export type Query_PresenceAccessArgs = {
  userIds: Array<Scalars['ID']['input']>;
};

export type Query_TypingAccessArgs = {
  chatId: Scalars['ID']['input'];
};

export type Subscription = {
  __typename?: 'Subscription';
  presenceChanged: PresenceEvent;
  typing: TypingEvent;
};

export type SubscriptionPresenceChangedArgs = {
  userIds: Array<Scalars['ID']['input']>;
};

export type SubscriptionTypingArgs = {
  chatId: Scalars['ID']['input'];
};

/** A chat a typing subscriber may follow, and its membership version (@live access). */
export type TypingChannel = {
  __typename?: 'TypingChannel';
  key: Scalars['ID']['output'];
  /** The chat's membership version as presence's projection has it: typing events carry it as accessVersion. */
  version: Scalars['Int']['output'];
};

export type TypingEvent = {
  __typename?: 'TypingEvent';
  chatId: Scalars['ID']['output'];
  isTyping: Scalars['Boolean']['output'];
  user: User;
};

export type User = {
  __typename?: 'User';
  id: Scalars['ID']['output'];
  lastSeenVisibility: LastSeenVisibility;
  presence: Presence;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
  reference: TReference,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };

export type Resolver<
  TResult,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> = ResolverFn<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<
  TResult,
  TKey extends string,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<
  TTypes,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
> = (parent: TParent, context: TContext, info: GraphQLResolveInfo) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  obj: T,
  context: TContext,
  info: GraphQLResolveInfo,
) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<
  TResult = Record<PropertyKey, never>,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  User: { __typename: 'User' } & GraphQLRecursivePick<FederationTypes['User'], { id: true }> &
    (
      Record<PropertyKey, never> | GraphQLRecursivePick<FederationTypes['User'], { lastSeenVisibility: true }>
    );
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  LastSeenVisibility: LastSeenVisibility;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Presence: ResolverTypeWrapper<Presence>;
  PresenceEvent: ResolverTypeWrapper<Omit<PresenceEvent, 'user'> & { user: ResolversTypes['User'] }>;
  PresenceStatus: PresenceStatus;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  TypingChannel: ResolverTypeWrapper<TypingChannel>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  TypingEvent: ResolverTypeWrapper<Omit<TypingEvent, 'user'> & { user: ResolversTypes['User'] }>;
  User: ResolverTypeWrapper<UserRepresentation>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  DateTime: Scalars['DateTime']['output'];
  Mutation: Record<PropertyKey, never>;
  Boolean: Scalars['Boolean']['output'];
  ID: Scalars['ID']['output'];
  Presence: Presence;
  PresenceEvent: Omit<PresenceEvent, 'user'> & { user: ResolversParentTypes['User'] };
  Query: Record<PropertyKey, never>;
  Subscription: Record<PropertyKey, never>;
  TypingChannel: TypingChannel;
  Int: Scalars['Int']['output'];
  TypingEvent: Omit<TypingEvent, 'user'> & { user: ResolversParentTypes['User'] };
  User: UserRepresentation;
  String: Scalars['String']['output'];
}>;

export type LiveDirectiveArgs = {
  access?: Maybe<Scalars['String']['input']>;
  channel: Scalars['String']['input'];
  events?: Maybe<Array<Scalars['String']['input']>>;
  initial?: Maybe<Scalars['String']['input']>;
  revokedOn?: Maybe<Scalars['String']['input']>;
};

export type LiveDirectiveResolver<
  Result,
  Parent,
  ContextType = PresenceContext,
  Args = LiveDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ViewerDirectiveArgs = {};

export type ViewerDirectiveResolver<
  Result,
  Parent,
  ContextType = PresenceContext,
  Args = ViewerDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MutationResolvers<
  ContextType = PresenceContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  setTyping?: Resolver<
    ResolversTypes['Boolean'],
    ParentType,
    ContextType,
    RequireFields<MutationSetTypingArgs, 'chatId' | 'isTyping'>
  >;
}>;

export type PresenceResolvers<
  ContextType = PresenceContext,
  ParentType extends ResolversParentTypes['Presence'] = ResolversParentTypes['Presence'],
> = ResolversObject<{
  lastSeenAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PresenceStatus'], ParentType, ContextType>;
}>;

export type PresenceEventResolvers<
  ContextType = PresenceContext,
  ParentType extends ResolversParentTypes['PresenceEvent'] = ResolversParentTypes['PresenceEvent'],
> = ResolversObject<{
  lastSeenAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PresenceStatus'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = PresenceContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  _presenceAccess?: Resolver<
    Array<ResolversTypes['ID']>,
    ParentType,
    ContextType,
    RequireFields<Query_PresenceAccessArgs, 'userIds'>
  >;
  _typingAccess?: Resolver<
    Array<ResolversTypes['TypingChannel']>,
    ParentType,
    ContextType,
    RequireFields<Query_TypingAccessArgs, 'chatId'>
  >;
}>;

export type SubscriptionResolvers<
  ContextType = PresenceContext,
  ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription'],
> = ResolversObject<{
  presenceChanged?: SubscriptionResolver<
    ResolversTypes['PresenceEvent'],
    'presenceChanged',
    ParentType,
    ContextType,
    RequireFields<SubscriptionPresenceChangedArgs, 'userIds'>
  >;
  typing?: SubscriptionResolver<
    ResolversTypes['TypingEvent'],
    'typing',
    ParentType,
    ContextType,
    RequireFields<SubscriptionTypingArgs, 'chatId'>
  >;
}>;

export type TypingChannelResolvers<
  ContextType = PresenceContext,
  ParentType extends ResolversParentTypes['TypingChannel'] = ResolversParentTypes['TypingChannel'],
> = ResolversObject<{
  key?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type TypingEventResolvers<
  ContextType = PresenceContext,
  ParentType extends ResolversParentTypes['TypingEvent'] = ResolversParentTypes['TypingEvent'],
> = ResolversObject<{
  chatId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isTyping?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type UserResolvers<
  ContextType = PresenceContext,
  ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'],
  FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['User']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  presence?: Resolver<ResolversTypes['Presence'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = PresenceContext> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  Presence?: PresenceResolvers<ContextType>;
  PresenceEvent?: PresenceEventResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  TypingChannel?: TypingChannelResolvers<ContextType>;
  TypingEvent?: TypingEventResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = PresenceContext> = ResolversObject<{
  live?: LiveDirectiveResolver<any, any, ContextType>;
  viewer?: ViewerDirectiveResolver<any, any, ContextType>;
}>;
