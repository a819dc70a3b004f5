// The package's own version, read from the package.json shipped beside the code. The same
// relative path holds in every install: src/ run by tsx, dist/ after `npm run build`, and
// node_modules/xds/dist/ once installed (package.json always sits one folder up).
import { readFileSync } from 'node:fs';

const PACKAGE_JSON = new URL('../package.json', import.meta.url);

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string' || pkg.version === '') {
    throw new Error(`${PACKAGE_JSON.pathname}: no "version" string`);
  }
  return pkg.version;
}
