// `npm run bench:profile -- <dir or .cpuprofile files>`: the top frames by self time of each CPU
// profile a bench wrote with BENCH_CPU_PROF=<dir>, and the same time by package, for the notes
// that issue 10 asks for (the whole profile opens in Chrome DevTools or speedscope).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const TOP = Number(process.env['BENCH_TOP'] ?? 15);
/** Samples in the first seconds of each profile (start-up, seeding) are left out. */
const SKIP_US = Number(process.env['BENCH_PROFILE_SKIP_SECONDS'] ?? 0) * 1e6;
const ROOT = new URL('..', import.meta.url).pathname;

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

/** A short place for a script URL: the package in node_modules, the repository path, or node's own. */
function where(url: string): { file: string; owner: string } {
  if (url === '') return { file: '', owner: '(native / V8)' };
  if (url.startsWith('node:')) return { file: url, owner: 'node' };
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length);
    const parts = rest.split('/');
    const owner = rest.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    return { file: rest, owner };
  }
  const file = path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
  return { file, owner: file.split('/').slice(0, 2).join('/') };
}

function summarize(path: string, label = basename(path)) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs < SKIP_US) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  const byFrame = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const { file, owner } = where(url);
    const frame = `${functionName || '(anonymous)'}  ${file ? `${file}:${lineNumber + 1}` : ''}`;
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + us);
    const group = functionName.startsWith('(') ? functionName : owner;
    byOwner.set(group, (byOwner.get(group) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const pct = (us: number) => `${((us / busyUs) * 100).toFixed(1).padStart(5)}%`;
  console.log(
    `\n${label}: ${(busyUs / 1e6).toFixed(2)} s on CPU, ${(idleUs / 1e6).toFixed(2)} s idle (sampled)`,
  );
  console.log(`  self ms      %  frame`);
  for (const [frame, us] of top(byFrame, TOP))
    console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ${pct(us)}  ${frame}`);
  console.log(
    `  by package: ${top(byOwner, 10)
      .map(([owner, us]) => `${owner} ${pct(us).trim()}`)
      .join(', ')}`,
  );
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: npm run bench:profile -- <directory or .cpuprofile files>');
  process.exit(1);
}
/** The main thread's profile of a process: the one with the most samples in its directory. */
function mainThread(dir: string): string | undefined {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

for (const arg of args) {
  if (!statSync(arg).isDirectory()) {
    summarize(arg);
    continue;
  }
  // A bench's directory holds one directory per process (processStack.ts), or profiles directly.
  for (const name of readdirSync(arg).sort()) {
    const path = join(arg, name);
    if (statSync(path).isDirectory()) {
      const main = mainThread(path);
      if (main) summarize(main, name);
    } else if (name.endsWith('.cpuprofile')) summarize(path);
  }
}
