/**
 * The environment `npm start` gives one of its processes: its own settings over the caller's,
 * without the caller's `PORT` and `RPC_PORT`. Those name one process's ports (`PORT=5000 npm start`
 * means the gateway's), so every process inheriting them would try the same port and all but one
 * would exit.
 */
export function childEnv(
  parent: NodeJS.ProcessEnv,
  own: Record<string, string>,
): Record<string, string | undefined> {
  const { PORT: _port, RPC_PORT: _rpcPort, ...inherited } = parent;
  return { ...inherited, ...own };
}
