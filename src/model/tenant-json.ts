// The checks of a service's own JSON, cluster_data (a Cluster fragment) and filter_config_data (a
// fragment of its main network filter), before it is merged into anything: the secrets it names
// (secret-refs.ts), the secret material and host files it carries (secret-material.ts), the
// extensions it instantiates (code-extensions.ts) and the clusters it names (cluster-refs.ts).
// Each problem is on that keyword of the expose, and names the field's path in the data.
import { checkClusterRefs } from './cluster-refs.js';
import { checkExtensions } from './code-extensions.js';
import type { SectionReader } from './scope.js';
import { checkSecretMaterial } from './secret-material.js';
import { checkSecretRefs } from './secret-refs.js';
import type { Certificate } from './types.js';

export const CLUSTER_TYPE = 'envoy.config.cluster.v3.Cluster';

export interface TenantJsonContext {
  readonly namespace: string;
  readonly service: string;
  /** The expose's certificate sections: the only secrets its JSON may name. */
  readonly certificates: readonly Certificate[];
  /** `--allow-code-extensions`: Lua, Wasm, Go and dynamic modules allowed. */
  readonly allowCodeExtensions: boolean;
}

function checkOne(r: SectionReader, kw: string, typeName: string, data: Readonly<Record<string, unknown>> | undefined, ctx: TenantJsonContext): void {
  checkSecretMaterial(r, kw, typeName, data);
  checkExtensions(r, kw, typeName, data, ctx.allowCodeExtensions);
  checkSecretRefs(r, kw, typeName, data, ctx);
  checkClusterRefs(r, kw, typeName, data, ctx);
}

/** Check an expose's cluster_data and filter_config_data (`filterType`: the message it is merged into). */
export function checkTenantJson(r: SectionReader, data: { readonly cluster?: Readonly<Record<string, unknown>>; readonly filter?: Readonly<Record<string, unknown>>; readonly filterType: string }, ctx: TenantJsonContext): void {
  checkOne(r, 'cluster_data', CLUSTER_TYPE, data.cluster, ctx);
  checkOne(r, 'filter_config_data', data.filterType, data.filter, ctx);
}
