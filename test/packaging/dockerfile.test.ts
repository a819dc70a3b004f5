// docker/Dockerfile keeps the packaging rules (dockerfile-rules.ts), and each rule can fail: the
// same file broken the way a hurried edit would break it is refused with that rule's name.
// .dockerignore keeps everything out of the build context but what the Dockerfile copies.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ignore } from '@balena/dockerignore';
import { describe, expect, it } from 'vitest';
import { copyOf, dockerfileProblems, stagesOf } from './dockerfile-rules.js';
import { ROOT, packageJson } from './support.js';

// the package's types declare an ES default export; at run time it is module.exports itself
const ignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;
const DOCKERFILE = readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8');
const policy = { version: packageJson().version, license: packageJson().license };

describe('docker/Dockerfile', () => {
  it('keeps every rule', () => {
    expect(dockerfileProblems(DOCKERFILE, policy)).toEqual([]);
  });

  it.each([
    ['syntax', (t: string) => t.replace('WORKDIR /app', 'WORKDIR')],
    ['base-pinned', (t: string) => t.replaceAll(/node:\d+-trixie-slim/g, 'node:latest')],
    ['base-pinned', (t: string) => t.replaceAll(/node:\d+-trixie-slim/g, 'node:20-bookworm-slim')],
    ['base-pinned', (t: string) => t.replaceAll(/node:\d+-trixie-slim/g, 'node:25-trixie-slim')],
    ['base-pinned', (t: string) => t.replaceAll(/node:\d+-trixie-slim/g, 'node:lts-slim')],
    ['same-base', (t: string) => t.replace(/node:(\d+)-trixie-slim AS runtime/, 'node:$1-bookworm-slim AS runtime')],
    ['npm-ci', (t: string) => t.replace('RUN npm ci --no-audit', 'RUN npm install --no-audit')],
    ['runtime-prod-only', (t: string) => t.replace('npm ci --omit=dev ', 'npm ci ')],
    ['runtime-no-dev-tools', (t: string) => t.replace('ENTRYPOINT ["xds"]', 'ENTRYPOINT ["npx", "tsx", "src/cli.ts"]')],
    ['runtime-compiled-only', (t: string) => t.replace('COPY bin ./bin', 'COPY bin ./bin\nCOPY src ./src')],
    ['runtime-compiled-only', (t: string) => t.replace('COPY --from=build /app/dist ./dist', 'COPY --from=build /app ./')],
    ['no-add', (t: string) => t.replace('COPY bin ./bin', 'ADD bin ./bin')],
    ['non-root', (t: string) => t.replace(/^USER .*$/m, '')],
    ['non-root', (t: string) => t.replace(/^USER .*$/m, 'USER root')],
    ['non-root', (t: string) => t.replace(/^USER .*$/m, 'USER 0:0')],
    ['healthcheck', (t: string) => t.replace(/^HEALTHCHECK[^]*?\]\n/m, '')],
    ['healthcheck', (t: string) => t.replace(/CMD \["node", [^\]]*\]/, 'CMD curl -f http://127.0.0.1:9902/healthz')],
    ['labels', (t: string) => t.replace(/org\.opencontainers\.image\.source=\S+ /, '')],
    ['labels', (t: string) => t.replace('licenses="Apache-2.0"', 'licenses="MIT"')],
    ['labels', (t: string) => t.replace(/^ARG VERSION=.*$/m, 'ARG VERSION=9.9.9')],
  ])('refuses a file that breaks %s', (rule, mutate) => {
    const broken = mutate(DOCKERFILE);
    expect(broken).not.toBe(DOCKERFILE);
    expect(dockerfileProblems(broken, policy).map((p) => p.split(':')[0])).toContain(rule);
  });

  it('runs the compiled CLI as its entrypoint, through bin/xds.js', () => {
    const runtime = stagesOf(DOCKERFILE).at(-1);
    const entrypoint = runtime?.instructions.find((i) => i.getKeyword() === 'ENTRYPOINT')?.getArgumentsContent();
    expect(entrypoint).toBe('["xds"]');
    expect(DOCKERFILE).toContain('ln -s /app/bin/xds.js /usr/local/bin/xds');
    expect(readFileSync(path.join(ROOT, 'bin/xds.js'), 'utf8')).toMatch(/import '\.\.\/dist\/cli\.js'/);
  });
});

describe('.dockerignore', () => {
  const rules = ignore().add(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'));
  const copied = stagesOf(DOCKERFILE)
    .flatMap((s) => s.instructions.filter((i) => i.getKeyword() === 'COPY').map(copyOf))
    .filter((c) => c.from === undefined)
    .flatMap((c) => c.sources.map((s) => s.replace(/\/$/, '')));

  it('lets in every file the Dockerfile copies from the context', () => {
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'bin', 'docker/healthcheck.mjs']));
    expect(copied.filter((f) => rules.ignores(f) || rules.ignores(`${f}/x.ts`))).toEqual([]);
  });

  it('leaves out dependencies, build output, git, tests and the demo private keys', () => {
    for (const f of ['node_modules/yaml/package.json', 'dist/cli.js', '.git/config', 'test/e2e/support.ts', 'examples/certs/web.key', 'bench/rebuild.ts', 'npm-debug.log', '.env']) {
      expect(rules.ignores(f), f).toBe(true);
    }
  });
});
