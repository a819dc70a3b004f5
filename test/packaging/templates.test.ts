// The OpenSVC service templates agree with the rest of the repository: one gateway_name default,
// the janitor's own --name default; the Envoy image pinned to a patch release; the janitor image
// tagged with package.json's version, as docker/Dockerfile labels it; the sockets where the
// janitor and docker/envoy.yaml expect them; the users that can open them; and the README's table
// of the templates' defaults says the same.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAGS } from '../../src/flags.js';
import { ROOT, packageJson } from './support.js';

type Conf = Map<string, Map<string, string>>;

/** An OpenSVC service configuration: [section] then `keyword = value` lines, `#` comments. */
function parseConf(text: string): Conf {
  const conf: Conf = new Map();
  let section: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) conf.set(header[1] ?? '', (section = new Map()));
    const kw = /^([a-z_@#0-9.]+)\s*=\s*(.*)$/.exec(line);
    if (kw && section) section.set(kw[1] ?? '', (kw[2] ?? '').trim());
  }
  return conf;
}

const TEMPLATES = ['hostns.conf', 'bridge-hostns.conf', 'ipvlan.conf'];
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const flagDefault = (key: string) => FLAGS.find((f) => f.key === key)?.defaultValue;

function expectedDefaults(): Record<string, string> {
  return {
    gateway_name: flagDefault('name') ?? '?',
    janitor_image: `ghcr.io/opensvc/xds:${packageJson().version}`,
  };
}

/** What a template gets wrong, one sentence per problem. */
function templateProblems(text: string): string[] {
  const conf = parseConf(text);
  const env = conf.get('env') ?? new Map<string, string>();
  const xds = conf.get('container#xds') ?? new Map<string, string>();
  const envoy = conf.get('container#envoy') ?? new Map<string, string>();
  const problems: string[] = [];
  for (const [key, value] of Object.entries(expectedDefaults())) {
    if (env.get(key) !== value) problems.push(`env.${key} is ${env.get(key) ?? 'unset'}, not ${value}`);
  }
  if (!/^envoyproxy\/envoy:v1\.\d+\.\d+$/.test(env.get('envoy_image') ?? '')) problems.push(`env.envoy_image ${env.get('envoy_image') ?? 'unset'} is not pinned to a patch release`);
  if (xds.get('image') !== '{env.janitor_image}' || envoy.get('image') !== '{env.envoy_image}') problems.push('the containers do not run the [env] images');
  if (xds.get('run_command') !== '--sock /var/run/lsnr/lsnr.sock --name {env.gateway_name} --state-dir /var/lib/xds') problems.push(`container#xds run_command: ${xds.get('run_command') ?? 'unset'}`);
  // the state file outlives the container: a restart keeps the winners of conflicts
  if (!(xds.get('volume_mounts') ?? '').split(/\s+/).includes('{volume#0.name}/state/:/var/lib/xds/')) problems.push('container#xds keeps no --state-dir on the volume');
  if (!(xds.get('volume_mounts') ?? '').includes('{var}/lsnr:/var/run/lsnr')) problems.push("container#xds does not mount the agent's lsnr folder at /var/run/lsnr");
  if (!/^0(:0)?$/.test(xds.get('user') ?? '')) problems.push("container#xds does not run as root, the only user lsnr.sock accepts");
  if (!(envoy.get('environment') ?? '').split(/\s+/).includes('ENVOY_UID=0')) problems.push('container#envoy has no ENVOY_UID=0: it drops to a user that can neither bind 443 nor open the xDS socket');
  for (const [name, c] of [['xds', xds], ['envoy', envoy]] as const) {
    if (!(c.get('volume_mounts') ?? '').split(/\s+/).includes('{volume#0.name}/xds/:/var/run/xds/')) problems.push(`container#${name} does not share /var/run/xds`);
  }
  if (!(envoy.get('run_command') ?? '').includes('-c /etc/envoy/xds.yaml') || conf.get('volume#0')?.get('configs') !== 'envoy/xds.yaml:/') problems.push('Envoy does not start on the xds.yaml bootstrap of the volume');
  return problems;
}

describe.each(TEMPLATES)('templates/%s', (file) => {
  const text = readFileSync(path.join(ROOT, 'templates', file), 'utf8');

  it('agrees with the CLI, the Dockerfile and the bootstrap', () => {
    expect(templateProblems(text)).toEqual([]);
  });

  it.each([
    ['gateway_name', (t: string) => t.replace(/^gateway_name = .*$/m, 'gateway_name = {fqdn}')],
    ['envoy_image', (t: string) => t.replace(/^envoy_image = (.*)$/m, 'envoy_image = envoyproxy/envoy:v1.39-latest')],
    ['janitor_image', (t: string) => t.replace(/^janitor_image = (.*)$/m, 'janitor_image = ghcr.io/opensvc/xds:latest')],
    ['root', (t: string) => t.replace(/^user = 0:0\n/m, '')],
    ['ENVOY_UID', (t: string) => t.replace(/^environment = ENVOY_UID=0\n/m, '')],
    ['/var/run/xds', (t: string) => t.replace('{volume#0.name}/xds/:/var/run/xds/\nrun_command = --sock', '{volume#0.name}/other/:/var/run/xds/\nrun_command = --sock')],
  ])('is refused once its %s is broken (the check can fail)', (what, mutate) => {
    const broken = mutate(text);
    expect(broken).not.toBe(text);
    expect(templateProblems(broken).join('\n')).toContain(what);
  });
});

describe('the templates together', () => {
  const envs = TEMPLATES.map((f) => parseConf(readFileSync(path.join(ROOT, 'templates', f), 'utf8')).get('env'));

  it('pin one Envoy image', () => {
    expect(new Set(envs.map((e) => e?.get('envoy_image'))).size).toBe(1);
  });

  it("serve the janitor's socket where docker/envoy.yaml looks for it", () => {
    expect(flagDefault('janitorSocket')).toBe('unix:///var/run/xds/xds.sock');
    expect(readFileSync(path.join(ROOT, 'docker/envoy.yaml'), 'utf8')).toContain('pipe: { path: /var/run/xds/xds.sock }');
  });

  it("are documented: the README's template table gives each default, and builds the image the templates run", () => {
    const env = envs[0] ?? new Map<string, string>();
    for (const key of ['envoy_image', 'janitor_image', 'gateway_name']) {
      expect(README, key).toContain(`| \`${key}\` | \`${env.get(key) ?? '?'}\` |`);
    }
    expect(README).toContain(`docker build -f docker/Dockerfile --build-arg VERSION=${packageJson().version} -t ${env.get('janitor_image') ?? '?'} .`);
  });
});
