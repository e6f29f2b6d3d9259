// CPU time per process from /proc (Linux), so a bench can say what each process spent on its work.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (100 on every Linux we run on). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcTimes {
  /** utime + stime of the process itself, in ms. */
  own: number;
  /** cutime + cstime: its children that exited and were waited for, in ms. */
  reaped: number;
}

function procTimes(pid: number): ProcTimes | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (field: number) => Number(fields[field - 3]);
  const ms = (n: number) => (n * 1000) / TICKS_PER_SECOND;
  return { own: ms(ticks(14) + ticks(15)), reaped: ms(ticks(16) + ticks(17)) };
}

/** The CPU time (user + system, ms) the process has used so far; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  return procTimes(pid)?.own;
}

function processesNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/**
 * CPU of every process with this command name. The reaped time of each is included, so a
 * PostgreSQL backend that exits between two samples still counts (the postmaster reaps it).
 */
function commandCpuMs(comm: string): number {
  let total = 0;
  for (const pid of processesNamed(comm)) {
    const times = procTimes(pid);
    if (times) total += times.own + times.reaped;
  }
  return total;
}

/** CPU ms so far of each PostgreSQL backend serving this database ("postgres: user db host state"). */
function backendsOf(database: string): Map<number, number> {
  const backends = new Map<number, number>();
  for (const pid of processesNamed('postgres')) {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (!title.split(' ').includes(database)) continue;
    } catch {
      continue;
    }
    const ms = processCpuMs(pid);
    if (ms !== undefined) backends.set(pid, ms);
  }
  return backends;
}

/** CPU ms used so far: by process name (the stack's, PostgreSQL, Redis, the bench itself). */
export interface CpuSample {
  ms: Record<string, number>;
  /** The bench database's backends, by pid. */
  backends: Map<number, number>;
}

/** CPU ms used between two samples, by process name. */
export type CpuDelta = Record<string, number>;

/** Not summed into the total: a part of `postgres`, or the load generator itself. */
export const CPU_DETAIL_ROWS = ['postgres (bench db)', 'bench client'] as const;

export function sampleCpu(processes: Record<string, number>, postgresDatabase?: string): CpuSample {
  const ms: Record<string, number> = {};
  for (const [name, pid] of Object.entries(processes)) ms[name] = processCpuMs(pid) ?? Number.NaN;
  // PostgreSQL and Redis are shared with whatever else runs on the machine: the whole server is
  // counted, and the backends of the bench's own database are shown apart.
  ms['postgres'] = commandCpuMs('postgres');
  ms['redis'] = commandCpuMs('redis-server');
  const own = process.cpuUsage();
  ms['bench client'] = (own.user + own.system) / 1000;
  return { ms, backends: postgresDatabase ? backendsOf(postgresDatabase) : new Map() };
}

export function cpuDelta(before: CpuSample, after: CpuSample): CpuDelta {
  const delta: CpuDelta = Object.fromEntries(
    Object.keys(after.ms).map((name) => [name, after.ms[name]! - (before.ms[name] ?? 0)]),
  );
  // Per backend: one that exited in between is not counted (its time went to the postmaster);
  // one that started in between counts whole.
  let backends = 0;
  for (const [pid, ms] of after.backends) backends += ms - (before.backends.get(pid) ?? 0);
  if (after.backends.size > 0) delta['postgres (bench db)'] = backends;
  return delta;
}

/** The processes summed into "total": everything but the detail rows. */
export function cpuTotal(delta: CpuDelta): number {
  return Object.entries(delta)
    .filter(([name]) => !isDetail(name))
    .reduce((sum, [, ms]) => sum + ms, 0);
}

const isDetail = (name: string) => (CPU_DETAIL_ROWS as readonly string[]).includes(name);

/** CPU ms per unit of work: per process, the total, then the detail rows (for JSON summaries). */
export function cpuPerUnit(delta: CpuDelta, units: number): Record<string, number> {
  const per = (ms: number) => Math.round((ms / units) * 1000) / 1000;
  const entries = Object.entries(delta);
  return Object.fromEntries([
    ...entries.filter(([name]) => !isDetail(name)).map(([name, ms]) => [name, per(ms)]),
    ['total', per(cpuTotal(delta))],
    ...entries.filter(([name]) => isDetail(name)).map(([name, ms]) => [name, per(ms)]),
  ]);
}

/** A detail row's label: in parentheses, as it is not part of the total. */
export const cpuLabel = (name: string) => (isDetail(name) ? `(${name})` : name);

/**
 * A table of CPU per unit of work: ms per unit and share of one core over the window, per process,
 * then the total of the stack, PostgreSQL and Redis, then the detail rows.
 */
export function formatCpu(delta: CpuDelta, units: number, unit: string, windowMs: number): string[] {
  return [
    `  ${'process'.padEnd(22)}${`ms/${unit}`.padStart(12)}${'% of a core'.padStart(12)}`,
    ...Object.entries(cpuPerUnit(delta, 1)).map(
      ([name, ms]) =>
        `  ${cpuLabel(name).padEnd(22)}${(ms / units).toFixed(3).padStart(12)}${((ms / windowMs) * 100).toFixed(1).padStart(12)}`,
    ),
  ];
}
