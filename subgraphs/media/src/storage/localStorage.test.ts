import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStorage } from './localStorage.ts';
import { ByteCountError, type Storage } from './storage.ts';

let directory: string;
let storage: Storage;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'storage-test-'));
  storage = createLocalStorage(directory);
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const files = async () =>
  (await readdir(directory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile())
    .length;

/** A source of `chunks` chunks of 1 KiB that counts how many were read. */
function counted(chunks: number) {
  const state = { read: 0 };
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < chunks; i += 1) {
        state.read += 1;
        yield Buffer.alloc(1024, i);
      }
    })(),
  );
  return { source, state };
}

describe('local storage', () => {
  it('stores under the sha256 of the bytes, visible only after commit, with ranges', async () => {
    const bytes = randomBytes(5000);
    const staged = await storage.put(Readable.from([bytes]), { byteSize: 5000 });
    expect(staged.key).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await storage.stat(staged.key)).toBeNull();
    await staged.commit();
    expect(await storage.stat(staged.key)).toEqual({ size: 5000 });
    expect((await buffer((await storage.get(staged.key))!)).equals(bytes)).toBe(true);
    expect(
      (await buffer((await storage.get(staged.key, { start: 10, end: 19 }))!)).equals(bytes.subarray(10, 20)),
    ).toBe(true);
    await storage.delete(staged.key);
    expect(await storage.get(staged.key)).toBeNull();
  });

  it('stops reading at the first byte too many and leaves nothing behind', async () => {
    const { source, state } = counted(1000);
    const error = await storage.put(source, { byteSize: 10 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ByteCountError);
    expect((error as ByteCountError).tooMany).toBe(true);
    // Not the whole megabyte: the stream was destroyed right after the 11th KiB.
    expect(state.read).toBeLessThan(20);
    expect(source.destroyed).toBe(true);
    expect(await files()).toBe(0);
  });

  it('refuses fewer bytes than promised and leaves nothing behind', async () => {
    const error = await storage.put(counted(3).source, { byteSize: 4 * 1024 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ByteCountError', tooMany: false });
    expect(await files()).toBe(0);
  });

  it('removes the partial file when the source fails', async () => {
    const source = new Readable({ read() {} });
    const put = storage.put(source, { byteSize: 10_000 });
    source.push(Buffer.alloc(100));
    setTimeout(() => source.destroy(new Error('connection reset')), 20);
    await expect(put).rejects.toThrow('connection reset');
    expect(await files()).toBe(0);
  });

  it('discards a staged object', async () => {
    const staged = await storage.put(Readable.from([Buffer.from('hello')]), { byteSize: 5 });
    expect(await files()).toBe(1);
    await staged.discard();
    expect(await files()).toBe(0);
  });

  it('refuses keys that are not a sha256', async () => {
    await expect(storage.stat('../../etc/passwd')).rejects.toThrow('Not a storage key');
  });
});
