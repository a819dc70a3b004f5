// The image's steps by hand (no Docker engine runs here): `npm run build`, then a scratch /app
// holding what docker/Dockerfile's runtime stage copies, its `npm ci` line run there (tarballs from
// the npm cache), and the result run as the image runs it: bin/xds.js --version and --help, the
// janitor serving a cluster file, and the image's HEALTHCHECK command against it. Then the same
// files as an installed npm package: its `xds --version` prints that package's version.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, until } from '../e2e/support.js';
import { copyOf, stagesOf } from './dockerfile-rules.js';
import { ROOT, npm, packageJson, run } from './support.js';

const work = mkdtempSync(path.join(tmpdir(), 'xds-image-'));
const build = path.join(work, 'build'); // the build stage's /app: its dist/ is `npm run build` output
const app = path.join(work, 'app'); // the runtime stage's /app
const runtime = stagesOf(readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8')).at(-1);

/** COPY of the runtime stage, into the scratch /app: from the build stage or from the context. */
function copyInto(instruction: Parameters<typeof copyOf>[0]): void {
  const { from, sources, dest } = copyOf(instruction);
  for (const source of sources) {
    const origin = from === undefined ? path.join(ROOT, source) : path.join(build, path.relative('/app', source));
    const target = path.resolve(app, dest.endsWith('/') ? path.join(dest, path.basename(source)) : dest);
    cpSync(origin, target, { recursive: true });
  }
}

beforeAll(() => {
  // the build stage's command, into a folder of its own (test/cli/built.test.ts builds dist/)
  run('npm', ['run', 'build', '--', '--outDir', path.join(build, 'dist')], { timeoutMs: 240_000, check: true });
  for (const instruction of runtime?.instructions ?? []) {
    if (instruction.getKeyword() === 'COPY') copyInto(instruction);
    const command = instruction.getKeyword() === 'RUN' ? (instruction.getArgumentsContent() ?? '') : '';
    const install = command.split('&&').map((c) => c.trim()).find((c) => c.startsWith('npm ci'));
    if (install) npm(install.split(/\s+/).slice(1), app);
  }
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the runtime stage, reproduced', () => {
  it('holds the compiled JavaScript and the production dependencies only', () => {
    expect(readdirSync(app).sort()).toEqual(['bin', 'dist', 'docker', 'node_modules', 'package-lock.json', 'package.json']);
    expect(existsSync(path.join(app, 'dist/cli.js'))).toBe(true);
    const installed = readdirSync(path.join(app, 'node_modules'));
    for (const tool of ['tsx', 'esbuild', 'typescript', 'vitest', 'eslint', 'fast-check', 'dockerfile-utils']) expect(installed, tool).not.toContain(tool);
    expect(installed).toEqual(expect.arrayContaining(['@grpc', 'yaml', 'pino', 'protobufjs']));
  });

  it('bin/xds.js --version prints the version of its package.json', () => {
    const r = run(process.execPath, [path.join(app, 'bin/xds.js'), '--version'], { cwd: work, env: { npm_package_version: '9.9.9' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${packageJson().version}\n`);
  });

  it('bin/xds.js --help lists the Python janitor spellings', () => {
    const r = run(process.execPath, [path.join(app, 'bin/xds.js'), '--help'], { cwd: work });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--sock');
    expect(r.stdout).toContain('--janitor-socket');
  });

  it('serves a cluster file, and the HEALTHCHECK command says healthy, then unhealthy once it stopped', async () => {
    const health = runtime?.instructions.find((i) => i.getKeyword() === 'HEALTHCHECK');
    const command = JSON.parse((health?.getArgumentsContent() ?? '').replace(/^.*?CMD\s*/s, '')) as string[];
    expect(command[0]).toBe('node');
    const script = path.join(app, path.relative('/app', command[1] ?? ''));
    const portsFile = path.join(work, 'ports.json');
    const janitor = spawn(process.execPath, [path.join(app, 'bin/xds.js'), '--source', `file:${path.join(ROOT, 'examples/cluster.yaml')}`, '--port', '0', '--janitor-socket', 'none', '--envoy-port', String(await closedPort())], {
      cwd: app,
      env: { ...process.env, XDS_ADMIN: '127.0.0.1:0', XDS_PORTS_FILE: portsFile, GRPC_VERBOSITY: 'NONE' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    janitor.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((resolve) => janitor.once('exit', resolve));
    try {
      await until(() => existsSync(portsFile) && readFileSync(portsFile, 'utf8').endsWith('\n'), 20_000, `the built janitor's ports (${stderr.slice(-300)})`);
      const { admin } = JSON.parse(readFileSync(portsFile, 'utf8')) as { admin: number };
      const env = { XDS_ADMIN: `0.0.0.0:${admin}` }; // a wildcard bind is asked on loopback
      expect(run(process.execPath, [script], { env }).status).toBe(0);
      janitor.kill('SIGTERM');
      await exited;
      const after = run(process.execPath, [script], { env });
      expect(after.status).toBe(1);
      expect(after.stderr).toContain(`127.0.0.1:${admin}/healthz`);
      expect(run(process.execPath, [script], { env: { XDS_ADMIN: 'none' } }).status).toBe(1);
    } finally {
      if (janitor.exitCode === null) janitor.kill('SIGKILL');
    }
  });
});

describe('the installed package', () => {
  it("`xds --version` prints the installed package's own version", () => {
    // the same files packed under another version: the CLI reads it, nothing is hard-coded
    const pack = path.join(work, 'pack');
    for (const f of ['bin', 'dist', 'package.json']) cpSync(path.join(app, f), path.join(pack, f), { recursive: true });
    const version = `${packageJson().version}-installed.1`;
    writeFileSync(path.join(pack, 'package.json'), JSON.stringify({ ...packageJson(pack), version }, null, 2));
    const tarball = npm(['pack', '--silent', '--pack-destination', work], pack).stdout.trim().split('\n').at(-1) ?? '';
    const project = path.join(work, 'project');
    npm(['install', '--prefix', project, '--omit=dev', '--ignore-scripts', '--no-save', path.join(work, tarball)], work, 240_000);
    const r = run(path.join(project, 'node_modules/.bin/xds'), ['--version'], { cwd: work });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${version}\n`);
  }, 300_000);
});
