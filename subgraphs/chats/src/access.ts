import { forbidden, isSignedIn, notFound, unauthenticated, asUuid } from '@switchboard/core';
import type { ChatsContext } from './context.ts';
import type { ChatMember, Message } from './generated/prisma/client.ts';
import type { Membership } from './loaders.ts';

/**
 * The caller's user id, for what only a user does (every mutation, their own chat list). Anonymous
 * callers and live-event deliveries get UNAUTHENTICATED.
 */
export function requireUser(ctx: ChatsContext): string {
  if (!ctx.identity.userId) throw unauthenticated();
  return ctx.identity.userId;
}

/** Reads need a user or a live-event delivery (whose reach loaders.ts limits to its chat). */
function requireReader(ctx: ChatsContext): void {
  if (!isSignedIn(ctx.identity)) throw unauthenticated();
}

/**
 * The caller's membership of a chat (or a delivery's scope: loaders.ts). A chat that does not
 * exist, one the caller is not in and an id that is not even a UUID all give the same NOT_FOUND:
 * a non-member learns nothing.
 */
export async function chatAccess(ctx: ChatsContext, chatId: string): Promise<Membership> {
  requireReader(ctx);
  const id = asUuid(chatId);
  const membership = id ? await ctx.loaders.membership.load(id) : null;
  if (!membership) throw notFound('Chat');
  return membership;
}

/** A message with the caller's membership of its chat; NOT_FOUND alike for non-members. */
export async function messageAccess(
  ctx: ChatsContext,
  messageId: string,
): Promise<Membership & { message: Message }> {
  requireReader(ctx);
  const id = asUuid(messageId);
  const message = id ? await ctx.loaders.message.load(id) : null;
  const membership = message ? await ctx.loaders.membership.load(message.chatId) : null;
  if (!message || !membership) throw notFound('Message');
  return { ...membership, message };
}

/** Only the sender edits or deletes a message; other members get FORBIDDEN. */
export function requireSender(ctx: ChatsContext, message: Message): void {
  if (message.senderId !== ctx.identity.userId) throw forbidden('Only the sender can change a message');
}

/** OWNER and ADMIN manage a group's members. */
export function requireManager(member: ChatMember): void {
  if (member.role === 'MEMBER') throw forbidden('Only the owner or an admin can do that');
}
