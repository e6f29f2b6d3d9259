import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { recordEvent } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { defaultLog } from '@switchboard/observability';
import {
  announceEntityChanged,
  createLivePublisher,
  eventJobOptions,
  type EventHandler,
  type LivePublisher,
  type ReceivedEvent,
} from '@switchboard/messaging';
import { PrismaClient, type Media } from '../generated/prisma/client.ts';
import { createLocalStorage } from '../storage/localStorage.ts';
import type { Storage } from '../storage/storage.ts';
import { DECODABLE_IMAGE_TYPES, describeImage, UnreadableImageError } from './thumbnail.ts';

export { DEV_MEDIA_STORAGE_DIR } from '../storage/localStorage.ts';

type Outcome =
  | { status: 'READY'; width?: number; height?: number; thumbnailKey?: string }
  | { status: 'FAILED'; failure: string };

/**
 * The worker's handler of MediaUploaded (queue 'media-processing'): reads the uploaded bytes and
 * moves the media from PROCESSING to READY (images: dimensions and a thumbnail) or FAILED (with
 * why), recording MediaProcessed in the same transaction.
 *
 * Idempotent under at-least-once delivery: anything not PROCESSING was handled already, and the
 * final update is guarded by status, so of two concurrent runs only one records the event. An
 * image that cannot be decoded fails at once (retrying cannot help); other errors (storage,
 * database) retry with backoff, and the last attempt marks the media FAILED instead of leaving it
 * PROCESSING forever.
 */
export function processMedia(
  db: PrismaClient,
  storage: Storage,
  log: (message: string, error?: unknown) => void = defaultLog({ component: 'media-processing' }),
  live?: LivePublisher,
): EventHandler {
  return async (event) => {
    if (event.type !== 'MediaUploaded') return;
    const { mediaId } = event.payload;
    const media = await db.media.findUnique({ where: { id: mediaId } });
    if (!media || media.status !== 'PROCESSING' || !media.storageKey) return;

    let outcome: Outcome;
    try {
      outcome = await inspect(media, media.storageKey, storage);
    } catch (error) {
      if (error instanceof UnreadableImageError) {
        outcome = { status: 'FAILED', failure: error.message };
      } else if (isLastAttempt(event)) {
        log(`media ${mediaId} could not be processed; marking it FAILED`, error);
        outcome = { status: 'FAILED', failure: 'Could not be processed' };
      } else {
        throw error;
      }
    }

    const changed = await db.$transaction(async (tx) => {
      const { count } = await tx.media.updateMany({
        where: { id: mediaId, status: 'PROCESSING' },
        data: outcome,
      });
      if (count === 1) await recordEvent(tx, 'MediaProcessed', { mediaId, status: outcome.status });
      return count === 1;
    });
    // Before MediaProcessed reaches chats (which tells subscribers the message changed), so their
    // payloads read the new status, not a cached one.
    if (changed && live) await announceEntityChanged(live, 'Media', mediaId);
  };
}

/**
 * Images that sharp decodes get dimensions and a thumbnail. Anything else (video, audio, files,
 * other image types) is READY as uploaded: its size and type are known from the upload, and
 * learning more (duration, a video poster frame) would need ffmpeg.
 */
async function inspect(media: Media, storageKey: string, storage: Storage): Promise<Outcome> {
  if (media.kind !== 'IMAGE' || !DECODABLE_IMAGE_TYPES.has(media.mimeType)) return { status: 'READY' };
  const source = await storage.get(storageKey);
  if (!source) throw new Error(`object ${storageKey} is missing from storage`);
  // Decoded from memory, since storage hands out streams: images are at most 100 MiB, and the
  // queue's concurrency (2 by default) bounds how many are in memory at once.
  const { width, height, thumbnail } = await describeImage(await buffer(source));
  const staged = await storage.put(Readable.from([thumbnail]), { byteSize: thumbnail.length });
  await staged.commit();
  return { status: 'READY', width, height, thumbnailKey: staged.key };
}

function isLastAttempt(event: ReceivedEvent): boolean {
  return event.attemptsMade + 1 >= (eventJobOptions.attempts ?? 1);
}

/** For the worker: the handler with its own connection to the media schema and its storage. */
export function openMediaProcessing(
  databaseUrl: string,
  options: { storageDir: string; redisUrl?: string; log?: (message: string, error?: unknown) => void },
) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'media' }) });
  const live = options.redisUrl ? createLivePublisher(options.redisUrl) : undefined;
  const handle = processMedia(db, createLocalStorage(options.storageDir), options.log, live);
  return { handle, close: async () => Promise.all([db.$disconnect(), live?.close()]).then(() => {}) };
}
