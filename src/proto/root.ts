// The Envoy v3 protos, loaded once per process with protobufjs.
//
// The .proto files are not copied into this repository: they ship inside the npm package
// @grpc/grpc-js-xds (its deps/ folder: envoy-api, xds, googleapis, protoc-gen-validate).
// google/protobuf/*.proto come from protobufjs's own bundled descriptors, as proto-loader does.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** Folders searched for imports, in order. */
export function protoIncludeDirs(): string[] {
  const xdsPkg = path.dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const deps = path.join(xdsPkg, 'deps');
  return [
    path.join(deps, 'envoy-api'),
    path.join(deps, 'xds'),
    path.join(deps, 'googleapis'),
    path.join(deps, 'protoc-gen-validate'),
  ];
}

/**
 * Every message the janitor emits or reads, directly or inside a google.protobuf.Any, loaded at
 * start. Every other Envoy extension the package ships (HTTP filters such as rbac, cors, lua,
 * ext_authz, local rate limit; load balancing and health check extensions, ...) is loaded when a
 * type URL first names it (loadPackageOf): start-up stays as fast, and a typed_config naming a
 * type the package does not ship is refused.
 */
export const ENTRY_FILES: readonly string[] = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/service/listener/v3/lds.proto',
  'envoy/service/route/v3/rds.proto',
  'envoy/service/cluster/v3/cds.proto',
  'envoy/service/endpoint/v3/eds.proto',
  'envoy/service/secret/v3/sds.proto',
  'envoy/service/status/v3/csds.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/udp/udp_proxy/v3/udp_proxy.proto',
  'envoy/extensions/filters/udp/udp_proxy/v3/route.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/load_balancing_policies/random/v3/random.proto',
];

let cached: protobuf.Root | undefined;
const LOAD_OPTIONS = { keepCase: true, alternateCommentMode: false } as const;

function newRoot(): protobuf.Root {
  const dirs = protoIncludeDirs();
  const root = new protobuf.Root();
  const wellKnown = path.join(path.dirname(require.resolve('protobufjs/package.json')), 'google', 'protobuf');
  root.resolvePath = (_origin: string, target: string): string | null => {
    if (target.startsWith('google/protobuf/')) {
      // protobufjs ships the well-known types (descriptor.proto included) as JSON/proto files.
      return path.join(wellKnown, path.basename(target));
    }
    for (const dir of dirs) {
      const candidate = path.join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return target;
  };
  return root;
}

/** The shared, fully resolved protobufjs Root. Loading takes a few hundred ms; it happens once. */
export function envoyRoot(): protobuf.Root {
  if (cached) return cached;
  const root = newRoot();
  root.loadSync([...ENTRY_FILES], LOAD_OPTIONS);
  root.resolveAll();
  cached = root;
  return root;
}

/** Package folders already loaded (or found unusable), by absolute path. */
const packagesTried = new Set<string>();

const shipped = new Map<string, boolean>();

/** Where an import resolves in the include folders, or undefined (google/protobuf/* always resolves). */
function findProto(file: string): string | undefined {
  if (file.startsWith('google/protobuf/')) return file;
  return protoIncludeDirs().map((d) => path.join(d, file)).find((p) => existsSync(p));
}

/** True when `file` and everything it imports are shipped (some extensions import protos the package lacks, e.g. OpenTelemetry's). */
function importsShipped(file: string, seen = new Set<string>()): boolean {
  const known = shipped.get(file);
  if (known !== undefined) return known;
  if (seen.has(file)) return true;
  seen.add(file);
  const found = findProto(file);
  let ok = found !== undefined;
  if (found !== undefined && !file.startsWith('google/protobuf/')) {
    for (const m of readFileSync(found, 'utf8').matchAll(/^import\s+(?:public\s+)?"([^"]+)";/gm)) {
      if (!importsShipped(m[1] ?? '', seen)) ok = false;
    }
  }
  shipped.set(file, ok);
  return ok;
}

/**
 * Load the package a full name belongs to (its folder of .proto files, as the Envoy API lays them
 * out: package `envoy.extensions.filters.http.rbac.v3` is `envoy/extensions/filters/http/rbac/v3/`).
 * Files that cannot load (their imports are not shipped) are left out. True when types were added.
 */
export function loadPackageOf(fullName: string): boolean {
  const parts = fullName.split('.');
  for (let k = parts.length - 1; k >= 1; k--) {
    const rel = parts.slice(0, k).join('/');
    for (const dir of protoIncludeDirs()) {
      const abs = path.join(dir, rel);
      if (!existsSync(abs) || !statSync(abs).isDirectory()) continue;
      if (packagesTried.has(abs)) return false;
      packagesTried.add(abs);
      const files = readdirSync(abs).filter((f) => f.endsWith('.proto')).map((f) => path.join(rel, f).split(path.sep).join('/')).filter((f) => importsShipped(f));
      if (files.length === 0) return false;
      const root = envoyRoot();
      root.loadSync(files, LOAD_OPTIONS);
      root.resolveAll();
      for (const [name, type] of messageTypes) if (type === null) messageTypes.delete(name);
      return true;
    }
  }
  return false;
}

/** Every extension package folder the package ships (`envoy/extensions/.../vN`), for tests and checks. */
export function extensionPackages(): string[] {
  const base = path.join(protoIncludeDirs()[0] ?? '', 'envoy', 'extensions');
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir);
    if (entries.some((e) => e.endsWith('.proto'))) out.push(path.relative(protoIncludeDirs()[0] ?? '', dir).split(path.sep).join('.'));
    for (const e of entries) if (statSync(path.join(dir, e)).isDirectory()) walk(path.join(dir, e));
  };
  walk(base);
  return out.sort();
}

const messageTypes = new Map<string, protobuf.Type | null>();

/**
 * The message type named `fullName` (e.g. `envoy.config.listener.v3.Listener`), or undefined when
 * it is not loaded. Remembered per name: the encoder, the validator and request decoding ask for
 * the same few types over and over.
 */
export function findMessageType(fullName: string): protobuf.Type | undefined {
  let type = messageTypes.get(fullName);
  if (type === undefined) {
    type = lookup(fullName);
    if (type === null && loadPackageOf(fullName)) type = lookup(fullName);
    messageTypes.set(fullName, type);
  }
  return type ?? undefined;
}

function lookup(fullName: string): protobuf.Type | null {
  try {
    return envoyRoot().lookupType(fullName);
  } catch {
    return null;
  }
}

/** Look a message type up by its full name, e.g. `envoy.config.listener.v3.Listener`; throws when not loaded. */
export function messageType(fullName: string): protobuf.Type {
  const type = findMessageType(fullName);
  if (!type) throw new Error(`no such type: ${fullName}`);
  return type;
}

/** `type.googleapis.com/<full name>` → the message type, or undefined when it is not loaded. */
export function typeForUrl(typeUrl: string): protobuf.Type | undefined {
  return findMessageType(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
}
