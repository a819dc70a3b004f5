// Which Envoy extensions a service's own JSON (cluster_data, filter_config_data) may instantiate.
//
// Extensions that run code the tenant writes are refused unless the operator trusts every tenant
// (`--allow-code-extensions`): Lua (HTTP filter, cluster specifier, string matcher), Wasm (HTTP and
// network filters, access loggers, stat sinks, services), Go (golang filters, cluster specifiers)
// and dynamic modules: any type whose proto package has a `lua`, `wasm`, `golang` or
// `dynamic_modules` part. Such code runs inside the gateway's Envoy: Lua's `io` reads any file
// Envoy can read (its own xDS client key included) and `httpCall` reaches any cluster; no check
// of the gateway can see inside a script. CEL expressions (RBAC conditions, formatters) have no
// I/O and stay allowed.
//
// Always refused, flag or not, because the gateway could not check what they bring: a typed_config
// given as a google.protobuf.Struct (Envoy then picks the extension by its name, and reads the
// Struct unchecked), a TypedStruct whose type_url names a type the gateway's protos do not have,
// and `config_discovery` (the configuration would come later from elsewhere).
import { findMessageType } from '../proto/root.js';
import { walkTyped } from '../proto/walk.js';
import { nameOf } from '../proto/wkt.js';
import type { SectionReader } from './scope.js';
import type { TenantDataFinding } from './secret-material.js';

const CODE_PARTS: ReadonlySet<string> = new Set(['lua', 'wasm', 'golang', 'dynamic_modules']);
const STRUCT = 'google.protobuf.Struct';
const EXTENSION_CONFIG_SOURCE = '.envoy.config.core.v3.ExtensionConfigSource';

/** True when a type URL or message full name is of an extension that runs tenant code. */
export function isCodeExtension(typeUrlOrName: string): boolean {
  const name = typeUrlOrName.slice(typeUrlOrName.lastIndexOf('/') + 1);
  return name.split('.').some((part) => CODE_PARTS.has(part));
}

export interface ExtensionFindings {
  /** Code-running extensions (allowed by the flag). */
  readonly code: readonly TenantDataFinding[];
  /** Configurations the gateway cannot check (always refused). */
  readonly unchecked: readonly TenantDataFinding[];
}

function typeName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** The code-running extensions and the unchecked configurations in `data`, read as a `typeName` message. */
export function extensionFindings(messageName: string, data: unknown): ExtensionFindings {
  const type = findMessageType(messageName);
  const code: TenantDataFinding[] = [];
  const unchecked: TenantDataFinding[] = [];
  if (type === undefined) return { code, unchecked };
  const codeMessage = (path: string, url: string): TenantDataFinding => ({ path, message: `uses ${typeName(url)}, an extension that runs code inside the gateway's Envoy (it can read Envoy's files, its keys included, and reach any cluster): allowed only when the operator trusts every tenant (--allow-code-extensions).` });
  walkTyped(type, data, {
    typeUrl: ({ url, type: inner, path, field, via }) => {
      if (isCodeExtension(url)) code.push(codeMessage(path, url));
      if (via === 'typed_struct' && (inner === undefined || typeName(url) === STRUCT)) unchecked.push({ path, message: `is a TypedStruct of ${url === '' ? 'no type' : typeName(url)}, which the gateway cannot check: give the extension's own "@type" and its fields.` });
      else if (via === 'any' && field === 'typed_config' && typeName(url) === STRUCT) unchecked.push({ path, message: `is a google.protobuf.Struct: Envoy would pick the extension by its name and read the Struct unchecked; give the extension's own "@type" and its fields.` });
    },
    field: ({ field, path }) => {
      const resolved = field.resolve().resolvedType;
      if (resolved === null || !('fieldsArray' in resolved) || nameOf(resolved) !== EXTENSION_CONFIG_SOURCE) return true;
      unchecked.push({ path, message: 'fetches the configuration at run time from a discovery service, where the gateway cannot check it: give the extension its typed_config.' });
      return false;
    },
  });
  return { code, unchecked };
}

/** Refuse, on `kw`, what `data` would make Envoy run or load unchecked (code extensions unless `allowCode`). */
export function checkExtensions(r: SectionReader, kw: string, messageName: string, data: Readonly<Record<string, unknown>> | undefined, allowCode: boolean): void {
  if (data === undefined) return;
  const found = extensionFindings(messageName, data);
  for (const f of [...(allowCode ? [] : found.code), ...found.unchecked]) r.report(kw, 'NotAllowed', `${kw} ${f.path} ${f.message}`);
}
