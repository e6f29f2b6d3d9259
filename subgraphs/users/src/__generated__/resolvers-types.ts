import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { PublicUser } from '../userLoader.ts';
import type { Device as DeviceModel } from '../generated/prisma/client.ts';
import type { UsersContext } from '../context.ts';
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

/** What signUp and signIn answer: a new device's token, its user and the device. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** The device the token speaks for, created by this sign-up or sign-in. */
  device: Device;
  /**
   * A bearer token (HS256 JWT) for this device: send it as `Authorization: Bearer <token>`, or as
   * connectionParams.authorization on the WebSocket. Valid 30 days by default, until the device is
   * revoked.
   */
  token: Scalars['String']['output'];
  /** The account signed up or signed in. */
  user: User;
};

/** One device of a user (a phone, a browser signed in): every token speaks for one. */
export type Device = {
  __typename?: 'Device';
  /** When the device signed up or signed in. */
  createdAt: Scalars['DateTime']['output'];
  /** Whether this is the device of the token that asks. */
  current: Scalars['Boolean']['output'];
  /** The device's id, a UUID: what revokeDevice takes. */
  id: Scalars['ID']['output'];
  /** When a gateway last saw a request of this device; moved forward at most about once a minute. */
  lastActiveAt: Scalars['DateTime']['output'];
  /** As given at sign-in (deviceName), or a default name. */
  name: Scalars['String']['output'];
};

/** Who may see when a user was last online (Presence.lastSeenAt); set with updateProfile. */
export type LastSeenVisibility =
  /** Every signed-in user sees lastSeenAt. */
  | 'EVERYONE'
  /** Nobody sees it: lastSeenAt is null for every caller. The status (ONLINE, AWAY, OFFLINE) still shows. */
  | 'NOBODY';

/**
 * A file uploaded through createUpload (owned by the media subgraph). Readable by its uploader, by
 * the members of a chat it is attached in, and by any signed-in user once it is someone's avatar; to
 * anyone else it is NOT_FOUND, like media that does not exist.
 */
