// cluster-key-slot (ioredis' own dependency) ships no types.
declare module 'cluster-key-slot' {
  /** Redis Cluster's slot (0-16383) of a key: CRC16 of its first non-empty `{hash tag}`, else of all of it. */
  export default function calculateSlot(key: string | Buffer): number;
}
