import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { INTERNAL_IDENTITY_HEADER, type Identity } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { redisConnection } from '@switchboard/messaging';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createMedia } from '@switchboard/media';
import { PrismaClient as MediaDb } from '../subgraphs/media/src/generated/prisma/client.ts';
import { signedUrl } from '../subgraphs/media/src/signedUrls.ts';
import { Client, errorCode, signUp } from './support/client.ts';
import { gatewayToken, startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/wait.ts';

const MiB = 1024 * 1024;

let stack: Stack;
let base: Client;
let db: MediaDb;
let origin: string;
beforeAll(async () => {
  stack = await startStack();
  base = new Client(stack.gateway.url);
  db = new MediaDb({ adapter: pgAdapter(stack.config.databaseUrls.media, 2) });
  origin = new URL(stack.subgraphs.media.url).origin;
});
afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
});

interface MediaView {
  id: string;
  kind: string;
  status: string;
  mimeType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  url: string | null;
  thumbnailUrl: string | null;
}

async function createUpload(client: Client, input: { fileName: string; mimeType: string; byteSize: number }) {
  const data = await client.data<{
    createUpload: { uploadUrl: string; media: { id: string; status: string } };
  }>('CreateUpload', { input });
  return {
    uploadUrl: data.createUpload.uploadUrl,
    id: data.createUpload.media.id,
    status: data.createUpload.media.status,
  };
}

/** An HTTP PUT with full control of the headers and the body (a Buffer or a stream). */
function put(
  url: string,
  body: Buffer | Readable,
  headers: Record<string, string | number>,
): Promise<{
  status: number;
  json: { id?: string; status?: string; error?: { code: string; message: string } };
}> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
      res.on('error', reject);
    });
    // The server may answer and close before taking the whole body (that is the point of some tests).
    req.on('error', reject);
    if (Buffer.isBuffer(body)) req.end(body);
    else pipeline(body, req).catch(() => {});
  });
}

async function upload(client: Client, bytes: Buffer, mimeType: string, fileName = 'file.bin') {
  const { uploadUrl, id } = await createUpload(client, { fileName, mimeType, byteSize: bytes.length });
  const response = await put(uploadUrl, bytes, { 'content-type': mimeType, 'content-length': bytes.length });
  expect(response).toMatchObject({ status: 200, json: { id, status: 'PROCESSING' } });
  return id;
}

const mediaOf = async (client: Client, id: string) =>
  (await client.data<{ media: MediaView }>('Media', { id })).media;

async function waitForStatus(client: Client, id: string, status: 'READY' | 'FAILED'): Promise<MediaView> {
  await expect.poll(async () => (await mediaOf(client, id)).status, { timeout: 15_000 }).toBe(status);
  return mediaOf(client, id);
}

