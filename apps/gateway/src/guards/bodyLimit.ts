import { ErrorCode } from '@switchboard/core';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';

/**
 * Parses JSON bodies up to `maxBytes`; a larger one gets 413 with a GraphQL error body (not
 * express's HTML page), before anything is parsed as GraphQL or sent to a subgraph.
 */
export function jsonBodyWithLimit(maxBytes: number): [RequestHandler, ErrorRequestHandler] {
  return [
    express.json({ limit: maxBytes }),
    (error: { type?: string }, _req, res, next) => {
      if (error?.type !== 'entity.too.large') return next(error);
      res.status(413).json({
        errors: [
          {
            message: `The request body is larger than ${maxBytes} bytes`,
            extensions: { code: ErrorCode.BAD_USER_INPUT, maxBytes },
          },
        ],
      });
    },
  ];
}
