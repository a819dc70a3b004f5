// The image's HEALTHCHECK: GET /healthz on the janitor's admin server, with node itself (slim
// images have no curl). The address is the one the janitor reads from XDS_ADMIN (default
// 127.0.0.1:9902); a wildcard bind address is asked on loopback. Exit 0 healthy, 1 unhealthy.
const admin = process.env.XDS_ADMIN || '127.0.0.1:9902';

function target(address) {
  if (address === 'none') return undefined;
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = address.slice(at + 1);
  const ask = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${ask.includes(':') ? `[${ask}]` : ask}:${port}/healthz`;
}

const url = target(admin);
if (url === undefined) {
  console.error('healthcheck: the admin server is disabled (XDS_ADMIN=none): run the container with --no-healthcheck');
  process.exit(1);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (!response.ok) console.error(`healthcheck: ${url} answered ${response.status}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`healthcheck: ${url}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
