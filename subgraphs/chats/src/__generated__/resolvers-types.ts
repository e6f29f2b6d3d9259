import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type {
  Chat as ChatModel,
  ChatMember as ChatMemberModel,
  Message as MessageModel,
} from '../generated/prisma/client.ts';
import type { ChatsContext } from '../context.ts';
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
  /** The call's id, a UUID. */
  id: Scalars['ID']['output'];
};

/** The other side's call signalling, for this device. */
export type CallSignal = {
  __typename?: 'CallSignal';
  /** The call (owned by the calls subgraph). */
  call: Call;
  /** An ICE candidate (ICE_CANDIDATE). */
  candidate?: Maybe<Scalars['String']['output']>;
  /** What happened. */
  kind: CallSignalKind;
  /** The offer (INCOMING) or the answer (ANSWERED). */
  sdp?: Maybe<Scalars['String']['output']>;
};

/** What a call signal says. */
export type CallSignalKind =
  /** The callee answered. */
  | 'ANSWERED'
  /** The callee answered on another of its devices: stop ringing here. */
  | 'ANSWERED_ELSEWHERE'
  /** The call ended. */
  | 'ENDED'
  /** An ICE candidate of the other side. */
  | 'ICE_CANDIDATE'
  /** Someone is calling this user. */
  | 'INCOMING';

/** The stored part is drained: what follows is live. */
export type CaughtUp = {
  __typename?: 'CaughtUp';
  /** How many stored entries this subscription delivered before it. */
  backlog: Scalars['Int']['output'];
};

/**
 * A direct chat between two users or a group (owned by the chats subgraph). Only its members may
 * read it; to anyone else it is NOT_FOUND, like a chat that does not exist.
 */
export type Chat = {
  __typename?: 'Chat';
  /** When the chat was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The chat's id, a UUID. */
  id: Scalars['ID']['output'];
  /** Direct or group. */
  kind: ChatKind;
  /** The newest message; null before the first. */
  lastMessage?: Maybe<Message>;
  /** Its members, with their roles and marks. */
  members: Array<ChatMember>;
  /**
   * Oldest first within a page; first/after pages forward, last/before pages back. With neither
   * first nor last: 50 forward (or back, with before). BAD_USER_INPUT for both first and last, a size
   * outside 1-100, or a cursor not of this chat's messages.
   */
  messages: MessageConnection;
  /** Null for direct chats. */
  title?: Maybe<Scalars['String']['output']>;
  /** Others' messages above the caller's read mark. */
  unreadCount: Scalars['Int']['output'];
};

/**
 * A direct chat between two users or a group (owned by the chats subgraph). Only its members may
 * read it; to anyone else it is NOT_FOUND, like a chat that does not exist.
 */
export type ChatMessagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** A chat a subscriber may follow, where its seq stands, and its membership version (@live access). */
export type ChatChannel = {
  __typename?: 'ChatChannel';
  /** The chat's last seq now: what the subscriber is owed starts after it. */
  after: Scalars['Int']['output'];
  /** The chat's id (its channel is chat:{chatId}). */
  key: Scalars['ID']['output'];
  /** The chat's memberVersion with this membership: its live events carry it as accessVersion. */
  version: Scalars['Int']['output'];
};

/** A page of the caller's chats, most recently active first. */
export type ChatConnection = {
  __typename?: 'ChatConnection';
  /** The chats of this page. */
  edges: Array<ChatEdge>;
  /** Where this page stands; endCursor reads on. */
  pageInfo: PageInfo;
};

/** One chat in a page. */
export type ChatEdge = {
  __typename?: 'ChatEdge';
  /** Opaque: pass as after to read the chats less recently active than this one. */
  cursor: Scalars['String']['output'];
  /** The chat. */
  node: Chat;
};

/** The user joined a chat (created it, or was added). */
export type ChatJoined = {
  __typename?: 'ChatJoined';
  /** The chat, as the user now sees it. */
  chat: Chat;
};

/** What kind of chat. */
export type ChatKind =
  /** The one chat between two users: it has no title and cannot be left; calls are made in it. */
  | 'DIRECT'
  /** A group of up to 1,024 members with a title and roles. */
  | 'GROUP';

/** The user left a chat (left, or was removed): nothing more of it follows until they join again. */
export type ChatLeft = {
  __typename?: 'ChatLeft';
  /** The chat's id (the chat itself is no longer readable to the user). */
  chatId: Scalars['ID']['output'];
};

