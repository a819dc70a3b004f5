// The gRPC service definitions, built by hand: requests stay raw bytes (decoded by the session),
// responses are bytes framed by wire.ts, so grpc-js never re-serializes anything.
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type { ServiceKind, Variant } from './registry.js';
import { TYPE, type TypeUrl } from './types.js';

export interface XdsMethod {
  readonly service: ServiceKind;
  readonly variant: Variant;
  readonly fixedType: TypeUrl | undefined;
  readonly name: string;
}

export interface XdsService {
  readonly fullName: string;
  readonly methods: readonly XdsMethod[];
}

const method = (service: ServiceKind, variant: Variant, fixedType: TypeUrl | undefined, name: string): XdsMethod =>
  ({ service, variant, fixedType, name });

function perType(service: ServiceKind, fullName: string, typeUrl: TypeUrl, noun: string): XdsService {
  return {
    fullName,
    methods: [method(service, 'sotw', typeUrl, `Stream${noun}`), method(service, 'delta', typeUrl, `Delta${noun}`)],
  };
}

export const XDS_SERVICES: readonly XdsService[] = [
  {
    fullName: 'envoy.service.discovery.v3.AggregatedDiscoveryService',
    methods: [
      method('ads', 'sotw', undefined, 'StreamAggregatedResources'),
      method('ads', 'delta', undefined, 'DeltaAggregatedResources'),
    ],
  },
  perType('lds', 'envoy.service.listener.v3.ListenerDiscoveryService', TYPE.listener, 'Listeners'),
  perType('rds', 'envoy.service.route.v3.RouteDiscoveryService', TYPE.route, 'Routes'),
  perType('cds', 'envoy.service.cluster.v3.ClusterDiscoveryService', TYPE.cluster, 'Clusters'),
  perType('eds', 'envoy.service.endpoint.v3.EndpointDiscoveryService', TYPE.endpoint, 'Endpoints'),
  perType('sds', 'envoy.service.secret.v3.SecretDiscoveryService', TYPE.secret, 'Secrets'),
];

const identity = (b: Buffer): Buffer => b;

/** A bidirectional-streaming method whose messages are raw bytes. */
export function rawMethod(fullService: string, name: string): MethodDefinition<Buffer, Buffer> {
  return {
    path: `/${fullService}/${name}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: name,
  };
}

export function serviceDefinition(service: XdsService): ServiceDefinition {
  const def: Record<string, MethodDefinition<Buffer, Buffer>> = {};
  for (const m of service.methods) def[m.name] = rawMethod(service.fullName, m.name);
  return def;
}
