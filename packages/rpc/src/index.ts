export { createRpcServer, type RpcServerOptions, type RunningRpcServer } from './rpcServer.ts';
export { createRpcTransport, type RpcTransportOptions } from './rpcTransport.ts';
export { actingAs, callerOf, requireIdentity, requireIssuer, sendIdentity } from './identity.ts';
export { MAX_IDS_PER_CALL, checkIdCount } from './limits.ts';
export { rpcFailure } from './unavailable.ts';