/** A user's membership of a chat. */
export type ChatMember = {
  __typename?: 'ChatMember';
  /** The seq up to which messages reached them (0 for none). */
  deliveredSeq: Scalars['Int']['output'];
  /** When they joined (created the chat, or were added). */
  joinedAt: Scalars['DateTime']['output'];
  /** The seq up to which they have read (0 for none); never above deliveredSeq. */
  readSeq: Scalars['Int']['output'];
  /** Their role. */
  role: ChatRole;
  /** The member. */
  user: User;
};

/** A member's role in a group (both members of a direct chat are MEMBERs). */
export type ChatRole =
  /** May add and remove members. */
  | 'ADMIN'
  /** May read and send. */
  | 'MEMBER'
  /** Created the group (or inherited it): may add and remove members; cannot be removed. */
  | 'OWNER';

/** A group to create. */
export type CreateGroupInput = {
  /** The other members (the caller is added as OWNER); at most 1,023, duplicates ignored. */
  memberIds: Array<Scalars['ID']['input']>;
  /** 1-100 characters (trimmed). */
  title: Scalars['String']['input'];
};

/** A device's inbox and where it stands (@live access). */
export type InboxChannel = {
  __typename?: 'InboxChannel';
  /** The position to resume after: what the subscriber is owed starts after it. */
  after: Scalars['Int']['output'];
  /** The device whose inbox is followed (its channel is inbox:{device}). */
  key: Scalars['ID']['output'];
};

/** One thing a device is owed, at its place in the device's one order. */
export type InboxEntry = {
  __typename?: 'InboxEntry';
  /** Opaque: resume after it with inbox(after:), acknowledge it with ackInbox. */
  cursor: Scalars['String']['output'];
  /** What happened. */
  event: InboxEvent;
  /** This entry's position in its device's order (1, 2, 3...; the gateway orders by it). */
  pos: Scalars['Int']['output'];
};

/** What an inbox entry says. */
export type InboxEvent =
  CallSignal | CaughtUp | ChatJoined | ChatLeft | MessageAdded | MessageChanged | ReceiptChanged;

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

/** A message of a chat (owned by the chats subgraph). Only the chat's members may read it. */
export type Message = {
  __typename?: 'Message';
  /** The media attached to it (at most 10), in the order given. */
  attachments: Array<Media>;
  /** Null once deleted. */
  body?: Maybe<Scalars['String']['output']>;
  /** The chat it was sent in. */
  chat: Chat;
  /** The sender's idempotency key, as given to sendMessage (1-64 characters). */
  clientId: Scalars['String']['output'];
  /** When it was stored. */
  createdAt: Scalars['DateTime']['output'];
  /** When it was deleted; null unless deleted. */
  deletedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When it was last edited; null if never. */
  editedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Whether the sender marked the body as end-to-end encrypted (the server stores it as given). */
  encrypted: Scalars['Boolean']['output'];
  /** The message's id, a UUID. */
  id: Scalars['ID']['output'];
  /** Its reactions, one entry per distinct emoji. */
  reactions: Array<Reaction>;
  /** The message it quotes, of the same chat; null if none. */
  replyTo?: Maybe<Message>;
  /** Who sent it. */
  sender: User;
  /** 1, 2, 3, ... per chat, with no gap, in the order stored. */
  seq: Scalars['Int']['output'];
  /** How far it got, as its sender sees it. */
  status: MessageStatus;
};

/** A message was stored in a chat of the user. */
export type MessageAdded = {
  __typename?: 'MessageAdded';
  /** The message as stored. */
  message: Message;
};

/** A message was edited, deleted, reacted to, or its status (as its sender sees it) moved. */
export type MessageChanged = {
  __typename?: 'MessageChanged';
  /** The message as it is now. */
  message: Message;
};

/** A page of a chat's messages, oldest first. */
export type MessageConnection = {
  __typename?: 'MessageConnection';
  /** The messages of this page, oldest first. */
  edges: Array<MessageEdge>;
  /** Where this page stands. */
  pageInfo: PageInfo;
};

/** One message in a page. */
export type MessageEdge = {
  __typename?: 'MessageEdge';
  /** Opaque: pass as after or before to page from this message. */
  cursor: Scalars['String']['output'];
  /** The message. */
  node: Message;
};

