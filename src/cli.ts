#!/usr/bin/env node
// `xds`: the command line. Flags (with the Python janitor's spellings and defaults) → Config →
// the janitor. Bad flags or values: one line on stderr and exit code 2.
import { accessSync, constants, statSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { FLAGS, parseConfig, type ConfigProbe, type RawOptions } from './config.js';
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
  ].join('\n');
}

/** A cluster file the janitor could not read is a usage error, found before any port is bound. */
const probe: ConfigProbe = {
  fileProblem(path) {
    try {
      if (!statSync(path).isFile()) return 'not a file';
      accessSync(path, constants.R_OK);
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'no such file';
      if (code === 'EACCES') return 'permission denied';
      return error instanceof Error ? error.message : String(error);
    }
  },
};

export function buildProgram(errors: string[]): Command {
  const program = new Command('xds')
    .description('OpenSVC ingress gateway janitor: serves Envoy v3 xDS (ADS, SotW and delta) from OpenSVC expose/vhost/route/hashpolicy/certificate sections')
    .version(packageVersion(), '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .showSuggestionAfterError(false)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => errors.push(text.trim()) })
    .configureHelp({ helpWidth: 110 })
    .addHelpText('after', helpFooter());
  for (const flag of FLAGS) {
    const suffix = [flag.defaultValue !== undefined ? `default: ${flag.defaultValue}` : '', `env: ${flag.env}`].filter(Boolean).join(', ');
    const option = new Option(flag.flags, `${flag.description} (${suffix})`);
    if (flag.kind === 'list') option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    program.addOption(option);
  }
  return program;
}

/** Parse argv (without node and script), run the janitor; resolves with the process exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const errors: string[] = [];
  const program = buildProgram(errors);
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
  const parsed = parseConfig(program.opts<RawOptions>(), env, probe);
  if (!parsed.ok) {
    process.stderr.write(`xds: ${parsed.error}\n`);
    return EXIT_USAGE;
  }
  const { runJanitor } = await import('./janitor.js');
  return runJanitor(parsed.config);
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
