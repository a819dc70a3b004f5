// Issue 11: --read-only never writes to the cluster. A janitor started with the flags an operator
// gives (--sock, --read-only) follows the OpenSVC stand-in over its real unix socket; an expose asks
// listener_port 0: the port is allocated and served, and no service_action reaches the daemon,
// neither then nor after the service changes again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../src/pipeline/index.js';
import { TYPE } from '../../src/xds/types.js';
import { ROOT, getJson, startTestJanitor, until, type RunningJanitor } from '../e2e/support.js';
import { connectEnvoyView, type EnvoyView } from '../replay/envoy-view.js';
import { tempSocket } from '../source/opensvc/helpers.js';
import { startFakeDaemon, type FakeDaemon } from '../support/fake-daemon/index.js';

const FINAL = path.join(ROOT, 'test/fixtures/opensvc-v2.1/daemon_status.final.json');
const SECRET = 'test/sec/web1-front-cert';
const pem = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

type Info = Record<string, unknown>;
type Status = { monitor: { nodes: { vm: { services: { status: Record<string, { resources: Record<string, { info: Info }> }> } } } } };

/** The recorded final status with expose#2 asking for a port, and expose#0 on `backend`. */
function status(backend: number): Status {
  const s = JSON.parse(readFileSync(FINAL, 'utf8')) as Status;
  const resources = s.monitor.nodes.vm.services.status['test/svc/web1']?.resources;
  if (resources?.['expose#0'] === undefined || resources['expose#2'] === undefined) throw new Error('the recording changed');
  resources['expose#0'].info['port'] = backend;
  resources['expose#2'].info['listener_port'] = 0;
  return s;
}

describe('--read-only on the OpenSVC source (issue 11)', () => {
  let daemon: FakeDaemon | undefined;
  let janitor: RunningJanitor | undefined;
  let view: EnvoyView | undefined;
  let cleanup = (): void => undefined;
  afterEach(async () => {
    view?.close();
    await janitor?.close();
    await daemon?.close();
    cleanup();
  });

  it('allocates and serves listener_port 0, and sends no service_action to the daemon', async () => {
    const sock = tempSocket();
    cleanup = sock.cleanup;
    const secrets = { [SECRET]: { certificate_chain: pem('examples/certs/web.crt'), private_key: pem('examples/certs/web.key') } };
    daemon = await startFakeDaemon({ socketPath: sock.path, status: status(80), secrets });
    janitor = await startTestJanitor({ sock: sock.path, name: 'gw', readOnly: true, portRange: '2000-3000' });
    await janitor.janitor.ready;
    view = await connectEnvoyView(janitor.xds, 'envoy', 'delta');
    const v = view;
    await until(() => v.names(TYPE.listener).includes('0.0.0.0:2000/tcp'), 5000, 'the allocated listener');
    expect(JSON.stringify(v.message(TYPE.listener, '0.0.0.0:2000/tcp'))).toContain('"cluster":"test/svc/web1.expose#2"');
    const web1 = ((await getJson(`${janitor.admin}/services`)).body as ServiceStatus[]).find((s) => s.path === 'test/svc/web1');
    expect(web1?.exposes.find((e) => e.rid === 'expose#2')).toMatchObject({ listener: '0.0.0.0:2000/tcp', served: true, current: true });

    // the service changes again: followed and served, the allocation kept, still nothing written
    daemon.setStatus(status(81));
    await until(() => v.held(TYPE.endpoint).size > 0 && JSON.stringify(v.message(TYPE.endpoint, 'test/svc/web1.expose#0')).includes('"port_value":81'), 5000, 'the change');
    expect(v.names(TYPE.listener)).toContain('0.0.0.0:2000/tcp');
    expect(daemon.count('service_action')).toBe(0);
    expect(daemon.actions).toEqual([]);
    const said = janitor.log().split('\n').filter((l) => l.includes('listener port allocated'));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0] ?? '{}')).toMatchObject({ service: 'test/svc/web1', rid: 'expose#2', port: 2000, why: '--read-only', msg: 'listener port allocated, kept in memory (not written to the cluster)' });
  });
});
