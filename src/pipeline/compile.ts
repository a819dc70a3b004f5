// One service's definition → its units: the model (src/model), the Envoy messages of each expose
// (src/envoy), each checked against the v3 protos and Envoy's own rules (src/validate) and encoded
// once, and the claims each expose makes (claims.ts). Pure: the same definition, secrets and ports
// give the same units. A service with any problem compiles to its problems (the reconcile keeps
// serving its last valid units).
import { Cluster } from '../envoy/cluster.js';
import { MSG } from '../envoy/core.js';
import { exposeListenerPart, Listener, type ListenerPart } from '../envoy/listener.js';
import { Route } from '../envoy/route.js';
import type { ModelContext } from '../model/context.js';
import { splitPath } from '../model/names.js';
import { leafOf } from '../model/secrets.js';
import { pemKeyPaths } from '../model/secret-material.js';
import { holdsPemKey } from '../proto/secret-fields.js';
import { buildServiceModel } from '../model/service.js';
import type { ServiceSections } from '../model/sections.js';
import type { Expose, Problem, SecretModel, VirtualHost } from '../model/types.js';
import { fieldNumber } from '../proto/parts.js';
import type { JsonObject } from '../proto/json.js';
import { checkedBytes } from '../validate/check.js';
import { exposeClaims, matchKey, sharedChainContent } from './claims.js';
import { locateInExpose, locateInRouteConfiguration, locateInVhost, locateSecret, type Location } from './locate.js';
import { secretBytes } from './secret-bytes.js';
import type { ChainPart, ExposeUnit, SecretPart, VhostPart } from './units.js';

