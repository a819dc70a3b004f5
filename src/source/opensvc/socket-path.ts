// Where the daemon's raw socket is: `--socket/--sock/-S` value, else OPENSVC_LSNR_SOCK, else the
// janitor container's bind mount if present, else the agent's packaged default (reference §1.1).
// Unlike the Python janitor, the file fallbacks are reachable and the flag wins over the environment.

export const CONTAINER_SOCKET = '/var/run/lsnr/lsnr.sock';
export const AGENT_SOCKET = '/var/lib/opensvc/lsnr/lsnr.sock';

export function resolveSocketPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean,
): string {
  if (flag) return flag;
  const fromEnv = env['OPENSVC_LSNR_SOCK'];
  if (fromEnv) return fromEnv;
  return exists(CONTAINER_SOCKET) ? CONTAINER_SOCKET : AGENT_SOCKET;
}
