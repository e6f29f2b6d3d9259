import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Media as MediaModel } from '../generated/prisma/client.ts';
import type { MediaContext } from '../context.ts';
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

/** An upload to reserve. */
export type CreateUploadInput = {
  /** 1 B - 100 MiB. */
  byteSize: Scalars['Int']['input'];
  /** 1-255 characters, no path separators or control characters. */
  fileName: Scalars['String']['input'];
  /** A media type such as image/png (type/subtype, no parameters); the PUT's Content-Type must match it. */
  mimeType: Scalars['String']['input'];
};

/**
 * A file uploaded through createUpload (owned by the media subgraph). Readable by its uploader, by
 * the members of a chat it is attached in, and by any signed-in user once it is someone's avatar; to
 * anyone else it is NOT_FOUND, like media that does not exist.
 */
export type Media = {
  __typename?: 'Media';
  /** Size in bytes, 1 B - 100 MiB, exactly as the PUT must send it. */
  byteSize: Scalars['Int']['output'];
  /** When createUpload reserved it. */
  createdAt: Scalars['DateTime']['output'];
  /** The name given at createUpload: 1-255 characters, no path separators. */
  fileName: Scalars['String']['output'];
  /** Height in pixels as displayed (EXIF orientation applied); images only, once READY. */
  height?: Maybe<Scalars['Int']['output']>;
  /** The media's id, a UUID handed out by createUpload. */
  id: Scalars['ID']['output'];
  /** What the file is, from the top-level type of mimeType. */
  kind: MediaKind;
  /** The media type given at createUpload (type/subtype, lower case, no parameters); the PUT must send it. */
  mimeType: Scalars['String']['output'];
  /** Where the upload and its processing stand. */
  status: MediaStatus;
  /** Signed, expiring URL of a thumbnail (at most 320 px on its longer side), for images once processed. */
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
  /** Signed, expiring URL of the bytes (HTTP Range supported); null until uploaded. */
  url?: Maybe<Scalars['String']['output']>;
  /** Width in pixels as displayed (EXIF orientation applied); images only, once READY. */
  width?: Maybe<Scalars['Int']['output']>;
};

/** What a file is, from its media type. */
export type MediaKind =
  /** audio/* (voice notes). */
  | 'AUDIO'
  /** Anything else. */
  | 'FILE'
  /** image/*: gets dimensions and a thumbnail when the server can decode it. */
  | 'IMAGE'
  /** video/*. */
  | 'VIDEO';

/** Where an upload stands. */
export type MediaStatus =
  /** The bytes could not be processed (e.g. an image that does not decode); url still serves them. */
  | 'FAILED'
  /** Reserved by createUpload; the bytes have not been PUT yet (url is null). */
  | 'PENDING_UPLOAD'
  /** The bytes are stored; the worker is reading them (images: dimensions and a thumbnail). */
  | 'PROCESSING'
  /** Ready to show: url is set, and for images width, height and thumbnailUrl where decodable. */
  | 'READY';

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Reserves an upload; the bytes go by HTTP PUT to uploadUrl (signed, expiring). Signed-in callers
   * only. BAD_USER_INPUT (extensions.field) for a file name, media type or size out of its limits.
   * The media stays PENDING_UPLOAD until the PUT succeeds.
   */
  createUpload: Upload;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationCreateUploadArgs = {
  input: CreateUploadInput;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query = {
  __typename?: 'Query';
  /**
   * Media the caller uploaded, that is attached in one of their chats, or that is someone's avatar.
   * Signed-in callers only; NOT_FOUND for anything else, whether it exists or not.
   */
  media?: Maybe<Media>;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type QueryMediaArgs = {
  id: Scalars['ID']['input'];
};

/** A reserved upload. */
export type Upload = {
  __typename?: 'Upload';
  /** The reserved media, PENDING_UPLOAD until the PUT succeeds. */
  media: Media;
  /**
   * Signed URL to PUT the bytes to, once, with exactly byteSize bytes (Content-Length) and the
   * reserved mimeType (Content-Type); it expires (15 minutes by default): reserve again after that.
   */
  uploadUrl: Scalars['String']['output'];
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
  Media: Media;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Media: { __typename: 'Media' } & GraphQLRecursivePick<FederationTypes['Media'], { id: true }>;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  CreateUploadInput: CreateUploadInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Media: ResolverTypeWrapper<MediaModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  MediaKind: MediaKind;
  MediaStatus: MediaStatus;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Upload: ResolverTypeWrapper<Omit<Upload, 'media'> & { media: ResolversTypes['Media'] }>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  CreateUploadInput: CreateUploadInput;
  String: Scalars['String']['output'];
  DateTime: Scalars['DateTime']['output'];
  Media: MediaModel;
  ID: Scalars['ID']['output'];
  Mutation: Record<PropertyKey, never>;
  Query: Record<PropertyKey, never>;
  Upload: Omit<Upload, 'media'> & { media: ResolversParentTypes['Media'] };
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
  ContextType = MediaContext,
  Args = CachedDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MediaResolvers<
  ContextType = MediaContext,
  ParentType extends ResolversParentTypes['Media'] = ResolversParentTypes['Media'],
  FederationReferenceType extends FederationReferenceTypes['Media'] = FederationReferenceTypes['Media'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Media']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  byteSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  fileName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['MediaKind'], ParentType, ContextType>;
  mimeType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MediaStatus'], ParentType, ContextType>;
  thumbnailUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  width?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = MediaContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  createUpload?: Resolver<
    ResolversTypes['Upload'],
    ParentType,
    ContextType,
    RequireFields<MutationCreateUploadArgs, 'input'>
  >;
}>;

export type QueryResolvers<
  ContextType = MediaContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  media?: Resolver<
    Maybe<ResolversTypes['Media']>,
    ParentType,
    ContextType,
    RequireFields<QueryMediaArgs, 'id'>
  >;
}>;

export type UploadResolvers<
  ContextType = MediaContext,
  ParentType extends ResolversParentTypes['Upload'] = ResolversParentTypes['Upload'],
> = ResolversObject<{
  media?: Resolver<ResolversTypes['Media'], ParentType, ContextType>;
  uploadUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = MediaContext> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  Media?: MediaResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Upload?: UploadResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = MediaContext> = ResolversObject<{
  cached?: CachedDirectiveResolver<any, any, ContextType>;
}>;
