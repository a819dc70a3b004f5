// Optional callbacks for metrics and admin. Every one is called synchronously from the stream
// code: keep them cheap and never throw.
import type { ClientInfo } from './registry.js';
import type { TypeUrl } from './types.js';

export interface XdsHooks {
  /** Called when the stream opens, before its first request: the node id is still ''. */
  onStreamOpen?(info: ClientInfo): void;
  onStreamClose?(info: ClientInfo): void;
  onAck?(typeUrl: TypeUrl, nodeId: string, version: string): void;
  onNack?(typeUrl: TypeUrl, nodeId: string, version: string, errorMessage: string): void;
  /** A response was handed to gRPC; sentAtMs = Date.now() at that moment. */
  onResponse?(typeUrl: TypeUrl, nodeId: string, resourceCount: number, sentAtMs: number): void;
}
