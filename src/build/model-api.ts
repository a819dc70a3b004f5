// The one place the rebuild orchestration meets the model (src/model/): its public functions
// behind the ModelApi interface, with the janitor's --port-range.
import { allocatePorts, buildService, isScalerSlave, portKey, portRequests, referencedSecrets, resolveConflicts, scalerSlavePaths, usedListenerPorts } from '../model/index.js';
import { splitPath } from '../model/names.js';
import type { ClusterState, ServiceState } from '../source/types.js';
import type { ModelApi, PortAllocation } from './types.js';

export function createModelApi(range: { readonly min: number; readonly max: number }): ModelApi {
  return {
    isService: (state, path) => splitPath(path).kind === 'svc' && !isScalerSlave(state, path),
    referencedSecrets,
    needsPort(state, path, gateway) {
      // the service and its scaler slaves alone: work proportional to the service, not the cluster
      const own = [path, ...scalerSlavePaths(state, path)].flatMap((p): [string, ServiceState][] => {
        const svc = state.services.get(p);
        return svc ? [[p, svc]] : [];
      });
      const alone: ClusterState = { services: new Map(own) };
      return portRequests(alone, gateway).length > 0;
    },
    buildService,
    resolveConflicts,
    allocatePorts(state, gateway, envoyPorts, previous) {
      const requests = portRequests(state, gateway);
      if (requests.length === 0) return { allocations: [], problems: [] };
      const { ports, problems } = allocatePorts({
        requests,
        used: usedListenerPorts(state, gateway),
        envoyPorts,
        range,
        previous: new Map(previous.map((a) => [portKey(a.service, a.rid), a.port])),
      });
      const allocations: PortAllocation[] = requests.flatMap((r) => {
        const port = ports.get(portKey(r.service, r.rid));
        return port === undefined ? [] : [{ service: r.service, rid: r.rid, port }];
      });
      return { allocations, problems };
    },
  };
}
