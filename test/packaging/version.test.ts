// `xds --version` run from the sources (with tsx, as `npm start` runs it) prints package.json's version,
// whatever the working folder and whatever npm says in npm_package_version. The built and the
// installed forms are in image.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { packageVersion } from '../../src/version.js';
import { ROOT, packageJson, run } from './support.js';

const elsewhere = mkdtempSync(path.join(tmpdir(), 'xds-version-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

it('packageVersion() is the version in package.json', () => {
  expect(packageVersion()).toBe(packageJson().version);
});

it('the source run prints it from any folder, ignoring npm_package_version', () => {
  const r = run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/cli.ts'), '--version'], { cwd: elsewhere, env: { npm_package_version: '9.9.9' } });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`${packageJson().version}\n`);
});
