// What every subcommand shares: how it reports back to cli.ts (a task to run once the command line
// is parsed, resolving with the exit code), where it writes, and the daemon's own option spellings.
import { Option, type Command } from 'commander';
import { FLAGS, type FlagSpec, type RawOptions } from '../flags.js';

/** 0: clean; 1: problems found (or the command failed); 2: usage error, or the input cannot be read. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

export interface CommandContext {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The parsed command's work; cli.ts runs it once parsing is done. */
  run(task: () => Promise<number>): void;
}

/** `(default: X, env: XDS_Y)`, as `xds --help` prints it for every flag. */
export function flagHelp(flag: FlagSpec): string {
  const suffix = [flag.defaultValue !== undefined ? `default: ${flag.defaultValue}` : '', `env: ${flag.env}`].filter(Boolean).join(', ');
  return `${flag.description} (${suffix})`;
}

/** One of the daemon's options as commander takes it (a repeatable one collects its values). */
export function daemonOption(flag: FlagSpec): Option {
  const option = new Option(flag.flags, flagHelp(flag));
  if (flag.kind === 'list') option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

/** The daemon's options named by `keys`, with its spellings, help and variables. */
export function addDaemonOptions(command: Command, keys: readonly (keyof RawOptions)[]): Command {
  for (const key of keys) {
    const flag = FLAGS.find((f) => f.key === key);
    if (flag) command.addOption(daemonOption(flag));
  }
  return command;
}

/** The command's options over the janitor's flags given before it (`xds --sock PATH check`). */
export function commandOptions<T extends object>(command: Command): T {
  return { ...(command.parent?.opts() ?? {}), ...command.opts() } as T;
}

export function outputOption(choices: readonly string[], fallback: string): Option {
  return new Option('-o, --output <format>', 'output format').choices([...choices]).default(fallback);
}

export function usageError(ctx: CommandContext, message: string): number {
  ctx.stderr(`xds: ${message}\n`);
  return EXIT.usage;
}
