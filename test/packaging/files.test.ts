// The files a release needs beside the code: the license package.json names, and a changelog in
// Keep a Changelog form with an Unreleased section and an entry for the version package.json says.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, packageJson } from './support.js';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

it('LICENSE is the Apache License 2.0 text, the license package.json names', () => {
  expect(packageJson().license).toBe('Apache-2.0');
  const text = read('LICENSE').replace(/\s+/g, ' ');
  expect(text).toMatch(/^ ?Apache License Version 2\.0, January 2004 /);
  expect(text).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
  expect(text).toContain('END OF TERMS AND CONDITIONS');
});

it("CHANGELOG.md has an Unreleased section, then an entry for package.json's version", () => {
  const headings = [...read('CHANGELOG.md').matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map((m) => m[1]);
  expect(headings[0]).toBe('Unreleased');
  expect(headings).toContain(packageJson().version);
});
