// The RE2 program-size lower bound (src/envoy/re2size.ts) against C++ RE2 itself: the sizes below
// were measured with RE2::ProgramSize() of libre2 2022-06-01 (Debian 12), a tiny C++ program
// reading one regex per line. The bound must never exceed them (else the janitor would refuse a
// regex Envoy takes), and must pass Envoy's limit of 100 where C++ RE2 clearly does.
import { describe, expect, it } from 'vitest';
import { ENVOY_RE2_MAX_PROGRAM_SIZE, re2ProgramSizeLowerBound } from '../../src/validate/re2size.js';

const MEASURED: readonly (readonly [string, number])[] = [
  ['^/api/v[0-9]+/.*', 15],
  ['/', 5],
  ['(?i)^/Foo/bar', 4],
  ['^/[^/]+/orders/[0-9a-f-]{36}$', 129],
  ['^/(a|b|c)/x$', 9],
  ['^/api/(v1|v2|v3)/users/[0-9]+/orders/[a-z0-9-]+$', 29],
  ['^/static/.*\\.(css|js|png|jpg|gif|svg|woff2?)$', 38],
  ['^/[a-z]{2}-[A-Z]{2}/.*', 18],
  ['.*', 12],
  ['^/foo/bar/baz/qux/quux/corge/grault/garply/waldo/fred/plugh/xyzzy/thud$', 4],
  ['(?i)^/api/(users|groups|roles|permissions)/[^/]+$', 57],
  ['^/v[0-9]+/[^/]+/[^/]+/[^/]+$', 36],
  ['[a-z]{50}', 54],
  ['\\w+', 8],
  ['.{10}', 84],
  ['^/api/.+/items/\\d+$', 22],
  ['[kK]ey', 7],
  ['(?i)key', 10],
  ['[0-9a-f]{32}', 68],
  ['^/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', 72],
  ['(?i)^/[a-z0-9]{20}$', 144],
  ['\\pL+', 1198],
  ['[^a-z]{5}', 44],
  ['^/(?:foo|bar|baz|qux)[0-9]{3}/.*$', 26],
  ['\\S{20}', 204],
  ['\\d{40}', 44],
  ['[A-Za-z]{40}', 44],
  ['(?i)[A-Z]{40}', 244],
  ['^/a{30}$', 34],
  ['^/(x|y){30}$', 94],
  ['[àéî]{10}', 44],
  ['(?s).{30}', 214],
  ['[\\x{100}-\\x{10FFFF}]{5}', 64],
  ['^/api/v1/[a-zA-Z0-9_-]{10,64}$', 314],
];

describe('RE2 program size lower bound', () => {
  it.each(MEASURED)('%s: never above C++ RE2 (%i)', (regex, cpp) => {
    const bound = re2ProgramSizeLowerBound(regex);
    expect(bound).toBeDefined();
    expect(bound).toBeLessThanOrEqual(cpp);
  });

  it('flags the regexes Envoy refuses for their counted repetitions, not the common ones', () => {
    const over = MEASURED.filter(([regex]) => (re2ProgramSizeLowerBound(regex) ?? 0) > ENVOY_RE2_MAX_PROGRAM_SIZE).map(([regex]) => regex);
    expect(over).toEqual(['^/[^/]+/orders/[0-9a-f-]{36}$', '\\S{20}', '^/api/v1/[a-zA-Z0-9_-]{10,64}$']);
    for (const [regex, cpp] of MEASURED) if ((re2ProgramSizeLowerBound(regex) ?? 0) > ENVOY_RE2_MAX_PROGRAM_SIZE) expect(cpp).toBeGreaterThan(ENVOY_RE2_MAX_PROGRAM_SIZE);
  });

  it('is undefined for what RE2 does not compile', () => {
    expect(re2ProgramSizeLowerBound('(')).toBeUndefined();
  });
});
