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

/** Who may see when a user was last online (Presence.lastSeenAt); set with updateProfile. */
export type LastSeenVisibility =
  /** Every signed-in user sees lastSeenAt. */
  | 'EVERYONE'
  /** Nobody sees it: lastSeenAt is null for every caller. The status (ONLINE, AWAY, OFFLINE) still shows. */
  | 'NOBODY';

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Says the caller is typing in a chat, or stopped; the chat's members following `typing` hear it.
   * Typing expires by itself 5 s (by default) after the last call, so repeat it while typing. Members
   * only: NOT_FOUND for a chat the caller is not in.
   */
  setTyping: Scalars['Boolean']['output'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationSetTypingArgs = {
  chatId: Scalars['ID']['input'];
  isTyping: Scalars['Boolean']['input'];
};

/** A user's presence as the caller may see it. */
export type Presence = {
  __typename?: 'Presence';
  /** When the user was last connected; null while connected, or when they hide it (lastSeenVisibility NOBODY). */
  lastSeenAt?: Maybe<Scalars['DateTime']['output']>;
  /** Whether the user is connected now. */
  status: PresenceStatus;
};

/** A user's presence changed. */
export type PresenceEvent = {
  __typename?: 'PresenceEvent';
  /** When the user was last connected; null while connected, or when they hide it (lastSeenVisibility NOBODY). */
  lastSeenAt?: Maybe<Scalars['DateTime']['output']>;
  /** The user's status now. */
  status: PresenceStatus;
  /** Whose presence changed. */
  user: User;
};

/** Whether a user is connected. */
export type PresenceStatus =
  /** Connected, but idle for longer than the idle time. */
  | 'AWAY'
  /** No connection open. */
  | 'OFFLINE'
  /** Connected through a gateway (a socket open) and active within the idle time (5 minutes by default). */
  | 'ONLINE';

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
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

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query_PresenceAccessArgs = {
  userIds: Array<Scalars['ID']['input']>;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query_TypingAccessArgs = {
  chatId: Scalars['ID']['input'];
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Changes of some users' presence (online, away, offline). Any signed-in user;
   * BAD_USER_INPUT for fewer than 1 or more than 100 distinct ids.
   */
  presenceChanged: PresenceEvent;
  /**
   * Who starts and stops typing in a chat. Members only:
   * NOT_FOUND for a chat the caller is not in; it ends when the caller leaves or is removed.
   */
  typing: TypingEvent;
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type SubscriptionPresenceChangedArgs = {
  userIds: Array<Scalars['ID']['input']>;
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type SubscriptionTypingArgs = {
  chatId: Scalars['ID']['input'];
};

/** A chat a typing subscriber may follow, and its membership version (@live access). */
export type TypingChannel = {
  __typename?: 'TypingChannel';
  /** The chat's id (its channel is chat:{chatId}). */
  key: Scalars['ID']['output'];
  /** The chat's membership version as presence's projection has it: typing events carry it as accessVersion. */
  version: Scalars['Int']['output'];
};

/** Someone started or stopped typing in a chat. */
export type TypingEvent = {
  __typename?: 'TypingEvent';
  /** The chat. */
  chatId: Scalars['ID']['output'];
  /** True when they started (it lapses after 5 s without another setTyping), false when they stopped. */
  isTyping: Scalars['Boolean']['output'];
  /** Who is typing. */
  user: User;
};

/**
 * A person with an account (owned by the users subgraph). Any signed-in user may read a public
 * profile; anonymous callers get UNAUTHENTICATED.
 */
export type User = {
  __typename?: 'User';
  /** The user's id, a UUID, stable for the life of the account. */
  id: Scalars['ID']['output'];
  /** Who may see when this user was last online (Presence.lastSeenAt). */
  lastSeenVisibility: LastSeenVisibility;
  /** Whether the user is online now, and when they were last seen. */
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