/** As the sender sees it. */
export type MessageStatus =
  /** Every other member marked it delivered. */
  | 'DELIVERED'
  /** Every other member marked it read. */
  | 'READ'
  /** Stored. */
  | 'SENT';

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Entries up to and including this cursor (one of the caller's device's) reached the device. Never
   * moves back. A device whose socket closes with entries sent but not acknowledged gets one push.
   * BAD_USER_INPUT for a value that is not an inbox cursor; FORBIDDEN for another device's.
   */
  ackInbox: Scalars['Boolean']['output'];
  /**
   * Adds users to a group as MEMBERs; those already in it are left as they are. OWNER or ADMIN only
   * (FORBIDDEN otherwise). BAD_USER_INPUT for a direct chat, more than 1,024 members, or users that do
   * not exist (extensions.unknownUserIds).
   */
  addMembers: Chat;
  /**
   * Opens the direct chat between the caller and another user; returns the existing one when there
   * is one. BAD_USER_INPUT for oneself or a user that does not exist (extensions.unknownUserIds);
   * FORBIDDEN when either has blocked the other; SERVICE_UNAVAILABLE when users cannot be asked now.
   */
  createDirectChat: Chat;
  /**
   * Creates a group with the caller as OWNER and the others as MEMBERs (at most 1,024 members in
   * all). BAD_USER_INPUT for a title out of its limits, too many members, or users that do not exist
   * (extensions.unknownUserIds); nothing is stored then.
   */
  createGroup: Chat;
  /**
   * Deletes a message for everyone: its body and attachments are removed and deletedAt is set; its seq stays.
   * The sender only (FORBIDDEN otherwise); deleting it again changes nothing.
   */
  deleteMessage: Message;
  /**
   * Replaces a message's body (at most 64 KiB); sets editedAt. The sender only (FORBIDDEN otherwise);
   * BAD_USER_INPUT for a deleted message.
   */
  editMessage: Message;
  /**
   * The caller leaves a group; when the OWNER leaves, the longest-standing ADMIN (else member) becomes
   * OWNER. BAD_USER_INPUT for a direct chat, which cannot be left; NOT_FOUND for a chat the caller is
   * not in.
   */
  leaveChat: Scalars['Boolean']['output'];
  /** Moves the caller's delivered mark forward (never back). BAD_USER_INPUT for a seq past the chat's last. */
  markDelivered: Chat;
  /** Moves the caller's read mark forward (never back); implies delivered. BAD_USER_INPUT for a seq past the chat's last. */
  markRead: Chat;
  /**
   * Sets the caller's reaction; an empty emoji removes it. One reaction per member and message.
   * BAD_USER_INPUT for more than 16 characters or a space, or a deleted message.
   */
  react: Message;
  /**
   * Removes a member from a group: their subscriptions to it end at once. OWNER or ADMIN only
   * (FORBIDDEN otherwise, and for the OWNER); BAD_USER_INPUT for a direct chat or oneself (use
   * leaveChat).
   */
  removeMember: Chat;
  /**
   * Stores a message, numbered with the chat's next seq, and delivers it to every member's devices.
   * Idempotent per (sender, clientId): a retry returns the stored message. NOT_FOUND for a chat the
   * caller is not in; FORBIDDEN in a direct chat where either has blocked the other; BAD_USER_INPUT
   * (extensions.field) for a body over 64 KiB, no body and no attachment, more than 10 attachments,
   * media the caller did not upload, or a replyToId of another chat.
   */
  sendMessage: Message;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationAckInboxArgs = {
  cursor: Scalars['String']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationAddMembersArgs = {
  chatId: Scalars['ID']['input'];
  userIds: Array<Scalars['ID']['input']>;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationCreateDirectChatArgs = {
  userId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationCreateGroupArgs = {
  input: CreateGroupInput;
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationDeleteMessageArgs = {
  id: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationEditMessageArgs = {
  body: Scalars['String']['input'];
  id: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationLeaveChatArgs = {
  chatId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationMarkDeliveredArgs = {
  chatId: Scalars['ID']['input'];
  seq: Scalars['Int']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationMarkReadArgs = {
  chatId: Scalars['ID']['input'];
  seq: Scalars['Int']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationReactArgs = {
  emoji: Scalars['String']['input'];
  messageId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationRemoveMemberArgs = {
  chatId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

/**
 * Writes. Every root field counts against the gateway's mutation rate limit (per user, or per client
 * address for signUp and signIn): RATE_LIMITED with retryAfter beyond it.
 */
export type MutationSendMessageArgs = {
  input: SendMessageInput;
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
   * For the gateway's subscriptions (@live access): the chat if a member, or with no chatId all of
   * theirs, each with its last seq now (what a subscriber is owed starts after it).
   */
  _chatAccess: Array<ChatChannel>;
  /**
   * For the gateway's inbox subscription (@live access): the caller's device and the position to
   * resume after: the cursor's (RESYNC_REQUIRED when it is another device's or older than what is
   * kept), or the newest with no cursor.
   */
  _inboxAccess: Array<InboxChannel>;
  /** For the gateway's inbox subscription (@liveReplay): a device's entries after a position, oldest first. */
  _inboxAfter: Array<InboxEntry>;
  /** For the gateway's inbox subscription: the CaughtUp entry sent once the stored part is drained. */
  _inboxCaughtUp: InboxEntry;
  /**
   * For the gateway's subscriptions (@liveReplay): a chat's messages with seq > afterSeq, oldest
   * first, at most `first` (1-500).
   */
  _messagesAfter: Array<Message>;
  /** A chat the caller is a member of; NOT_FOUND otherwise (whether it exists or not). */
  chat?: Maybe<Chat>;
  /** The caller's chats, most recently active first. Signed-in callers only. */
  chats: ChatConnection;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query_ChatAccessArgs = {
  chatId?: InputMaybe<Scalars['ID']['input']>;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query_InboxAccessArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query_InboxAfterArgs = {
  after: Scalars['Int']['input'];
  device: Scalars['ID']['input'];
  first: Scalars['Int']['input'];
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query_InboxCaughtUpArgs = {
  after: Scalars['Int']['input'];
  backlog: Scalars['Int']['input'];
  device: Scalars['ID']['input'];
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type Query_MessagesAfterArgs = {
  afterSeq: Scalars['Int']['input'];
  chatId: Scalars['ID']['input'];
  first: Scalars['Int']['input'];
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type QueryChatArgs = {
  id: Scalars['ID']['input'];
};

/** Reads. Each field says who may call it; where a signed-in caller is needed, an anonymous one gets UNAUTHENTICATED. */
export type QueryChatsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** One emoji on a message, and how many members chose it. */
export type Reaction = {
  __typename?: 'Reaction';
  /** How many members reacted with it. */
  count: Scalars['Int']['output'];
  /** The emoji. */
  emoji: Scalars['String']['output'];
  /** Whether the caller is one of them. */
  reactedByMe: Scalars['Boolean']['output'];
};

/** Another member's delivered and read marks moved. */
export type ReceiptChanged = {
  __typename?: 'ReceiptChanged';
  /** The chat. */
  chat: Chat;
  /** The seq up to which messages reached the member. */
  deliveredSeq: Scalars['Int']['output'];
  /** The seq up to which the member has read. */
  readSeq: Scalars['Int']['output'];
  /** The member whose marks moved. */
  user: User;
};

/** A member's delivered and read marks moved. */
export type ReceiptUpdate = {
  __typename?: 'ReceiptUpdate';
  /** The chat. */
  chat: Chat;
  /** The seq up to which messages reached the member. */
  deliveredSeq: Scalars['Int']['output'];
  /** The seq up to which the member has read. */
  readSeq: Scalars['Int']['output'];
  /** The member whose marks moved. */
  user: User;
};

/** A message to send. */
export type SendMessageInput = {
  /** Media the caller uploaded, at most 10; duplicates ignored. */
  attachmentIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** At most 64 KiB of UTF-8; may be left out when there are attachments. */
  body?: InputMaybe<Scalars['String']['input']>;
  /** A chat the caller is a member of. */
  chatId: Scalars['ID']['input'];
  /** Chosen by the client; a retry with the same clientId returns the stored message. */
  clientId: Scalars['String']['input'];
  /** Marks the body as end-to-end encrypted (default false). */
  encrypted?: InputMaybe<Scalars['Boolean']['input']>;
  /** A message of the same chat to quote. */
  replyToId?: InputMaybe<Scalars['ID']['input']>;
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Everything this device is owed, across every chat and call of its user, in one order
   * (docs/devices-and-inbox.md). after: the cursor of an entry this device received (every entry
   * after it, stored then live, then CaughtUp), or null (from now: CaughtUp at once).
   * RESYNC_REQUIRED for a cursor of another device or older than what is kept (7 days by default):
   * re-read, then subscribe from now. Needs a token of a device (UNAUTHENTICATED otherwise).
   */
  inbox: InboxEntry;
  /**
   * chatId given: that chat; with afterSeq, first every message with seq > afterSeq, then live ones.
   * chatId null: every chat the caller is a member of (afterSeq must then be null). Members only
   * (NOT_FOUND otherwise); it ends for a chat the caller leaves or is removed from.
   */
  messageAdded: Message;
  /** Edits, deletions, reactions and status changes, live only (no replay). Members only (NOT_FOUND otherwise). */
  messageUpdated: Message;
  /** Members' delivered and read marks in a chat as they move, live only. Members only (NOT_FOUND otherwise). */
  receiptUpdated: ReceiptUpdate;
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type SubscriptionInboxArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type SubscriptionMessageAddedArgs = {
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
  chatId?: InputMaybe<Scalars['ID']['input']>;
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type SubscriptionMessageUpdatedArgs = {
  chatId?: InputMaybe<Scalars['ID']['input']>;
};

/**
 * Live updates, served by the gateway over WebSocket (graphql-transport-ws) only. Each field says who
 * may follow it; access is checked on subscribe and again whenever it changes.
 */
export type SubscriptionReceiptUpdatedArgs = {
  chatId: Scalars['ID']['input'];
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
  Chat: Chat;
  Message: Message;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Chat: { __typename: 'Chat' } & GraphQLRecursivePick<FederationTypes['Chat'], { id: true }>;
  Message: { __typename: 'Message' } & GraphQLRecursivePick<FederationTypes['Message'], { id: true }>;
}>;

/** Mapping of union types */
export type ResolversUnionTypes<_RefType extends Record<string, unknown>> = ResolversObject<{
  InboxEvent:
    | CallSignal
    | CaughtUp
    | (Omit<ChatJoined, 'chat'> & { chat: _RefType['Chat'] })
    | ChatLeft
    | (Omit<MessageAdded, 'message'> & { message: _RefType['Message'] })
    | (Omit<MessageChanged, 'message'> & { message: _RefType['Message'] })
    | (Omit<ReceiptChanged, 'chat'> & { chat: _RefType['Chat'] });
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Call: ResolverTypeWrapper<Call>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CallSignal: ResolverTypeWrapper<CallSignal>;
  CallSignalKind: CallSignalKind;
  CaughtUp: ResolverTypeWrapper<CaughtUp>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Chat: ResolverTypeWrapper<ChatModel>;
  ChatChannel: ResolverTypeWrapper<ChatChannel>;
  ChatConnection: ResolverTypeWrapper<
    Omit<ChatConnection, 'edges'> & { edges: Array<ResolversTypes['ChatEdge']> }
  >;
  ChatEdge: ResolverTypeWrapper<Omit<ChatEdge, 'node'> & { node: ResolversTypes['Chat'] }>;
  ChatJoined: ResolverTypeWrapper<Omit<ChatJoined, 'chat'> & { chat: ResolversTypes['Chat'] }>;
  ChatKind: ChatKind;
  ChatLeft: ResolverTypeWrapper<ChatLeft>;
  ChatMember: ResolverTypeWrapper<ChatMemberModel>;
  ChatRole: ChatRole;
  CreateGroupInput: CreateGroupInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  InboxChannel: ResolverTypeWrapper<InboxChannel>;
  InboxEntry: ResolverTypeWrapper<Omit<InboxEntry, 'event'> & { event: ResolversTypes['InboxEvent'] }>;
  InboxEvent: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['InboxEvent']>;
  Media: ResolverTypeWrapper<Media>;
  Message: ResolverTypeWrapper<MessageModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  MessageAdded: ResolverTypeWrapper<Omit<MessageAdded, 'message'> & { message: ResolversTypes['Message'] }>;
  MessageChanged: ResolverTypeWrapper<
    Omit<MessageChanged, 'message'> & { message: ResolversTypes['Message'] }
  >;
  MessageConnection: ResolverTypeWrapper<
    Omit<MessageConnection, 'edges'> & { edges: Array<ResolversTypes['MessageEdge']> }
  >;
  MessageEdge: ResolverTypeWrapper<Omit<MessageEdge, 'node'> & { node: ResolversTypes['Message'] }>;
  MessageStatus: MessageStatus;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Reaction: ResolverTypeWrapper<Reaction>;
  ReceiptChanged: ResolverTypeWrapper<Omit<ReceiptChanged, 'chat'> & { chat: ResolversTypes['Chat'] }>;
  ReceiptUpdate: ResolverTypeWrapper<Omit<ReceiptUpdate, 'chat'> & { chat: ResolversTypes['Chat'] }>;
  SendMessageInput: SendMessageInput;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  User: ResolverTypeWrapper<User>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Call: Call;
  ID: Scalars['ID']['output'];
  CallSignal: CallSignal;
  CaughtUp: CaughtUp;
  Int: Scalars['Int']['output'];
  Chat: ChatModel;
  ChatChannel: ChatChannel;
  ChatConnection: Omit<ChatConnection, 'edges'> & { edges: Array<ResolversParentTypes['ChatEdge']> };
  ChatEdge: Omit<ChatEdge, 'node'> & { node: ResolversParentTypes['Chat'] };
  ChatJoined: Omit<ChatJoined, 'chat'> & { chat: ResolversParentTypes['Chat'] };
  ChatLeft: ChatLeft;
  ChatMember: ChatMemberModel;
  CreateGroupInput: CreateGroupInput;
  DateTime: Scalars['DateTime']['output'];
  InboxChannel: InboxChannel;
  InboxEntry: Omit<InboxEntry, 'event'> & { event: ResolversParentTypes['InboxEvent'] };
  InboxEvent: ResolversUnionTypes<ResolversParentTypes>['InboxEvent'];
  Media: Media;
  Message: MessageModel;
  Boolean: Scalars['Boolean']['output'];
  MessageAdded: Omit<MessageAdded, 'message'> & { message: ResolversParentTypes['Message'] };
  MessageChanged: Omit<MessageChanged, 'message'> & { message: ResolversParentTypes['Message'] };
  MessageConnection: Omit<MessageConnection, 'edges'> & { edges: Array<ResolversParentTypes['MessageEdge']> };
  MessageEdge: Omit<MessageEdge, 'node'> & { node: ResolversParentTypes['Message'] };
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  Reaction: Reaction;
  ReceiptChanged: Omit<ReceiptChanged, 'chat'> & { chat: ResolversParentTypes['Chat'] };
  ReceiptUpdate: Omit<ReceiptUpdate, 'chat'> & { chat: ResolversParentTypes['Chat'] };
  SendMessageInput: SendMessageInput;
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
  ContextType = ChatsContext,
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
  ContextType = ChatsContext,
  Args = LiveReplayDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ViewerDirectiveArgs = {};

export type ViewerDirectiveResolver<
  Result,
  Parent,
  ContextType = ChatsContext,
  Args = ViewerDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CallResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['Call'] = ResolversParentTypes['Call'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type CallSignalResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['CallSignal'] = ResolversParentTypes['CallSignal'],
> = ResolversObject<{
  call?: Resolver<ResolversTypes['Call'], ParentType, ContextType>;
  candidate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['CallSignalKind'], ParentType, ContextType>;
  sdp?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type CaughtUpResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['CaughtUp'] = ResolversParentTypes['CaughtUp'],
> = ResolversObject<{
  backlog?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ChatResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['Chat'] = ResolversParentTypes['Chat'],
  FederationReferenceType extends FederationReferenceTypes['Chat'] = FederationReferenceTypes['Chat'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Chat']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['ChatKind'], ParentType, ContextType>;
  lastMessage?: Resolver<Maybe<ResolversTypes['Message']>, ParentType, ContextType>;
  members?: Resolver<Array<ResolversTypes['ChatMember']>, ParentType, ContextType>;
  messages?: Resolver<
    ResolversTypes['MessageConnection'],
    ParentType,
    ContextType,
    Partial<ChatMessagesArgs>
  >;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  unreadCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ChatChannelResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['ChatChannel'] = ResolversParentTypes['ChatChannel'],
> = ResolversObject<{
  after?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ChatConnectionResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['ChatConnection'] = ResolversParentTypes['ChatConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ChatEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type ChatEdgeResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['ChatEdge'] = ResolversParentTypes['ChatEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Chat'], ParentType, ContextType>;
}>;

export type ChatJoinedResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['ChatJoined'] = ResolversParentTypes['ChatJoined'],
> = ResolversObject<{
  chat?: Resolver<ResolversTypes['Chat'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ChatLeftResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['ChatLeft'] = ResolversParentTypes['ChatLeft'],
> = ResolversObject<{
  chatId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ChatMemberResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['ChatMember'] = ResolversParentTypes['ChatMember'],
> = ResolversObject<{
  deliveredSeq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  joinedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  readSeq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['ChatRole'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type InboxChannelResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['InboxChannel'] = ResolversParentTypes['InboxChannel'],
> = ResolversObject<{
  after?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type InboxEntryResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['InboxEntry'] = ResolversParentTypes['InboxEntry'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  event?: Resolver<ResolversTypes['InboxEvent'], ParentType, ContextType>;
  pos?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type InboxEventResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['InboxEvent'] = ResolversParentTypes['InboxEvent'],
> = ResolversObject<{
  __resolveType: TypeResolveFn<
    | 'CallSignal'
    | 'CaughtUp'
    | 'ChatJoined'
    | 'ChatLeft'
    | 'MessageAdded'
    | 'MessageChanged'
    | 'ReceiptChanged',
    ParentType,
    ContextType
  >;
}>;

export type MediaResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['Media'] = ResolversParentTypes['Media'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type MessageResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['Message'] = ResolversParentTypes['Message'],
  FederationReferenceType extends FederationReferenceTypes['Message'] = FederationReferenceTypes['Message'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Message']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  attachments?: Resolver<Array<ResolversTypes['Media']>, ParentType, ContextType>;
  body?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  chat?: Resolver<ResolversTypes['Chat'], ParentType, ContextType>;
  clientId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deletedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  editedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  encrypted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reactions?: Resolver<Array<ResolversTypes['Reaction']>, ParentType, ContextType>;
  replyTo?: Resolver<Maybe<ResolversTypes['Message']>, ParentType, ContextType>;
  sender?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  seq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MessageStatus'], ParentType, ContextType>;
}>;

export type MessageAddedResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['MessageAdded'] = ResolversParentTypes['MessageAdded'],
> = ResolversObject<{
  message?: Resolver<ResolversTypes['Message'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type MessageChangedResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['MessageChanged'] = ResolversParentTypes['MessageChanged'],
> = ResolversObject<{
  message?: Resolver<ResolversTypes['Message'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type MessageConnectionResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['MessageConnection'] = ResolversParentTypes['MessageConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['MessageEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type MessageEdgeResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['MessageEdge'] = ResolversParentTypes['MessageEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Message'], ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  ackInbox?: Resolver<
    ResolversTypes['Boolean'],
    ParentType,
    ContextType,
    RequireFields<MutationAckInboxArgs, 'cursor'>
  >;
  addMembers?: Resolver<
    ResolversTypes['Chat'],
    ParentType,
    ContextType,
    RequireFields<MutationAddMembersArgs, 'chatId' | 'userIds'>
  >;
  createDirectChat?: Resolver<
    ResolversTypes['Chat'],
    ParentType,
    ContextType,
    RequireFields<MutationCreateDirectChatArgs, 'userId'>
  >;
  createGroup?: Resolver<
    ResolversTypes['Chat'],
    ParentType,
    ContextType,
    RequireFields<MutationCreateGroupArgs, 'input'>
  >;
  deleteMessage?: Resolver<
    ResolversTypes['Message'],
    ParentType,
    ContextType,
    RequireFields<MutationDeleteMessageArgs, 'id'>
  >;
  editMessage?: Resolver<
    ResolversTypes['Message'],
    ParentType,
    ContextType,
    RequireFields<MutationEditMessageArgs, 'body' | 'id'>
  >;
  leaveChat?: Resolver<
    ResolversTypes['Boolean'],
    ParentType,
    ContextType,
    RequireFields<MutationLeaveChatArgs, 'chatId'>
  >;
  markDelivered?: Resolver<
    ResolversTypes['Chat'],
    ParentType,
    ContextType,
    RequireFields<MutationMarkDeliveredArgs, 'chatId' | 'seq'>
  >;
  markRead?: Resolver<
    ResolversTypes['Chat'],
    ParentType,
    ContextType,
    RequireFields<MutationMarkReadArgs, 'chatId' | 'seq'>
  >;
  react?: Resolver<
    ResolversTypes['Message'],
    ParentType,
    ContextType,
    RequireFields<MutationReactArgs, 'emoji' | 'messageId'>
  >;
  removeMember?: Resolver<
    ResolversTypes['Chat'],
    ParentType,
    ContextType,
    RequireFields<MutationRemoveMemberArgs, 'chatId' | 'userId'>
  >;
  sendMessage?: Resolver<
    ResolversTypes['Message'],
    ParentType,
    ContextType,
    RequireFields<MutationSendMessageArgs, 'input'>
  >;
}>;

export type PageInfoResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo'],
> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  _chatAccess?: Resolver<
    Array<ResolversTypes['ChatChannel']>,
    ParentType,
    ContextType,
    Partial<Query_ChatAccessArgs>
  >;
  _inboxAccess?: Resolver<
    Array<ResolversTypes['InboxChannel']>,
    ParentType,
    ContextType,
    Partial<Query_InboxAccessArgs>
  >;
  _inboxAfter?: Resolver<
    Array<ResolversTypes['InboxEntry']>,
    ParentType,
    ContextType,
    RequireFields<Query_InboxAfterArgs, 'after' | 'device' | 'first'>
  >;
  _inboxCaughtUp?: Resolver<
    ResolversTypes['InboxEntry'],
    ParentType,
    ContextType,
    RequireFields<Query_InboxCaughtUpArgs, 'after' | 'backlog' | 'device'>
  >;
  _messagesAfter?: Resolver<
    Array<ResolversTypes['Message']>,
    ParentType,
    ContextType,
    RequireFields<Query_MessagesAfterArgs, 'afterSeq' | 'chatId' | 'first'>
  >;
  chat?: Resolver<Maybe<ResolversTypes['Chat']>, ParentType, ContextType, RequireFields<QueryChatArgs, 'id'>>;
  chats?: Resolver<ResolversTypes['ChatConnection'], ParentType, ContextType, Partial<QueryChatsArgs>>;
}>;

export type ReactionResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['Reaction'] = ResolversParentTypes['Reaction'],
> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  emoji?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reactedByMe?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type ReceiptChangedResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['ReceiptChanged'] = ResolversParentTypes['ReceiptChanged'],
> = ResolversObject<{
  chat?: Resolver<ResolversTypes['Chat'], ParentType, ContextType>;
  deliveredSeq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  readSeq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ReceiptUpdateResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['ReceiptUpdate'] = ResolversParentTypes['ReceiptUpdate'],
> = ResolversObject<{
  chat?: Resolver<ResolversTypes['Chat'], ParentType, ContextType>;
  deliveredSeq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  readSeq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription'],
> = ResolversObject<{
  inbox?: SubscriptionResolver<
    ResolversTypes['InboxEntry'],
    'inbox',
    ParentType,
    ContextType,
    Partial<SubscriptionInboxArgs>
  >;
  messageAdded?: SubscriptionResolver<
    ResolversTypes['Message'],
    'messageAdded',
    ParentType,
    ContextType,
    Partial<SubscriptionMessageAddedArgs>
  >;
  messageUpdated?: SubscriptionResolver<
    ResolversTypes['Message'],
    'messageUpdated',
    ParentType,
    ContextType,
    Partial<SubscriptionMessageUpdatedArgs>
  >;
  receiptUpdated?: SubscriptionResolver<
    ResolversTypes['ReceiptUpdate'],
    'receiptUpdated',
    ParentType,
    ContextType,
    RequireFields<SubscriptionReceiptUpdatedArgs, 'chatId'>
  >;
}>;

export type UserResolvers<
  ContextType = ChatsContext,
  ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = ChatsContext> = ResolversObject<{
  Call?: CallResolvers<ContextType>;
  CallSignal?: CallSignalResolvers<ContextType>;
  CaughtUp?: CaughtUpResolvers<ContextType>;
  Chat?: ChatResolvers<ContextType>;
  ChatChannel?: ChatChannelResolvers<ContextType>;
  ChatConnection?: ChatConnectionResolvers<ContextType>;
  ChatEdge?: ChatEdgeResolvers<ContextType>;
  ChatJoined?: ChatJoinedResolvers<ContextType>;
  ChatLeft?: ChatLeftResolvers<ContextType>;
  ChatMember?: ChatMemberResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  InboxChannel?: InboxChannelResolvers<ContextType>;
  InboxEntry?: InboxEntryResolvers<ContextType>;
  InboxEvent?: InboxEventResolvers<ContextType>;
  Media?: MediaResolvers<ContextType>;
  Message?: MessageResolvers<ContextType>;
  MessageAdded?: MessageAddedResolvers<ContextType>;
  MessageChanged?: MessageChangedResolvers<ContextType>;
  MessageConnection?: MessageConnectionResolvers<ContextType>;
  MessageEdge?: MessageEdgeResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Reaction?: ReactionResolvers<ContextType>;
  ReceiptChanged?: ReceiptChangedResolvers<ContextType>;
  ReceiptUpdate?: ReceiptUpdateResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = ChatsContext> = ResolversObject<{
  live?: LiveDirectiveResolver<any, any, ContextType>;
  liveReplay?: LiveReplayDirectiveResolver<any, any, ContextType>;
  viewer?: ViewerDirectiveResolver<any, any, ContextType>;
}>;
