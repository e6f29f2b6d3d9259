import type { Identity } from '@switchboard/core';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { MediaLoader } from './mediaLoader.ts';
import type { SignedUrls } from './signedUrls.ts';

/** What every media resolver receives, built per request by createServer.ts. */
export interface MediaContext {
  identity: Identity;
  db: PrismaClient;
  urls: SignedUrls;
  /** Batches and authorizes media lookups of one request. */
  media: MediaLoader;
}
