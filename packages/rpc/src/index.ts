export { createRpcServer, type RpcServerOptions, type RunningRpcServer } from './rpcServer.ts';
export { createRpcTransport, type RpcTransportOptions } from './rpcTransport.ts';
export { actingAs, callerOf, requireIdentity, sendIdentity } from './identity.ts';
