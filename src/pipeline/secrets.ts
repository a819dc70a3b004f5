// Secrets (SDS) served: one per name, served while a served unit references it, with the bytes of
// the latest unit that brought it (every unit referencing a secret object is rebuilt when the
// object changes, so they agree).
import { TYPE } from '../xds/types.js';
import type { Output } from './output.js';
import type { ExposeUnit } from './units.js';

export interface SecretRecord {
  readonly users: Set<string>;
  bytes: Uint8Array;
  /** A certificate's notAfter (epoch seconds), when the janitor read it. */
  notAfter: number | undefined;
}

export type SecretRecords = Map<string, SecretRecord>;

export function useSecrets(records: SecretRecords, unit: ExposeUnit, out: Output): void {
  for (const s of unit.secrets) {
    const r = records.get(s.name);
    if (r === undefined) records.set(s.name, { users: new Set([unit.id]), bytes: s.bytes, notAfter: s.notAfter });
    else {
      r.users.add(unit.id);
      r.bytes = s.bytes;
      r.notAfter = s.notAfter;
    }
    out.upsert(TYPE.secret, s.name, s.bytes);
  }
}

export function dropSecrets(records: SecretRecords, unit: ExposeUnit, keep: ReadonlySet<string>, out: Output): void {
  for (const s of unit.secrets) {
    if (keep.has(s.name)) continue;
    const r = records.get(s.name);
    if (r === undefined) continue;
    r.users.delete(unit.id);
    if (r.users.size === 0) {
      records.delete(s.name);
      out.remove(TYPE.secret, s.name);
    }
  }
}
