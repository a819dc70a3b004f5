// The xDS engine's public surface: a resource cache (what to serve) and a gRPC server (how to
// stream it). Generic over resource types: nothing here knows OpenSVC or what a resource means.
export { createResourceCache } from './cache.js';
export type { CacheChange, CacheEvent, CacheListener, CachedResource, ResourceCache } from './cache.js';
export { createXdsServer } from './server.js';
export type { XdsServer, XdsServerOptions } from './server.js';
export type { XdsHooks } from './hooks.js';
export type { ClientInfo, ClientRegistry, NackInfo, ServiceKind, StreamInfo, StreamRecord, SyncState, Transport, TypeResources, TypeStatus, Variant } from './registry.js';
export type { AccessPolicy, Via } from './policy.js';
export { DEFAULT_LIMITS, TEXT_LIMITS } from './limits.js';
export type { XdsLimits } from './limits.js';
export { SocketInUseError } from './listeners.js';
export type { TlsFiles } from './tls.js';
export type { ResourceState, ResourceStatus } from './status.js';
export { ADS_ORDER, FULL_STATE_TYPES, TYPE, WILDCARD_TYPES, isTypeUrl } from './types.js';
export type { ChangeSet, EncodedResource, TypeKey, TypeUrl } from './types.js';
