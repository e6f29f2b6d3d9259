export * from './errors.ts';
export * from './identity.ts';
export * from './internalKeys.ts';
export * from './env.ts';
export * from './maskError.ts';
export * from './events.ts';
export * from './scalars.ts';
export * from './uuid.ts';
