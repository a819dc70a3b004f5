// What a settled read of the cluster file does to the published state. An edit is applied only when
// it parses (else it is refused: its line and reason are held up to operators, the last good state
// stays), and, when it would withdraw most of the services with exposes, only once the file has
// stayed the same for `confirmMs` (a file truncated or cut short by a tool is not believed at once).
// The published ClusterState is updated in place: only changed services get new objects.
import path from 'node:path';
import type { Logger } from 'pino';
import { doubtAbout } from '../doubt.js';
import type { ClusterState, ServiceState, SourceCounter, SourceEvent } from '../types.js';
import { parseCluster, type FileCluster } from './cluster.js';
import { changedSecrets, updateInPlace } from './diff.js';
import { applyPortOverrides, type PortOverrides } from './ports.js';
import { readPrinted, type Read } from './settle.js';

export interface EditorHooks {
  readonly file: string;
  readonly log: Logger;
  readonly emit: (event: SourceEvent) => void;
  readonly count: (counter: SourceCounter) => void;
  readonly confirmMs: number;
  readonly ports: PortOverrides;
}

/** What one read changed (0 and 0: nothing, or held). */
export interface Applied {
  readonly services: number;
  readonly secrets: number;
}

export interface Editor {
  /** The first read: a snapshot when it parses, else why not (the source does not start). */
  first(read: Read): string | undefined;
  /** A settled read of the cluster file (an edit, or an anti-entropy read). */
  consider(read: Read): Applied;
  /** The listener port overrides changed: publish them. */
  republish(): void;
  cluster(): FileCluster | undefined;
  state(): ClusterState | undefined;
  close(): void;
}

const NOTHING: Applied = { services: 0, secrets: 0 };

export function createEditor(h: EditorHooks): Editor {
  const services = new Map<string, ServiceState>();
  const live: ClusterState = { services };
  let applied: { readonly cluster: FileCluster; readonly print: string } | undefined;
  let heldReason: string | undefined;
  let refused: string | undefined;
  let confirmed: string | undefined;
  let confirming: NodeJS.Timeout | undefined;

  function hold(reason: string): void {
    if (reason === heldReason) return;
    if (heldReason === undefined) h.count('heldSnapshots');
    heldReason = reason;
    h.log.warn({ reason }, 'cluster file edit held');
    h.emit({ kind: 'held', reason });
  }

  function install(cluster: FileCluster, print: string): Applied {
    const before = applied?.cluster;
    const changed = updateInPlace(services, applyPortOverrides(cluster.state, h.ports));
    const secrets = before ? changedSecrets(before.secrets, cluster.secrets) : new Set<string>();
    applied = { cluster, print };
    refused = undefined;
    confirmed = undefined;
    clearTimeout(confirming);
    const wasHeld = heldReason !== undefined;
    heldReason = undefined;
    if (changed.size > 0 || secrets.size > 0) {
      h.log.info({ services: [...changed], secrets: [...secrets] }, 'cluster file changed');
      h.emit({ kind: 'change', state: live, services: changed, secrets });
    } else if (wasHeld) {
      h.log.info('cluster file back to its last good state');
      h.emit({ kind: 'resumed' });
    }
    return { services: changed.size, secrets: secrets.size };
  }

  function refuse(print: string, problem: { readonly line: number; readonly column: number; readonly message: string }, live = true): void {
    if (refused !== print) {
      h.count('refusedEdits');
      h.log.error({ line: problem.line, column: problem.column, err: problem.message }, `cluster file refused at line ${problem.line}: ${problem.message}; keeping the last good state`);
    }
    refused = print;
    if (live) hold(`cluster file refused at line ${problem.line}: ${problem.message}; the last good state is kept`);
  }

  function confirmLater(print: string): void {
    clearTimeout(confirming);
    confirming = setTimeout(() => {
      void readPrinted(h.file).then((again) => {
        if (again.print !== print || !applied) return; // moved meanwhile: that read decides
        confirmed = print;
        consider(again);
      });
    }, h.confirmMs);
  }

  function consider(read: Read): Applied {
    if (!applied) return NOTHING;
    if ('error' in read) {
      hold(`cluster file unreadable (${read.error}): the last good state is kept`);
      return NOTHING;
    }
    if (read.print === applied.print) return install(applied.cluster, read.print);
    const parsed = parseCluster(read.text, path.dirname(h.file));
    if (!parsed.ok) {
      refuse(read.print, parsed.problem);
      return NOTHING;
    }
    const doubt = doubtAbout(live, applyPortOverrides(parsed.cluster.state, h.ports), 'the edit');
    if (doubt && confirmed !== read.print) {
      hold(`${doubt.reason}: applied once the file stays as it is for ${h.confirmMs} ms`);
      confirmLater(read.print);
      return NOTHING;
    }
    return install(parsed.cluster, read.print);
  }

  return {
    first(read) {
      if ('error' in read) return read.error;
      const parsed = parseCluster(read.text, path.dirname(h.file));
      if (!parsed.ok) {
        refuse(read.print, parsed.problem, false);
        return `line ${parsed.problem.line}: ${parsed.problem.message}`;
      }
      applied = { cluster: parsed.cluster, print: read.print };
      updateInPlace(services, applyPortOverrides(parsed.cluster.state, h.ports));
      heldReason = undefined;
      h.emit({ kind: 'snapshot', state: live });
      return undefined;
    },
    consider,
    republish() {
      if (applied) install(applied.cluster, applied.print);
    },
    cluster: () => applied?.cluster,
    state: () => (applied ? live : undefined),
    close: () => clearTimeout(confirming),
  };
}
