// The cluster options `check` and `translate` share with the daemon: same flags, variables and
// defaults; a socket flag alone means the OpenSVC source.
import { describe, expect, it } from 'vitest';
import { parseClusterOptions } from '../../src/config.js';

describe('parseClusterOptions', () => {
  it('defaults as the daemon: gateway envoy, the opensvc source, the whole port range', () => {
    expect(parseClusterOptions({}, {})).toEqual({ ok: true, options: { name: 'envoy', portRange: { min: 1025, max: 65535 }, source: { kind: 'opensvc' }, socket: undefined, allowCodeExtensions: false, allowClusterHeader: false } });
  });

  it('reads XDS_SOURCE, XDS_NAME, XDS_SOCKET; a flag wins', () => {
    expect(parseClusterOptions({ name: 'gw2' }, { XDS_SOURCE: 'file:c.yaml', XDS_NAME: 'gw1' })).toMatchObject({ ok: true, options: { name: 'gw2', source: { kind: 'file', path: 'c.yaml' } } });
    expect(parseClusterOptions({}, { XDS_SOCKET: '/s.sock' })).toMatchObject({ ok: true, options: { source: { kind: 'opensvc' }, socket: '/s.sock' } });
  });

  it('--sock alone means opensvc even when XDS_SOURCE names a file; with --source file: it is an error', () => {
    expect(parseClusterOptions({ sock: '/s.sock' }, { XDS_SOURCE: 'file:c.yaml' })).toMatchObject({ ok: true, options: { source: { kind: 'opensvc' }, socket: '/s.sock' } });
    expect(parseClusterOptions({ sock: '/s.sock', source: 'file:c.yaml' }, {})).toEqual({ ok: false, error: 'give --source file:PATH or --sock PATH, not both' });
  });

  it('reads --allow-code-extensions and XDS_ALLOW_CODE_EXTENSIONS, as the daemon does', () => {
    expect(parseClusterOptions({ allowCodeExtensions: true }, {})).toMatchObject({ ok: true, options: { allowCodeExtensions: true } });
    expect(parseClusterOptions({}, { XDS_ALLOW_CODE_EXTENSIONS: 'on' })).toMatchObject({ ok: true, options: { allowCodeExtensions: true } });
    expect(parseClusterOptions({}, { XDS_ALLOW_CODE_EXTENSIONS: 'maybe' })).toEqual({ ok: false, error: '--allow-code-extensions / XDS_ALLOW_CODE_EXTENSIONS: "maybe" is not true or false' });
  });

  it('reads --allow-cluster-header and XDS_ALLOW_CLUSTER_HEADER, as the daemon does', () => {
    expect(parseClusterOptions({ allowClusterHeader: true }, {})).toMatchObject({ ok: true, options: { allowClusterHeader: true } });
    expect(parseClusterOptions({}, { XDS_ALLOW_CLUSTER_HEADER: 'yes' })).toMatchObject({ ok: true, options: { allowClusterHeader: true } });
    expect(parseClusterOptions({}, { XDS_ALLOW_CLUSTER_HEADER: 'sometimes' })).toEqual({ ok: false, error: '--allow-cluster-header / XDS_ALLOW_CLUSTER_HEADER: "sometimes" is not true or false' });
  });

  it('names the flag or variable of a bad value', () => {
    expect(parseClusterOptions({ source: 'http://x' }, {})).toEqual({ ok: false, error: '--source: "http://x" is not opensvc or file:PATH' });
    expect(parseClusterOptions({}, { XDS_NAME: 'bad name' })).toEqual({ ok: false, error: 'XDS_NAME: "bad name" is not a valid gateway name' });
  });
});
