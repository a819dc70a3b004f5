// `xds status`: like `istioctl proxy-status`, each Envoy connected to a running janitor (its admin
// /clients), per type SYNCED / STALE / NACKED against what is served now (the xDS engine decides,
// see src/xds/state.ts), the NACK errors, and how long since the last ACK.
// Exit 0 when the janitor answered; 1 when it cannot be reached; 2 on a usage error.
import { Option, type Command } from 'commander';
import { parseHostPort } from '../config.js';
import type { ClientInfo } from '../xds/registry.js';
import { EXIT, commandOptions, outputOption, usageError, type CommandContext } from './context.js';
import { formatStatus, proxyStatus } from './status-format.js';

type StatusOptions = { readonly admin?: string; readonly output: 'table' | 'json' };

const DEFAULT_ADMIN = '127.0.0.1:9902';
const TIMEOUT_MS = 5000;

/** `ADDR:PORT` (as --admin takes it) or an http(s) URL → the admin base URL. */
function adminUrl(text: string, origin: string): string {
  if (/^https?:\/\//.test(text)) return text.replace(/\/+$/, '');
  const { host, port } = parseHostPort(text, origin);
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function fetchClients(base: string): Promise<ClientInfo[]> {
  const response = await fetch(`${base}/clients`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${base}/clients answered ${response.status}`);
  const body: unknown = await response.json();
  if (!Array.isArray(body)) throw new Error(`${base}/clients did not answer a list of clients`);
  return body as ClientInfo[];
}

export function statusCommand(parent: Command, ctx: CommandContext): void {
  const command = parent
    .command('status')
    .description("each Envoy connected to a running janitor: node, cluster, stream, per type SYNCED / STALE / NACKED against what is served now (with the NACK's error), and the time since its last ACK")
    .addOption(new Option('--admin <addr:port>', `the janitor's admin address, or its URL (default: ${DEFAULT_ADMIN}, env: XDS_ADMIN)`))
    .addOption(outputOption(['table', 'json'], 'table'));
  command.action(() =>
    ctx.run(async () => {
      const o = commandOptions<StatusOptions>(command);
      const fromEnv = ctx.env['XDS_ADMIN'] || undefined;
      const text = o.admin ?? fromEnv ?? DEFAULT_ADMIN;
      let base: string;
      try {
        base = adminUrl(text, o.admin !== undefined ? '--admin' : fromEnv !== undefined ? 'XDS_ADMIN' : '--admin');
      } catch (error) {
        return usageError(ctx, error instanceof Error ? error.message : String(error));
      }
      let clients: ClientInfo[];
      try {
        clients = await fetchClients(base);
      } catch (error) {
        const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        ctx.stderr(`xds: cannot read the janitor's clients from ${base}: ${why}\n`);
        return EXIT.problems;
      }
      const now = Date.now();
      const status = proxyStatus(base, clients, now);
      ctx.stdout(o.output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      return EXIT.ok;
    }),
  );
}
