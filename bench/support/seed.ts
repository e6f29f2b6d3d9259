// Users written straight into the users subgraph's tables, each with one device, with tokens signed
// as users would sign them: SignUp hashes passwords with scrypt, slow on purpose, which would
// dominate seeding. (chats is not told of the devices, so their inboxes stay empty, unless the
// bench calls `projectDevices`.)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DEV_JWT_SECRET, signUserToken } from '@switchboard/core';
import type { PrismaClient as UsersDb } from '../../subgraphs/users/src/generated/prisma/client.ts';

export interface SeededUser {
  id: string;
  /** The user's one device, which its token speaks for. */
  deviceId: string;
  token: string;
}

/** Tokens outlive any bench run: a subscription ends when its token expires. */
const TOKEN_TTL_SECONDS = 12 * 3600;

export async function seedUsers(usersDb: UsersDb, count: number, label = 'User'): Promise<SeededUser[]> {
  const run = randomBytes(3).toString('hex');
  const users: SeededUser[] = [];
  for (let start = 0; start < count; start += 1000) {
    const created = await usersDb.user.createManyAndReturn({
      data: Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
        username: `b${run}_${start + i}`,
        displayName: `${label} ${start + i}`,
        passwordHash: 'bench-no-login',
      })),
      select: { id: true, username: true },
    });
    // createManyAndReturn does not promise the input's order; the username says which is which.
    created.sort((a, b) => Number(a.username.split('_')[1]) - Number(b.username.split('_')[1]));
    const devices = await usersDb.device.createManyAndReturn({
      data: created.map((user) => ({ userId: user.id, name: 'Bench' })),
      select: { id: true, userId: true },
    });
    const deviceOf = new Map(devices.map((device) => [device.userId, device.id]));
    for (const user of created) {
      const subject = { userId: user.id, deviceId: deviceOf.get(user.id)! };
      users.push({
        id: user.id,
        deviceId: subject.deviceId,
        token: await signUserToken(subject, DEV_JWT_SECRET, TOKEN_TTL_SECONDS),
      });
    }
  }
  return users;
}

/**
 * Tells chats of the seeded devices (its `DeviceProjection`, which users fills over gRPC at
 * signUp/signIn), so everything they are owed is appended to their inboxes.
 */
export async function projectDevices(databaseUrl: string, users: SeededUser[]): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO "chats"."DeviceProjection" ("deviceId", "userId")
       SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`,
      [users.map((user) => user.deviceId), users.map((user) => user.id)],
    );
  } finally {
    await db.end();
  }
}

/** `extra` more devices for each user (a phone and a laptop...), each with a token of its own. */
export async function addDevices(
  usersDb: UsersDb,
  users: SeededUser[],
  extra: number,
): Promise<SeededUser[][]> {
  const all = users.map((user) => [user]);
  if (extra < 1) return all;
  const devices = await usersDb.device.createManyAndReturn({
    data: users.flatMap((user) => Array.from({ length: extra }, () => ({ userId: user.id, name: 'Bench' }))),
    select: { id: true, userId: true },
  });
  const index = new Map(users.map((user, i) => [user.id, i]));
  for (const device of devices) {
    const subject = { userId: device.userId, deviceId: device.id };
    all[index.get(device.userId)!]!.push({
      id: device.userId,
      deviceId: device.id,
      token: await signUserToken(subject, DEV_JWT_SECRET, TOKEN_TTL_SECONDS),
    });
  }
  return all;
}

/**
 * Puts each user in about `chatsPerUser` groups of `groupSize` members, written straight into chats'
 * tables (a realistic membership for what a socket costs: users in no chat at all hide what
 * per-chat state costs). Answers the mean number of chats per user as stored.
 */
export async function seedChats(
  databaseUrl: string,
  users: SeededUser[],
  chatsPerUser: number,
  groupSize = 100,
): Promise<number> {
  if (chatsPerUser < 1 || users.length < 2) return 0;
  const size = Math.min(groupSize, users.length);
  const groups = Math.max(1, Math.ceil((users.length * chatsPerUser) / size));
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `WITH g AS (
         INSERT INTO "chats"."Chat" ("id", "kind", "title")
         SELECT gen_random_uuid(), 'GROUP', 'Bench ' || i FROM generate_series(0, $2::int - 1) i
         RETURNING "id"
       ), numbered AS (SELECT "id", row_number() OVER () - 1 AS n FROM g)
       INSERT INTO "chats"."ChatMember" ("chatId", "userId")
       SELECT numbered."id", u.id
       FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, k)
       CROSS JOIN generate_series(0, $3::int - 1) AS j
       -- User k takes the groups k*C .. k*C+C-1 (mod G): C distinct groups of ~S members each.
       JOIN numbered ON numbered.n = ((u.k - 1) * $3::int + j) % $2::int
       ON CONFLICT DO NOTHING`,
      [users.map((user) => user.id), groups, chatsPerUser],
    );
    const { rows } = await db.query<{ mean: number }>(
      `SELECT (count(*)::float / $2)::float AS mean FROM "chats"."ChatMember" WHERE "userId" = ANY($1::uuid[])`,
      [users.map((user) => user.id), users.length],
    );
    return rows[0]?.mean ?? 0;
  } finally {
    await db.end();
  }
}
