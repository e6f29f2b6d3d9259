import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

interface PersistedQueryManifest {
  format: string;
  operations: { name: string; body: string }[];
}

const MODULE_ID = 'virtual:contract-operations';
const RESOLVED_ID = `\0${MODULE_ID}`;

/**
 * Serves `virtual:contract-operations` to the page: operation name -> document, taken from the
 * persisted query manifest (`npm run manifest`, built from contract/operations). The page sends
 * exactly the trusted documents, so it works with the gateway's safelist on, and the browser
 * neither parses GraphQL nor ships graphql-js. A new manifest reloads the page.
 */
export function trustedDocumentsPlugin(manifestPath: string): Plugin {
  return {
    name: 'switchboard:trusted-documents',
    resolveId: (id) => (id === MODULE_ID ? RESOLVED_ID : undefined),
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      this.addWatchFile(manifestPath);
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PersistedQueryManifest;
      if (manifest.format !== 'apollo-persisted-query-manifest')
        throw new Error(`${manifestPath} is not an apollo-persisted-query-manifest`);
      const operations = Object.fromEntries(manifest.operations.map(({ name, body }) => [name, body]));
      return `export const operations = ${JSON.stringify(operations)};`;
    },
  };
}
