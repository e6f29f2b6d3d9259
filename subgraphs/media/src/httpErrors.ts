import type { Request, Response } from 'express';
import type { ErrorCode } from '@switchboard/core';

/**
 * The REST routes' error responses: JSON with the registry's codes, as GraphQL errors carry them,
 * and the HTTP status that says what went wrong.
 */
export function sendError(
  req: Request,
  res: Response,
  status: number,
  code: ErrorCode,
  message: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A refused upload's body was not read: close the connection rather than read and discard up
  // to 100 MiB that nobody will keep.
  if (!req.complete) res.setHeader('Connection', 'close');
  for (const header of ['Content-Type', 'Content-Disposition', 'Content-Length', 'ETag', 'Cache-Control'])
    res.removeHeader(header);
  res.status(status).json({ error: { code, message } });
}

/** An unexpected failure answers 500 JSON, never Express's HTML page with a stack trace. */
export function catchErrors(
  handler: (req: Request, res: Response) => Promise<void>,
  log: (message: string, error?: unknown) => void,
) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await handler(req, res);
    } catch (error) {
      log(`${req.method} ${req.path} failed`, error);
      sendError(req, res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  };
}
