import { randomUUID } from 'node:crypto';
import { pgAdapter } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileDatabaseUrl } from '../../../tests/support/database.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createMediaLoader } from './mediaLoader.ts';

let db: PrismaClient;
let queries = 0;
beforeAll(async () => {
  db = new PrismaClient({
    adapter: pgAdapter(await fileDatabaseUrl('media'), 2),
    log: [{ emit: 'event', level: 'query' }],
  });
  // Counts the SQL statements the client sends (Prisma's query log as events).
  (db as unknown as { $on(event: 'query', listener: () => void): void }).$on('query', () => (queries += 1));
});
afterAll(() => db?.$disconnect());

const media = (ownerId: string) =>
  db.media.create({
    data: { ownerId, kind: 'IMAGE', fileName: 'a.png', mimeType: 'image/png', byteSize: 10 },
  });

describe('media loader', () => {
  it('loads every representation of a request in one query, in order, null for what the caller may not read', async () => {
    const owner = randomUUID();
    const [a, b, theirs] = await Promise.all([media(owner), media(owner), media(randomUUID())]);
    const loader = createMediaLoader(db, { userId: owner });
    const before = queries;
    const results = await Promise.all(
      [a.id, b.id, theirs.id, randomUUID(), 'not-a-uuid', a.id.toUpperCase()].map((id) => loader.load(id)),
    );
    expect(queries - before).toBe(1);
    expect(results.map((row) => row?.id ?? null)).toEqual([a.id, b.id, null, null, null, a.id]);
  });

  it('asks nothing for an anonymous caller', async () => {
    const before = queries;
    expect(await createMediaLoader(db, { userId: null }).load(randomUUID())).toBeNull();
    expect(queries).toBe(before);
  });

  it('lets a delivery for a chat read media granted to that chat, and nothing else', async () => {
    const [chatId, otherChat] = [randomUUID(), randomUUID()];
    const [granted, notGranted] = await Promise.all([media(randomUUID()), media(randomUUID())]);
    await db.mediaGrant.create({ data: { mediaId: granted.id, chatId } });
    const forChat = createMediaLoader(db, { userId: null, delivery: { channel: `chat:${chatId}` } });
    expect((await forChat.load(granted.id))?.id).toBe(granted.id);
    expect(await forChat.load(notGranted.id)).toBeNull();
    expect(
      await createMediaLoader(db, { userId: null, delivery: { channel: `chat:${otherChat}` } }).load(
        granted.id,
      ),
    ).toBeNull();
  });

  it('lets members read what a fellow member uploaded before the attachment grant arrives', async () => {
    const [chatId, owner, member, stranger] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await db.chatMembership.createMany({
      data: [
        { chatId, userId: owner },
        { chatId, userId: member },
      ],
    });
    const shared = await media(owner);
    expect((await createMediaLoader(db, { userId: member }).load(shared.id))?.id).toBe(shared.id);
    expect(
      (await createMediaLoader(db, { userId: null, delivery: { channel: `chat:${chatId}` } }).load(shared.id))
        ?.id,
    ).toBe(shared.id);
    expect(await createMediaLoader(db, { userId: stranger }).load(shared.id)).toBeNull();
  });
});
