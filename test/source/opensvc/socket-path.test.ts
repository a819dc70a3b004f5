import { describe, expect, it } from 'vitest';
import { AGENT_SOCKET, CONTAINER_SOCKET, resolveSocketPath } from '../../../src/source/opensvc/socket-path.js';

describe('socket path resolution', () => {
  const none = () => false;
  const container = (p: string) => p === CONTAINER_SOCKET;
  it.each([
    ['the flag wins', '/flag.sock', { OPENSVC_LSNR_SOCK: '/env.sock' }, container, '/flag.sock'],
    ['then OPENSVC_LSNR_SOCK', undefined, { OPENSVC_LSNR_SOCK: '/env.sock' }, container, '/env.sock'],
    ['then the container bind mount if present', undefined, {}, container, '/var/run/lsnr/lsnr.sock'],
    ['else the agent default', undefined, {}, none, '/var/lib/opensvc/lsnr/lsnr.sock'],
    ['an empty variable does not count', undefined, { OPENSVC_LSNR_SOCK: '' }, none, AGENT_SOCKET],
  ])('%s', (_name, flag, env, exists, expected) => {
    expect(resolveSocketPath(flag, env, exists)).toBe(expected);
  });
});
