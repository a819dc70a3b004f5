// Conflicts between exposes that want the same listener, resolved the same way on every janitor:
// exposes are taken in (service path, expose rid) order and the first claimant wins. The loser's
// expose is dropped (the service's other exposes stay) and reported with the winner's name.
//
// Listeners are keyed by address, port and protocol. A wildcard address (0.0.0.0, ::) and a
// specific address on the same port are different listeners and do NOT conflict: Envoy binds its
// listeners with SO_REUSEPORT (the Linux default), so both bind and the kernel gives connections
// to the most specific one. On one listener:
// - UDP: one expose only (udp_proxy forwards to one cluster);
// - TCP and HTTP (vhosts) never mix;
// - TCP: at most one expose without sni (the default filter chain); an SNI name once;
//   TLS-terminated (listener_certificates) and passthrough exposes may share the listener;
// - HTTP: a domain (case-insensitive) once; either every expose terminates TLS or none does; on
//   a plain HTTP listener every expose shares one filter chain, built from the first claimant's
//   filter_config_data: a later expose may leave it unset, or set the same value, nothing else.
import { canonicalJson } from '../proto/json.js';
import { listenerName } from './names.js';
import { compareStrings } from './sections.js';
import type { Expose, Problem, SecretModel, ServiceModel } from './types.js';

interface Claimant {
  readonly service: string;
  readonly expose: Expose;
}

interface ListenerClaims {
  readonly mode: 'udp' | 'tcp' | 'http';
  readonly first: Claimant;
  readonly tls: boolean;
  catchAll?: Claimant;
  /** Plain HTTP: the first claimant's filter_config_data (JSON text, `undefined` when unset). */
  readonly filterConfig: string | undefined;
  readonly names: Map<string, Claimant>;
}

interface Refusal {
  readonly keyword: string;
  readonly value: unknown;
  readonly why: string;
  readonly winner: Claimant;
}

function modeOf(e: Expose): ListenerClaims['mode'] {
  return e.protocol === 'udp' ? 'udp' : e.vhosts.length > 0 ? 'http' : 'tcp';
}

function hostnames(e: Expose): string[] {
  return e.vhosts.flatMap((v) => v.hostnames.map((h) => h.toLowerCase()));
}

function label(c: Claimant): string {
  return `${c.service} ${c.expose.rid}`;
}

function checkTcp(claims: ListenerClaims, c: Claimant): Refusal | undefined {
  if (c.expose.sni.length === 0) {
    return claims.catchAll && { keyword: 'sni', value: [], winner: claims.catchAll, why: 'already has a TCP expose without sni; only one expose without sni (the default route) fits on a listener' };
  }
  for (const name of c.expose.sni) {
    const owner = claims.names.get(name);
    if (owner) return { keyword: 'sni', value: name, winner: owner, why: `already routes the SNI name ${name}` };
  }
  return undefined;
}

function checkHttp(claims: ListenerClaims, c: Claimant): Refusal | undefined {
  const tls = c.expose.listenerCertificates.length > 0;
  if (tls !== claims.tls) {
    const why = claims.tls ? 'terminates TLS, and this expose has no listener_certificates' : 'serves plain HTTP, and this expose terminates TLS';
    return { keyword: 'listener_certificates', value: c.expose.listenerCertificates.map((x) => x.rid), winner: claims.first, why: `${why}; all HTTP exposes of a listener must agree` };
  }
  for (const host of hostnames(c.expose)) {
    const owner = claims.names.get(host);
    if (owner) return { keyword: 'vhosts', value: host, winner: owner, why: `already serves the domain ${host}` };
  }
  const data = c.expose.filterConfigData;
  if (!tls && data !== undefined && claims.filterConfig !== canonicalJson(data)) {
    const why = claims.filterConfig === undefined ? 'has one plain HTTP filter chain, built without filter_config_data' : 'has one plain HTTP filter chain, built with another filter_config_data';
    return { keyword: 'filter_config_data', value: data, winner: claims.first, why };
  }
  return undefined;
}

