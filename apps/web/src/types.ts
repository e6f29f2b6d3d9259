// The shapes the contract's documents select (contract/operations), as the page uses them.

export interface User {
  id: string;
  username: string;
  displayName: string;
}

export type MessageStatus = 'SENT' | 'DELIVERED' | 'READ';
export type MediaStatus = 'PENDING_UPLOAD' | 'PROCESSING' | 'READY' | 'FAILED';

export interface Media {
  id: string;
  kind: string;
  status: MediaStatus;
  mimeType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  url: string | null;
  thumbnailUrl: string | null;
}

export interface Reaction {
  emoji: string;
  count: number;
  reactedByMe?: boolean;
}

/** `MessageFields`, the parts the page shows. */
export interface Message {
  id: string;
  seq: number;
  body: string | null;
  status: MessageStatus;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  sender: { id: string; displayName: string };
  attachments: Media[];
  reactions: Reaction[];
}

/** `MessageChanged`'s message (an inbox entry): what an edit, deletion, reaction or status changes. */
export type MessageChange = Pick<
  Message,
  'id' | 'seq' | 'body' | 'status' | 'editedAt' | 'deletedAt' | 'reactions'
> & {
  chat: { id: string };
};

/** The events of `Inbox` entries (contract/operations/devices.graphql), as the page uses them. */
export type InboxEvent =
  | { __typename: 'MessageAdded'; message: Message & { chat: { id: string } } }
  | { __typename: 'MessageChanged'; message: MessageChange }
  | {
      __typename: 'ReceiptChanged';
      chat: { id: string };
      user: { id: string };
      deliveredSeq: number;
      readSeq: number;
    }
  | { __typename: 'ChatJoined'; chat: { id: string; kind: string; title: string | null } }
  | { __typename: 'ChatLeft'; chatId: string }
  // Calls are followed with CallEvents; the inbox's copy of their signalling is not used here.
  | { __typename: 'CallSignal' }
  | { __typename: 'CaughtUp'; backlog: number };

/** A node of `ChatList`. */
export interface ChatSummary {
  id: string;
  title: string | null;
  unreadCount: number;
  lastMessage: {
    id: string;
    seq: number;
    body: string | null;
    createdAt: string;
    sender: { id: string; displayName: string };
  } | null;
}

/** `CallFields`. */
export interface Call {
  id: string;
  video: boolean;
  state: 'RINGING' | 'ACTIVE' | 'ENDED';
  endReason: 'HANGUP' | 'DECLINED' | 'CANCELLED' | 'MISSED' | 'BUSY' | 'FAILED' | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  chat: { id: string };
  caller: { id: string; displayName: string };
  callee: { id: string; displayName: string };
}

/** `CallEvents`' payload: the other side's signalling. */
export interface CallEvent {
  kind: 'INCOMING' | 'ANSWERED' | 'ICE_CANDIDATE' | 'ENDED';
  sdp: string | null;
  candidate: string | null;
  call: Call;
}

/** `IceServers`' entries, as RTCConfiguration takes them. */
export interface IceServer {
  urls: string[];
  username: string | null;
  credential: string | null;
  expiresAt: string | null;
}
