// The PEM material of test/fixtures/certs (see its README).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SecretValues } from '../../../src/source/types.js';

const dir = fileURLToPath(new URL('../../fixtures/certs/', import.meta.url));
const read = (name: string): string => readFileSync(`${dir}${name}`, 'utf8');

export const pem = {
  ca: read('ca.pem'),
  server: read('server.pem'),
  serverChain: read('server-chain.pem'),
  serverKey: read('server.key'),
  serverEncryptedKey: read('server-encrypted.key'),
  otherKey: read('other.key'),
};

export const goodTls: SecretValues = { certificate_chain: pem.serverChain, private_key: pem.serverKey };

/** A secrets lookup over a fixed table. */
export function secretsFrom(table: Record<string, SecretValues>): (path: string) => SecretValues | undefined {
  return (path) => table[path];
}
