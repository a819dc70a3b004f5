// The status page's runtime sections: the connected Envoys with their per-type sync state (as the
// xDS engine reports it), and the source with the janitor's recent events.
import type { ClientInfo } from '../xds/registry.js';
import { ADS_ORDER, TYPE, type TypeUrl } from '../xds/types.js';
import type { JanitorEvent } from './events.js';
import { html, type Html } from './html.js';
import { MAX_ROWS, more } from './page-cluster.js';

const SHORT: Record<TypeUrl, string> = { [TYPE.cluster]: 'CDS', [TYPE.endpoint]: 'EDS', [TYPE.secret]: 'SDS', [TYPE.listener]: 'LDS', [TYPE.route]: 'RDS' };
const BADGE: Record<string, string> = { SYNCED: 'ok', STALE: 'warn', NACKED: 'bad' };

/** `42s`, `3m`, `2h`, `5d`: coarse, for a page. */
export function since(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function lastAck(c: ClientInfo): string | undefined {
  let last: string | undefined;
  for (const t of Object.values(c.types)) if (t.lastAckAt !== null && (last === undefined || t.lastAckAt > last)) last = t.lastAckAt;
  return last;
}

export function envoysSection(clients: readonly ClientInfo[], now: number): Html {
  const sorted = [...clients].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : a.streamId - b.streamId));
  const rows = sorted.slice(0, MAX_ROWS).map((c) => {
    const ack = lastAck(c);
    const cells = ADS_ORDER.map((t) => {
      const s = c.types[t];
      return html`<td>${s ? html`<span class="badge ${BADGE[s.sync] ?? ''}">${s.sync}</span>` : html`<span class="muted">-</span>`}</td>`;
    });
    return html`<tr><td><code>${c.nodeId || '(no node yet)'}</code></td><td>${c.nodeCluster}</td><td>${c.service}/${c.variant}/${c.transport}</td>${cells}<td>${ack ? `${since(now - Date.parse(ack))} ago` : 'never'}</td><td>${since(now - Date.parse(c.connectedSince))}</td></tr>`;
  });
  const nacks = sorted.flatMap((c) =>
    ADS_ORDER.flatMap((t) => {
      const s = c.types[t];
      return s?.sync === 'NACKED' && s.lastNack ? [html`<li><code>${c.nodeId}</code> ${SHORT[t]} rejected version <code>${s.lastNack.version || '?'}</code>: <span class="error">${s.lastNack.error}</span></li>`] : [];
    }),
  );
  const head = html`<tr><th>node</th><th>cluster</th><th>stream</th>${ADS_ORDER.map((t) => html`<th>${SHORT[t]}</th>`)}<th>last ACK</th><th>connected</th></tr>`;
  return html`<section id="envoys"><h2>Envoys <span class="count">${clients.length}</span></h2>
${clients.length === 0 ? html`<p class="muted">No Envoy connected.</p>` : html`<div class="scroll"><table><thead>${head}</thead><tbody>${rows}</tbody></table></div>${more(sorted.length, '/clients')}`}
${nacks.length > 0 ? html`<h3>NACKs</h3><ul class="problems">${nacks}</ul>` : ''}
<p class="muted">SYNCED: the Envoy ACKed what is served now. STALE: a response is on its way or not answered yet. NACKED: it refused the latest response (the error above).</p>
</section>`;
}

export function sourceSection(source: { readonly name: string; readonly state: string }, events: readonly JanitorEvent[], now: number): Html {
  const state = source.state === 'live' ? 'ok' : source.state === 'stale' ? 'bad' : 'warn';
  const items = events.map((e) => html`<li class="${e.level}"><time datetime="${e.at}">${since(now - Date.parse(e.at))} ago</time> <span class="badge ${e.level === 'warn' ? 'warn' : 'info'}">${e.kind}</span> ${e.message}</li>`);
  return html`<section id="source"><h2>Source</h2>
<p><code>${source.name}</code> <span class="badge ${state}">${source.state}</span></p>
<h3>Recent events</h3>
${events.length === 0 ? html`<p class="muted">Nothing yet.</p>` : html`<ol class="events">${items}</ol>`}
</section>`;
}
