export * from './consumer.ts';
export * from './jobOptions.ts';
export * from './outboxRelay.ts';
export * from './redis.ts';
export * from './retryLaterError.ts';
export * from './routes.ts';
export * from './live.ts';
export * from './replay.ts';
