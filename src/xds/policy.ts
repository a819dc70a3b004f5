// Who may open a stream and receive what: a policy the embedding program gives the server. The
// engine asks it, it never decides alone; without a policy everything is allowed. The policy
// sees only what the engine knows of a stream (node id and cluster, transport, whether a client
// certificate was verified), resource type URLs and names: nothing of what a resource means.
import type { StreamInfo } from './registry.js';
import type { TypeUrl } from './types.js';

/** How a stream asked for a resource: by its name, or through a wildcard subscription. */
export type Via = 'name' | 'wildcard';

export interface AccessPolicy {
  /**
   * At the stream's first request, once its node is known. undefined admits the stream; a
   * sentence refuses it: the stream ends with PERMISSION_DENIED and that sentence.
   */
  admit?(stream: StreamInfo): string | undefined;
  /**
   * May the stream receive this resource? undefined: yes. A sentence withholds it: the client is
   * told what it would be told of a name that does not exist, and the sentence is logged once per
   * stream and type. Called for every resource a push considers: keep it O(1).
   */
  withhold?(stream: StreamInfo, typeUrl: TypeUrl, name: string, via: Via): string | undefined;
}
