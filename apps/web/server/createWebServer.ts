import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer as createViteServer } from 'vite';
import { trustedDocumentsPlugin } from './trustedDocuments.ts';

export interface WebServerConfig {
  /** The gateway (any URL on it): the page's `/graphql`, HTTP and WebSocket, goes there. */
  gatewayUrl: string;
  /** The media service (any URL on it): the page's `/media/...` (signed uploads) goes there. */
  mediaUrl: string;
  /** Reload the page when its files change (development); tests serve a fixed tree. */
  watch?: boolean;
  /** Vite's cache of pre-bundled dependencies; a test's own directory keeps runs apart. */
  cacheDir?: string;
}

export interface RunningWebServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const manifestPath = fileURLToPath(
  new URL('../../../contract/persisted-query-manifest.json', import.meta.url),
);

/**
 * The web client in development: Vite serves apps/web and proxies the API, so the page talks to
 * its own origin only (no CORS): `/graphql` to the gateway, `/media/` to the media service, whose
 * signed upload URL takes a cross-origin PUT only with a preflight it does not answer.
 */
export function createWebServer(config: WebServerConfig) {
  const watch = config.watch ?? true;
  return {
    async listen(port: number, host = '127.0.0.1'): Promise<RunningWebServer> {
      const vite = await createViteServer({
        root,
        configFile: false,
        envDir: false,
        clearScreen: false,
        logLevel: 'warn',
        ...(config.cacheDir ? { cacheDir: config.cacheDir } : {}),
        plugins: [trustedDocumentsPlugin(manifestPath)],
        server: {
          host,
          port,
          strictPort: true,
          hmr: watch,
          watch: watch ? {} : null,
          proxy: {
            '/graphql': { target: new URL(config.gatewayUrl).origin, ws: true },
            '/media/': { target: new URL(config.mediaUrl).origin },
          },
        },
        // Bundled before the first page load, so no late discovery reloads a page mid-test.
        optimizeDeps: { include: ['graphql-ws'] },
      });
      await vite.listen();
      const address = vite.httpServer!.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' ? 'localhost' : host;
      return {
        port: address.port,
        url: `http://${shownHost}:${address.port}`,
        stop: () => vite.close(),
      };
    },
  };
}