/** Every file in the media storage directory (objects and uploads in flight). */
async function storedFiles(): Promise<string[]> {
  try {
    const entries = await readdir(stack.config.mediaStorageDir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  } catch {
    return [];
  }
}

/** The gateway's entity lookup, straight to the media subgraph with the identity it would vouch for. */
async function entities(identity: Identity, ids: string[]): Promise<(string | null)[]> {
  const response = await fetch(stack.subgraphs.media.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [INTERNAL_IDENTITY_HEADER]: await gatewayToken(stack.config, identity, 'media'),
    },
    body: JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Media { id } } }',
      variables: { r: ids.map((id) => ({ __typename: 'Media', id })) },
    }),
  });
  const body = (await response.json()) as { data: { _entities: ({ id: string } | null)[] } };
  return body.data._entities.map((entity) => entity?.id ?? null);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('uploads and processing', () => {
  it('processes a PNG: READY with dimensions and a thumbnail that serves an image', async () => {
    const { client } = await signUp(base);
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    const id = await upload(client, png, 'image/png', 'holiday.png');
    const media = await waitForStatus(client, id, 'READY');
    expect(media).toMatchObject({
      kind: 'IMAGE',
      mimeType: 'image/png',
      byteSize: png.length,
      width: 640,
      height: 480,
    });

    const original = await fetch(media.url!);
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(sha256(Buffer.from(await original.arrayBuffer()))).toBe(sha256(png));

    const thumbnail = await fetch(media.thumbnailUrl!);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const info = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect(info).toMatchObject({ format: 'webp', width: 320, height: 240 });
  });

  it('processes a JPEG, and a processed upload is not processed twice', async () => {
    const { client } = await signUp(base);
    const jpeg = await sharp({ create: { width: 1000, height: 500, channels: 3, background: '#ff8800' } })
      .jpeg()
      .toBuffer();
    const id = await upload(client, jpeg, 'image/jpeg', 'sunset.jpg');
    const media = await waitForStatus(client, id, 'READY');
    expect(media).toMatchObject({ kind: 'IMAGE', width: 1000, height: 500 });
    const thumbnail = await sharp(
      Buffer.from(await (await fetch(media.thumbnailUrl!)).arrayBuffer()),
    ).metadata();
    expect(thumbnail).toMatchObject({ width: 320, height: 160 });

    // At least once: the same upload delivered again (a new event id) changes nothing.
    const processedEvents = () =>
      db.outboxEvent.count({ where: { type: 'MediaProcessed', payload: { path: ['mediaId'], equals: id } } });
    expect(await processedEvents()).toBe(1);
    const redis = redisConnection(stack.config.redisUrl);
    const queue = new Queue('media-processing', { connection: redis, prefix: stack.config.queuePrefix });
    const job = await queue.add('MediaUploaded', {
      eventId: randomUUID(),
      type: 'MediaUploaded',
      version: 1,
      payload: { mediaId: id },
      source: 'media',
      sequence: '999999',
    });
    await expect
      .poll(async () => (await queue.getJob(job.id!))?.finishedOn, { timeout: 10_000 })
      .toBeDefined();
    await queue.close();
    redis.disconnect();
    expect(await processedEvents()).toBe(1);
    expect(await mediaOf(client, id)).toEqual(media);
  });

  it('marks a corrupt image FAILED, with why, and keeps serving its bytes', async () => {
    const { client } = await signUp(base);
    const id = await upload(client, randomBytes(2048), 'image/png', 'broken.png');
    const media = await waitForStatus(client, id, 'FAILED');
    expect(media).toMatchObject({ width: null, height: null, thumbnailUrl: null });
    expect(media.url).not.toBeNull();
    expect((await db.media.findUniqueOrThrow({ where: { id } })).failure).toMatch(/Not a readable image/);
    const outbox = await db.outboxEvent.findMany({ where: { payload: { path: ['mediaId'], equals: id } } });
    expect(outbox.map((event) => event.type).sort()).toEqual([
      'MediaCreated',
      'MediaProcessed',
      'MediaUploaded',
    ]);
    expect(outbox.find((event) => event.type === 'MediaProcessed')?.payload).toEqual({
      mediaId: id,
      status: 'FAILED',
    });
  });

  it('makes other files READY without reading them, and serves a url before that', async () => {
    const { client } = await signUp(base);
    const bytes = randomBytes(3000);
    const { uploadUrl, id, status } = await createUpload(client, {
      fileName: 'notes.pdf',
      mimeType: 'application/pdf',
      byteSize: bytes.length,
    });
    expect(status).toBe('PENDING_UPLOAD');
    expect(await mediaOf(client, id)).toMatchObject({ kind: 'FILE', status: 'PENDING_UPLOAD', url: null });
    await put(uploadUrl, bytes, { 'content-type': 'application/pdf', 'content-length': bytes.length });
    const media = await waitForStatus(client, id, 'READY');
    expect(media).toMatchObject({ width: null, height: null, thumbnailUrl: null });
    const response = await fetch(media.url!);
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''notes.pdf");
  });
});

