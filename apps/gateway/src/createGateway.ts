import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { maskError } from '@switchboard/core';
import express from 'express';
import { createContext, type GatewayContext } from './context.ts';
import { checkSubgraphs } from './health.ts';
import { IdentityDataSource } from './identityDataSource.ts';

export interface GatewayConfig {
  /** Composed supergraph SDL (`npm run compose`), or a path to it. */
  supergraphSdl?: string;
  supergraphPath?: string;
  /** Subgraph name -> URL, overriding the supergraph's routing URLs. */
  subgraphUrls?: Record<string, string>;
  jwtSecret: string;
  internalSecret: string;
  /** Sandbox, introspection and error details; off in production. */
  development: boolean;
}

export interface RunningGateway {
  url: string;
  port: number;
  httpServer: Server;
  stop(): Promise<void>;
}

/** Builds the public gateway without listening (style.md: no side effects until `listen`). */
export async function createGateway(config: GatewayConfig) {
  const supergraphSdl =
    config.supergraphSdl ?? (await readFile(config.supergraphPath ?? 'supergraph.graphql', 'utf8'));
  const subgraphUrls = new Map<string, string>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls?.[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}`);
      subgraphUrls.set(name, target);
      return new IdentityDataSource({ url: target });
    },
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createHttpServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.development,
    includeStacktraceInErrorResponses: config.development,
    formatError: (formatted, original) => maskError(formatted, original, config.development),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  app.get('/health', async (_req, res) => {
    const report = await checkSubgraphs(subgraphUrls);
    res.status(report.ok ? 200 : 503).json(report);
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: ({ req }) => createContext(req.header('authorization'), config),
    }),
  );

  return {
    app,
    httpServer,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningGateway> {
      await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
      const address = httpServer.address() as AddressInfo;
      return {
        port: address.port,
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/graphql`,
        httpServer,
        async stop() {
          await apollo.stop();
        },
      };
    },
  };
}
