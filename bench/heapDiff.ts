// `npm run bench:heap-diff -- before.heapsnapshot after.heapsnapshot [per]`: what a heap gained
// between two snapshots (e.g. `BENCH_HEAP_SNAPSHOT=dir npm run bench:connections`), by kind of
// object: count and self size, largest first, and divided by `per` (the sockets connected between
// them) when given. Self sizes only: a Map's entries are its backing arrays' rows, a closure's
// captured variables its Context's.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and self size per kind: `<type> <name>` for objects and closures, the type otherwise. */
function census(path: string): Map<string, { count: number; size: number }> {
  const heap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const named = new Set(['object', 'closure', 'native', 'hidden', 'array']);
  const kinds = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt!]!]!;
    const name = heap.strings[heap.nodes[i + nameAt!]!]!;
    const kind = named.has(type) ? `${type} ${name.slice(0, 60)}` : type;
    const entry = kinds.get(kind) ?? { count: 0, size: 0 };
    entry.count += 1;
    entry.size += heap.nodes[i + sizeAt!]!;
    kinds.set(kind, entry);
  }
  return kinds;
}

const [beforePath, afterPath, perArgument] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: npm run bench:heap-diff -- <before.heapsnapshot> <after.heapsnapshot> [per]');
  process.exit(2);
}
const per = Number(perArgument ?? 1) || 1;
const top = Number(process.env['BENCH_TOP'] ?? 30);
const before = census(beforePath);
const after = census(afterPath);
const rows = [...after]
  .map(([kind, { count, size }]) => ({
    kind,
    count: count - (before.get(kind)?.count ?? 0),
    size: size - (before.get(kind)?.size ?? 0),
  }))
  .sort((a, b) => b.size - a.size);
const total = rows.reduce((sum, row) => sum + row.size, 0);
const perLabel = per === 1 ? '' : ` per ${per}`;
console.log(
  `heap grew ${(total / 1024).toFixed(1)} KiB in all, ${(total / per / 1024).toFixed(2)} KiB${perLabel}`,
);
console.log(`${'kind'.padEnd(64)} ${'count'.padStart(10)} ${'bytes'.padStart(12)}   count/bytes${perLabel}`);
for (const row of rows.slice(0, top))
  console.log(
    `${row.kind.padEnd(64)} ${String(row.count).padStart(10)} ${String(row.size).padStart(12)}   ${(row.count / per).toFixed(2)} / ${Math.round(row.size / per)}`,
  );