describe('the upload PUT', () => {
  it('refuses fewer or more bytes than promised, leaving no file and the media PENDING_UPLOAD', async () => {
    const { client } = await signUp(base);
    const bytes = randomBytes(10_000);
    const { uploadUrl, id } = await createUpload(client, {
      fileName: 'a.bin',
      mimeType: 'application/octet-stream',
      byteSize: bytes.length,
    });
    const before = await storedFiles();
    const headers = { 'content-type': 'application/octet-stream' };

    const fewer = await put(uploadUrl, bytes.subarray(0, 9_999), { ...headers, 'content-length': 9_999 });
    expect(fewer).toMatchObject({ status: 400, json: { error: { code: 'BAD_USER_INPUT' } } });
    const more = await put(uploadUrl, Buffer.concat([bytes, Buffer.from('x')]), {
      ...headers,
      'content-length': 10_001,
    });
    expect(more).toMatchObject({ status: 413, json: { error: { code: 'BAD_USER_INPUT' } } });
    const noLength = await put(uploadUrl, Readable.from([bytes]), {
      ...headers,
      'transfer-encoding': 'chunked',
    });
    expect(noLength.status).toBe(411);

    // The promised length, but the client goes away halfway: the partial file is removed.
    const truncated = request(uploadUrl, {
      method: 'PUT',
      headers: { ...headers, 'content-length': bytes.length },
    });
    truncated.on('error', () => {});
    truncated.write(bytes.subarray(0, 5_000));
    await expect.poll(async () => (await storedFiles()).length, { timeout: 5_000 }).toBe(before.length + 1);
    truncated.destroy();
    await expect.poll(storedFiles, { timeout: 5_000 }).toEqual(before);

    expect((await db.media.findUniqueOrThrow({ where: { id } })).status).toBe('PENDING_UPLOAD');
    expect(
      await db.outboxEvent.count({
        where: { type: 'MediaUploaded', payload: { path: ['mediaId'], equals: id } },
      }),
    ).toBe(0);

    // The reservation is still good for a correct upload.
    const ok = await put(uploadUrl, bytes, { ...headers, 'content-length': bytes.length });
    expect(ok).toMatchObject({ status: 200, json: { id, status: 'PROCESSING' } });
    const again = await put(uploadUrl, bytes, { ...headers, 'content-length': bytes.length });
    expect(again.status).toBe(409);
  });

  it('refuses a Content-Type other than the promised one', async () => {
    const { client } = await signUp(base);
    const bytes = randomBytes(100);
    const { uploadUrl, id } = await createUpload(client, {
      fileName: 'a.png',
      mimeType: 'image/png',
      byteSize: 100,
    });
    for (const contentType of ['image/jpeg', 'application/octet-stream']) {
      const response = await put(uploadUrl, bytes, { 'content-type': contentType, 'content-length': 100 });
      expect(response).toMatchObject({ status: 415, json: { error: { code: 'BAD_USER_INPUT' } } });
    }
    const missing = await put(uploadUrl, bytes, { 'content-length': 100 });
    expect(missing.status).toBe(415);
    expect((await db.media.findUniqueOrThrow({ where: { id } })).status).toBe('PENDING_UPLOAD');
  });

  it('refuses expired and tampered URLs with 403', async () => {
    const { client } = await signUp(base);
    const bytes = randomBytes(100);
    const { uploadUrl, id } = await createUpload(client, {
      fileName: 'a.bin',
      mimeType: 'application/octet-stream',
      byteSize: 100,
    });
    const headers = { 'content-type': 'application/octet-stream', 'content-length': 100 };
    const secret = stack.config.mediaUrlSecret;

    const expired = signedUrl(origin, secret, 'upload', id, Math.floor(Date.now() / 1000) - 1);
    expect(await put(expired, bytes, headers)).toMatchObject({
      status: 403,
      json: { error: { code: 'FORBIDDEN', message: 'Upload URL expired' } },
    });

    const url = new URL(uploadUrl);
    const signature = url.searchParams.get('signature')!;
    const tampered = [
      (u: URL) => u.searchParams.set('signature', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)),
      (u: URL) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600)),
      (u: URL) => u.searchParams.delete('signature'),
      (u: URL) => (u.pathname = `/media/${randomUUID()}`),
    ];
    for (const change of tampered) {
      const forged = new URL(uploadUrl);
      change(forged);
      expect(await put(forged.toString(), bytes, headers)).toMatchObject({
        status: 403,
        json: { error: { code: 'FORBIDDEN' } },
      });
    }
    // Signed by someone else.
    expect((await put(signedUrl(origin, 'x'.repeat(40), 'upload', id, 2e9), bytes, headers)).status).toBe(
      403,
    );
    // A download URL does not upload, and an upload URL does not download.
    expect((await put(signedUrl(origin, secret, 'original', id, 2e9), bytes, headers)).status).toBe(403);
    expect((await fetch(uploadUrl)).status).toBe(403);
    expect((await db.media.findUniqueOrThrow({ where: { id } })).status).toBe('PENDING_UPLOAD');
  });

  it('keeps memory flat while a 100 MiB upload streams through', async () => {
    const { client } = await signUp(base);
    // One chunk sent over and over: the client allocates nothing, so what grows is the server.
    const chunk = randomBytes(256 * 1024);
    async function* body(byteSize: number) {
      for (let sent = 0; sent < byteSize; sent += chunk.length) yield chunk;
    }
    const streamUpload = async (byteSize: number) => {
      const { uploadUrl, id } = await createUpload(client, {
        fileName: 'big.bin',
        mimeType: 'application/octet-stream',
        byteSize,
      });
      const response = await put(uploadUrl, Readable.from(body(byteSize)), {
        'content-type': 'application/octet-stream',
        'content-length': byteSize,
      });
      expect(response).toMatchObject({ status: 200, json: { id, status: 'PROCESSING' } });
      return id;
    };
    // Warm up the same path first (code, heap and allocator arenas reach their working size), so
    // what is measured is what grows with the upload's size.
    await streamUpload(32 * MiB);
    const baseline = process.memoryUsage();
    const peak = { rss: baseline.rss, arrayBuffers: baseline.arrayBuffers, heapTotal: baseline.heapTotal };
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak.rss = Math.max(peak.rss, now.rss);
      peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
      peak.heapTotal = Math.max(peak.heapTotal, now.heapTotal);
    }, 10);
    const started = performance.now();
    const id = await streamUpload(100 * MiB);
    const elapsedMs = performance.now() - started;
    clearInterval(sampler);
    const growth = Object.fromEntries(
      (['rss', 'arrayBuffers', 'heapTotal'] as const).map((key) => [key, (peak[key] - baseline[key]) / MiB]),
    ) as Record<keyof typeof peak, number>;
    console.log(
      `100 MiB upload: ${elapsedMs.toFixed(0)} ms; peak growth: rss ${growth.rss.toFixed(1)} MiB, ` +
        `arrayBuffers ${growth.arrayBuffers.toFixed(1)} MiB, JS heap ${growth.heapTotal.toFixed(1)} MiB`,
    );
    // Client and server share this process; holding the body would add 100 MiB to both measures.
    // rss grows by a few MiB. arrayBuffers also counts socket chunks already written to disk that
    // the GC has not collected yet (it collects after ~32 MiB of them), hence its looser bound.
    expect(growth.rss).toBeLessThan(40);
    expect(growth.arrayBuffers).toBeLessThan(48);
    const media = await waitForStatus(client, id, 'READY');
    expect(media.byteSize).toBe(100 * MiB);
  });
});

