// The soak's cluster: N services, each an L4 expose on its own port and an HTTPS expose on the
// shared :443 (one vhost, two routes, its own certificate secret), with an instance on two nodes;
// kept as a small model the churn edits, turned into the daemon_status the stand-in publishes.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const CERTS = path.join(import.meta.dirname, '../../test/fixtures/certs');
const PEM = readFileSync(path.join(CERTS, 'server.pem'), 'utf8');
const KEY = readFileSync(path.join(CERTS, 'server.key'), 'utf8');

export interface SoakService {
  readonly index: number;
  port: number;
  prefix: string;
  address: string;
  status: 'up' | 'down';
  /** Bumped by a rotation: the chain gets that many trailing newlines (new content, same certificate). */
  rotation: number;
}

export function servicePath(s: SoakService): string {
  return `soak/svc/s${s.index}`;
}

export function secretPath(s: SoakService): string {
  return `soak/sec/cert${s.index}`;
}

export function secretValues(s: SoakService): Record<string, string> {
  return { certificate_chain: PEM + '\n'.repeat(s.rotation), private_key: KEY };
}

export function newService(index: number): SoakService {
  return { index, port: 5000 + (index % 1000), prefix: '/api', address: `10.${(index >> 8) & 255}.${index & 255}.1`, status: 'up', rotation: 0 };
}

function resources(s: SoakService, node: 'n1' | 'n2'): Record<string, unknown> {
  const address = node === 'n1' ? s.address : s.address.replace(/^10\./, '11.');
  const section = (type: string, info: Record<string, unknown>) => ({ type, status: 'n/a', info });
  return {
    'ip#0': { type: 'ip', status: s.status, info: { ipaddr: address, expose: ['expose#0', 'expose#1'] } },
    'expose#0': section('expose.envoy', { port: s.port, listener_port: 20000 + s.index }),
    'expose#1': section('expose.envoy', { port: 8443, listener_port: 443, vhosts: ['vhost#0'], listener_certificates: ['certificate#0'] }),
    'vhost#0': section('vhost.envoy', { domains: [`s${s.index}.soak.test`], routes: ['route#0', 'route#1'] }),
    'route#0': section('route.envoy', { match_prefix: s.prefix }),
    'route#1': section('route.envoy', { match_prefix: '/' }),
    'certificate#0': section('certificate.tls', { certificate_secret: `cert${s.index}` }),
  };
}

/** The daemon_status the stand-in serves for these services. */
export function daemonStatus(services: readonly SoakService[]): unknown {
  const node = (name: 'n1' | 'n2') => ({
    monitor: { status: 'idle' },
    services: { status: Object.fromEntries(services.map((s) => [servicePath(s), { avail: 'up', kind: 'svc', resources: resources(s, name) }])), config: {} },
  });
  return { monitor: { nodes: { n1: node('n1'), n2: node('n2') }, services: Object.fromEntries(services.map((s) => [servicePath(s), { avail: 'up' }])) } };
}

export function allSecrets(services: readonly SoakService[]): Record<string, Record<string, string>> {
  return Object.fromEntries(services.map((s) => [secretPath(s), secretValues(s)]));
}