export type Media = {
  __typename?: 'Media';
  /** The media's id, a UUID handed out by createUpload. */
  id: Scalars['ID']['output'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Blocks a user: they can no longer open or send into a direct chat with the caller, nor call them.
   * Answers true once the block is in force in chats; blocking twice is fine. NOT_FOUND for an
   * unknown user, BAD_USER_INPUT for oneself, SERVICE_UNAVAILABLE (block saved, not yet in force:
   * retry) when chats cannot be told now.
   */
  blockUser: Scalars['Boolean']['output'];
  /**
   * Hands out the user's key bundle; each one-time prekey goes to at most one caller. Signed-in
   * callers only; NOT_FOUND when the user has published no keys.
   */
  claimPreKeyBundle: PreKeyBundle;
  /**
   * Publishes the caller's end-to-end keys (replacing the identity and signed prekey, adding one-time
   * prekeys); returns how many one-time prekeys are left. BAD_USER_INPUT (extensions.field) for a key
   * of the wrong size, a signature that does not verify, or more than 200 one-time prekeys; the
   * stored bundle is then unchanged.
   */
  publishKeys: PublishKeysResult;
  /**
   * Registers a Web Push subscription (RFC 8030) for notifications while offline, for the caller's
   * current device; registering it again updates its keys. BAD_USER_INPUT for an endpoint that is not
   * an https URL of a public push service (at most 2,048 characters) or malformed keys; FORBIDDEN when
   * the endpoint is registered to another account with other keys.
   */
  registerPushSubscription: Scalars['Boolean']['output'];
  /**
   * Revokes one of the caller's own devices (NOT_FOUND for any other): its token stops working at
   * once (its open sockets are closed with 4403), its push subscriptions and unclaimed one-time
   * prekeys are removed, and its inbox is dropped. Revoking a revoked device changes nothing.
   * SERVICE_UNAVAILABLE (with retryAfter, nothing changed) when chats cannot drop the inbox now.
   */
  revokeDevice: Device;
  /**
   * Signs in on a new device; answers a token that speaks for that device. Anonymous. A wrong
   * username or password is UNAUTHENTICATED, with the same message for both.
   */
  signIn: AuthPayload;
  /**
   * Creates an account and its first device; answers a token that speaks for that device. Anonymous.
   * BAD_USER_INPUT (extensions.field) for an invalid or taken username, a password outside 8-256
   * characters, a display name outside 1-64 characters or a bad device name; nothing is stored then.
   */
  signUp: AuthPayload;
  /**
   * Lifts the caller's block of a user; answers true, also when there was none. NOT_FOUND for an
   * unknown user. Chats may go on refusing the user for a moment if it could not be told at once.
   */
  unblockUser: Scalars['Boolean']['output'];
  /**
   * Changes the caller's own profile; fields left out stay as they are. Signed-in callers only.
   * BAD_USER_INPUT (extensions.field) for a value out of its limits, or an avatar that is not media
   * the caller uploaded.
   */
  updateProfile: User;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationBlockUserArgs = {
  userId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationClaimPreKeyBundleArgs = {
  userId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationPublishKeysArgs = {
  input: PublishKeysInput;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationRegisterPushSubscriptionArgs = {
  input: PushSubscriptionInput;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationRevokeDeviceArgs = {
  deviceId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationSignInArgs = {
  input: SignInInput;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationSignUpArgs = {
  input: SignUpInput;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationUnblockUserArgs = {
  userId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};

/** A one-time prekey, now claimed by this caller alone. */
export type OneTimePreKey = {
  __typename?: 'OneTimePreKey';
  /** The publishing client's id for this key. */
  keyId: Scalars['Int']['output'];
  /** Base64 Curve25519 public key. */
  publicKey: Scalars['String']['output'];
};

/** A one-time prekey as published. */
export type OneTimePreKeyInput = {
  /** The client's id for this key, a non-negative integer, unique within the call. */
  keyId: Scalars['Int']['input'];
  /** Base64 Curve25519 public key: 32 bytes, or 33 with a type byte in front. */
  publicKey: Scalars['String']['input'];
};

/** What a caller needs to start an end-to-end session with a user (X3DH-style). */
export type PreKeyBundle = {
  __typename?: 'PreKeyBundle';
  /** Base64 Ed25519 public identity key of the user. */
  identityKey: Scalars['String']['output'];
  /** Null when the user has no one-time prekeys left. */
  oneTimePreKey?: Maybe<OneTimePreKey>;
  /** The user's current signed prekey. */
  signedPreKey: SignedPreKey;
};

/** The caller's end-to-end keys (public halves only; the server checks the prekey's signature). */
export type PublishKeysInput = {
  /** Base64 Ed25519 public key. */
  identityKey: Scalars['String']['input'];
  /** At most 200 per call, with distinct keyIds; a keyId already stored is replaced. */
  oneTimePreKeys: Array<OneTimePreKeyInput>;
  /** The medium-term prekey, signed by the identity key. */
  signedPreKey: SignedPreKeyInput;
};

/** What publishKeys answers. */
export type PublishKeysResult = {
  __typename?: 'PublishKeysResult';
  /** How many one-time prekeys of the caller remain unclaimed: publish more before it reaches 0. */
  oneTimePreKeyCount: Scalars['Int']['output'];
};

/** A Web Push subscription (the browser's PushSubscription.toJSON()). */
export type PushSubscriptionInput = {
  /** Base64url authentication secret of the subscription. */
  auth: Scalars['String']['input'];
  /** The push service's https URL, at most 2,048 characters. */
  endpoint: Scalars['String']['input'];
  /** Base64url P-256 public key of the subscription. */
  p256dh: Scalars['String']['input'];
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query = {
  __typename?: 'Query';
  /** The signed-in user; null when anonymous. */
  me?: Maybe<User>;
  /**
   * Exact lookup by username (case-insensitive); null when no account has it, or it is not a valid
   * username. Signed-in callers only (UNAUTHENTICATED otherwise).
   */
  userByUsername?: Maybe<User>;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type QueryUserByUsernameArgs = {
  username: Scalars['String']['input'];
};

/** The credentials of an existing account. */
export type SignInInput = {
  /** Names the device being signed in (1-64 characters, no control characters); a default name when left out. */
  deviceName?: InputMaybe<Scalars['String']['input']>;
  /** The account's password. */
  password: Scalars['String']['input'];
  /** The account's username, in any case. */
  username: Scalars['String']['input'];
};

/** A new account. */
export type SignUpInput = {
  /** Names the device being signed in (1-64 characters, no control characters); a default name when left out. */
  deviceName?: InputMaybe<Scalars['String']['input']>;
  /** The name shown to others: 1-64 characters. */
  displayName: Scalars['String']['input'];
  /** 8-256 characters. */
  password: Scalars['String']['input'];
  /** 3-32 of a-z, 0-9 and _; unique, case-insensitive. */
  username: Scalars['String']['input'];
};

/** A signed prekey as stored. */
export type SignedPreKey = {
  __typename?: 'SignedPreKey';
  /** The publishing client's id for this key. */
  keyId: Scalars['Int']['output'];
  /** Base64 Curve25519 public key. */
  publicKey: Scalars['String']['output'];
  /** Base64 Ed25519 signature of publicKey by the identity key: verify it before use. */
  signature: Scalars['String']['output'];
};

/** A signed prekey as published. */
export type SignedPreKeyInput = {
  /** The client's id for this key, a non-negative integer. */
  keyId: Scalars['Int']['input'];
  /** Base64 Curve25519 public key: 32 bytes, or 33 with a type byte in front. */
  publicKey: Scalars['String']['input'];
  /** Base64 Ed25519 signature of the decoded publicKey bytes by the identity key. */
  signature: Scalars['String']['input'];
};

/** Profile changes: a field left out stays as it is. */
export type UpdateProfileInput = {
  /** At most 500 characters; null or empty clears it. */
  about?: InputMaybe<Scalars['String']['input']>;
  /** Media the caller uploaded (BAD_USER_INPUT otherwise); null removes the avatar. */
  avatarId?: InputMaybe<Scalars['ID']['input']>;
  /** 1-64 characters; null leaves it as it is. */
  displayName?: InputMaybe<Scalars['String']['input']>;
  /** Who may see when the caller was last online; null leaves it as it is. */
  lastSeenVisibility?: InputMaybe<LastSeenVisibility>;
};

/**
 * A person with an account (owned by the users subgraph). Any signed-in user may read a public
 * profile; anonymous callers get UNAUTHENTICATED.
 */
export type User = {
  __typename?: 'User';
  /** A short text about the user, at most 500 characters; null when not set. */
  about?: Maybe<Scalars['String']['output']>;
  /** The profile picture, media the user uploaded; null when not set. Readable by any signed-in user. */
  avatar?: Maybe<Media>;
  /** The user's devices that are not revoked, oldest first: only the user themself may read them (FORBIDDEN otherwise). */
  devices: Array<Device>;
  /** The name shown to others: 1-64 characters. */
  displayName: Scalars['String']['output'];
  /** The user's id, a UUID, stable for the life of the account. */
  id: Scalars['ID']['output'];
  /** Who may see when this user was last online (Presence.lastSeenAt). */
  lastSeenVisibility: LastSeenVisibility;
  /** Unique, lower case: 3-32 of a-z, 0-9 and _. */
  username: Scalars['String']['output'];
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
  User: { __typename: 'User' } & GraphQLRecursivePick<FederationTypes['User'], { id: true }>;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AuthPayload: ResolverTypeWrapper<
    Omit<AuthPayload, 'device' | 'user'> & { device: ResolversTypes['Device']; user: ResolversTypes['User'] }
  >;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Device: ResolverTypeWrapper<DeviceModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  LastSeenVisibility: LastSeenVisibility;
  Media: ResolverTypeWrapper<Media>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OneTimePreKey: ResolverTypeWrapper<OneTimePreKey>;
  OneTimePreKeyInput: OneTimePreKeyInput;
  PreKeyBundle: ResolverTypeWrapper<PreKeyBundle>;
  PublishKeysInput: PublishKeysInput;
  PublishKeysResult: ResolverTypeWrapper<PublishKeysResult>;
  PushSubscriptionInput: PushSubscriptionInput;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SignInInput: SignInInput;
  SignUpInput: SignUpInput;
  SignedPreKey: ResolverTypeWrapper<SignedPreKey>;
  SignedPreKeyInput: SignedPreKeyInput;
  UpdateProfileInput: UpdateProfileInput;
  User: ResolverTypeWrapper<PublicUser>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AuthPayload: Omit<AuthPayload, 'device' | 'user'> & {
    device: ResolversParentTypes['Device'];
    user: ResolversParentTypes['User'];
  };
  String: Scalars['String']['output'];
  DateTime: Scalars['DateTime']['output'];
  Device: DeviceModel;
  ID: Scalars['ID']['output'];
  Media: Media;
  Mutation: Record<PropertyKey, never>;
  OneTimePreKey: OneTimePreKey;
  OneTimePreKeyInput: OneTimePreKeyInput;
  PreKeyBundle: PreKeyBundle;
  PublishKeysInput: PublishKeysInput;
  PublishKeysResult: PublishKeysResult;
  PushSubscriptionInput: PushSubscriptionInput;
  Query: Record<PropertyKey, never>;
  SignInInput: SignInInput;
  SignUpInput: SignUpInput;
  SignedPreKey: SignedPreKey;
  SignedPreKeyInput: SignedPreKeyInput;
  UpdateProfileInput: UpdateProfileInput;
  User: PublicUser;
  Int: Scalars['Int']['output'];
  Boolean: Scalars['Boolean']['output'];
}>;

export type CachedDirectiveArgs = {
  maxAge?: Maybe<Scalars['Int']['input']>;
  perCaller?: Maybe<Scalars['Boolean']['input']>;
};

export type CachedDirectiveResolver<
  Result,
  Parent,
  ContextType = UsersContext,
  Args = CachedDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AuthPayloadResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload'],
> = ResolversObject<{
  device?: Resolver<ResolversTypes['Device'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeviceResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['Device'] = ResolversParentTypes['Device'],
> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  current?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastActiveAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MediaResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['Media'] = ResolversParentTypes['Media'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  blockUser?: Resolver<
    ResolversTypes['Boolean'],
    ParentType,
    ContextType,
    RequireFields<MutationBlockUserArgs, 'userId'>
  >;
  claimPreKeyBundle?: Resolver<
    ResolversTypes['PreKeyBundle'],
    ParentType,
    ContextType,
    RequireFields<MutationClaimPreKeyBundleArgs, 'userId'>
  >;
  publishKeys?: Resolver<
    ResolversTypes['PublishKeysResult'],
    ParentType,
    ContextType,
    RequireFields<MutationPublishKeysArgs, 'input'>
  >;
  registerPushSubscription?: Resolver<
    ResolversTypes['Boolean'],
    ParentType,
    ContextType,
    RequireFields<MutationRegisterPushSubscriptionArgs, 'input'>
  >;
  revokeDevice?: Resolver<
    ResolversTypes['Device'],
    ParentType,
    ContextType,
    RequireFields<MutationRevokeDeviceArgs, 'deviceId'>
  >;
  signIn?: Resolver<
    ResolversTypes['AuthPayload'],
    ParentType,
    ContextType,
    RequireFields<MutationSignInArgs, 'input'>
  >;
  signUp?: Resolver<
    ResolversTypes['AuthPayload'],
    ParentType,
    ContextType,
    RequireFields<MutationSignUpArgs, 'input'>
  >;
  unblockUser?: Resolver<
    ResolversTypes['Boolean'],
    ParentType,
    ContextType,
    RequireFields<MutationUnblockUserArgs, 'userId'>
  >;
  updateProfile?: Resolver<
    ResolversTypes['User'],
    ParentType,
    ContextType,
    RequireFields<MutationUpdateProfileArgs, 'input'>
  >;
}>;

export type OneTimePreKeyResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['OneTimePreKey'] = ResolversParentTypes['OneTimePreKey'],
> = ResolversObject<{
  keyId?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  publicKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PreKeyBundleResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['PreKeyBundle'] = ResolversParentTypes['PreKeyBundle'],
> = ResolversObject<{
  identityKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  oneTimePreKey?: Resolver<Maybe<ResolversTypes['OneTimePreKey']>, ParentType, ContextType>;
  signedPreKey?: Resolver<ResolversTypes['SignedPreKey'], ParentType, ContextType>;
}>;

export type PublishKeysResultResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['PublishKeysResult'] = ResolversParentTypes['PublishKeysResult'],
> = ResolversObject<{
  oneTimePreKeyCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  me?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  userByUsername?: Resolver<
    Maybe<ResolversTypes['User']>,
    ParentType,
    ContextType,
    RequireFields<QueryUserByUsernameArgs, 'username'>
  >;
}>;

export type SignedPreKeyResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['SignedPreKey'] = ResolversParentTypes['SignedPreKey'],
> = ResolversObject<{
  keyId?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  publicKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type UserResolvers<
  ContextType = UsersContext,
  ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'],
  FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['User']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  about?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  avatar?: Resolver<Maybe<ResolversTypes['Media']>, ParentType, ContextType>;
  devices?: Resolver<Array<ResolversTypes['Device']>, ParentType, ContextType>;
  displayName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastSeenVisibility?: Resolver<ResolversTypes['LastSeenVisibility'], ParentType, ContextType>;
  username?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = UsersContext> = ResolversObject<{
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Device?: DeviceResolvers<ContextType>;
  Media?: MediaResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  OneTimePreKey?: OneTimePreKeyResolvers<ContextType>;
  PreKeyBundle?: PreKeyBundleResolvers<ContextType>;
  PublishKeysResult?: PublishKeysResultResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SignedPreKey?: SignedPreKeyResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = UsersContext> = ResolversObject<{
  cached?: CachedDirectiveResolver<any, any, ContextType>;
}>;
