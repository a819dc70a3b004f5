#!/usr/bin/env node
// `xds`: the command line. Without a subcommand, the janitor: flags (with the Python janitor's
// spellings and defaults) → Config → the daemon. Subcommands for operators: check, translate,
// status (src/commands/, one file each). Bad flags or values: one line on stderr and exit code 2.
import { Command, CommanderError } from 'commander';
import { checkCommand } from './commands/check.js';
import { daemonOption, type CommandContext } from './commands/context.js';
import { fileProbe } from './commands/probe.js';
import { statusCommand } from './commands/status.js';
import { translateCommand } from './commands/translate.js';
import { parseConfig } from './config.js';
import { FLAGS, type RawOptions } from './flags.js';
import { packageVersion } from './version.js';

const EXIT_USAGE = 2;

function helpFooter(): string {
  const byEnv = new Map<string, string[]>();
  for (const f of FLAGS) byEnv.set(f.env, [...(byEnv.get(f.env) ?? []), f.flags.replace(/ <.*>$/, '')]);
  const unique = [...byEnv].map(([env, flags]) => `  ${env.padEnd(20)} ${flags.join(', ')}`);
  return [
    '',
    'Environment (a flag wins over its variable):',
    ...unique,
    '  OPENSVC_LSNR_SOCK    OpenSVC socket when neither --socket nor XDS_SOCKET is given',
    '',
    'Examples:',
    '  xds --sock /var/run/lsnr/lsnr.sock --name envoy-gw1',
    '  xds --source file:examples/cluster.yaml --janitor-socket none',
    '  xds check --source file:examples/cluster.yaml',
    '  xds translate --source file:examples/cluster.yaml --bootstrap > bootstrap.yaml',
    '  xds status --admin 127.0.0.1:9902',
  ].join('\n');
}

async function runDaemon(raw: RawOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseConfig(raw, env, fileProbe);
  if (!parsed.ok) {
    process.stderr.write(`xds: ${parsed.error}\n`);
    return EXIT_USAGE;
  }
  const { runJanitor } = await import('./janitor.js');
  return runJanitor(parsed.config);
}

/** The command line; parsing it hands the chosen command's work to `ctx.run`. */
export function buildProgram(errors: string[], ctx: CommandContext): Command {
  const program = new Command('xds')
    .description('OpenSVC ingress gateway janitor: serves Envoy v3 xDS (ADS, SotW and delta) from OpenSVC expose/vhost/route/hashpolicy/certificate sections. Without a command: run the janitor')
    .usage('[options] | <command> [options]')
    .version(packageVersion(), '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .showSuggestionAfterError(false)
    .allowExcessArguments(false)
    // the janitor's flags before a command belong to the janitor; a command reads its own
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => errors.push(text.trim()) })
    .configureHelp({ helpWidth: 110 })
    .addHelpText('after', helpFooter());
  for (const flag of FLAGS) program.addOption(daemonOption(flag));
  program.action(() => ctx.run(() => runDaemon(program.opts<RawOptions>(), ctx.env)));
  checkCommand(program, ctx);
  translateCommand(program, ctx);
  statusCommand(program, ctx);
  return program;
}

/** Parse argv (without node and script), run the janitor or a command; resolves with the process exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const errors: string[] = [];
  let task: (() => Promise<number>) | undefined;
  const ctx: CommandContext = {
    env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    run: (t) => void (task = t),
  };
  const program = buildProgram(errors, ctx);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0; // --help, --version
      process.stderr.write(`xds: ${(errors[0] ?? error.message).replace(/^error: /, '').split('\n')[0]}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  return task ? task() : EXIT_USAGE;
}

// `xds --help | head`: a closed stdout is not an error
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`xds: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
