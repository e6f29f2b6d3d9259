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

export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** The device the token speaks for, created by this sign-up or sign-in. */
  device: Device;
  token: Scalars['String']['output'];
  user: User;
};

/** One device of a user (a phone, a browser signed in): every token speaks for one. */
export type Device = {
  __typename?: 'Device';
  createdAt: Scalars['DateTime']['output'];
  /** Whether this is the device of the token that asks. */
  current: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** When a gateway last saw a request of this device; moved forward at most about once a minute. */
  lastActiveAt: Scalars['DateTime']['output'];
  /** As given at sign-in (deviceName), or a default name. */
  name: Scalars['String']['output'];
};

export type LastSeenVisibility = 'EVERYONE' | 'NOBODY';

/** Owned by the media subgraph. */
export type Media = {
  __typename?: 'Media';
  id: Scalars['ID']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Blocks a user: they can no longer open or send into a direct chat with the caller. */
  blockUser: Scalars['Boolean']['output'];
  /** Hands out the user's key bundle; each one-time prekey goes to at most one caller. */
  claimPreKeyBundle: PreKeyBundle;
  /** Publishes the caller's end-to-end keys; returns how many one-time prekeys are left. */
  publishKeys: PublishKeysResult;
  /** Registers a Web Push subscription (RFC 8030) for notifications while offline. */
  registerPushSubscription: Scalars['Boolean']['output'];
  /**
   * Revokes one of the caller's own devices (NOT_FOUND for any other): its token stops working at
   * once (its open sockets are closed with 4403), its push subscriptions and unclaimed one-time
   * prekeys are removed, and its inbox is dropped. Revoking a revoked device changes nothing.
   */
  revokeDevice: Device;
  /** Signs in on a new device; answers a token that speaks for that device. */
  signIn: AuthPayload;
  /** Creates an account and its first device; answers a token that speaks for that device. */
  signUp: AuthPayload;
  unblockUser: Scalars['Boolean']['output'];
  updateProfile: User;
};

export type MutationBlockUserArgs = {
  userId: Scalars['ID']['input'];
};

export type MutationClaimPreKeyBundleArgs = {
  userId: Scalars['ID']['input'];
};

export type MutationPublishKeysArgs = {
  input: PublishKeysInput;
};

export type MutationRegisterPushSubscriptionArgs = {
  input: PushSubscriptionInput;
};

export type MutationRevokeDeviceArgs = {
  deviceId: Scalars['ID']['input'];
};

export type MutationSignInArgs = {
  input: SignInInput;
};

export type MutationSignUpArgs = {
  input: SignUpInput;
};

export type MutationUnblockUserArgs = {
  userId: Scalars['ID']['input'];
};

export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};

export type OneTimePreKey = {
  __typename?: 'OneTimePreKey';
  keyId: Scalars['Int']['output'];
  publicKey: Scalars['String']['output'];
};

export type OneTimePreKeyInput = {
  keyId: Scalars['Int']['input'];
  publicKey: Scalars['String']['input'];
};

export type PreKeyBundle = {
  __typename?: 'PreKeyBundle';
  identityKey: Scalars['String']['output'];
  /** Null when the user has no one-time prekeys left. */
  oneTimePreKey?: Maybe<OneTimePreKey>;
  signedPreKey: SignedPreKey;
};

export type PublishKeysInput = {
  /** Base64 Ed25519 public key. */
  identityKey: Scalars['String']['input'];
  oneTimePreKeys: Array<OneTimePreKeyInput>;
  signedPreKey: SignedPreKeyInput;
};

export type PublishKeysResult = {
  __typename?: 'PublishKeysResult';
  oneTimePreKeyCount: Scalars['Int']['output'];
};

export type PushSubscriptionInput = {
  /** Base64url authentication secret of the subscription. */
  auth: Scalars['String']['input'];
  endpoint: Scalars['String']['input'];
  /** Base64url P-256 public key of the subscription. */
  p256dh: Scalars['String']['input'];
};

export type Query = {
  __typename?: 'Query';
  /** The signed-in user; null when anonymous. */
  me?: Maybe<User>;
  /** Exact lookup by username (case-insensitive). */
  userByUsername?: Maybe<User>;
};

export type QueryUserByUsernameArgs = {
  username: Scalars['String']['input'];
};

export type SignInInput = {
  /** Names the device being signed in (1-64 characters, no control characters); a default name when left out. */
  deviceName?: InputMaybe<Scalars['String']['input']>;
  password: Scalars['String']['input'];
  username: Scalars['String']['input'];
};

export type SignUpInput = {
  /** Names the device being signed in (1-64 characters, no control characters); a default name when left out. */
  deviceName?: InputMaybe<Scalars['String']['input']>;
  displayName: Scalars['String']['input'];
  /** 8-256 characters. */
  password: Scalars['String']['input'];
  /** 3-32 of a-z, 0-9 and _; unique, case-insensitive. */
  username: Scalars['String']['input'];
};

export type SignedPreKey = {
  __typename?: 'SignedPreKey';
  keyId: Scalars['Int']['output'];
  publicKey: Scalars['String']['output'];
  signature: Scalars['String']['output'];
};

export type SignedPreKeyInput = {
  keyId: Scalars['Int']['input'];
  publicKey: Scalars['String']['input'];
  /** Base64 Ed25519 signature of the decoded publicKey bytes by the identity key. */
  signature: Scalars['String']['input'];
};

export type UpdateProfileInput = {
  about?: InputMaybe<Scalars['String']['input']>;
  avatarId?: InputMaybe<Scalars['ID']['input']>;
  displayName?: InputMaybe<Scalars['String']['input']>;
  lastSeenVisibility?: InputMaybe<LastSeenVisibility>;
};

export type User = {
  __typename?: 'User';
  about?: Maybe<Scalars['String']['output']>;
  avatar?: Maybe<Media>;
  /** The user's devices that are not revoked, oldest first: only the user themself may read them (FORBIDDEN otherwise). */
  devices: Array<Device>;
  displayName: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastSeenVisibility: LastSeenVisibility;
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
