import { badInput, forbidden, notFound, recordEvent, uuidInput } from '@switchboard/core';
import type {
  MutationAddMembersArgs,
  MutationLeaveChatArgs,
  MutationRemoveMemberArgs,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import { chatAccess, requireManager, requireUser } from './access.ts';
import type { ChatsContext } from './context.ts';
import { bumpMemberVersion, lockChat, transaction, type Tx } from './db.ts';
import type { Chat, ChatMember } from './generated/prisma/client.ts';
import { announceInbox, appendInbox, type WrittenEntry } from './inbox.ts';
import { chatAccessChanged } from './liveEvents.ts';

// WhatsApp allows groups of up to 1,024.
export const MAX_MEMBERS = 1024;

/**
 * Tells each user who joined (after commit), so their subscriptions follow the chat from `lastSeq`,
 * where it stood when they joined.
 */
export function announceJoined(
  ctx: ChatsContext,
  chatId: string,
  userIds: string[],
  lastSeq: number,
  written: WrittenEntry[],
): void {
  for (const userId of userIds)
    ctx.live.publishAfterCommit(...chatAccessChanged(chatId, userId, true, lastSeq));
  announceInbox(ctx, written);
}

function announceLeft(ctx: ChatsContext, chatId: string, userId: string, written: WrittenEntry[]): void {
  ctx.live.publishAfterCommit(...chatAccessChanged(chatId, userId, false));
  announceInbox(ctx, written);
}

/** ChatJoined to the joining users' devices, in the transaction that made them members. */
export const appendJoined = (tx: Tx, chatId: string, userIds: string[]) =>
  appendInbox(tx, chatId, userIds, [{ kind: 'ChatJoined', payload: {} }]);

/**
 * ChatLeft to the leaving user's devices, under the chat's row lock that removed them: no entry of
 * the chat is appended for them after it (chats.inbox_append reads the members under that lock).
 */
const appendLeft = (tx: Tx, chatId: string, userId: string) =>
  appendInbox(tx, chatId, [userId], [{ kind: 'ChatLeft', payload: {} }]);

function requireGroup(chat: Chat): void {
  if (chat.kind !== 'GROUP') throw badInput('Only a group has members to add or remove', 'chatId');
}

/**
 * Locks the chat and re-reads its members inside the transaction: membership changes on one chat
 * happen one at a time (limits hold, the owner is never lost), and the caller's role is the one
 * in force now, not the one read before.
 */
async function lockManagedGroup(
  tx: Tx,
  chatId: string,
  userId: string,
): Promise<{ members: ChatMember[]; lastSeq: number }> {
  const lastSeq = await lockChat(tx, chatId);
  const members = await tx.chatMember.findMany({ where: { chatId } });
  const caller = members.find((member) => member.userId === userId);
  if (lastSeq === null || !caller) throw notFound('Chat');
  requireManager(caller);
  return { members, lastSeq };
}

/** OWNER/ADMIN only; every id must name a user (BAD_USER_INPUT); users already in the group are ignored. */
async function addMembers(_: unknown, args: MutationAddMembersArgs, ctx: ChatsContext): Promise<Chat> {
  const me = requireUser(ctx);
  const { chat, member } = await chatAccess(ctx, args.chatId);
  const userIds = [...new Set(args.userIds.map((id) => uuidInput(id, 'userIds')))];
  requireGroup(chat);
  // Checked again under the lock below; here so that a plain member hears FORBIDDEN, not about ids.
  if (member) requireManager(member);
  if (userIds.length > MAX_MEMBERS) throw badInput(`A group has at most ${MAX_MEMBERS} members`, 'userIds');
  // Outside the transaction: the chat's row lock is not held across a call to users.
  await ctx.users.requireUsers(userIds, 'userIds');
  const { joined, lastSeq, written } = await transaction(ctx.db, async (tx) => {
    const { members, lastSeq } = await lockManagedGroup(tx, chat.id, me);
    const present = new Set(members.map((member) => member.userId));
    const joining = userIds.filter((id) => !present.has(id));
    if (members.length + joining.length > MAX_MEMBERS)
      throw badInput(`A group has at most ${MAX_MEMBERS} members`, 'userIds');
    await tx.chatMember.createMany({ data: joining.map((userId) => ({ chatId: chat.id, userId })) });
    const memberVersion = joining.length > 0 ? await bumpMemberVersion(tx, chat.id) : 0;
    for (const userId of joining)
      await recordEvent(tx, 'ChatMemberJoined', { chatId: chat.id, userId, memberVersion });
    return { joined: joining, lastSeq, written: await appendJoined(tx, chat.id, joining) };
  });
  announceJoined(ctx, chat.id, joined, lastSeq, written);
  return chat;
}

/** OWNER/ADMIN only; never the owner; removing someone already gone changes nothing. */
async function removeMember(_: unknown, args: MutationRemoveMemberArgs, ctx: ChatsContext): Promise<Chat> {
  const me = requireUser(ctx);
  const { chat } = await chatAccess(ctx, args.chatId);
  const userId = uuidInput(args.userId, 'userId');
  requireGroup(chat);
  if (userId === me) throw badInput('Use leaveChat to leave a chat', 'userId');
  const removed = await transaction(ctx.db, async (tx) => {
    const { members } = await lockManagedGroup(tx, chat.id, me);
    const member = members.find((m) => m.userId === userId);
    if (!member) return null;
    if (member.role === 'OWNER') throw forbidden('The owner cannot be removed');
    await tx.chatMember.delete({ where: { chatId_userId: { chatId: chat.id, userId } } });
    const memberVersion = await bumpMemberVersion(tx, chat.id);
    await recordEvent(tx, 'ChatMemberLeft', { chatId: chat.id, userId, memberVersion });
    return appendLeft(tx, chat.id, userId);
  });
  if (removed) announceLeft(ctx, chat.id, userId, removed);
  return chat;
}

/**
 * Anyone may leave a group. When the owner leaves, the longest-standing admin (else member)
 * becomes owner. A direct chat cannot be left: it is the one chat between two people, and
 * createDirectChat must keep returning it to both.
 */
async function leaveChat(_: unknown, args: MutationLeaveChatArgs, ctx: ChatsContext): Promise<boolean> {
  const me = requireUser(ctx);
  const { chat } = await chatAccess(ctx, args.chatId);
  if (chat.kind === 'DIRECT') throw badInput('A direct chat cannot be left', 'chatId');
  const left = await transaction(ctx.db, async (tx) => {
    await lockChat(tx, chat.id);
    const member = await tx.chatMember.findUnique({
      where: { chatId_userId: { chatId: chat.id, userId: me } },
    });
    if (!member) return null;
    await tx.chatMember.delete({ where: { chatId_userId: { chatId: chat.id, userId: me } } });
    const memberVersion = await bumpMemberVersion(tx, chat.id);
    if (member.role === 'OWNER') {
      const byTenure = [{ joinedAt: 'asc' as const }, { userId: 'asc' as const }];
      const heir =
        (await tx.chatMember.findFirst({ where: { chatId: chat.id, role: 'ADMIN' }, orderBy: byTenure })) ??
        (await tx.chatMember.findFirst({ where: { chatId: chat.id }, orderBy: byTenure }));
      if (heir)
        await tx.chatMember.update({
          where: { chatId_userId: { chatId: chat.id, userId: heir.userId } },
          data: { role: 'OWNER' },
        });
    }
    await recordEvent(tx, 'ChatMemberLeft', { chatId: chat.id, userId: me, memberVersion });
    return appendLeft(tx, chat.id, me);
  });
  if (left) announceLeft(ctx, chat.id, me, left);
  return true;
}

export const membershipResolvers = {
  Mutation: { addMembers, removeMember, leaveChat },
} satisfies Resolvers;
