import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CallRecord, CallEventPayload } from '../liveEvents.ts';
import type { IceServer as IceServerModel } from '../turn/turnCredentials.ts';
import type { CallsContext } from '../context.ts';
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

/**
 * A 1:1 voice or video call in a direct chat (owned by the calls subgraph). Only its caller and callee
 * may read it.
 */
export type Call = {
  __typename?: 'Call';
  /** When the callee answered; null if never. */
  answeredAt?: Maybe<Scalars['DateTime']['output']>;
  /** Who was called. */
  callee: User;
  /** Who called. */
  caller: User;
  /** The direct chat it was made in. */
  chat: Chat;
  /** Seconds from answer to end; null for a call never answered, or still going. */
  durationSeconds?: Maybe<Scalars['Int']['output']>;
  /** Null until ENDED. */
  endReason?: Maybe<CallEndReason>;
  /** When it ended; null until ENDED. */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The call's id, a UUID. */
  id: Scalars['ID']['output'];
  /** When the caller started it. */
  startedAt: Scalars['DateTime']['output'];
  /** Where the call stands. */
  state: CallState;
  /** Whether the call was offered with video. */
  video: Scalars['Boolean']['output'];
};

/** A page of the caller's calls, newest first. */
export type CallConnection = {
  __typename?: 'CallConnection';
  /** The calls of this page. */
  edges: Array<CallEdge>;
  /** Where this page stands; endCursor reads on. */
  pageInfo: PageInfo;
};

/** One call in a page. */
export type CallEdge = {
  __typename?: 'CallEdge';
  /** Opaque: pass as after to read the calls older than this one. */
  cursor: Scalars['String']['output'];
  /** The call. */
  node: Call;
};

/** Why a call ended. */
export type CallEndReason =
  /** The callee was on another call. */
  | 'BUSY'
  /** The caller gave up on a RINGING call. */
  | 'CANCELLED'
  /** The callee refused a RINGING call. */
  | 'DECLINED'
  /** The server ended it: a participant's access was lost, or neither side stayed connected to an ACTIVE call. */
  | 'FAILED'
  /** Either side ended an ACTIVE call. */
  | 'HANGUP'
  /** Nobody answered within the ring timeout (45 s by default). */
  | 'MISSED';

/** One piece of a call's signalling, from the other side. */
export type CallEvent = {
  __typename?: 'CallEvent';
  /** The call, as it stands after this event. */
  call: Call;
  /** ICE_CANDIDATE only. */
  candidate?: Maybe<Scalars['String']['output']>;
  /** What happened. */
  kind: CallEventKind;
  /** The offer (INCOMING) or the answer (ANSWERED). */
  sdp?: Maybe<Scalars['String']['output']>;
};

/** What a call event says. */
export type CallEventKind =
  /** The callee answered the subscriber's call: sdp holds the answer. */
  | 'ANSWERED'
  /** The call ended: call.endReason says why. */
  | 'ENDED'
  /** An ICE candidate of the other side: candidate holds it. */
  | 'ICE_CANDIDATE'
  /** Someone is calling the subscriber: sdp holds the offer. */
  | 'INCOMING';

/** Where a call stands. */
export type CallState =
  /** Answered: media flows between the two. */
  | 'ACTIVE'
  /** Over; endReason says why. */
  | 'ENDED'
  /** Offered, not yet answered: the callee's devices ring. */
  | 'RINGING';

/**
 * A direct chat between two users or a group (owned by the chats subgraph). Only its members may
 * read it; to anyone else it is NOT_FOUND, like a chat that does not exist.
 */
export type Chat = {
  __typename?: 'Chat';
  /** The chat's id, a UUID. */
  id: Scalars['ID']['output'];
};

