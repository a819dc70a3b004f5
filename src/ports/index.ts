// Listener ports, one owner: what exposes use (requests.ts), the table of taken ports (table.ts),
// the gateway's book of uses and allocations (book.ts), Envoy's own listeners (envoy.ts), and the
// write-back of allocations to the cluster (writeback.ts).
export { exposePorts, type ExposePort } from './requests.js';
export { allocatedPort, allocatePorts, createPortBook, pendingRequests, updateServicePorts, type Allocation, type ListenAddress, type PortBook } from './book.js';
export { envoyListenerPorts } from './envoy.js';
export { createWriteBacks, type PortWriter, type WriteBacks, type WriteBackState } from './writeback.js';
