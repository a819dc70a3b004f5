// --allow-code-extensions through the real CLI: a Lua filter in filter_config_data is refused by
// `xds check` (exit 1, NotAllowed, the flag named), and taken with the flag or its variable, as
// the janitor itself would take it (the Lua filter then served in the listener). The janitor
// warns at startup when the flag is on.
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/commands/check.js';
import { spawnCli, until } from '../e2e/support.js';
import { runCli, writeCluster } from './support.js';

const LUA = `services:
  demo/svc/web:
    endpoints: [127.0.0.1]
    expose#0:
      port: 8080
      listener_port: 10080
      vhosts: [vhost#0]
      filter_config_data:
        http_filters:
          - name: envoy.filters.http.lua
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
              default_source_code: { inline_string: "function envoy_on_request(handle) handle:headers():add('x-lua', '1') end" }
    vhost#0: { domains: [web.demo.test], routes: [route#0] }
    route#0: { match_prefix: / }
`;

describe('--allow-code-extensions', () => {
  const file = writeCluster(LUA);

  it('without it, xds check refuses the Lua filter, naming the field and the flag', async () => {
    const r = await runCli(['check', '--source', `file:${file}`, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.services[0]?.problems).toEqual([
      expect.objectContaining({ section: 'expose#0', keyword: 'filter_config_data', reason: 'NotAllowed', message: expect.stringContaining('http_filters[0].typed_config uses envoy.extensions.filters.http.lua.v3.Lua') }),
    ]);
    expect(report.services[0]?.problems[0]?.message).toContain('--allow-code-extensions');
  });

  it('with the flag, or XDS_ALLOW_CODE_EXTENSIONS, the service is valid and translated with its Lua filter', async () => {
    expect((await runCli(['check', '--source', `file:${file}`, '--allow-code-extensions'])).code).toBe(0);
    expect((await runCli(['check', '--source', `file:${file}`], { XDS_ALLOW_CODE_EXTENSIONS: 'true' })).code).toBe(0);
    const t = await runCli(['translate', '--source', `file:${file}`, '--allow-code-extensions', '-o', 'json']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua');
  });

  it('the janitor warns at startup when the flag is on', async () => {
    const j = spawnCli(['--source', `file:${file}`, '--port', '0', '--admin', 'none', '--janitor-socket', 'none', '--allow-code-extensions']);
    try {
      await j.ports();
      await until(() => j.stdout().includes('--allow-code-extensions'), 5000, 'the startup warning');
      expect(j.stdout()).toMatch(/"level":"warn".*--allow-code-extensions: services' cluster_data\/filter_config_data may run code inside Envoy/);
    } finally {
      j.child.kill('SIGTERM');
      await j.exit;
    }
  });
});
