export * from './graphqlPlugin.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './setup.ts';
export * from './tracing.ts';
