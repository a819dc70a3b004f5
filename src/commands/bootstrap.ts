// The resources a gateway would serve, as an Envoy bootstrap with static resources only, for
// `envoy --mode validate`: each Cluster becomes STATIC with its ClusterLoadAssignment inlined as
// load_assignment (no EDS); each HTTP connection manager gets its RouteConfiguration inline
// (route_config instead of RDS); each SDS reference loses its sds_config, so it names a static
// secret (Envoy's rule for an SdsSecretConfig without a config source), and the secrets go under
// static_resources.secrets. RouteConfigurations no listener names are left out.

type Json = Record<string, unknown>;

export interface ResourcesByKind {
  readonly listeners: readonly Json[];
  readonly routes: readonly Json[];
  readonly clusters: readonly Json[];
  readonly endpoints: readonly Json[];
  readonly secrets: readonly Json[];
}

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A deep copy with `edit` applied to every object, children first. */
function rewrite(value: unknown, edit: (obj: Json) => Json): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, edit));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) out[key] = rewrite(v, edit);
  return edit(out);
}

function staticReferences(routes: ReadonlyMap<string, Json>): (obj: Json) => Json {
  return (obj) => {
    if ('sds_config' in obj && typeof obj['name'] === 'string') {
      const { sds_config: _dropped, ...rest } = obj;
      return rest;
    }
    const rds = obj['rds'];
    if (obj['@type'] === HCM && isObject(rds) && typeof rds['route_config_name'] === 'string') {
      const { rds: _rds, ...rest } = obj;
      const name = rds['route_config_name'];
      return { ...rest, route_config: routes.get(name) ?? { name } };
    }
    return obj;
  };
}

function staticCluster(cluster: Json, assignments: ReadonlyMap<string, Json>): Json {
  const { eds_cluster_config: _eds, type: _type, ...rest } = cluster;
  const name = String(cluster['name']);
  return { ...rest, type: 'STATIC', load_assignment: assignments.get(name) ?? { cluster_name: name } };
}

/** An envoy.config.bootstrap.v3.Bootstrap (JSON form) holding these resources statically. */
export function staticBootstrap(resources: ResourcesByKind, node: { readonly id: string; readonly cluster: string }): Json {
  const routes = new Map(resources.routes.map((r) => [String(r['name']), r]));
  const assignments = new Map(resources.endpoints.map((e) => [String(e['cluster_name']), e]));
  const edit = staticReferences(routes);
  return {
    node,
    static_resources: {
      listeners: resources.listeners.map((l) => rewrite(l, edit)),
      clusters: resources.clusters.map((c) => rewrite(staticCluster(c, assignments), edit)),
      secrets: resources.secrets,
    },
  };
}
