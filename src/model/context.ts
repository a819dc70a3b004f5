// What a service build needs from the rest of the janitor.
import type { SecretValues } from '../source/types.js';

export interface ModelContext {
  /** This gateway's name (`--name`): exposes with another `gateway` are not ours. */
  readonly gateway: string;
  /** The keys of a secret object `<ns>/sec/<name>`; `undefined` when not fetched or unreadable. */
  readonly secrets: (secretPath: string) => SecretValues | undefined;
  /** Why a secret object could not be read (the source's error), when it was tried and failed. */
  readonly secretError?: (secretPath: string) => string | undefined;
  /** The port allocated for an expose asking `listener_port = 0` (see ports.ts), if any. */
  readonly listenerPort: (servicePath: string, rid: string) => number | undefined;
  /** The time certificates are checked against (epoch ms); default: now. */
  readonly now?: () => number;
}