export type Compiled =
  | { readonly ok: true; readonly units: ReadonlyMap<string, ExposeUnit>; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

const FILTER_CHAINS = fieldNumber(MSG.listener, 'filter_chains');
const VIRTUAL_HOSTS = fieldNumber(MSG.routeConfiguration, 'virtual_hosts');

/** Collects ProtoViolations while messages are checked and encoded, each located (locate.ts). */
class Checker {
  readonly problems: Problem[] = [];
  constructor(private readonly service: string) {}

  /** The message's bytes (framed as `frameAs` of a parent when given), or undefined with its problems recorded. */
  encode(kind: string, fullName: string, name: string, expose: Expose, message: JsonObject, locate?: (path: string) => Location, frameAs?: number): Uint8Array | undefined {
    const checked = checkedBytes(fullName, message, frameAs);
    if (checked.bytes === undefined) this.refuse(kind, fullName, name, expose, checked.errors, locate);
    else if (holdsPemKey(checked.bytes)) {
      this.refuseKey(kind, name, expose, message, locate);
      return undefined;
    }
    return checked.bytes;
  }

  /** Only Secrets (SDS, to clients that proved who they are) may carry a key, whatever path brought one elsewhere. */
  refuseKey(kind: string, name: string, expose: Expose, message: JsonObject, locate?: (path: string) => Location): void {
    const path = pemKeyPaths(message)[0] ?? '';
    const at = locate === undefined ? locateInExpose(expose, kind, path) : locate(path);
    const field = path === '' ? '' : ` (${path})`;
    this.problems.push({
      service: this.service,
      section: at.section,
      ...(at.keyword !== undefined && { keyword: at.keyword }),
      reason: 'NotAllowed',
      message: `${kind} "${name}" would carry a PEM private key${field}, and it goes to every xDS client, plaintext TCP included: give keys in a certificate section, served by SDS.`,
    });
  }

  refuse(kind: string, fullName: string, name: string, expose: Expose, errors: readonly string[], locate?: (path: string) => Location): void {
    for (const error of errors) {
      const path = error.split(':')[0] ?? '';
      const at = locate === undefined ? locateInExpose(expose, kind, path) : locate(path);
      this.problems.push({
        service: this.service,
        section: at.section,
        ...(at.keyword !== undefined && { keyword: at.keyword }),
        ...(at.value !== undefined && { value: at.value }),
        reason: 'ProtoViolation',
        message: `${kind} "${name}" is not a valid ${fullName}: ${error}`,
      });
    }
  }
}

function secretParts(check: Checker, expose: Expose, secrets: ReadonlyMap<string, SecretModel>): SecretPart[] {
  const names = new Set<string>();
  for (const c of [...expose.listenerCertificates, ...expose.clusterCertificates]) {
    if (c.tlsSecret !== undefined) names.add(c.tlsSecret);
    if (c.validationSecret !== undefined) names.add(c.validationSecret);
  }
  const out: SecretPart[] = [];
  for (const name of [...names].sort()) {
    const model = secrets.get(name);
    if (model === undefined) continue;
    const built = secretBytes(model);
    if (built.bytes === undefined) {
      check.refuse('Secret', MSG.secret, name, expose, built.errors, () => locateSecret(expose, name));
      continue;
    }
    const leaf = model.kind === 'tls_certificate' && 'inline' in model.certificateChain ? leafOf(model.certificateChain.inline, model.contentKey) : undefined;
    out.push({ name, bytes: built.bytes, ...(leaf !== undefined && { notAfter: Math.floor(leaf.notAfter / 1000) }) });
  }
  return out;
}

function vhostPart(check: Checker, expose: Expose, part: ListenerPart, vhost: VirtualHost, json: JsonObject): VhostPart | undefined {
  const framed = check.encode('VirtualHost', MSG.virtualHost, vhost.name, expose, json, (path) => locateInVhost(expose, vhost, path), VIRTUAL_HOSTS);
  if (framed === undefined) return undefined;
  return {
    rid: vhost.rid,
    name: vhost.name,
    hostnames: vhost.hostnames.map((h) => h.toLowerCase()),
    listenerPort: part.address.port,
    framed,
    routes: vhost.routes.map((r) => ({ rid: r.rid, match: r.match, matchKey: matchKey(r.match), json: Route(r) })),
  };
}

function chainPart(check: Checker, expose: Expose, part: ListenerPart): ChainPart | undefined {
  if (part.chain === undefined) return undefined;
  const name = String(part.chain['name']);
  const framed = check.encode('FilterChain', MSG.filterChain, `${part.name} ${name}`, expose, part.chain, undefined, FILTER_CHAINS);
  return framed === undefined ? undefined : { name, framed, serverNames: part.serverNames, shared: part.kind === 'http' };
}

function compileExpose(check: Checker, service: string, expose: Expose, secrets: ReadonlyMap<string, SecretModel>): ExposeUnit | undefined {
  const before = check.problems.length;
  const part = exposeListenerPart(expose);
  const cluster = check.encode('Cluster', MSG.cluster, expose.clusterName, expose, Cluster(expose));
  const chain = chainPart(check, expose, part);
  const udpListener = part.udpFilter === undefined ? undefined : check.encode('Listener', MSG.listener, part.name, expose, Listener(part.name, part.address, [], [part.udpFilter]));
  const config = part.routeConfiguration;
  const routeConfig = config === undefined ? undefined : check.encode('RouteConfiguration', MSG.routeConfiguration, String(config['name']), expose, config, (path) => locateInRouteConfiguration(expose, config, path));
  const vhosts: VhostPart[] = [];
  part.virtualHosts.forEach((json, i) => {
    const vhost = expose.vhosts[i];
    const built = vhost === undefined ? undefined : vhostPart(check, expose, part, vhost, json);
    if (built !== undefined) vhosts.push(built);
  });
  const secretList = secretParts(check, expose, secrets);
  if (check.problems.length > before || cluster === undefined) return undefined;
  return {
    id: expose.clusterName,
    service,
    rid: expose.rid,
    backend: { port: expose.port, protocol: expose.protocol },
    sharedChainContent: sharedChainContent(expose),
    listener: part.name,
    address: part.address,
    kind: part.kind,
    cluster,
    ...(chain !== undefined && { chain }),
    ...(udpListener !== undefined && { udpListener }),
    ...(routeConfig !== undefined && { routeConfig: { name: String(part.routeConfiguration?.['name']), bytes: routeConfig } }),
    vhosts,
    secrets: secretList,
    claims: exposeClaims(expose, part, splitPath(service).namespace),
  };
}

/** Compile one service. Never throws: a defect in translation stays with this service. */
export function compileService(svc: ServiceSections, ctx: ModelContext): Compiled {
  try {
    const built = buildServiceModel(svc, ctx);
    const warnings = built.warnings;
    if (!built.ok) return { ok: false, problems: built.problems, warnings };
    const check = new Checker(svc.path);
    const secrets = new Map(built.value.secrets.map((s) => [s.name, s]));
    const units = new Map<string, ExposeUnit>();
    for (const expose of built.value.exposes) {
      const unit = compileExpose(check, svc.path, expose, secrets);
      if (unit !== undefined) units.set(expose.rid, unit);
    }
    if (check.problems.length > 0) return { ok: false, problems: check.problems, warnings };
    return { ok: true, units, warnings };
  } catch (error) {
    const message = `internal error while building this service: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, problems: [{ service: svc.path, section: '', reason: 'Unsupported', message }], warnings: [] };
  }
}
