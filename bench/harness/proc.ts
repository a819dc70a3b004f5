// CPU and memory of a process, read from /proc (Linux): utime + stime, VmRSS, VmHWM.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticks: number | undefined;

/** Clock ticks per second (getconf CLK_TCK; 100 when it cannot be asked). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** CPU time used so far by `pid` (user + system), in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) is in parentheses and may hold spaces: count fields after it
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

export interface Memory {
  /** Resident set size now, MB. */
  readonly rssMb: number;
  /** Peak resident set size, MB. */
  readonly peakMb: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/**
 * Wait until `pid` is quiet: less than `maxPercent` of one core over `windowMs`, or `limitMs` passed.
 * Returns how long it waited.
 */
export async function quiet(pid: number, opts: { windowMs?: number; maxPercent?: number; limitMs?: number } = {}): Promise<number> {
  const windowMs = opts.windowMs ?? 300;
  const maxPercent = opts.maxPercent ?? 5;
  const limit = opts.limitMs ?? 15_000;
  const started = performance.now();
  let before = cpuMs(pid);
  while (performance.now() - started < limit) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = cpuMs(pid);
    if (((after - before) / windowMs) * 100 < maxPercent) break;
    before = after;
  }
  return performance.now() - started;
}
