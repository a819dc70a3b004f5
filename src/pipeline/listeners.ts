// Listeners assembled from the parts of the units served on them: the head (name, address), each
// unit's filter chain as encoded when its unit was compiled (sorted by chain name; the plain-HTTP
// chain once, as the member that brings filter_config_data built it), then the tail (tls_inspector
// when a chain matches server names). Only a listener whose parts changed is assembled again, and
// assembling it concatenates bytes: no chain is encoded again.
import { MSG } from '../envoy/core.js';
import { listenerHead, listenerTail } from '../envoy/listener.js';
import type { ListenerAddress } from '../model/types.js';
import { encodeMessage } from '../proto/codec.js';
import { compareStrings } from '../proto/json.js';
import { concatBytes } from '../proto/parts.js';
import type { ExposeUnit } from './units.js';

export interface ListenerEntry {
  readonly name: string;
  readonly address: ListenerAddress;
  /** Served units on this listener, by unit id. */
  readonly members: Map<string, ExposeUnit>;
}

export type ListenerEntries = Map<string, ListenerEntry>;

export function joinListener(entries: ListenerEntries, unit: ExposeUnit): void {
  let entry = entries.get(unit.listener);
  if (entry === undefined) entries.set(unit.listener, (entry = { name: unit.listener, address: unit.address, members: new Map() }));
  entry.members.set(unit.id, unit);
}

export function leaveListener(entries: ListenerEntries, unit: ExposeUnit): void {
  const entry = entries.get(unit.listener);
  entry?.members.delete(unit.id);
  if (entry?.members.size === 0) entries.delete(unit.listener);
}

/** The member whose data builds the shared plain-HTTP chain: the one bringing data (filter_config_data, http2 = false), else the first by id. */
function sharedChainOwner(members: readonly ExposeUnit[]): ExposeUnit | undefined {
  return members.find((u) => u.sharedChainContent !== '') ?? members[0];
}

/** The listener's bytes, or undefined when nothing is left to serve on it. */
export function assembleListener(entry: ListenerEntry): Uint8Array | undefined {
  const members = [...entry.members.values()];
  const udp = members.find((u) => u.udpListener !== undefined);
  if (udp?.udpListener !== undefined) return udp.udpListener;
  const own = members.filter((u) => u.chain !== undefined && !u.chain.shared);
  const shared = sharedChainOwner(members.filter((u) => u.chain?.shared === true).sort((a, b) => compareStrings(a.id, b.id)));
  const chains = [...own, ...(shared ? [shared] : [])].flatMap((u) => (u.chain ? [u.chain] : []));
  if (chains.length === 0) return undefined;
  chains.sort((a, b) => compareStrings(a.name, b.name));
  const sniMatching = chains.some((c) => c.serverNames.length > 0);
  const head = encodeMessage(MSG.listener, listenerHead(entry.name, entry.address));
  const tail = encodeMessage(MSG.listener, listenerTail(sniMatching, []));
  return concatBytes([head, ...chains.map((c) => c.framed), tail]);
}
