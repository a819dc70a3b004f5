// A .cpuprofile summary (the format node --cpu-prof writes): self time per function and per file,
// optionally restricted to a window of the monotonic clock (V8's profile timestamps are
// microseconds on the same clock as process.hrtime).
import { readFileSync } from 'node:fs';
import { ROOT } from './server.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly what: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  /** Sampled time in the window, and the part of it not idle. */
  readonly windowMs: number;
  readonly busyMs: number;
  readonly functions: readonly ProfileLine[];
  readonly files: readonly ProfileLine[];
}

const IDLE = new Set(['(idle)', '(program)', '(root)']);

function place(url: string): string {
  const local = url.replace(/^file:\/\//, '');
  const relative = local.startsWith(`${ROOT}/`) ? local.slice(ROOT.length + 1) : local;
  return relative.replace(/^.*node_modules\//, 'node_modules/') || '(native)';
}

function top(totals: Map<string, number>, busy: number, n: number): ProfileLine[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([what, us]) => ({ what, ms: us / 1000, percent: busy > 0 ? (100 * us) / busy : 0 }));
}

/** Self time of the functions sampled within [fromMs, toMs] (monotonic ms; whole profile without). */
export function summariseProfile(file: string, window?: { readonly fromMs: number; readonly toMs: number }, n = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let at = profile.startTime;
  let total = 0;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (window && (at < window.fromMs * 1000 || at > window.toMs * 1000)) return;
    total += dt;
    const frame = byId.get(id)?.callFrame;
    if (!frame || IDLE.has(frame.functionName)) return;
    busy += dt;
    // code run through tsx reports line 1 for everything: the file alone says more
    const line = frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : '';
    const where = frame.url === '' ? '' : ` ${place(frame.url)}${line}`;
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + dt);
    const fileKey = frame.url === '' ? frame.functionName : place(frame.url);
    files.set(fileKey, (files.get(fileKey) ?? 0) + dt);
  });
  return { file, windowMs: total / 1000, busyMs: busy / 1000, functions: top(functions, busy, n), files: top(files, busy, n) };
}

export function formatProfile(s: ProfileSummary): string {
  const rows = (lines: readonly ProfileLine[]): string[] => lines.map((l) => `| ${l.ms.toFixed(1)} | ${l.percent.toFixed(1)} % | \`${l.what}\` |`);
  return [
    `profile ${s.file}: ${s.busyMs.toFixed(0)} ms busy of ${s.windowMs.toFixed(0)} ms sampled`,
    '',
    '| self ms | of busy | function |',
    '| ---: | ---: | --- |',
    ...rows(s.functions),
    '',
    '| self ms | of busy | file |',
    '| ---: | ---: | --- |',
    ...rows(s.files),
  ].join('\n');
}
