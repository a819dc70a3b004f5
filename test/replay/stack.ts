// One replay stack: the stand-in daemon on a recorded status, the secret shim in front of it, the
// janitor started from the flags an operator gives, and two Envoy-like clients (Delta and SotW).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startTestJanitor, type RunningJanitor } from '../e2e/support.js';
import type { FakeDaemon } from '../support/fake-daemon/index.js';
import { startRecordedDaemon, startSecretShim, type SecretShim } from './daemon.js';
import { connectEnvoyView, type EnvoyView } from './envoy-view.js';

export const SECRET = 'test/sec/web1-front-cert';
export const SDS = `tls_certificate/${SECRET}`;
export const WEB1 = 'test/svc/web1';
export const HTTPS = '0.0.0.0:443/tcp';
/** The TLS chain's own RouteConfiguration: the listener, then the expose (its cluster name). */
export const HTTPS_ROUTES = `${HTTPS}/test/svc/web1.expose#1`;
export const cert = (file: string): string => readFileSync(path.join(ROOT, 'test/fixtures/certs', file), 'utf8');
/** The secret as `gen cert` left it (a web1.acme.org pair), and its chain after `change --key certificate_chain`. */
export const SECRETS = { [SECRET]: { certificate_chain: cert('server.pem'), private_key: cert('server.key') } };
export const ROTATED = cert('server-chain.pem'); // same key, the chain now carries the CA

export interface Stack {
  readonly daemon: FakeDaemon;
  readonly shim: SecretShim;
  readonly janitor: RunningJanitor;
  /** [Delta, SotW] */
  readonly views: readonly EnvoyView[];
  cleanup(): Promise<void>;
}

export interface DaemonSide {
  readonly daemon: FakeDaemon;
  readonly shim: SecretShim;
  close(): Promise<void>;
}

/** The stand-in daemon on a recorded status, with the secret shim in front of it. */
export async function startDaemonSide(status: unknown, secrets: typeof SECRETS): Promise<DaemonSide> {
  const { daemon, cleanup } = await startRecordedDaemon(status, secrets);
  const shim = await startSecretShim(daemon.socketPath);
  return {
    daemon, shim,
    async close() {
      await shim.close();
      await daemon.close();
      cleanup();
    },
  };
}

export async function startStack(status: unknown, secrets: typeof SECRETS): Promise<Stack> {
  const side = await startDaemonSide(status, secrets);
  // the flags an operator gives (`--sock`: the spelling of the OpenSVC templates); no gateway keyword
  // in the recorded exposes, so any name serves them; Envoy's admin port is a closed one
  // the Envoy-like clients read secrets over TCP without mutual TLS: the operator's explicit opt-in
  const janitor = await startTestJanitor({ sock: side.shim.socketPath, name: 'gw1', portRange: '1025-65535', insecureSdsOverTcp: true });
  await janitor.janitor.ready;
  const views = [await connectEnvoyView(janitor.xds, 'envoy-delta', 'delta'), await connectEnvoyView(janitor.xds, 'envoy-sotw', 'sotw')];
  return {
    daemon: side.daemon, shim: side.shim, janitor, views,
    async cleanup() {
      for (const v of views) v.close();
      await janitor.close();
      await side.close();
    },
  };
}