describe('half-sent requests (issue 12, item 8)', () => {
  /** Sends `head` and nothing more; resolves when the server closes the socket, with what it answered. */
  function sendAndWait(port: number, head: string): Promise<{ answer: string; afterMs: number }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(head));
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve({ answer, afterMs: Date.now() - started }));
    });
  }

  it('are answered 408 and closed once the headers or the whole request are late: 20 of each', async () => {
    // A media server with limits a test can wait for (the defaults are 10 s and 5 min).
    const limited = await (
      await createMedia({
        databaseUrl: stack.config.databaseUrls.media,
        trustedKeys: stack.config.trustedKeys,
        development: true,
        storageDir: stack.config.mediaStorageDir,
        urlSecret: stack.config.mediaUrlSecret,
        http: { headersTimeoutMs: 500, requestTimeoutMs: 1_500, checkIntervalMs: 100 },
      })
    ).listen(0);
    try {
      const alice = await signUp(base);
      const { uploadUrl } = await createUpload(alice.client, {
        fileName: 'slow.bin',
        mimeType: 'application/octet-stream',
        byteSize: 1000,
      });
      const target = new URL(uploadUrl);
      const headersCutShort = `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: media\r\n`;
      // A valid upload whose body stops after 10 of its 1,000 bytes.
      const bodyCutShort =
        `PUT ${target.pathname}${target.search} HTTP/1.1\r\nHost: media\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(10)}`;
      const results = await Promise.all([
        ...Array.from({ length: 20 }, () => sendAndWait(limited.port, headersCutShort)),
        ...Array.from({ length: 20 }, () => sendAndWait(limited.port, bodyCutShort)),
      ]);
      for (const { answer, afterMs } of results) {
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(afterMs).toBeLessThan(5_000);
      }
      // The upload that never finished left the media waiting for its bytes.
      const media = await db.media.findUniqueOrThrow({ where: { id: target.pathname.split('/').at(-1)! } });
      expect(media.status).toBe('PENDING_UPLOAD');
    } finally {
      await limited.stop();
    }
  });
});

