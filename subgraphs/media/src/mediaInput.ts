import { badInput } from '@switchboard/core';
import type { CreateUploadInput } from './__generated__/resolvers-types.ts';
import type { MediaKind } from './generated/prisma/client.ts';

/** contract: createUpload limits, 1 B - 100 MiB. */
export const MAX_BYTE_SIZE = 100 * 1024 * 1024;

/** RFC 6838 restricted names, `type/subtype`, no parameters; stored in lower case. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
// Path separators and C0/C1 control characters (NUL, newlines, DEL, ...).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_FILE_NAME = /[/\\\u0000-\u001f\u007f-\u009f]/;

/** The normalized input, or BAD_USER_INPUT naming the field, before anything is written. */
export function parseUploadInput(input: CreateUploadInput): CreateUploadInput & { kind: MediaKind } {
  const { fileName, byteSize } = input;
  if (
    fileName.length < 1 ||
    fileName.length > 255 ||
    FORBIDDEN_IN_FILE_NAME.test(fileName) ||
    fileName === '.' ||
    fileName === '..'
  )
    throw badInput(
      'fileName must be 1-255 characters without path separators or control characters',
      'fileName',
    );
  const mimeType = input.mimeType.trim().toLowerCase();
  if (!MIME_TYPE.test(mimeType))
    throw badInput('mimeType must be a media type such as image/png', 'mimeType');
  if (!Number.isInteger(byteSize) || byteSize < 1 || byteSize > MAX_BYTE_SIZE)
    throw badInput(`byteSize must be 1-${MAX_BYTE_SIZE} bytes`, 'byteSize');
  return { fileName, mimeType, byteSize, kind: kindOf(mimeType) };
}

export function kindOf(mimeType: string): MediaKind {
  const type = mimeType.slice(0, mimeType.indexOf('/'));
  if (type === 'image') return 'IMAGE';
  if (type === 'video') return 'VIDEO';
  if (type === 'audio') return 'AUDIO';
  return 'FILE';
}

/** The `type/subtype` of a Content-Type header, lower case, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | null {
  if (!contentType) return null;
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}
