// The file source: a YAML/JSON cluster file (and the certificate files its secrets name), watched
// with chokidar. Every edit is re-read at once; a file that does not parse keeps the last good
// state and is reported with its line. Editors that replace the file (write + rename) are handled:
// the folder is watched, not the inode.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../../log.js';
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

  async function load(): Promise<FileCluster | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'cluster file unreadable, keeping the last good state');
      return undefined;
    }
    const parsed = parseCluster(text, path.dirname(file));
    if (parsed.ok) return parsed.cluster;
    log.error({ line: parsed.problem.line, column: parsed.problem.column, error: parsed.problem.message }, `cluster file refused at line ${parsed.problem.line}: ${parsed.problem.message}; keeping the last good state`);
    return undefined;
  }

  function watchedFiles(c: FileCluster): string[] {
    return [...new Set([file, ...[...c.secrets.values()].flatMap(secretFiles)])];
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
    const next = await load();
    if (!next) return;
    const oldFiles = cluster ? watchedFiles(cluster) : [];
    publish(next);
    const newFiles = watchedFiles(next);
    watcher?.unwatch(oldFiles.filter((f) => !newFiles.includes(f)));
    watcher?.add(newFiles.filter((f) => !oldFiles.includes(f)));
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

  function secretFileChanged(changed: string): void {
    if (!cluster || !state) return;
    const secrets = new Set([...cluster.secrets.values()].filter((s) => secretFiles(s).includes(changed)).map((s) => s.path));
    if (secrets.size === 0) return;
    log.info({ secrets: [...secrets] }, 'secret file changed');
    emit({ kind: 'change', state, services: new Set(), secrets });
  }

  function onFsEvent(eventPath: string): void {
    const changed = path.resolve(eventPath);
    if (changed === file) reload();
    else secretFileChanged(changed);
  }

  return {
    name: 'file',
    async start(onEvent) {
      emit = onEvent;
      const first = await load();
      if (!first) throw new Error(`cannot start: cluster file ${file} is unreadable or invalid (see the log line above)`);
      watcher = watch(watchedFiles(first), { ignoreInitial: true, atomic: false });
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
      emit = () => undefined;
      await w?.close();
      await reloading;
    },
  };
}