function check(claims: ListenerClaims, c: Claimant): Refusal | undefined {
  const mode = modeOf(c.expose);
  if (claims.mode === 'udp' && mode === 'udp') {
    return { keyword: 'listener_port', value: c.expose.listener.port, winner: claims.first, why: 'is already a UDP listener; a UDP listener forwards to one cluster' };
  }
  if (claims.mode !== mode) {
    const kinds = { tcp: 'TCP', http: 'HTTP (vhosts)', udp: 'UDP' };
    return { keyword: mode === 'http' ? 'vhosts' : 'listener_port', value: c.expose.listener.port, winner: claims.first, why: `already carries ${kinds[claims.mode]} and this expose is ${kinds[mode]}; they cannot share a listener` };
  }
  return mode === 'tcp' ? checkTcp(claims, c) : mode === 'http' ? checkHttp(claims, c) : undefined;
}

function register(claims: ListenerClaims, c: Claimant): void {
  if (claims.mode === 'tcp' && c.expose.sni.length === 0) claims.catchAll = c;
  const names = claims.mode === 'http' ? hostnames(c.expose) : c.expose.sni;
  for (const name of names) claims.names.set(name, c);
}

function listenerKey(e: Expose): string {
  return listenerName(e.listener.address, e.listener.port, e.listener.protocol);
}

function conflictProblem(loser: Claimant, refusal: Refusal): Problem {
  const listener = listenerKey(loser.expose);
  return {
    service: loser.service,
    section: loser.expose.rid,
    keyword: refusal.keyword,
    value: refusal.value,
    reason: 'Conflict',
    message: `listener ${listener} ${refusal.why}: ${label(refusal.winner)} claimed it first (services are taken in path order), so ${loser.expose.rid} is not served.`,
  };
}

function secretsUsed(exposes: readonly Expose[], secrets: readonly SecretModel[]): SecretModel[] {
  const names = new Set<string>();
  for (const e of exposes) {
    for (const cert of [...e.listenerCertificates, ...e.clusterCertificates]) {
      names.add(cert.tlsSecret);
      if (cert.validationSecret !== undefined) names.add(cert.validationSecret);
    }
  }
  return secrets.filter((s) => names.has(s.name));
}

/**
 * The reduced model of a service that loses exposes, kept while it loses the same ones: the same
 * object comes back on every build, so work keyed on it downstream (translation, listener
 * assembly, encoding) is not redone on every batch while a conflict lasts.
 */
const reducedModels = new WeakMap<ServiceModel, { readonly kept: string; readonly model: ServiceModel }>();

function reduced(m: ServiceModel, exposes: readonly Expose[]): ServiceModel {
  const kept = exposes.map((e) => e.rid).join('\u0000');
  const hit = reducedModels.get(m);
  if (hit !== undefined && hit.kept === kept) return hit.model;
  const model = { ...m, exposes, secrets: secretsUsed(exposes, m.secrets) };
  reducedModels.set(m, { kept, model });
  return model;
}

export function resolveConflicts(models: readonly ServiceModel[]): { accepted: ServiceModel[]; problems: Problem[] } {
  const sorted = [...models].sort((a, b) => compareStrings(a.path, b.path));
  const claimants = sorted.flatMap((m) => [...m.exposes].sort((a, b) => compareStrings(a.rid, b.rid)).map((expose) => ({ service: m.path, expose })));
  const listeners = new Map<string, ListenerClaims>();
  const losers = new Set<Claimant>();
  const problems: Problem[] = [];
  for (const c of claimants) {
    const key = listenerKey(c.expose);
    let claims = listeners.get(key);
    if (claims === undefined) {
      const data = c.expose.filterConfigData;
      const filterConfig = data === undefined ? undefined : canonicalJson(data);
      claims = { mode: modeOf(c.expose), first: c, tls: c.expose.listenerCertificates.length > 0, filterConfig, names: new Map() };
      listeners.set(key, claims);
    } else {
      const refusal = check(claims, c);
      if (refusal !== undefined) {
        losers.add(c);
        problems.push(conflictProblem(c, refusal));
        continue;
      }
    }
    register(claims, c);
  }
  const lost = new Set([...losers].map((c) => `${c.service}\u0000${c.expose.rid}`));
  const accepted = sorted.map((m) => {
    const exposes = m.exposes.filter((e) => !lost.has(`${m.path}\u0000${e.rid}`));
    return exposes.length === m.exposes.length ? m : reduced(m, exposes);
  });
  return { accepted, problems };
}
