// What secret material a service's own JSON (cluster_data, filter_config_data) may carry: none.
// A Cluster or Listener goes to every xDS client, plaintext TCP on loopback included, so a private
// key written into it would reach any local user; key material goes only through SDS, to clients
// that proved who they are (README, Security). So:
//   - a field that carries secret material (src/proto/secret-fields.ts decides which: TlsCertificate
//     private_key, password, pkcs12, session ticket keys, generic secrets, gRPC credentials, ...)
//     may not be set, in any form: inline it would be served, as a file or an environment variable
//     of the Envoy host it would use keys that no certificate section of the service brought;
//   - a DataSource elsewhere may not name a file or an environment variable of the Envoy host:
//     Envoy reads it when it loads the configuration and may send it on (a local reply body read
//     from Envoy's own xDS client key would be served to anyone). Only a validation context's
//     trusted_ca and crl (public trust material, e.g. the system CA bundle) may name a file; nor
//     may a configuration source read a file (`path`, `path_config_source`), nor a transcoder its
//     descriptor (configuration comes over xDS).
//   - and whatever the field, no string may hold a PEM private key, as text or base64 (found by
//     content, beside the types: metadata, headers, bodies, Structs).
// Certificates and keys come from certificate sections, served by SDS.
import { findMessageType } from '../proto/root.js';
import { holdsPemKey, isDataSource, isSecretField } from '../proto/secret-fields.js';
import { walkTyped } from '../proto/walk.js';
import { nameOf } from '../proto/wkt.js';
import type { SectionReader } from './scope.js';

const TRUST_ANCHORS: ReadonlySet<string> = new Set(['envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.trusted_ca', 'envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.crl']);
const HOST_KEYS: readonly (readonly [string, string])[] = [
  ['filename', 'a file'],
  ['environment_variable', 'an environment variable'],
  ['environmentVariable', 'an environment variable'],
  ['watched_directory', 'a directory'],
  ['watchedDirectory', 'a directory'],
];

/** Fields other than DataSources that make Envoy read a file of its host: configuration sources and descriptors. */
const HOST_PATHS: ReadonlyMap<string, string> = new Map([
  ['envoy.config.core.v3.ConfigSource.path', 'a configuration file'],
  ['envoy.config.core.v3.ConfigSource.path_config_source', 'a configuration file'],
  ['envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder.proto_descriptor', 'a descriptor file'],
]);

export interface TenantDataFinding {
  readonly path: string;
  readonly message: string;
}

function hostSource(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return HOST_KEYS.find(([key]) => key in value)?.[1];
}

const FIX = 'give TLS certificates and keys in a certificate section (certificate_secret, or the certificate_chain_*/private_key_* keywords) named in listener_certificates or cluster_certificates: the gateway serves them by SDS, only to clients that proved who they are (other credentials have no place in a shared gateway\'s configuration)';

/** Secret fields set, and host files or variables named, in `data` read as a `typeName` message. */
export function secretMaterial(typeName: string, data: unknown): TenantDataFinding[] {
  const type = findMessageType(typeName);
  const out: TenantDataFinding[] = [];
  if (type === undefined) return out;
  walkTyped(type, data, {
    field: ({ type: owner, field, value, path }) => {
      const name = `${nameOf(owner).slice(1)}.${field.name}`;
      if (isSecretField(owner, field)) {
        out.push({ path, message: `sets ${name}, a field that carries secret material: a Cluster or Listener goes to every xDS client, plaintext TCP included, so it may carry no key, password or token; ${FIX}.` });
        return false;
      }
      const hostPath = HOST_PATHS.get(name);
      if (hostPath !== undefined) {
        out.push({ path, message: `reads ${hostPath} of the Envoy host (${name}): the gateway's configuration comes over xDS from the janitor, and the gateway's own keys live on that host; give the data inline, or leave the field to the janitor.` });
        return false;
      }
      if (!isDataSource(field) || TRUST_ANCHORS.has(name)) return true;
      const items: unknown[] = Array.isArray(value) ? value : [value];
      items.forEach((item, i) => {
        const what = hostSource(item);
        const at = Array.isArray(value) ? `${path}[${i}]` : path;
        if (what !== undefined) out.push({ path: at, message: `reads ${what} of the Envoy host (${name}): Envoy could send its content on, and the gateway's own keys live there; give the data inline (only a validation context's trusted_ca and crl may name a file).` });
      });
      return false;
    },
  });
  return out;
}

/** Paths of every string in `data` (any shape) that holds a PEM private key. */
export function pemKeyPaths(data: unknown, path = ''): string[] {
  if (typeof data === 'string') return holdsPemKey(data) ? [path] : [];
  if (Array.isArray(data)) return data.flatMap((v, i) => pemKeyPaths(v, `${path}[${i}]`));
  if (typeof data !== 'object' || data === null) return [];
  return Object.entries(data).flatMap(([k, v]) => pemKeyPaths(v, path === '' ? k : `${path}.${k}`));
}

/** True when `path` is `outer` or lies inside it. */
function within(path: string, outer: string): boolean {
  return path === outer || path.startsWith(`${outer}.`) || path.startsWith(`${outer}[`);
}

/** Refuse, on `kw`, the secret material and host data `data` carries (never quoting a value). */
export function checkSecretMaterial(r: SectionReader, kw: string, typeName: string, data: Readonly<Record<string, unknown>> | undefined): void {
  if (data === undefined) return;
  const found = secretMaterial(typeName, data);
  for (const f of found) r.report(kw, 'NotAllowed', `${kw} ${f.path} ${f.message}`);
  for (const path of pemKeyPaths(data).filter((p) => !found.some((f) => within(p, f.path) || within(f.path, p)))) {
    r.report(kw, 'NotAllowed', `${kw} ${path} holds a PEM private key: a Cluster or Listener goes to every xDS client, plaintext TCP included; ${FIX}.`);
  }
}
