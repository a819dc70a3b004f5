// One translation of a cluster read once: the pipeline's step, the very function the janitor's
// reconcile loop runs, from an empty state with every service changed (as on the janitor's first
// snapshot). Secrets are fetched first, all of them, as the first snapshot does; a secret that
// cannot be read becomes its services' problem. Envoy's own listeners are not asked: a port
// allocated here (listener_port = 0) is what the range gives, and is written nowhere.
import { createHash } from 'node:crypto';
import { parseClusterOptions, type ClusterOptions } from '../config.js';
import type { RawOptions } from '../flags.js';
import { createPipelineState, secretsNamedBy, serviceStatuses, step, type SecretEntry, type ServiceStatus } from '../pipeline/index.js';
import type { Allocation } from '../ports/index.js';
import type { SecretValues } from '../source/types.js';
import { ADS_ORDER, type EncodedResource } from '../xds/types.js';
import type { FileProblem } from '../source/file/cluster.js';
import { loadCluster, type LoadedCluster } from './cluster.js';
import { usageError, type CommandContext } from './context.js';

export interface Translation {
  readonly statuses: readonly ServiceStatus[];
  /** What would be served, in ADS order, then by name. */
  readonly resources: readonly EncodedResource[];
  readonly allocations: readonly Allocation[];
}

function digestOf(values: SecretValues): string {
  const keys = Object.keys(values).sort() as (keyof SecretValues)[];
  return createHash('sha256').update(JSON.stringify(keys.map((k) => [k, values[k]]))).digest('base64');
}

async function fetchSecrets(cluster: LoadedCluster, paths: ReadonlySet<string>): Promise<Map<string, SecretEntry>> {
  const entries = await Promise.all(
    [...paths].map(async (p): Promise<[string, SecretEntry]> => {
      try {
        const values = await cluster.getSecret(p);
        return [p, { values, digest: digestOf(values) }];
      } catch (error) {
        return [p, { error: error instanceof Error ? error.message : String(error) }];
      }
    }),
  );
  return new Map(entries);
}

export async function translateOnce(cluster: LoadedCluster, options: Pick<ClusterOptions, 'name' | 'portRange'> & { readonly allowCodeExtensions?: boolean; readonly allowClusterHeader?: boolean }): Promise<Translation> {
  const initial = createPipelineState({ gateway: options.name, portRange: options.portRange, allowCodeExtensions: options.allowCodeExtensions === true, allowClusterHeader: options.allowClusterHeader === true });
  const paths = [...cluster.state.services.keys()];
  const named = new Set(paths.flatMap((p) => [...secretsNamedBy(initial, cluster.state, p).keys()]));
  const secrets = await fetchSecrets(cluster, named);
  const result = step(initial, { cluster: cluster.state, changed: paths, secrets: (p) => secrets.get(p), envoyPorts: [] });
  const order = (r: EncodedResource): number => ADS_ORDER.indexOf(r.typeUrl);
  const resources = [...result.changeSet.upserts].sort((a, b) => order(a) - order(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { statuses: serviceStatuses(result.state), resources, allocations: result.allocations };
}

export type Prepared =
  | { readonly kind: 'translated'; readonly origin: string; readonly options: ClusterOptions; readonly translation: Translation }
  /** The cluster file is refused as a whole. */
  | { readonly kind: 'refused'; readonly origin: string; readonly options: ClusterOptions; readonly problem: FileProblem }
  /** Usage error or unreadable input: already said on stderr. */
  | { readonly kind: 'exit'; readonly code: number };

/** Options → cluster → translation, for `check` and `translate`. */
export async function prepare(raw: RawOptions, ctx: CommandContext): Promise<Prepared> {
  const parsed = parseClusterOptions(raw, ctx.env);
  if (!parsed.ok) return { kind: 'exit', code: usageError(ctx, parsed.error) };
  const { options } = parsed;
  const loaded = await loadCluster(options, ctx.env);
  if (!loaded.ok) {
    if ('error' in loaded) return { kind: 'exit', code: usageError(ctx, loaded.error) };
    return { kind: 'refused', origin: loaded.origin, options, problem: loaded.fileProblem };
  }
  return { kind: 'translated', origin: loaded.cluster.origin, options, translation: await translateOnce(loaded.cluster, options) };
}
