// What a service build needs from the rest of the janitor.
import type { SecretValues } from '../source/types.js';

export interface ModelContext {
  /** This gateway's name (`--name`): exposes with another `gateway` are not ours. */
  readonly gateway: string;
  /** The keys of a secret object `<ns>/sec/<name>`; `undefined` when not fetched or unreadable. */
  readonly secrets: (secretPath: string) => SecretValues | undefined;
  /** Why a secret object could not be read (the source's error), when it was tried and failed. */
  readonly secretError?: (secretPath: string) => string | undefined;
  /**
   * A digest of a secret object's values (as the reconcile loop computes it when it fetches them),
   * when known: certificate checks and encodings are then remembered by it instead of by a hash of
   * the PEM text, which 10,000 services naming 10,000 secret objects would hash again each.
   */
  readonly secretDigest?: (secretPath: string) => string | undefined;
  /** The port allocated for an expose asking `listener_port = 0` (see ports.ts), if any. */
  readonly listenerPort: (servicePath: string, rid: string) => number | undefined;
  /** `--allow-code-extensions`: cluster_data/filter_config_data may use Lua, Wasm, Go and dynamic modules. */
  readonly allowCodeExtensions?: boolean;
  /** `--allow-cluster-header`: routes may use route_cluster_header (the client names the cluster). */
  readonly allowClusterHeader?: boolean;
  /** The time certificates are checked against (epoch ms); default: now. */
  readonly now?: () => number;
}
