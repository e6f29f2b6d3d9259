import { recordEvent } from '@switchboard/core';
import type { Request, Response } from 'express';
import type { PrismaClient } from './generated/prisma/client.ts';
import { sendError } from './httpErrors.ts';
import { mediaTypeOf } from './mediaInput.ts';
import type { SignedUrls } from './signedUrls.ts';
import { ByteCountError, type StagedObject, type Storage } from './storage/storage.ts';

export interface RouteDependencies {
  db: PrismaClient;
  storage: Storage;
  urls: SignedUrls;
  log: (message: string, error?: unknown) => void;
}

/**
 * `PUT /media/:id?expires&signature`: the bytes of a reserved upload, exactly as many and of the
 * type that createUpload promised. They stream to storage while hashed (never held in memory);
 * on success the media moves to PROCESSING and MediaUploaded wakes the worker, in one transaction.
 */
export function uploadRoute({ db, storage, urls, log }: RouteDependencies) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = String(req.params['id']);
    const check = urls.check('upload', id, req.query['expires'], req.query['signature']);
    if (!check.ok)
      return sendError(
        req,
        res,
        403,
        'FORBIDDEN',
        check.problem === 'expired' ? 'Upload URL expired' : 'Invalid upload URL',
      );

    const media = await db.media.findUnique({
      where: { id },
      select: { status: true, mimeType: true, byteSize: true },
    });
    if (!media) return sendError(req, res, 404, 'NOT_FOUND', 'Media not found');
    if (media.status !== 'PENDING_UPLOAD')
      return sendError(req, res, 409, 'BAD_USER_INPUT', 'Media was uploaded already');
    if (mediaTypeOf(req.headers['content-type']) !== media.mimeType)
      return sendError(req, res, 415, 'BAD_USER_INPUT', `Content-Type must be ${media.mimeType}`);
    const lengthHeader = req.headers['content-length'];
    if (lengthHeader === undefined || req.headers['transfer-encoding'] !== undefined)
      return sendError(req, res, 411, 'BAD_USER_INPUT', `Content-Length must be ${media.byteSize}`);
    const length = Number(lengthHeader);
    if (length !== media.byteSize)
      return sendError(
        req,
        res,
        length > media.byteSize ? 413 : 400,
        'BAD_USER_INPUT',
        `Content-Length must be ${media.byteSize}`,
      );

    let staged: StagedObject;
    try {
      staged = await storage.put(req, { byteSize: media.byteSize });
    } catch (error) {
      // Storage kept nothing. A client that went away mid-body is not our failure.
      const code = (error as NodeJS.ErrnoException).code;
      if (
        !(error instanceof ByteCountError) &&
        code !== 'ECONNRESET' &&
        code !== 'ERR_STREAM_PREMATURE_CLOSE'
      )
        log(`upload of ${id} failed`, error);
      // A failed stream destroys the request and with it the connection: nobody is left to answer.
      if (req.destroyed) return void res.destroy();
      if (error instanceof ByteCountError)
        return sendError(req, res, error.tooMany ? 413 : 400, 'BAD_USER_INPUT', error.message);
      return sendError(req, res, 500, 'INTERNAL_SERVER_ERROR', 'Upload failed');
    }

    try {
      const uploaded = await db.$transaction(async (tx) => {
        // Guarded by status: of two concurrent PUTs, exactly one wins.
        const { count } = await tx.media.updateMany({
          where: { id, status: 'PENDING_UPLOAD' },
          data: { status: 'PROCESSING', storageKey: staged.key },
        });
        if (count === 0) return false;
        // In place before the row that names it commits: no reader ever finds a missing object.
        await staged.commit();
        await recordEvent(tx, 'MediaUploaded', { mediaId: id });
        return true;
      });
      if (!uploaded) {
        await staged.discard();
        return sendError(req, res, 409, 'BAD_USER_INPUT', 'Media was uploaded already');
      }
    } catch (error) {
      // After a commit, the object may already be shared by other media with the same bytes: keep it.
      await staged.discard();
      log(`upload of ${id} failed`, error);
      return sendError(req, res, 500, 'INTERNAL_SERVER_ERROR', 'Upload failed');
    }
    res.status(200).json({ id, status: 'PROCESSING' });
  };
}