/** One entry of RTCConfiguration.iceServers. */
export type IceServer = {
  __typename?: 'IceServer';
  /** Null for STUN. */
  credential?: Maybe<Scalars['String']['output']>;
  /** When the credential stops working; null for STUN. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** stun:, turn: or turns: URLs of one server. */
  urls: Array<Scalars['String']['output']>;
  /** Null for STUN. */
  username?: Maybe<Scalars['String']['output']>;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * The callee takes a RINGING call with an SDP answer (at most 16 KiB); the caller gets ANSWERED and
   * the callee's other devices ANSWERED_ELSEWHERE. FORBIDDEN for the caller; BAD_USER_INPUT when the
   * call no longer rings; NOT_FOUND for a call that is not the caller's.
   */
  answerCall: Call;
  /**
   * Hangs up an ACTIVE call (HANGUP), declines a RINGING one (the callee: DECLINED) or cancels it
   * (the caller: CANCELLED). Ending an ENDED call changes nothing. NOT_FOUND for a call that is not
   * the caller's.
   */
  endCall: Call;
  /**
   * Relays one ICE candidate (at most 1 KiB) to the other side of a RINGING or ACTIVE call.
   * BAD_USER_INPUT once the call has ended; NOT_FOUND for a call that is not the caller's.
   */
  sendIceCandidate: Scalars['Boolean']['output'];
  /**
   * Calls the other member of a direct chat with an SDP offer (at most 16 KiB). The callee gets
   * INCOMING with the offer on every device and rings until it answers, declines, or the ring
   * timeout (45 s by default) ends it as MISSED; a callee already on a call makes it end at once as
   * BUSY. NOT_FOUND for a group, or a chat the caller is not in; FORBIDDEN when either has blocked
   * the other; BAD_USER_INPUT when the caller is on a call already, or for a malformed offer.
   */
  startCall: Call;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationAnswerCallArgs = {
  callId: Scalars['ID']['input'];
  sdpAnswer: Scalars['String']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationEndCallArgs = {
  callId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationSendIceCandidateArgs = {
  callId: Scalars['ID']['input'];
  candidate: Scalars['String']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationStartCallArgs = {
  input: StartCallInput;
};

/** Where a page of a Relay connection stands (the Relay cursor connections specification). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The last edge's cursor; null for an empty page: pass it as after to read on. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether a page follows this one in the direction of reading (first/after). */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether a page comes before this one (last/before). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The first edge's cursor; null for an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query = {
  __typename?: 'Query';
  /**
   * INCOMING, with the offer, for each call ringing for the caller: what `callEvents` owes a
   * callee who subscribes while it rings (their app woken by the push). Called by the gateway.
   */
  _ringingCalls: Array<CallEvent>;
  /** The caller's calls, made and received, newest first. Signed-in callers only. */
  calls: CallConnection;
  /**
   * STUN and TURN servers for the caller's next call. TURN credentials follow the TURN REST API
   * convention (username "<expiry unix time>:<user id>") and expire at `expiresAt` (one hour by
   * default): ask again before each call. Signed-in callers only.
   */
  iceServers: Array<IceServer>;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type QueryCallsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A call to start. */
export type StartCallInput = {
  /** A direct chat the caller is a member of; the other member is called. */
  chatId: Scalars['ID']['input'];
  /** The SDP offer (starts with v=0; at most 16 KiB of plain text). */
  sdpOffer: Scalars['String']['input'];
  /** Whether the call offers video; a voice call otherwise. */
  video: Scalars['Boolean']['input'];
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * The signalling of the caller's calls, from the other side only: INCOMING (with the offer),
   * ANSWERED (with the answer), ICE_CANDIDATE, ENDED. Subscribing while a call rings for you
   * starts with its INCOMING. Signed-in callers only. The inbox subscription (CallSignal) carries
   * the same signalling per device, resumable.
   */
  callEvents: CallEvent;
};

/**
 * A person with an account (owned by the users subgraph). Any signed-in user may read a public
 * profile; anonymous callers get UNAUTHENTICATED.
 */
export type User = {
  __typename?: 'User';
  /** The user's id, a UUID, stable for the life of the account. */
  id: Scalars['ID']['output'];
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
  Call: Call;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Call: { __typename: 'Call' } & GraphQLRecursivePick<FederationTypes['Call'], { id: true }>;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Call: ResolverTypeWrapper<CallRecord>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CallConnection: ResolverTypeWrapper<
    Omit<CallConnection, 'edges'> & { edges: Array<ResolversTypes['CallEdge']> }
  >;
  CallEdge: ResolverTypeWrapper<Omit<CallEdge, 'node'> & { node: ResolversTypes['Call'] }>;
  CallEndReason: CallEndReason;
  CallEvent: ResolverTypeWrapper<CallEventPayload>;
  CallEventKind: CallEventKind;
  CallState: CallState;
  Chat: ResolverTypeWrapper<Chat>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  IceServer: ResolverTypeWrapper<IceServerModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  StartCallInput: StartCallInput;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  User: ResolverTypeWrapper<User>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Call: CallRecord;
  Int: Scalars['Int']['output'];
  ID: Scalars['ID']['output'];
  Boolean: Scalars['Boolean']['output'];
  CallConnection: Omit<CallConnection, 'edges'> & { edges: Array<ResolversParentTypes['CallEdge']> };
  CallEdge: Omit<CallEdge, 'node'> & { node: ResolversParentTypes['Call'] };
  CallEvent: CallEventPayload;
  Chat: Chat;
  DateTime: Scalars['DateTime']['output'];
  IceServer: IceServerModel;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  StartCallInput: StartCallInput;
  Subscription: Record<PropertyKey, never>;
  User: User;
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
  ContextType = CallsContext,
  Args = LiveDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type LiveReplayDirectiveArgs = {
  caughtUp?: Maybe<Scalars['String']['input']>;
  cursor: Scalars['String']['input'];
  orderBy: Scalars['String']['input'];
  query: Scalars['String']['input'];
};

export type LiveReplayDirectiveResolver<
  Result,
  Parent,
  ContextType = CallsContext,
  Args = LiveReplayDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ViewerDirectiveArgs = {};

export type ViewerDirectiveResolver<
  Result,
  Parent,
  ContextType = CallsContext,
  Args = ViewerDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CallResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['Call'] = ResolversParentTypes['Call'],
  FederationReferenceType extends FederationReferenceTypes['Call'] = FederationReferenceTypes['Call'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Call']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  answeredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  callee?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  caller?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  chat?: Resolver<ResolversTypes['Chat'], ParentType, ContextType>;
  durationSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  endReason?: Resolver<Maybe<ResolversTypes['CallEndReason']>, ParentType, ContextType>;
  endedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['CallState'], ParentType, ContextType>;
  video?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type CallConnectionResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['CallConnection'] = ResolversParentTypes['CallConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['CallEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type CallEdgeResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['CallEdge'] = ResolversParentTypes['CallEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Call'], ParentType, ContextType>;
}>;

export type CallEventResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['CallEvent'] = ResolversParentTypes['CallEvent'],
> = ResolversObject<{
  call?: Resolver<ResolversTypes['Call'], ParentType, ContextType>;
  candidate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['CallEventKind'], ParentType, ContextType>;
  sdp?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ChatResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['Chat'] = ResolversParentTypes['Chat'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type IceServerResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['IceServer'] = ResolversParentTypes['IceServer'],
> = ResolversObject<{
  credential?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  urls?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  username?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  answerCall?: Resolver<
    ResolversTypes['Call'],
    ParentType,
    ContextType,
    RequireFields<MutationAnswerCallArgs, 'callId' | 'sdpAnswer'>
  >;
  endCall?: Resolver<
    ResolversTypes['Call'],
    ParentType,
    ContextType,
    RequireFields<MutationEndCallArgs, 'callId'>
  >;
  sendIceCandidate?: Resolver<
    ResolversTypes['Boolean'],
    ParentType,
    ContextType,
    RequireFields<MutationSendIceCandidateArgs, 'callId' | 'candidate'>
  >;
  startCall?: Resolver<
    ResolversTypes['Call'],
    ParentType,
    ContextType,
    RequireFields<MutationStartCallArgs, 'input'>
  >;
}>;

export type PageInfoResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo'],
> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  _ringingCalls?: Resolver<Array<ResolversTypes['CallEvent']>, ParentType, ContextType>;
  calls?: Resolver<ResolversTypes['CallConnection'], ParentType, ContextType, Partial<QueryCallsArgs>>;
  iceServers?: Resolver<Array<ResolversTypes['IceServer']>, ParentType, ContextType>;
}>;

export type SubscriptionResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription'],
> = ResolversObject<{
  callEvents?: SubscriptionResolver<ResolversTypes['CallEvent'], 'callEvents', ParentType, ContextType>;
}>;

export type UserResolvers<
  ContextType = CallsContext,
  ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = CallsContext> = ResolversObject<{
  Call?: CallResolvers<ContextType>;
  CallConnection?: CallConnectionResolvers<ContextType>;
  CallEdge?: CallEdgeResolvers<ContextType>;
  CallEvent?: CallEventResolvers<ContextType>;
  Chat?: ChatResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  IceServer?: IceServerResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = CallsContext> = ResolversObject<{
  live?: LiveDirectiveResolver<any, any, ContextType>;
  liveReplay?: LiveReplayDirectiveResolver<any, any, ContextType>;
  viewer?: ViewerDirectiveResolver<any, any, ContextType>;
}>;
