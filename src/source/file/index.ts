// The file source: a YAML/JSON cluster file (and the certificate files its secrets name), watched
// with chokidar. The folders holding the files are watched (not the inodes), so editors that replace
// the file (write + rename) are followed; events for other files are ignored.
//
// A file is read only once it holds still (settle.ts: two reads `settleMs` apart agree), so a file
// written in place is never taken half-written; then edits.ts decides: a file that does not parse
// (or makes the parser fail: an alias bomb) is a refused edit, held up with its line while the last
// good state is served; an edit that would withdraw most services waits for `confirmMs`.
// Anti-entropy (verify, every `antiEntropyMs` and on demand): the files are read again, as if an
// event had been missed.
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { SECRET_KEYS, zeroCounts, type SecretValues, type Source, type SourceCounter, type SourceEvent, type VerifyResult } from '../types.js';
import type { FileCluster } from './cluster.js';
import { createEditor, type Applied } from './edits.js';
import { readSecret, secretFiles } from './secrets.js';
import { createSettler, readPrinted, readSettled, type Read } from './settle.js';

export interface FileSourceOptions {
  readonly path: string;
  readonly logger: Logger;
  /** A file is read once two reads this far apart agree (ms, default 100). */
  readonly settleMs?: number;
  /** An edit withdrawing most services with exposes is applied once the file stays the same this long (ms, default 2 s). */
  readonly confirmMs?: number;
  /** Anti-entropy period: the files are read again (ms, default 5 minutes; 0: only on demand). */
  readonly antiEntropyMs?: number;
}

export { parseCluster } from './cluster.js';

export function createFileSource(options: FileSourceOptions): Source {
  const file = path.resolve(options.path);
  const log = options.logger.child({ source: 'file', file });
  const settleMs = options.settleMs ?? 100;
  const counts = zeroCounts();
  const count = (counter: SourceCounter, n = 1): void => void (counts[counter] += n);
  let emit: (event: SourceEvent) => void = () => undefined;
  let watcher: FSWatcher | undefined;
  let antiEntropy: NodeJS.Timeout | undefined;
  const ports = new Map<string, Map<string, number>>();
  /** Fingerprint of each secret file as last announced (secret values are never kept). */
  const seen = new Map<string, string>();
  const editor = createEditor({ file, log, emit: (e) => emit(e), count, confirmMs: options.confirmMs ?? 2000, ports });
  const settler = createSettler(settleMs, (changed, read) => (changed === file ? afterEdit(read) : secretFileSettled(changed, read)));
  let interesting = new Set<string>([file]);

  function watchedFiles(c: FileCluster | undefined): string[] {
    return [...new Set([file, ...[...(c?.secrets.values() ?? [])].flatMap(secretFiles)])];
  }

  function folders(files: Iterable<string>): string[] {
    return [...new Set([...files].map((f) => path.dirname(f)))];
  }

  /** Watch the folders of `files` (a rename over a file keeps being seen), only those files counting. */
  function follow(files: readonly string[]): void {
    const before = folders(interesting);
    interesting = new Set(files);
    const after = folders(files);
    watcher?.unwatch(before.filter((d) => !after.includes(d)));
    watcher?.add(after.filter((d) => !before.includes(d)));
  }

  function ignored(p: string): boolean {
    const resolved = path.resolve(p);
    return !interesting.has(resolved) && !folders(interesting).includes(resolved);
  }

  function afterEdit(read: Read): Applied {
    const applied = editor.consider(read);
    follow(watchedFiles(editor.cluster()));
    return applied;
  }

  /** Secrets reading `changed`, when its content really changed since last announced. */
  function secretsOf(changed: string, read: Read): Set<string> {
    const cluster = editor.cluster();
    if (seen.get(changed) === read.print || !cluster) return new Set();
    seen.set(changed, read.print);
    return new Set([...cluster.secrets.values()].filter((s) => secretFiles(s).includes(changed)).map((s) => s.path));
  }

  function announceSecrets(secrets: ReadonlySet<string>): void {
    const state = editor.state();
    if (secrets.size === 0 || !state) return;
    log.info({ secrets: [...secrets] }, 'secret file changed');
    emit({ kind: 'change', state, services: new Set(), secrets });
  }

  function secretFileSettled(changed: string, read: Read): void {
    announceSecrets(secretsOf(changed, read));
  }

  async function verify(): Promise<VerifyResult> {
    if (!editor.cluster()) return { checked: false, differences: 0, reason: 'not started' };
    count('antiEntropyChecks');
    const edit = afterEdit(await readSettled(file, settleMs));
    const secrets = new Set<string>();
    for (const f of interesting) if (f !== file) for (const s of secretsOf(f, await readPrinted(f))) secrets.add(s);
    announceSecrets(secrets);
    const differences = edit.services + edit.secrets + secrets.size;
    if (differences > 0) {
      count('antiEntropyRepairs', differences);
      log.warn({ services: edit.services, secrets: edit.secrets + secrets.size }, 'anti-entropy: the files differed from what was served (an event was missed)');
    }
    return { checked: true, differences };
  }

  return {
    name: 'file',
    async start(onEvent) {
      emit = onEvent;
      const problem = editor.first(await readSettled(file, settleMs));
      if (problem) throw new Error(`cannot start: cluster file ${file} is unreadable or invalid: ${problem}`);
      interesting = new Set(watchedFiles(editor.cluster()));
      for (const f of interesting) if (f !== file) seen.set(f, (await readPrinted(f)).print);
      watcher = watch(folders(interesting), { ignoreInitial: true, atomic: false, depth: 0, ignored });
      watcher.on('all', (_event, eventPath) => {
        const changed = path.resolve(eventPath);
        if (interesting.has(changed)) settler.touch(changed);
      });
      watcher.on('error', (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'watch error'));
      await new Promise<void>((resolve) => watcher?.once('ready', () => resolve()));
      log.info({ services: editor.state()?.services.size ?? 0 }, 'cluster file loaded');
      const every = options.antiEntropyMs ?? 300_000;
      if (every > 0) antiEntropy = setInterval(() => void verify(), every);
      antiEntropy?.unref();
    },
    async getSecret(secretPath, keys = SECRET_KEYS): Promise<SecretValues> {
      const spec = editor.cluster()?.secrets.get(secretPath);
      try {
        if (!spec) throw new Error(`secret ${secretPath} is not defined in ${file}`);
        return await readSecret(spec, keys);
      } catch (error) {
        count('secretFetchFailures');
        throw error;
      }
    },
    async setListenerPort(servicePath, rid, port) {
      const forService = ports.get(servicePath) ?? new Map<string, number>();
      forService.set(rid, port);
      ports.set(servicePath, forService);
      log.info({ service: servicePath, rid, port }, 'listener port kept in memory (the file source never rewrites the file)');
      editor.republish();
      return 'kept in memory';
    },
    verify,
    counts: () => ({ ...counts }),
    async close() {
      const w = watcher;
      watcher = undefined;
      clearInterval(antiEntropy);
      settler.close();
      editor.close();
      emit = () => undefined;
      await w?.close();
    },
  };
}
