// The secrets a service's own JSON (cluster_data, filter_config_data) names through SDS. Envoy
// fetches a secret by name from the janitor, and the janitor serves every tenant's: a name of
// another namespace would hand this service another tenant's certificate or key. Every
// SdsSecretConfig is found by walking the data with the v3 types, through Anys (typed_config),
// repeated fields and maps, wherever it hides (TLS contexts, OAuth2 secrets, credential
// injectors, ...). A name must be of the service's namespace AND brought by the expose's own
// certificate sections (else Envoy would wait for a secret the gateway never fetched).
import { findMessageType } from '../proto/root.js';
import { walkTyped } from '../proto/walk.js';
import { nameOf } from '../proto/wkt.js';
import { inlineTlsSecretName, secretPath } from './names.js';
import { show } from './problems.js';
import type { SectionReader } from './scope.js';
import type { Certificate } from './types.js';

const SDS = '.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig';

/** A name found in a service's JSON, and where. */
export interface NamedRef {
  /** Where in the data, e.g. `transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0]`. */
  readonly path: string;
  readonly name: string;
}

function sdsName(value: unknown): string {
  const name = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['name'] : undefined;
  return typeof name === 'string' ? name : '';
}

/** Every SdsSecretConfig in `data` read as a `typeName` message. */
export function sdsSecretRefs(typeName: string, data: Readonly<Record<string, unknown>>): NamedRef[] {
  const type = findMessageType(typeName);
  const out: NamedRef[] = [];
  if (type === undefined) return out;
  walkTyped(type, data, {
    field: ({ field, value, path }) => {
      const resolved = field.resolve().resolvedType;
      if (resolved === null || !('fieldsArray' in resolved) || nameOf(resolved) !== SDS) return true;
      if (Array.isArray(value)) value.forEach((item, i) => out.push({ path: `${path}[${i}]`, name: sdsName(item) }));
      else out.push({ path, name: sdsName(value) });
      return false;
    },
  });
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
