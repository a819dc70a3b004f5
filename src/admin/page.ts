// The status page at `/`: one self-contained HTML document (inline CSS, no script, no external
// asset), readable on a phone. Every value is escaped (html.ts).
import type { ServiceStatus } from '../pipeline/index.js';
import type { ClientInfo } from '../xds/registry.js';
import type { JanitorEvent } from './events.js';
import { html, type Html } from './html.js';
import { conflictRows, conflictsSection, listenersSection, servicesSection } from './page-cluster.js';
import { envoysSection, sourceSection } from './page-envoys.js';

export interface PageFacts {
  readonly gateway: string;
  readonly version: string;
  /** Date.now() of the rendering. */
  readonly now: number;
  readonly readiness: { readonly ready: boolean; readonly reasons: readonly string[] };
  readonly source: { readonly name: string; readonly state: string };
  readonly services: readonly ServiceStatus[];
  readonly clients: readonly ClientInfo[];
  readonly events: readonly JanitorEvent[];
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2430; --muted: #5d6675; --bg: #f6f7f9; --card: #fff; --line: #dde1e7;
  --ok: #17803d; --warn: #a35d00; --bad: #c0262d; --info: #2c5cc5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --muted: #9aa3b2; --bg: #14171c; --card: #1d2129; --line: #333a46;
  --ok: #4cc470; --warn: #f0a53a; --bad: #ff6b6f; --info: #7aa2ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: anywhere; }
header, main { max-width: 72rem; margin: 0 auto; padding: 0.75rem 1rem; }
header { border-bottom: 1px solid var(--line); }
h1 { font-size: 1.3rem; margin: 0.2rem 0; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 0.5rem; }
h3 { font-size: 1rem; margin: 0.6rem 0 0.3rem; word-break: break-word; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; }
td code { white-space: nowrap; }
a { color: var(--info); }
nav { display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; }
.muted { color: var(--muted); }
.count { color: var(--muted); font-weight: normal; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: 0.6rem; margin: 0.8rem 0; }
.summary div, .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 0.6rem 0.8rem; }
.summary b { display: block; font-size: 1.4rem; }
.card { margin: 0.6rem 0; }
.scroll { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: normal; }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); } .info { color: var(--info); }
li.problem, li.warning, .events li { color: var(--fg); }
.problems, .events { padding-left: 1.1rem; margin: 0.3rem 0; }
.problems li, .events li { margin: 0.25rem 0; word-break: break-word; }
.error { color: var(--bad); }
.okline { color: var(--ok); }
.more { color: var(--muted); font-size: 0.9rem; }
`;

function readinessBadge(r: PageFacts['readiness']): Html {
  return r.ready ? html`<span class="badge ok">ready</span>` : html`<span class="badge bad">not ready</span> <span class="muted">${r.reasons.join('; ')}</span>`;
}

function summary(f: PageFacts): Html {
  const invalid = f.services.filter((s) => !s.valid).length;
  const listeners = new Set(f.services.flatMap((s) => s.exposes.map((e) => e.listener))).size;
  const notSynced = f.clients.filter((c) => Object.values(c.types).some((t) => t.sync !== 'SYNCED')).length;
  const conflicts = conflictRows(f.services).length;
  return html`<div class="summary">
<div><b>${f.services.length}</b>services${invalid > 0 ? html`, <span class="bad">${invalid} invalid</span>` : ''}</div>
<div><b>${conflicts}</b>conflicts</div>
<div><b>${listeners}</b>listeners</div>
<div><b>${f.clients.length}</b>Envoy streams${notSynced > 0 ? html`, <span class="warn">${notSynced} not synced</span>` : ''}</div>
</div>`;
}

export function statusPage(f: PageFacts): string {
  const at = new Date(f.now).toISOString();
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>xds · ${f.gateway}</title>
<style>${STYLE}</style></head>
<body><header>
<h1>xds janitor · gateway <code>${f.gateway}</code></h1>
<p>${readinessBadge(f.readiness)} source <code>${f.source.name}</code> <span class="badge ${f.source.state === 'live' ? 'ok' : f.source.state === 'stale' ? 'bad' : 'warn'}">${f.source.state}</span> <span class="muted">version ${f.version} · <time datetime="${at}">${at}</time></span></p>
<nav><a href="#services">services</a><a href="#conflicts">conflicts</a><a href="#listeners">listeners</a><a href="#envoys">Envoys</a><a href="#source">events</a><a href="/">reload</a></nav>
</header>
<main>
${summary(f)}
${servicesSection(f.services)}
${conflictsSection(f.services)}
${listenersSection(f.services)}
${envoysSection(f.clients, f.now)}
${sourceSection(f.source, f.events, f.now)}
<p class="muted">Read-only. The same facts as JSON: <a href="/services">/services</a> · <a href="/clients">/clients</a> · <a href="/config_dump">/config_dump</a> · <a href="/readyz">/readyz</a> · <a href="/metrics">/metrics</a></p>
</main></body></html>`.text}\n`;
}
