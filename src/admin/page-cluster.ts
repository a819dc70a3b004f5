// The status page's cluster sections: services with their problems and warnings, conflicts and
// who won, listeners and what they route to. Everything from the services' statuses.
import type { Problem } from '../model/types.js';
import type { ServiceStatus } from '../pipeline/index.js';
import { html, type Html } from './html.js';

/** Rows shown per table: a page stays small on a 10,000-service cluster (the JSON pages have all). */
export const MAX_ROWS = 300;

export function more(total: number, link: string): Html {
  return total > MAX_ROWS ? html`<p class="more">${total - MAX_ROWS} more: see <a href="${link}">${link}</a>.</p>` : html``;
}

function problemItem(p: Problem, kind: 'problem' | 'warning'): Html {
  const at = [p.section, p.keyword].filter((s) => s !== undefined && s !== '').join(' ') || 'service';
  return html`<li class="${kind}"><span class="badge ${kind === 'problem' ? 'bad' : 'warn'}">${p.reason}</span> <code>${at}</code> ${p.message}</li>`;
}

function servedCount(s: ServiceStatus): string {
  return `${s.exposes.filter((e) => e.served).length}/${s.exposes.length}`;
}

export function servicesSection(services: readonly ServiceStatus[]): Html {
  const troubled = services.filter((s) => s.problems.length + s.warnings.length > 0);
  const ordered = [...troubled.filter((s) => !s.valid), ...troubled.filter((s) => s.valid), ...services.filter((s) => s.problems.length + s.warnings.length === 0)];
  const cards = troubled.slice(0, MAX_ROWS).map(
    (s) => html`<article class="card" id="svc-${s.path}">
<h3><code>${s.path}</code> ${s.valid ? html`<span class="badge warn">warnings</span>` : html`<span class="badge bad">invalid</span>`} <span class="muted">${s.served ? (s.valid ? 'served' : 'partly served or its last valid definition') : 'not served'}</span></h3>
<ul class="problems">${s.problems.map((p) => problemItem(p, 'problem'))}${s.warnings.map((p) => problemItem(p, 'warning'))}</ul>
</article>`,
  );
  const rows = ordered.slice(0, MAX_ROWS).map(
    (s) => html`<tr><td><code>${s.path}</code></td><td>${s.valid ? html`<span class="badge ok">valid</span>` : html`<span class="badge bad">invalid</span>`}</td><td>${servedCount(s)}</td><td>${s.problems.length}</td><td>${s.warnings.length}</td><td>${s.listeners.map((l, i) => html`${i > 0 ? ', ' : ''}<code>${l}</code>`)}</td></tr>`,
  );
  return html`<section id="services"><h2>Services <span class="count">${services.length}</span></h2>
${troubled.length === 0 ? html`<p class="okline">Every service is valid.</p>` : cards}${more(troubled.length, '/services')}
<div class="scroll"><table><thead><tr><th>service</th><th>status</th><th>exposes served</th><th>problems</th><th>warnings</th><th>listeners</th></tr></thead><tbody>${rows}</tbody></table></div>${more(ordered.length, '/services')}
</section>`;
}

interface ConflictRow {
  readonly loser: string;
  readonly what: string;
  readonly winner: string;
}

export function conflictRows(services: readonly ServiceStatus[]): ConflictRow[] {
  return services.flatMap((s) =>
    s.exposes.flatMap((e) => [
      ...(e.conflict ? [{ loser: `${s.path} ${e.rid}`, what: e.conflict.what, winner: e.conflict.holder }] : []),
      ...e.lostRoutes.map((r) => ({ loser: `${s.path} ${e.rid}`, what: `route ${r.route} on ${r.hostname}`, winner: r.holder })),
    ]),
  );
}

export function conflictsSection(services: readonly ServiceStatus[]): Html {
  const rows = conflictRows(services);
  const body = rows.slice(0, MAX_ROWS).map((r) => html`<tr><td><code>${r.loser}</code></td><td>${r.what}</td><td><code>${r.winner}</code></td></tr>`);
  return html`<section id="conflicts"><h2>Conflicts <span class="count">${rows.length}</span></h2>
${rows.length === 0 ? html`<p class="okline">No conflict: no service asks for what another one holds.</p>` : html`<p class="muted">What is served keeps being served: the newcomer loses only the part that collides.</p>
<div class="scroll"><table><thead><tr><th>lost by</th><th>what</th><th>won by (kept)</th></tr></thead><tbody>${body}</tbody></table></div>${more(rows.length, '/services')}`}
</section>`;
}

export function listenersSection(services: readonly ServiceStatus[]): Html {
  const byListener = new Map<string, { service: string; rid: string; cluster: string; served: boolean }[]>();
  for (const s of services) {
    for (const e of s.exposes) {
      const list = byListener.get(e.listener) ?? [];
      list.push({ service: s.path, rid: e.rid, cluster: e.cluster, served: e.served });
      byListener.set(e.listener, list);
    }
  }
  const names = [...byListener.keys()].sort();
  const rows = names.slice(0, MAX_ROWS).flatMap((name) =>
    (byListener.get(name) ?? []).map(
      (x, i) => html`<tr>${i === 0 ? html`<td rowspan="${(byListener.get(name) ?? []).length}"><code>${name}</code></td>` : ''}<td><code>${x.service}</code> ${x.rid}</td><td><code>${x.cluster}</code></td><td>${x.served ? html`<span class="badge ok">served</span>` : html`<span class="badge bad">not served</span>`}</td></tr>`,
    ),
  );
  return html`<section id="listeners"><h2>Listeners <span class="count">${names.length}</span></h2>
${names.length === 0 ? html`<p class="muted">No listener.</p>` : html`<div class="scroll"><table><thead><tr><th>listener</th><th>expose</th><th>routes to cluster</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>${more(names.length, '/config_dump?type=Listener')}`}
</section>`;
}
