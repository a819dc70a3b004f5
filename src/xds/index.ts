// The xDS engine's public surface: a resource cache (what to serve) and a gRPC server (how to
// stream it). Generic over resource types: nothing here knows OpenSVC or what a resource means.
export { createResourceCache } from './cache.js';
export type { CacheChange, CacheEvent, CacheListener, CachedResource, ResourceCache } from './cache.js';
export { createXdsServer } from './server.js';
export type { XdsServer, XdsServerOptions } from './server.js';
export type { XdsHooks } from './hooks.js';
export type { ClientInfo, ClientRegistry, NackInfo, ServiceKind, SyncState, Transport, TypeStatus, Variant } from './registry.js';
export { ADS_ORDER, FULL_STATE_TYPES, TYPE, WILDCARD_TYPES, isTypeUrl } from './types.js';
export type { ChangeSet, EncodedResource, TypeKey, TypeUrl } from './types.js';
