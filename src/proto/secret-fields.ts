// Which fields of the Envoy v3 messages carry secret material: the one rule the janitor keeps on
// it. The refusal of secrets written into a service's cluster_data / filter_config_data
// (src/model/secret-material.ts) and the redaction of `/config_dump` and `xds translate`
// (src/admin/redact.ts) both ask here.
//
// A field is secret when the Envoy protos mark it `(udpa.annotations.sensitive) = true`:
// TlsCertificate private_key, password and pkcs12, TlsSessionTicketKeys keys, GenericSecret secret,
// PrivateKeyProvider typed_config, GoogleGrpc SslCredentials private_key, basic_auth users, redis
// passwords, ext_authz context_extensions, SkyWalking backend_token, file-based gRPC metadata...
// or when it is one of the few the protos leave unmarked that hold credentials just the same
// (UNMARKED below). Fields are found by type, through Anys and TypedStructs (walk.ts), never by a
// JSON key name alone.
import type protobuf from 'protobufjs';
import { bytesOf } from './form.js';
import { findMessageType } from './root.js';
import { walkTyped } from './walk.js';
import { nameOf } from './wkt.js';

const SENSITIVE = '(udpa.annotations.sensitive)';
const DATA_SOURCE = '.envoy.config.core.v3.DataSource';

/** Credentials the protos do not mark sensitive, by `<message full name>.<field>`. */
const UNMARKED: ReadonlySet<string> = new Set([
  'envoy.config.core.v3.GrpcService.GoogleGrpc.CallCredentials.access_token',
  'envoy.config.core.v3.GrpcService.GoogleGrpc.CallCredentials.google_refresh_token',
  'envoy.config.core.v3.GrpcService.GoogleGrpc.CallCredentials.ServiceAccountJWTAccessCredentials.json_key',
  'envoy.config.core.v3.GrpcService.GoogleGrpc.CallCredentials.GoogleIAMCredentials.authorization_token',
  'envoy.config.core.v3.GrpcService.GoogleGrpc.CallCredentials.StsService.subject_token_path',
  'envoy.config.core.v3.GrpcService.GoogleGrpc.CallCredentials.StsService.actor_token_path',
  'envoy.config.trace.v3.LightstepConfig.access_token',
  'envoy.config.trace.v3.LightstepConfig.access_token_file',
  'envoy.extensions.filters.http.aws_lambda.v3.Credentials.secret_access_key',
  'envoy.extensions.filters.http.aws_lambda.v3.Credentials.session_token',
]);

const PEM_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * True when text, or encoded bytes, hold a PEM private key (as text, or a string holding its
 * base64): by content, whatever the field. Only a Secret may (src/pipeline/compile.ts checks the
 * other resources' bytes; src/model/secret-material.ts a service's JSON).
 */
export function holdsPemKey(value: string | Uint8Array): boolean {
  if (typeof value !== 'string') {
    // a view, no copy: every served resource's bytes pass here
    const view = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return view.includes('PRIVATE KEY-----', 0, 'latin1') && PEM_KEY.test(view.toString('latin1'));
  }
  if (PEM_KEY.test(value)) return true;
  const bytes = value.length >= 40 ? bytesOf(value) : undefined;
  return bytes !== undefined && PEM_KEY.test(Buffer.from(bytes).toString('latin1'));
}

/** Replaces a secret value in redacted output. */
export const REDACTED = '[redacted]';

/** True when `field` of `type` carries secret material. */
export function isSecretField(type: protobuf.Type, field: protobuf.Field): boolean {
  if (field.options?.[SENSITIVE] === true) return true;
  return UNMARKED.has(`${nameOf(type).slice(1)}.${field.name}`);
}

/** How a secret field's value is given: inline data, a file or an environment variable of the Envoy host, or otherwise. */
export type SecretForm = 'inline' | 'file' | 'environment' | 'value';

export interface SecretFieldUse {
  /** Where in the message, e.g. `transport_socket.typed_config.common_tls_context.tls_certificates[0].private_key`. */
  readonly path: string;
  /** `<message>.<field>`, e.g. `envoy.extensions.transport_sockets.tls.v3.TlsCertificate.private_key`. */
  readonly field: string;
  /** True when the field is a DataSource (or a list of them). */
  readonly dataSource: boolean;
  readonly forms: readonly SecretForm[];
}

function dataSourceForm(value: unknown): SecretForm {
  if (typeof value !== 'object' || value === null) return 'value';
  const keys = Object.keys(value);
  if (keys.some((k) => k === 'inline_string' || k === 'inline_bytes' || k === 'inlineString' || k === 'inlineBytes')) return 'inline';
  if (keys.includes('filename') || keys.includes('watched_directory') || keys.includes('watchedDirectory')) return 'file';
  if (keys.includes('environment_variable') || keys.includes('environmentVariable')) return 'environment';
  return 'value';
}

/** True when the field is an envoy.config.core.v3.DataSource (or a list of them). */
export function isDataSource(field: protobuf.Field): boolean {
  const resolved = field.resolve().resolvedType;
  return resolved !== null && 'fieldsArray' in resolved && nameOf(resolved) === DATA_SOURCE;
}

function formsOf(field: protobuf.Field, value: unknown): SecretForm[] {
  if (!isDataSource(field)) return ['value'];
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return [...new Set(items.map(dataSourceForm))].sort();
}

/** Every secret field set in `value` read as a `typeName` message (anywhere inside it). */
export function secretFieldsIn(typeName: string, value: unknown): SecretFieldUse[] {
  const type = findMessageType(typeName);
  if (type === undefined) return [];
  const out: SecretFieldUse[] = [];
  walkTyped(type, value, {
    field: (v) => {
      if (!isSecretField(v.type, v.field)) return true;
      out.push({ path: v.path, field: `${nameOf(v.type).slice(1)}.${v.field.name}`, dataSource: isDataSource(v.field), forms: formsOf(v.field, v.value) });
      return false;
    },
  });
  return out;
}

function redactDataSource(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDataSource);
  if (typeof value !== 'object' || value === null) return REDACTED;
  const out: Record<string, unknown> = { ...value };
  for (const key of ['inline_string', 'inline_bytes', 'inlineString', 'inlineBytes']) if (key in out) out[key] = REDACTED;
  return out;
}

type Node = Record<string | number, unknown>;

/**
 * Replace the value at `path` in `root`. Where the path leaves the object tree (inside an encoded
 * Any, whose bytes are a string), the string that holds it is replaced by "[redacted]" instead.
 */
function replaceAt(root: unknown, path: readonly (string | number)[], replace: (v: unknown) => unknown): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    const parent = node as Node;
    const child = parent[seg];
    if (i === path.length - 1) parent[seg] = replace(child);
    else if (typeof child === 'object' && child !== null) node = child;
    else {
      parent[seg] = REDACTED;
      return;
    }
  }
}

/** Path string (walk.ts form) → segments: `a.b[0]["k"].c` → ['a', 'b', 0, 'k', 'c']. */
function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]"]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/**
 * A deep copy of `value` (a `typeName` message, as decoded or as written) with every secret field's
 * value replaced by "[redacted]": a DataSource keeps its kind (`{inline_string: "[redacted]"}`, a
 * file name stays), any other value is replaced whole, and an encoded Any holding one is replaced
 * whole.
 */
export function redactSecretFields(typeName: string, value: unknown): unknown {
  const copy = structuredClone(value);
  for (const use of secretFieldsIn(typeName, copy)) replaceAt(copy, segments(use.path), use.dataSource ? redactDataSource : () => REDACTED);
  return copy;
}
