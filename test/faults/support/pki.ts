// Certificates for the TLS tests, made at test time with openssl (EC P-256, valid two days): a
// CA, server and client certificates it signs, and a second CA with its own client certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export interface Pki {
  readonly dir: string;
  readonly ca: KeyPair;
  readonly otherCa: KeyPair;
  /** A certificate for `localhost` / 127.0.0.1 signed by `ca` (serial given), written to name.pem/name.key. */
  issue(name: string, serial: number, by?: KeyPair): KeyPair;
  read(file: string): Buffer;
  cleanup(): void;
}

const openssl = (cwd: string, args: readonly string[]): void => void execFileSync('openssl', args, { cwd, stdio: 'ignore' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createPki(): Pki {
  const dir = mkdtempSync(path.join(tmpdir(), 'xds-pki-'));
  const file = (name: string) => path.join(dir, name);
  const makeCa = (name: string): KeyPair => {
    openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`]);
    return { cert: file(`${name}.pem`), key: file(`${name}.key`) };
  };
  writeFileSync(file('leaf.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  const ca = makeCa('test-ca');
  const otherCa = makeCa('other-ca');
  return {
    dir, ca, otherCa,
    issue(name, serial, by = ca) {
      openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', by.cert, '-CAkey', by.key, '-set_serial', String(serial), '-days', '2', '-out', `${name}.pem`, '-extfile', 'leaf.cnf']);
      return { cert: file(`${name}.pem`), key: file(`${name}.key`) };
    },
    read: (f) => readFileSync(f),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