describe('downloads', () => {
  let bytes: Buffer;
  let url: string;
  beforeAll(async () => {
    const { client } = await signUp(base);
    bytes = randomBytes(1000);
    const id = await upload(client, bytes, 'audio/ogg', 'voice.ogg');
    url = (await waitFor(async () => (await mediaOf(client, id)).url, 15_000, 'the uploaded media'))!;
  });

  it('serves the whole file with its type, a strong ETag and a private cache life within the URL’s', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'audio/ogg',
      'content-length': '1000',
      'accept-ranges': 'bytes',
      etag: `"${sha256(bytes)}"`,
      'x-content-type-options': 'nosniff',
    });
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(response.headers.get('cache-control')!)?.[1]);
    const expires = Number(new URL(url).searchParams.get('expires'));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(expires - Math.floor(Date.now() / 1000) + 1);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers If-None-Match with 304', async () => {
    const response = await fetch(url, { headers: { 'if-none-match': `"${sha256(bytes)}"` } });
    expect(response.status).toBe(304);
    expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect((await fetch(url, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-', 100, 999],
    ['bytes=-100', 900, 999],
    ['bytes=990-5000', 990, 999],
  ])('serves the range %s with 206', async (range, start, end) => {
    const response = await fetch(url, { headers: { range } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it('answers an unsatisfiable range with 416 and the size', async () => {
    const response = await fetch(url, { headers: { range: 'bytes=1000-' } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */1000');
  });

  it('serves the whole file for a range of another version (If-Range) or several ranges', async () => {
    const stale = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': '"stale"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(1000);
    const several = await fetch(url, { headers: { range: 'bytes=0-9,500-509' } });
    expect(several.status).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('1000');
    expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    const ranged = await fetch(url, { method: 'HEAD', headers: { range: 'bytes=-10' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-length')).toBe('10');
  });

  it('refuses expired and tampered download URLs with 403', async () => {
    const id = new URL(url).pathname.split('/')[2]!;
    const expired = signedUrl(
      origin,
      stack.config.mediaUrlSecret,
      'original',
      id,
      Math.floor(Date.now() / 1000) - 1,
    );
    const response = await fetch(expired);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'URL expired' } });
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 1));
    expect((await fetch(tampered)).status).toBe(403);
    const thumbnailOfOriginal = new URL(url);
    thumbnailOfOriginal.pathname += '/thumbnail';
    expect((await fetch(thumbnailOfOriginal)).status).toBe(403);
  });
});

describe('who may see media', () => {
  it("answers someone else's media, and media that does not exist, with NOT_FOUND", async () => {
    const [owner, other] = await Promise.all([signUp(base), signUp(base)]);
    const { id } = await createUpload(owner.client, {
      fileName: 'a.txt',
      mimeType: 'text/plain',
      byteSize: 10,
    });
    expect(errorCode(await other.client.op('Media', { id }))).toBe('NOT_FOUND');
    expect(errorCode(await other.client.op('Media', { id: randomUUID() }))).toBe('NOT_FOUND');
    expect(errorCode(await other.client.op('Media', { id: 'not-a-uuid' }))).toBe('NOT_FOUND');
    expect(errorCode(await base.op('Media', { id }))).toBe('UNAUTHENTICATED');
    expect((await owner.client.data('Media', { id })).media.id).toBe(id);
  });

  it('lets members of a chat where it is attached read it, and no one else', async () => {
    const [sender, member, outsider] = await Promise.all([signUp(base), signUp(base), signUp(base)]);
    const png = await sharp({ create: { width: 50, height: 40, channels: 3, background: '#00aa00' } })
      .png()
      .toBuffer();
    const id = await upload(sender.client, png, 'image/png', 'a.png');
    const chat = await sender.client.data<{ createDirectChat: { id: string } }>('CreateDirectChat', {
      userId: member.id,
    });
    const chatId = chat.createDirectChat.id;
    // chats accepts the attachment once it has heard of the upload (MediaCreated).
    await expect
      .poll(
        async () =>
          errorCode(
            await sender.client.op('SendMessage', {
              input: { chatId, clientId: 'with-photo', body: 'look', attachmentIds: [id] },
            }),
          ) ?? 'sent',
        { timeout: 15_000 },
      )
      .toBe('sent');
    // media learns of the membership and the attachment from chats' events.
    await expect
      .poll(
        async () => (await member.client.op<{ media: MediaView }>('Media', { id })).data?.media?.id ?? null,
        {
          timeout: 15_000,
        },
      )
      .toBe(id);
    const history = await member.client.data<{
      chat: { messages: { edges: { node: { attachments: MediaView[] } }[] } };
    }>('ChatHistory', { chatId, last: 10 });
    const attachment = history.chat.messages.edges.at(-1)!.node.attachments[0]!;
    expect(attachment.id).toBe(id);
    await expect
      .poll(async () => (await mediaOf(member.client, id)).status, { timeout: 15_000 })
      .toBe('READY');
    const fresh = await mediaOf(member.client, id);
    expect((await fetch(fresh.thumbnailUrl!)).status).toBe(200);
    expect(errorCode(await outsider.client.op('Media', { id }))).toBe('NOT_FOUND');

    // The gateway resolves a live event once for all subscribers, as a delivery for the chat:
    // it reads what the chat's members may, and nothing else.
    const private_ = await createUpload(outsider.client, {
      fileName: 'x',
      mimeType: 'text/plain',
      byteSize: 1,
    });
    expect(
      await entities({ userId: null, delivery: { channel: `chat:${chatId}` } }, [id, private_.id]),
    ).toEqual([id, null]);
    expect(await entities({ userId: null, delivery: { channel: `chat:${randomUUID()}` } }, [id])).toEqual([
      null,
    ]);
    expect(await entities({ userId: outsider.id }, [id, private_.id])).toEqual([null, private_.id]);
  });

  it("lets any signed-in user read someone's avatar", async () => {
    const [owner, stranger] = await Promise.all([signUp(base), signUp(base)]);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#aa00aa' } })
      .png()
      .toBuffer();
    const id = await upload(owner.client, png, 'image/png', 'me.png');
    await waitForStatus(owner.client, id, 'READY');
    expect(errorCode(await stranger.client.op('Media', { id }))).toBe('NOT_FOUND');
    // users accepts it as an avatar once it has heard of the upload (MediaCreated).
    await expect
      .poll(
        async () => errorCode(await owner.client.op('UpdateProfile', { input: { avatarId: id } })) ?? 'ok',
        {
          timeout: 15_000,
        },
      )
      .toBe('ok');
    await expect
      .poll(
        async () => (await stranger.client.op<{ media: MediaView }>('Media', { id })).data?.media?.id ?? null,
        {
          timeout: 15_000,
        },
      )
      .toBe(id);
    const found = await stranger.client.data<{ userByUsername: { avatar: { thumbnailUrl: string } | null } }>(
      'FindUser',
      { username: owner.username },
    );
    expect((await fetch(found.userByUsername.avatar!.thumbnailUrl)).status).toBe(200);
    // Another avatar: the old one is private again.
    await owner.client.data('UpdateProfile', { input: { avatarId: null } });
    await expect
      .poll(async () => errorCode(await stranger.client.op('Media', { id })), { timeout: 15_000 })
      .toBe('NOT_FOUND');
  });
});

describe('createUpload input', () => {
  it.each([
    ['an empty file', { fileName: 'a.bin', mimeType: 'application/octet-stream', byteSize: 0 }, 'byteSize'],
    [
      '100 MiB + 1',
      { fileName: 'a.bin', mimeType: 'application/octet-stream', byteSize: 100 * MiB + 1 },
      'byteSize',
    ],
    ['a bad media type', { fileName: 'a.bin', mimeType: 'not a type', byteSize: 10 }, 'mimeType'],
    [
      'a media type with parameters',
      { fileName: 'a.txt', mimeType: 'text/plain; charset=utf-8', byteSize: 10 },
      'mimeType',
    ],
    [
      'a path in the file name',
      { fileName: '../etc/passwd', mimeType: 'text/plain', byteSize: 10 },
      'fileName',
    ],
    [
      'a control character in the file name',
      { fileName: 'a\nb.txt', mimeType: 'text/plain', byteSize: 10 },
      'fileName',
    ],
    ['an empty file name', { fileName: '', mimeType: 'text/plain', byteSize: 10 }, 'fileName'],
    [
      'a file name over 255',
      { fileName: `${'a'.repeat(252)}.txt`, mimeType: 'text/plain', byteSize: 10 },
      'fileName',
    ],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_what, input, field) => {
    const { client } = await signUp(base);
    const [media, events] = await Promise.all([db.media.count(), db.outboxEvent.count()]);
    const result = await client.op('CreateUpload', { input });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.['field']).toBe(field);
    expect(await Promise.all([db.media.count(), db.outboxEvent.count()])).toEqual([media, events]);
  });

  it('refuses an anonymous caller', async () => {
    const result = await base.op('CreateUpload', { input: { fileName: 'a', mimeType: 'a/b', byteSize: 1 } });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });

  it('derives the kind from the media type and records MediaCreated with the upload', async () => {
    const { client, id: ownerId } = await signUp(base);
    const kinds: Record<string, string> = {
      'image/webp': 'IMAGE',
      'video/mp4': 'VIDEO',
      'Audio/MPEG': 'AUDIO',
      'application/zip': 'FILE',
    };
    for (const [mimeType, kind] of Object.entries(kinds)) {
      const { id, uploadUrl } = await createUpload(client, { fileName: 'x', mimeType, byteSize: 5 });
      expect(await mediaOf(client, id)).toMatchObject({
        kind,
        mimeType: mimeType.toLowerCase(),
        status: 'PENDING_UPLOAD',
      });
      expect(new URL(uploadUrl).origin).toBe(origin);
      const created = await db.outboxEvent.findFirstOrThrow({
        where: { type: 'MediaCreated', payload: { path: ['mediaId'], equals: id } },
      });
      expect(created.payload).toEqual({ mediaId: id, ownerId });
    }
  });
});
