import type { Message } from './generated/prisma/client.ts';

/**
 * Messages this request just stored, with what their fields read back (architecture.md, principle 8):
 * a new message is SENT, has no reactions, and its reply target was read while storing it. The
 * mutation's own answer then costs no query (sendMessage, issue 10). Keyed by the row object, so
 * nothing outlives the request.
 */
export const freshMessages = new WeakMap<Message, { replyTo: Message | null }>();
