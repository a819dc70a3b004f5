// The stand-in daemon serving the recorded OpenSVC 2.1 final status, with the certificate web1's
// HTTPS expose names (examples/certs/web.crt and its key): every service of the recording is valid.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../e2e/support.js';
import { recordedStatus } from '../replay/daemon.js';
import { startFakeDaemon, type FakeDaemon } from './fake-daemon/index.js';

export const WEB1_SECRET = 'test/sec/web1-front-cert';

export function startRecordedDaemon(socketPath: string): Promise<FakeDaemon> {
  const pem = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
  const secrets = { [WEB1_SECRET]: { certificate_chain: pem('examples/certs/web.crt'), private_key: pem('examples/certs/web.key') } };
  return startFakeDaemon({ socketPath, status: recordedStatus('final'), secrets });
}
