// Secret values never leave the janitor through admin pages or `xds translate`: the value of every
// field that carries secret material (src/proto/secret-fields.ts decides which, by type) is
// replaced, wherever it sits in a decoded resource, inside Anys too.
import { REDACTED, redactSecretFields } from '../proto/secret-fields.js';

export { REDACTED };

/** A deep copy of `value`, a decoded `typeName` message, with the values of its secret fields replaced by "[redacted]". */
export function redactSecrets(typeName: string, value: unknown): unknown {
  return redactSecretFields(typeName, value);
}
