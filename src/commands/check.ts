// `xds check`: translate the cluster once (a cluster file, or the live cluster through the daemon's
// socket) and report every service's problems and warnings. Nothing is served, nothing written.
// Exit 0: no problem (warnings allowed); 1: problems; 2: usage error or the cluster cannot be read.
import type { Command } from 'commander';
import type { RawOptions } from '../flags.js';
import type { Problem } from '../model/types.js';
import type { ServiceStatus } from '../pipeline/index.js';
import type { FileProblem } from '../source/file/cluster.js';
import { EXIT, commandOptions, addDaemonOptions, outputOption, type CommandContext } from './context.js';
import { prepare } from './once.js';
import { renderTable } from './table.js';

/** `xds check --output json`: one object. */
export interface CheckReport {
  /** `file:PATH` or `opensvc:SOCKET`. */
  readonly source: string;
  readonly gateway: string;
  /** No problem anywhere (warnings allowed): the exit code is 0. */
  readonly valid: boolean;
  readonly summary: { readonly services: number; readonly invalid: number; readonly problems: number; readonly warnings: number };
  /** Set when the cluster file is refused as a whole (then `services` is empty). */
  readonly file?: FileProblem;
  /** Each service as the janitor's /services shows it. */
  readonly services: readonly ServiceStatus[];
}

type CheckOptions = RawOptions & { readonly output: 'table' | 'json' };

export function report(source: string, gateway: string, services: readonly ServiceStatus[], file?: FileProblem): CheckReport {
  const problems = services.reduce((n, s) => n + s.problems.length, 0);
  return {
    source,
    gateway,
    valid: file === undefined && problems === 0,
    summary: { services: services.length, invalid: services.filter((s) => !s.valid).length, problems, warnings: services.reduce((n, s) => n + s.warnings.length, 0) },
    ...(file && { file }),
    services,
  };
}

function where(p: Problem): string {
  return [p.section, p.keyword].filter((s) => s !== undefined && s !== '').join(' ') || '(service)';
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatReport(r: CheckReport): string {
  if (r.file) return `${r.source} line ${r.file.line}, column ${r.file.column}: ${r.file.message}\n${r.source}: refused, nothing checked\n`;
  const rows = r.services.map((s) => [s.path, s.valid ? 'valid' : 'invalid', `${s.exposes.filter((e) => e.served).length}/${s.exposes.length}`, String(s.problems.length), String(s.warnings.length)]);
  const details = r.services
    .filter((s) => s.problems.length + s.warnings.length > 0)
    .map((s) => [s.path, ...s.problems.map((p) => `  problem  ${where(p)}: ${p.message} [${p.reason}]`), ...s.warnings.map((p) => `  warning  ${where(p)}: ${p.message} [${p.reason}]`)].join('\n'));
  const { summary } = r;
  const total = `${r.source}, gateway ${r.gateway}: ${plural(summary.services, 'service')}, ${summary.invalid} with problems (${plural(summary.problems, 'problem')}), ${plural(summary.warnings, 'warning')}`;
  return [r.services.length > 0 ? renderTable(['SERVICE', 'STATUS', 'EXPOSES', 'PROBLEMS', 'WARNINGS'], rows) : '', ...details.map((d) => `${d}\n`), `${total}\n`].filter(Boolean).join('\n');
}

export function checkCommand(parent: Command, ctx: CommandContext): void {
  const command = parent
    .command('check')
    .description("translate a cluster file or the live cluster once and print every service's problems and warnings: exit 0 clean, 1 on problems, 2 on a usage error or an unreadable cluster (nothing served, nothing written)");
  addDaemonOptions(command, ['source', 'socket', 'sock', 'name', 'portRange', 'allowCodeExtensions', 'allowClusterHeader']).addOption(outputOption(['table', 'json'], 'table'));
  command.action(() =>
    ctx.run(async () => {
      const o = commandOptions<CheckOptions>(command);
      const prepared = await prepare(o, ctx);
      if (prepared.kind === 'exit') return prepared.code;
      const r = prepared.kind === 'refused' ? report(prepared.origin, prepared.options.name, [], prepared.problem) : report(prepared.origin, prepared.options.name, prepared.translation.statuses);
      ctx.stdout(o.output === 'json' ? `${JSON.stringify(r, null, 2)}\n` : formatReport(r));
      return r.valid ? EXIT.ok : EXIT.problems;
    }),
  );
}
