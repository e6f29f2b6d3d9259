import type { Readable } from 'node:stream';

/**
 * Where media bytes live, content-addressed: an object's key is the sha256 (hex) of its bytes.
 * The local filesystem implements it for one machine (and tests); an S3-compatible store can
 * implement the same four operations without any caller changing.
 */
export interface Storage {
  /**
   * Streams `source` into a staging area while hashing it, never holding it in memory, and
   * fails (destroying `source`) as soon as more than `byteSize` bytes arrive, or when fewer did.
   * Nothing is visible under the key until `commit()`; on failure nothing is left behind.
   */
  put(source: Readable, options: { byteSize: number }): Promise<StagedObject>;
  /** The bytes, or the inclusive byte range of them; null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<Readable | null>;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
}

export interface StagedObject {
  /** sha256 of the bytes, hex. */
  key: string;
  byteSize: number;
  /** Makes the object readable under `key` (an object with the same key has the same bytes). */
  commit(): Promise<void>;
  /** Drops the staged bytes; a no-op after commit. */
  discard(): Promise<void>;
}

/** Inclusive, as in HTTP's Range and Content-Range. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The stream carried a different number of bytes than promised. */
export class ByteCountError extends Error {
  override name = 'ByteCountError';
  constructor(
    readonly expected: number,
    readonly tooMany: boolean,
  ) {
    super(tooMany ? `More than the promised ${expected} bytes` : `Fewer than the promised ${expected} bytes`);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Keys name files and object paths: anything but a sha256 is refused, never interpreted. */
export function assertKey(key: string): void {
  if (!SHA256_HEX.test(key)) throw new Error(`Not a storage key: ${JSON.stringify(key)}`);
}
