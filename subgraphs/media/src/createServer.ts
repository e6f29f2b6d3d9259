import { readFileSync } from 'node:fs';
import type { TrustedKeys } from '@switchboard/core';
import { createSubgraphServer, type HttpTimeouts } from '@switchboard/subgraph';
import { pgAdapter } from '@switchboard/db';
import { defaultLog } from '@switchboard/observability';
import { parse } from 'graphql';
import type { MediaContext } from './context.ts';
import { downloadRoute } from './downloadRoute.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { catchErrors } from './httpErrors.ts';
import { createMediaLoader } from './mediaLoader.ts';
import { resolvers } from './resolvers.ts';
import { createSignedUrls } from './signedUrls.ts';
import { createLocalStorage } from './storage/localStorage.ts';
import type { Storage } from './storage/storage.ts';
import { uploadRoute } from './uploadRoute.ts';

export { DEV_MEDIA_URL_SECRET } from './signedUrls.ts';

export interface MediaConfig {
  /** media's database (DATABASE_URL_MEDIA, else DATABASE_URL); used as its own role. */
  databaseUrl: string;
  /** Public keys of the issuers of internal identities (the gateway). */
  trustedKeys: TrustedKeys;
  development: boolean;
  /** Directory of the local content-addressed storage (the worker reads the same one). */
  storageDir: string;
  /** Signs upload and download URLs (HMAC-SHA256). */
  urlSecret: string;
  /** The media service's public base URL; defaults to the URL the server listens on. */
  publicUrl?: string;
  /** Life of an upload URL (default 15 min) and of a download URL (default 1 h). */
  uploadUrlTtlSeconds?: number;
  downloadUrlTtlSeconds?: number;
  /** Another storage (S3-compatible) instead of the local directory. */
  storage?: Storage;
  /**
   * How slowly a client may send a request: clients reach the upload and download routes directly,
   * and a half-sent request must not hold a socket for long (defaults: DEFAULT_HTTP_TIMEOUTS, and
   * 5 minutes for a whole request, an upload of up to 100 MiB).
   */
  http?: Partial<HttpTimeouts>;
  /** Port of `/metrics` (METRICS_PORT; 0 or absent: any free port). */
  metricsPort?: number;
}

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the media subgraph without listening (conventions.md: no side effects). */
export async function createServer(config: MediaConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl, { subgraph: 'media' }) });
  const storage = config.storage ?? createLocalStorage(config.storageDir);
  let baseUrl = config.publicUrl;
  const urls = createSignedUrls({
    secret: config.urlSecret,
    baseUrl: () => {
      if (!baseUrl) throw new Error('The media service has no public URL before it listens');
      return baseUrl;
    },
    uploadTtlSeconds: config.uploadUrlTtlSeconds ?? 15 * 60,
    downloadTtlSeconds: config.downloadUrlTtlSeconds ?? 3600,
  });
  const log = defaultLog({ service: 'media' });
  const dependencies = { db, storage, urls, log };

  const server = await createSubgraphServer<MediaContext>({
    name: 'media',
    typeDefs,
    resolvers,
    trustedKeys: config.trustedKeys,
    development: config.development,
    context: (identity) => ({ identity, db, urls, media: createMediaLoader(db, identity) }),
    routes: (app) => {
      // Not GraphQL and not behind the gateway: the signed URL is the authorization.
      app.put('/media/:id', catchErrors(uploadRoute(dependencies), log));
      app.get('/media/:id', catchErrors(downloadRoute(dependencies, 'original'), log));
      app.get('/media/:id/thumbnail', catchErrors(downloadRoute(dependencies, 'thumbnail'), log));
    },
    migrations: { databaseUrl: config.databaseUrl },
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    http: { requestTimeoutMs: 5 * 60_000, ...config.http },
    ...(config.metricsPort === undefined ? {} : { metricsPort: config.metricsPort }),
    dispose: () => db.$disconnect(),
  });
  return {
    ...server,
    async listen(port: number, host?: string) {
      const running = await server.listen(port, host);
      baseUrl ??= new URL(running.url).origin;
      return running;
    },
  };
}
