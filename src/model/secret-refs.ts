// The secrets a service's own JSON (cluster_data, filter_config_data) names through SDS. Envoy
// fetches a secret by name from the janitor, and the janitor serves every tenant's: a name of
// another namespace would hand this service another tenant's certificate or key. Every
// SdsSecretConfig is found by walking the data with the v3 types, through Anys (typed_config),
// repeated fields and maps, wherever it hides (TLS contexts, OAuth2 secrets, credential
// injectors, ...). A name must be of the service's namespace AND brought by the expose's own
// certificate sections (else Envoy would wait for a secret the gateway never fetched).
import protobuf from 'protobufjs';
import { findMessageType, typeForUrl } from '../proto/root.js';
import { inlineTlsSecretName, secretPath, splitPath } from './names.js';
import { show } from './problems.js';
import type { SectionReader } from './scope.js';
import type { Certificate } from './types.js';

const SDS = '.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig';
const ANY = '.google.protobuf.Any';

export interface SecretRef {
  /** Where in the data, e.g. `transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0]`. */
  readonly path: string;
  readonly name: string;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function walk(type: protobuf.Type, value: unknown, path: string, out: SecretRef[], depth: number): void {
  if (depth > 64 || typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const obj = value as Record<string, unknown>;
  if (type.fullName === SDS) {
    out.push({ path, name: typeof obj['name'] === 'string' ? obj['name'] : '' });
    return;
  }
  if (type.fullName === ANY) {
    const inner = typeof obj['@type'] === 'string' ? typeForUrl(obj['@type']) : undefined;
    if (inner !== undefined) walk(inner, obj, path, out, depth + 1);
    return;
  }
  for (const [key, v] of Object.entries(obj)) {
    const field = type.fields[key];
    const resolved = field?.resolve().resolvedType;
    if (field === undefined || !(resolved instanceof protobuf.Type)) continue;
    const at = join(path, key);
    if (field.map && typeof v === 'object' && v !== null) for (const [k, item] of Object.entries(v)) walk(resolved, item, `${at}[${JSON.stringify(k)}]`, out, depth + 1);
    else if (Array.isArray(v)) v.forEach((item, i) => walk(resolved, item, `${at}[${i}]`, out, depth + 1));
    else walk(resolved, v, at, out, depth + 1);
  }
}

/** Every SdsSecretConfig in `data` read as a `typeName` message. */
export function sdsSecretRefs(typeName: string, data: Readonly<Record<string, unknown>>): SecretRef[] {
  const type = findMessageType(typeName);
  const out: SecretRef[] = [];
  if (type !== undefined) walk(type, data, '', out, 0);
  return out;
}

function namespaceOf(name: string): string | undefined {
  const m = /^(?:tls_certificate|validation_context)\/(?:([^/]+)\/)?sec\/[^/]+$/.exec(name);
  if (m) return m[1] ?? 'root';
  return /^tls_certificate\/([^/]+)\/svc\/[^/]+\/[^/]+$/.exec(name)?.[1];
}

/** Refuse, on `kw`, every secret name the data brings that is not this expose's own. */
export function checkSecretRefs(r: SectionReader, kw: string, typeName: string, data: Readonly<Record<string, unknown>> | undefined, ctx: { readonly namespace: string; readonly service: string; readonly certificates: readonly Certificate[] }): void {
  if (data === undefined) return;
  const own = new Set(ctx.certificates.flatMap((c) => [c.tlsSecret, ...(c.validationSecret === undefined ? [] : [c.validationSecret])]));
  for (const ref of sdsSecretRefs(typeName, data)) {
    if (own.has(ref.name)) continue;
    const ns = namespaceOf(ref.name);
    const where = `${kw} ${ref.path}`;
    if (ns !== undefined && ns !== ctx.namespace) {
      r.report(kw, 'InvalidValue', `${where} names the secret ${show(ref.name)} of namespace ${ns}; a service may only use secrets of its own namespace (${ctx.namespace}).`, ref.name);
    } else {
      const example = `tls_certificate/${secretPath(ctx.namespace, '<name>')} or ${inlineTlsSecretName(ctx.service, '<certificate rid>')}`;
      r.report(kw, 'InvalidValue', `${where} names the secret ${show(ref.name)}, which none of this expose's certificate sections brings: name the secret object in a certificate section (certificate_secret, validation_secret) listed in listener_certificates or cluster_certificates, so the gateway fetches and serves it (names look like ${example}).`, ref.name);
    }
  }
}

/** Every cluster name the data names (`cluster`, `cluster_name`, weighted `clusters[].name`), with where. */
export function clusterRefs(value: unknown, path = '', parent = ''): SecretRef[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => clusterRefs(v, `${path}[${i}]`, parent));
  if (typeof value !== 'object' || value === null) return [];
  const out: SecretRef[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = join(path, key);
    if ((key === 'cluster' || key === 'cluster_name' || (key === 'name' && parent === 'clusters')) && typeof v === 'string') out.push({ path: at, name: v });
    else out.push(...clusterRefs(v, at, key));
  }
  return out;
}

/** Refuse, on `kw`, every cluster the data sends traffic to that is not of the service's namespace. */
export function checkClusterRefs(r: SectionReader, kw: string, data: Readonly<Record<string, unknown>> | undefined, ctx: { readonly namespace: string }): void {
  if (data === undefined) return;
  for (const ref of clusterRefs(data)) {
    const service = ref.name.includes('.') ? ref.name.slice(0, ref.name.indexOf('.')) : '';
    const owner = splitPath(service);
    if (service !== '' && owner.kind === 'svc' && owner.namespace === ctx.namespace) continue;
    r.report(kw, 'InvalidValue', `${kw} ${ref.path} names the cluster ${show(ref.name)}, which is not a cluster of namespace ${ctx.namespace}: a service may send traffic only to clusters of its own namespace (<namespace>/svc/<name>.<expose rid>).`, ref.name);
  }
}
