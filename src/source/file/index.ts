// The file source: a YAML/JSON cluster file (and the certificate files its secrets name), watched
// with chokidar. Every edit is re-read at once; a file that does not parse keeps the last good
// state and is reported with its line. Editors that replace the file (write + rename) are handled:
// the folders holding the files are watched (not the inodes), events for other files ignored.
// chokidar drops a second `change` of a path within 50 ms, so every event is followed by one
// trailing check; content fingerprints make duplicate events and unchanged rewrites free.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import type { ClusterState, SecretValues, Source, SourceEvent } from '../types.js';
import { parseCluster, type FileCluster } from './cluster.js';
import { changedSecrets, changedServices } from './diff.js';
import { applyPortOverrides } from './ports.js';
import { readSecret, secretFiles } from './secrets.js';

export interface FileSourceOptions {
  readonly path: string;
  readonly logger: Logger;
}

export { parseCluster } from './cluster.js';

/** Re-check a file this long after its last event (chokidar's change throttle is 50 ms). */
const TRAILING_CHECK_MS = 60;

function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function fileFingerprint(file: string): Promise<string> {
  return readFile(file, 'utf8').then(fingerprint, () => 'missing');
}

export function createFileSource(options: FileSourceOptions): Source {
  const file = path.resolve(options.path);
  const log = options.logger.child({ source: 'file', file });
  let cluster: FileCluster | undefined;
  let state: ClusterState | undefined;
  let emit: (event: SourceEvent) => void = () => undefined;
  let watcher: FSWatcher | undefined;
  let reloading: Promise<void> | undefined;
  let again = false;
  const ports = new Map<string, Map<string, number>>();
  /** Fingerprint of the content last acted on, per file (secret values are never kept). */
  const seen = new Map<string, string>();
  const trailing = new Map<string, NodeJS.Timeout>();

  async function load(onlyIfChanged = false): Promise<FileCluster | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (seen.get(file) === 'missing') return undefined;
      seen.set(file, 'missing');
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'cluster file unreadable, keeping the last good state');
      return undefined;
    }
    const print = fingerprint(text);
    if (onlyIfChanged && seen.get(file) === print) return undefined;
    seen.set(file, print);
    const parsed = parseCluster(text, path.dirname(file));
    if (parsed.ok) return parsed.cluster;
    log.error({ line: parsed.problem.line, column: parsed.problem.column, err: parsed.problem.message }, `cluster file refused at line ${parsed.problem.line}: ${parsed.problem.message}; keeping the last good state`);
    return undefined;
  }

  let interesting = new Set<string>([file]);

  function watchedFiles(c: FileCluster): string[] {
    return [...new Set([file, ...[...c.secrets.values()].flatMap(secretFiles)])];
  }

  function folders(files: readonly string[]): string[] {
    return [...new Set(files.map((f) => path.dirname(f)))];
  }

  /** Watch the folders of `files` (a rename over a file keeps being seen), only those files counting. */
  function follow(files: readonly string[]): void {
    const before = folders([...interesting]);
    interesting = new Set(files);
    const after = folders(files);
    watcher?.unwatch(before.filter((d) => !after.includes(d)));
    watcher?.add(after.filter((d) => !before.includes(d)));
  }

  function ignored(p: string): boolean {
    const resolved = path.resolve(p);
    return !interesting.has(resolved) && !folders([...interesting]).includes(resolved);
  }

  function publish(next: FileCluster): void {
    const before = cluster;
    const nextState = applyPortOverrides(next.state, ports);
    cluster = next;
    if (!before || !state) {
      state = nextState;
      emit({ kind: 'snapshot', state });
      return;
    }
    const services = changedServices(state, nextState);
    const secrets = changedSecrets(before.secrets, next.secrets);
    state = nextState;
    if (services.size === 0 && secrets.size === 0) return;
    log.info({ services: [...services], secrets: [...secrets] }, 'cluster file changed');
    emit({ kind: 'change', state, services, secrets });
  }

  async function reloadOnce(): Promise<void> {
    const next = await load(true);
    if (!next) return;
    publish(next);
    follow(watchedFiles(next));
  }

  /** One reload at a time; edits during a reload fold into one more. */
  function reload(): void {
    if (reloading) {
      again = true;
      return;
    }
    reloading = reloadOnce().finally(() => {
      reloading = undefined;
      if (again) {
        again = false;
        reload();
      }
    });
  }

  async function secretFileChanged(changed: string): Promise<void> {
    const print = await fileFingerprint(changed);
    if (seen.get(changed) === print || !cluster || !state) return;
    seen.set(changed, print);
    const secrets = new Set([...cluster.secrets.values()].filter((s) => secretFiles(s).includes(changed)).map((s) => s.path));
    if (secrets.size === 0) return;
    log.info({ secrets: [...secrets] }, 'secret file changed');
    emit({ kind: 'change', state, services: new Set(), secrets });
  }

  function check(changed: string): void {
    if (!watcher) return;
    if (changed === file) reload();
    else void secretFileChanged(changed);
  }

  function onFsEvent(eventPath: string): void {
    const changed = path.resolve(eventPath);
    if (!interesting.has(changed)) return;
    check(changed);
    clearTimeout(trailing.get(changed));
    trailing.set(
      changed,
      setTimeout(() => {
        trailing.delete(changed);
        check(changed);
      }, TRAILING_CHECK_MS),
    );
  }

  return {
    name: 'file',
    async start(onEvent) {
      emit = onEvent;
      const first = await load();
      if (!first) throw new Error(`cannot start: cluster file ${file} is unreadable or invalid (see the log line above)`);
      interesting = new Set(watchedFiles(first));
      for (const f of interesting) if (f !== file) seen.set(f, await fileFingerprint(f));
      watcher = watch(folders([...interesting]), { ignoreInitial: true, atomic: false, depth: 0, ignored });
      watcher.on('all', (_event, eventPath) => onFsEvent(eventPath));
      watcher.on('error', (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'watch error'));
      await new Promise<void>((resolve) => watcher?.once('ready', () => resolve()));
      log.info({ services: first.state.services.size }, 'cluster file loaded');
      publish(first);
    },
    async getSecret(secretPath): Promise<SecretValues> {
      const spec = cluster?.secrets.get(secretPath);
      if (!spec) throw new Error(`secret ${secretPath} is not defined in ${file}`);
      return readSecret(spec);
    },
    async setListenerPort(servicePath, rid, port) {
      const forService = ports.get(servicePath) ?? new Map<string, number>();
      forService.set(rid, port);
      ports.set(servicePath, forService);
      log.info({ service: servicePath, rid, port }, 'listener port allocated (kept in memory: the file source never rewrites the file)');
      if (cluster) publish(cluster);
    },
    async close() {
      const w = watcher;
      watcher = undefined;
      for (const timer of trailing.values()) clearTimeout(timer);
      trailing.clear();
      emit = () => undefined;
      await w?.close();
      await reloading;
    },
  };
}
