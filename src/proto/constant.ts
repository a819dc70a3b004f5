// Constant message parts: JSON-ish values a translator builds once and shares between every message
// that holds them (the router filter, the ADS config source, the TCP health check, durations...).
// A constant is frozen all the way down, so its content can never change after it is made: whoever
// walks messages (the validator, the encoder, Envoy's checks) may remember what it found in one by
// its identity, which then stands for its content. 10,000 services holding the same router filter
// get it checked and encoded once.
import type { JsonValue } from './json.js';

const constants = new WeakSet<object>();
/** Per key set: constants in which no object has one of the keys (see inert()), or some does. */
const keylessBy = new WeakMap<ReadonlySet<string>, WeakMap<object, boolean>>();

function freeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || constants.has(value)) return;
  for (const v of Object.values(value)) freeze(v);
  Object.freeze(value);
  constants.add(value);
}

/** `value`, deep-frozen and known as a constant (every object in it is one too). */
export function constant<T extends JsonValue>(value: T): T {
  freeze(value);
  return value;
}

/** True when `value` is (part of) a constant: deep-frozen, its content fixed for ever. */
export function isConstant(value: unknown): value is object {
  return value !== null && typeof value === 'object' && constants.has(value);
}

function hasKey(value: unknown, keys: ReadonlySet<string>): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) if (keys.has(k) || hasKey(v, keys)) return true;
  return false;
}

/** True when `value` is a constant and no object inside it has a key of `keys` (remembered per constant and key set). */
export function inert(value: object, keys: ReadonlySet<string>): boolean {
  if (!constants.has(value)) return false;
  let known = keylessBy.get(keys);
  if (known === undefined) keylessBy.set(keys, (known = new WeakMap()));
  let found = known.get(value);
  if (found === undefined) known.set(value, (found = !hasKey(value, keys)));
  return found;
}
