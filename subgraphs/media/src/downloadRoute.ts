import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import parseRange from 'range-parser';
import { sendError } from './httpErrors.ts';
import { THUMBNAIL_MIME_TYPE } from './jobs/thumbnail.ts';
import type { RouteDependencies } from './uploadRoute.ts';
import type { ByteRange } from './storage/storage.ts';

/**
 * `GET`/`HEAD /media/:id[/thumbnail]?expires&signature`: the bytes, with a single HTTP Range
 * (206, or 416 when unsatisfiable), a strong ETag (the content's sha256, so If-None-Match and
 * If-Range are exact), and a private cache lifetime no longer than the URL's.
 */
export function downloadRoute(
  { db, storage, urls, log }: RouteDependencies,
  variant: 'original' | 'thumbnail',
) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = String(req.params['id']);
    const check = urls.check(variant, id, req.query['expires'], req.query['signature']);
    if (!check.ok)
      return sendError(
        req,
        res,
        403,
        'FORBIDDEN',
        check.problem === 'expired' ? 'URL expired' : 'Invalid URL',
      );

    const media = await db.media.findUnique({
      where: { id },
      select: { fileName: true, mimeType: true, storageKey: true, thumbnailKey: true },
    });
    const key = variant === 'original' ? media?.storageKey : media?.thumbnailKey;
    const object = media && key ? await storage.stat(key) : null;
    if (!media || !key || !object) {
      if (key) log(`object ${key} of media ${id} is missing from storage`);
      return sendError(req, res, 404, 'NOT_FOUND', 'Media not found');
    }

    const size = object.size;
    const etag = `"${key}"`;
    const mimeType = variant === 'original' ? media.mimeType : THUMBNAIL_MIME_TYPE;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', `private, max-age=${urls.remainingSeconds(check.expires)}`);
    res.setHeader('Accept-Ranges', 'bytes');
    // Uploaded bytes are untrusted: never sniffed, never run as a page of this origin.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Content-Disposition', contentDisposition(mimeType, media.fileName));
    if (matchesAny(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }

    let range: ByteRange | undefined;
    const rangeHeader = req.headers.range;
    // If-Range: a range of a different version would splice two files; send the whole one instead.
    if (rangeHeader && (req.headers['if-range'] === undefined || req.headers['if-range'] === etag)) {
      const ranges = parseRange(size, rangeHeader, { combine: true });
      if (ranges === -1) {
        res.setHeader('Content-Range', `bytes */${size}`);
        return sendError(req, res, 416, 'BAD_USER_INPUT', 'Range not satisfiable');
      }
      // A malformed header, another unit or several ranges: ignored (RFC 9110 §14.2), full body.
      if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) range = ranges[0];
    }

    res.setHeader('Content-Type', mimeType);
    res.setHeader('Content-Length', range ? range.end - range.start + 1 : size);
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const body = await storage.get(key, range);
    if (!body) return sendError(req, res, 404, 'NOT_FOUND', 'Media not found');
    try {
      await pipeline(body, res);
    } catch (error) {
      // A client that stops reading (a video player seeking) is normal, not an error.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        log(`download of ${id} failed`, error);
    }
  };
}

/** If-None-Match uses the weak comparison: `W/"x"` matches `"x"`; `*` matches anything. */
function matchesAny(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** Media a browser shows by itself inline; anything else downloads, under its own name. */
function contentDisposition(mimeType: string, fileName: string): string {
  const inline = /^(image|video|audio)\//.test(mimeType) && mimeType !== 'image/svg+xml';
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encoded}`;
}
