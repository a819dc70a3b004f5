// The Envoy v3 protos, loaded once per process with protobufjs.
//
// The .proto files are not copied into this repository: they ship inside the npm package
// @grpc/grpc-js-xds (its deps/ folder: envoy-api, xds, googleapis, protoc-gen-validate).
// google/protobuf/*.proto come from protobufjs's own bundled descriptors, as proto-loader does.
import { existsSync } from 'node:fs';
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
 * Every message the janitor emits or reads, directly or inside a google.protobuf.Any.
 * A typed_config naming a type not loaded here cannot be validated, so it is refused.
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

/** The shared, fully resolved protobufjs Root. Loading takes a few hundred ms; it happens once. */
export function envoyRoot(): protobuf.Root {
  if (cached) return cached;
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
  root.loadSync([...ENTRY_FILES], { keepCase: true, alternateCommentMode: false });
  root.resolveAll();
  cached = root;
  return root;
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
    try {
      type = envoyRoot().lookupType(fullName);
    } catch {
      type = null;
    }
    messageTypes.set(fullName, type);
  }
  return type ?? undefined;
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
