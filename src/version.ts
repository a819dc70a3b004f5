// The package's own version, read from the package.json shipped beside the code. The same
// relative path holds in every install: src/ run by tsx, dist/ after `npm run build`, and
// node_modules/xds/dist/ once installed (package.json always sits one folder up).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const PACKAGE_JSON = new URL('../package.json', import.meta.url);

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string' || pkg.version === '') {
    throw new Error(`${PACKAGE_JSON.pathname}: no "version" string`);
  }
  return pkg.version;
}

/** Where the Envoy v3 protos come from: the `@grpc/grpc-js-xds` release that ships them (for `xds_build_info`). */
export function protosVersion(): string {
  try {
    const { version } = createRequire(import.meta.url)('@grpc/grpc-js-xds/package.json') as { version?: unknown };
    return `@grpc/grpc-js-xds@${typeof version === 'string' ? version : 'unknown'}`;
  } catch {
    return '@grpc/grpc-js-xds@unknown';
  }
}
