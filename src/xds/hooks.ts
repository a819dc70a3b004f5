// Optional callbacks for metrics and admin. Every one is called synchronously from the stream
// code: keep them cheap (O(1): no pass over every stream) and never throw.
import type { StreamInfo } from './registry.js';
import type { TypeUrl } from './types.js';

export interface XdsHooks {
  /** Called when the stream opens, before its first request: the node id is still ''. */
  onStreamOpen?(info: StreamInfo): void;
  /** The first request named the node and the access policy admitted the stream (once per stream). */
  onNodeIdentified?(info: StreamInfo): void;
  onStreamClose?(info: StreamInfo): void;
  onAck?(typeUrl: TypeUrl, nodeId: string, version: string): void;
  onNack?(typeUrl: TypeUrl, nodeId: string, version: string, errorMessage: string): void;
  /** A response was handed to gRPC; sentAtMs = Date.now() at that moment. */
  onResponse?(typeUrl: TypeUrl, nodeId: string, resourceCount: number, sentAtMs: number): void;
}
