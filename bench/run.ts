// The bench: `npm run bench -- <scenario|all|list> [options]` (bench/README.md). Each scenario runs
// the janitor (its real CLI) and the baseline server one after the other, --runs times each, on a
// stand-in OpenSVC daemon, with delta ADS clients in another process; it prints a markdown table of
// medians beside their targets and writes the results as JSON.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { medianValue, row, table, type Row, type Value } from './harness/figures.js';
import { loadAverage } from './harness/proc.js';
import { formatProfile, summariseProfile, type ProfileSummary } from './harness/profile.js';
import { ROOT, type ServerKind } from './harness/server.js';
import { findScenario, SCENARIOS } from './scenarios/index.js';
import type { Measured, Options, Scenario } from './scenarios/types.js';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    services: { type: 'string' }, clients: { type: 'string' }, changes: { type: 'string' }, sizes: { type: 'string' },
    runs: { type: 'string', default: '3' }, transport: { type: 'string', default: 'unix' }, janitor: { type: 'string', default: 'tsx' },
    servers: { type: 'string', default: 'janitor,baseline' }, timeout: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(ROOT, 'bench/results') },
  },
});

function usage(): string {
  const lines = SCENARIOS.map((s) => `  ${s.name.padEnd(13)} ${s.summary}`);
  return ['usage: npm run bench -- <scenario|all|list> [--services N] [--clients N] [--changes N] [--sizes A,B]',
    '         [--runs 3] [--transport unix|tcp] [--janitor tsx|dist] [--servers janitor,baseline]',
    '         [--timeout SECONDS] [--cpu-prof] [--json] [--out DIR]', '', 'scenarios:', ...lines].join('\n');
}

const int = (text: string | undefined, name: string): number | undefined => {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`--${name}: "${text}" is not a whole number`);
  return Number(text);
};

function oneOf<T extends string>(text: string | undefined, allowed: readonly T[], name: string): T {
  const found = allowed.find((a) => a === text);
  if (!found) throw new Error(`--${name}: "${text}" is not one of ${allowed.join(', ')}`);
  return found;
}

function options(s: Scenario): Options {
  const transport = oneOf(flags.transport, ['unix', 'tcp'], 'transport');
  const janitorBuild = oneOf(flags.janitor, ['tsx', 'dist'], 'janitor');
  const sizes = flags.sizes?.split(',').map((x) => int(x.trim(), 'sizes') ?? 0);
  return {
    services: int(flags.services, 'services') ?? s.defaults.services ?? 1000,
    clients: int(flags.clients, 'clients') ?? s.defaults.clients ?? 10,
    changes: int(flags.changes, 'changes') ?? s.defaults.changes ?? 20,
    sizes: sizes ?? s.defaults.sizes ?? [],
    transport,
    janitorBuild,
    timeoutMs: (int(flags.timeout, 'timeout') ?? (s.defaults.timeoutMs ?? 120_000) / 1000) * 1000,
  };
}

interface RunResult extends Measured {
  readonly server: ServerKind;
  readonly run: number;
  readonly loadavg: string;
  readonly profiles?: readonly ProfileSummary[];
}

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
const stamp = (): string => new Date().toISOString().slice(0, 10);

function servers(s: Scenario): ServerKind[] {
  const wanted = (flags.servers ?? '').split(',').map((x) => x.trim());
  return (s.servers ?? ['janitor', 'baseline']).filter((k) => wanted.includes(k));
}

async function runOnce(s: Scenario, o: Options, kind: ServerKind, run: number): Promise<RunResult> {
  const loadavg = loadAverage();
  const cpuProfDir = flags['cpu-prof'] && kind === 'janitor' ? path.join(flags.out ?? '', 'profiles', `${s.name}-${stamp()}-${Date.now()}`) : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
  const measured = await s.measure({ kind, run, options: o, ...(cpuProfDir ? { cpuProfDir } : {}), log });
  const shown = Object.entries(measured.values).map(([k, v]) => `${k}=${typeof v === 'number' ? v.toFixed(2) : String(v)}`);
  log(`${kind} run ${run} (load ${loadavg}): ${shown.join(' ')}${measured.notes.length ? ` | ${measured.notes.join(' | ')}` : ''}`);
  const profiles = cpuProfDir ? profilesOf(cpuProfDir, measured.window) : undefined;
  return { ...measured, server: kind, run, loadavg, ...(profiles ? { profiles } : {}) };
}

/** The profile of the run's main thread: the busiest one (tsx adds a module loader thread). */
function profilesOf(dir: string, window: Measured['window']): ProfileSummary[] {
  const all = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => summariseProfile(path.join(dir, f), window));
  const main = all.sort((a, b) => b.busyMs - a.busyMs)[0];
  return main ? [main] : [];
}

function summary(s: Scenario, o: Options, results: readonly RunResult[]): Row[] {
  const of = (kind: ServerKind, key: string): Value => medianValue(results.filter((r) => r.server === kind).map((r) => r.values[key] ?? null));
  return s.figures(o).map((f) => row(f, of('janitor', f.key), of('baseline', f.key)));
}

function machine(): Record<string, string | number> {
  return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, kernel: os.release() };
}

async function runScenario(s: Scenario): Promise<void> {
  const o = options(s);
  const runs = int(flags.runs, 'runs') ?? 3;
  log(`${s.name}: ${s.summary}; ${JSON.stringify(o)}, ${runs} run(s)`);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) for (const kind of servers(s)) results.push(await runOnce(s, o, kind, run));
  const rows = summary(s, o, results);
  const date = new Date().toISOString();
  const report = { scenario: s.name, summary: s.summary, date, machine: machine(), options: { ...o, runs }, rows, runs: results };
  if (flags.json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  mkdirSync(flags.out ?? '', { recursive: true });
  const file = path.join(flags.out ?? '', `${s.name}-${stamp()}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const loads = results.map((r) => `${r.server} ${r.run}: ${r.loadavg}`).join('; ');
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.server} run ${r.run}: ${n}`));
  const m = machine();
  console.log([`## ${s.name}: ${s.summary}`, '', `${date}, ${m.cpus} × ${m.cpu}, node ${m.node}; medians of ${runs} run(s); load average before each run: ${loads}`,
    '', table(rows), ...(notes.length ? ['', ...notes] : []), '', `results: ${path.relative(process.cwd(), file)}`].join('\n'));
  for (const r of results) for (const p of r.profiles ?? []) console.log(`\n### ${r.server} run ${r.run}\n\n${formatProfile(p)}`);
}

async function main(): Promise<number> {
  const name = positionals[0];
  if (!name || name === 'list' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const chosen = name === 'all' ? SCENARIOS.filter((s) => s.name !== 'smoke') : [findScenario(name)];
  if (chosen.some((s) => !s)) {
    console.error(`unknown scenario "${name}"\n\n${usage()}`);
    return 2;
  }
  for (const s of chosen) if (s) await runScenario(s);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
