import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertKey, ByteCountError, type ByteRange, type StagedObject, type Storage } from './storage.ts';

/** Development default, shared by the media service and the worker: `var/media` in the repository. */
export const DEV_MEDIA_STORAGE_DIR = fileURLToPath(new URL('../../../../var/media', import.meta.url));

/**
 * Storage on a local directory: `objects/ab/<sha256>` for the bytes, `tmp/` for uploads in
 * flight. The rename from tmp/ into objects/ is atomic on one filesystem, so a reader never sees
 * half an object.
 */
export function createLocalStorage(directory: string): Storage {
  const objectPath = (key: string) => {
    assertKey(key);
    return join(directory, 'objects', key.slice(0, 2), key);
  };
  const tmpDir = join(directory, 'tmp');

  return {
    async put(source, { byteSize }) {
      await mkdir(tmpDir, { recursive: true });
      const tmp = join(tmpDir, randomUUID());
      const hash = createHash('sha256');
      let received = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          // Stop at the first byte too many, not after the whole body arrived.
          if (received > byteSize) return callback(new ByteCountError(byteSize, true));
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx' }));
        if (received !== byteSize) throw new ByteCountError(byteSize, false);
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
      const key = hash.digest('hex');
      let committed = false;
      const staged: StagedObject = {
        key,
        byteSize: received,
        async commit() {
          const target = objectPath(key);
          await mkdir(dirname(target), { recursive: true });
          await rename(tmp, target);
          committed = true;
        },
        async discard() {
          if (!committed) await rm(tmp, { force: true });
        },
      };
      return staged;
    },

    async get(key, range?: ByteRange) {
      let handle;
      try {
        handle = await open(objectPath(key), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {}) as Readable;
    },

    async stat(key) {
      try {
        const info = await stat(objectPath(key));
        return { size: info.size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },

    async delete(key) {
      await rm(objectPath(key), { force: true });
    },
  };
}
