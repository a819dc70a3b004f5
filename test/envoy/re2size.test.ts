// RE2 program sizes (src/validate/re2size.ts) against C++ RE2 itself: every size below was measured
// with RE2::ProgramSize() of libre2 2022-06-01 (Debian 12), a tiny C++ program reading one regex per
// line; the randomised ones come from a generated corpus of 3,000 patterns, where the computation is
// exact for all but one case-sensitive pattern (2 instructions short) and differs for
// case-insensitive classes beyond ASCII (Unicode table versions differ; above C++ RE2 in all but
// one, by 1).
import { describe, expect, it } from 'vitest';
import { ENVOY_RE2_MAX_PROGRAM_SIZE, re2ProgramSize } from '../../src/validate/re2size.js';

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
  ['.+.*', 13],
  ['a.+.*', 14],
  ['.+', 13],
  ['x.*', 13],
  ['\\Aks{4}\\s{3}Z', 18],
  ['\\AZ{4,}/?$', 9],
  ['Z{4,}', 9],
  ['a{4,}', 9],
  ['a+', 6],
  ['aa+', 7],
  ['ab+', 7],
  ['^ab+', 6],
  ['sekcaaZ?/+/?$', 14],
  ['/+/?$', 6],
  ['a/+/?', 7],
  ['b?/+', 8],
  ['\\d{2}', 6],
  ['ab{2}', 7],
  ['^ab{2}', 6],
  ['\\Aab', 4],
  ['\\Aa{2}', 4],
  ['k+k+', 7],
  ['a+a+', 7],
  ['[0-9]+[0-9]', 7],
  [`${'a'.repeat(100)}`, 104],
  [`/${'a'.repeat(100)}`, 105],
  [`^/${'a'.repeat(100)}`, 4],
  [`/${'a'.repeat(96)}`, 101],
  [`/${'a'.repeat(95)}`, 100],
  ['^/api/v[0-9]+/+', 9],
  ['^/[kK]', 5],
  ['\\A[sS][a-z]+/?$', 8],
  ['(?i)^/static/.*', 21],
  ['(?i)/static/', 14],
  ['^/(?i)static', 12],
  ['^/(users|groups)/[0-9]+$', 20],
  ['^/users/(\\d+)/?$', 10],
  ['^/[a-z]+(/[a-z]+)*/?$', 14],
  ['/v[12]/', 8],
  ['^/(?:v1|v2|v3)/', 7],
  ['^/api/[^/]+/[^/]+$', 23],
  ['\\.(png|jpe?g|gif)$', 18],
  ['^/[\\w.-]+$', 9],
  ['^/shop/.*/cart$', 17],
  ['^/.well-known/acme-challenge/[A-Za-z0-9_-]+$', 43],
  ['^/health(z|check)?$', 13],
  ['^/(en|fr|de)(/.*)?$', 24],
  ['^/[0-9]{4}/[0-9]{2}/[0-9]{2}/[a-z0-9-]+$', 19],
  ['^/file/.+\\.pdf$', 17],
  ['^/ws(/.*)?$', 16],
  ['[[:alpha:]]+', 6],
  ['^/a{3,}', 8],
  ['x{2,}y?', 9],
  ['^absb??[\\x{3f8}-\\x{3f9}]*akadas.*', 22],
  ['[A-F]+?\\.{0,3}', 12],
  ['\\A(.[^\\x{61f}-\\x{624}\\x{263}]??)/?$', 36],
  ['^/[a-z]+[^\\x{32a1f}-\\x{32ae7}]+', 29],
  ['\\Aa?/bfeke*[sS]{1,5}', 19],
  ['\\A[\\x{290ff}-\\x{2913e}]kk{3}?', 12],
  ['^/api/bcd//?$', 6],
  ['\\d{1}dkf?[A-F]{0,4}', 17],
  ['(?:(\\S){1,6}[kK]|.?\\Sß?){3,}', 305],
  ['\\.{0,3}[A-F]*.*', 20],
  ['[^/]{2,3}/?$', 31],
  ['[a-zA-Z0-9_-]{1}/?(/+)$', 14],
  ['^/api/a[\\x{a15a}-\\x{a19a}\\x{57}-\\x{58}\\x{2e}]*Z', 12],
  ['[\\x{7d}-\\x{107c}\\x{a7c7a}-\\x{a7cb9}]\\s?[0-9].', 32],
  ['^/api/(e/e?)+$', 11],
  ['(([sS]a)){4}', 28],
  ['kad[\\x{5d5}-\\x{5d6}\\x{79d7}-\\x{18b47}\\x{c103f}-\\x{c1040}]+$', 29],
  ['(?i)ß(?:x+?|d{1,})\\w?ß$', 31],
  ['(?i)^/fdcfe/?a?$', 8],
  ['fee/a/(Z[0-9])*$', 14],
  ['é{0,5}(fe+[^a-z]Z*\\w)([sS])?d/+', 43],
  ['(?i)(\\d?/sks+){1,3}/?$', 56],
  ['\\A-[^/]+é{2,6}_*/?$', 32],
  ['(?i)^/e+-+.*', 18],
  ['^-{3}fecssc{1}', 11],
  ['\\A[\\x{1918}\\x{c97e5}-\\x{c97ea}]\\s+kadck?/sb{2,}$', 24],
  ['\\s(/ek*[\\x{bdc88}-\\x{bdcc8}]{3}).*', 38],
  ['\\A[\\x{48a3e}-\\x{48b06}]{4}fd{2,5}ckfkc{0,5}\\s?', 61],
  ['^-{2,5}s+?bedff//*?/?$', 21],
  ['^/\\w[\\x{75}-\\x{76}]$', 8],
  ['\\A(x{3}[a-z]*){4,}', 27],
  ['(?i)^/-+[a-zA-Z0-9_-]/afaf*/?$', 22],
  ['(-+dfk/b?)b{4}.*', 26],
  ['^/api/[A-F]{5}(a+a/{0,4}ab)*?s*[kK]??.*', 36],
  ['(?i)(ß{3})*.*', 30],
  ['(?i)^/\\S+/?$', 17],
  ['^/[0-9](f/fd)*$', 11],
  ['s?[\\x{f343e}-\\x{f3443}\\x{3dcd}-\\x{3e95}]/?[sS]?', 23],
  ['(?i)^/(x)c+([kK]debcf{5}edede{0,5}){2}\\d.*', 76],
  ['[^a-z]+[^\\x{79f98}-\\x{79f99}\\x{69}-\\x{131}]{2,}[^/]*', 71],
];

/** Where the Unicode tables of re2js and RE2 2022 differ: never below C++ RE2 (refusing too much, not too little). */
const ABOVE: readonly (readonly [string, number])[] = [
  ['\\pL+', 1198],
  ['(?i)[\\x{100}-\\x{200}]', 33],
  ['(?i)[\\x{2400}-\\x{13570}]', 50],
];

describe('RE2 program size', () => {
  it.each(MEASURED)('%s: %i instructions, as C++ RE2 counts them', (regex, cpp) => {
    expect(re2ProgramSize(regex)).toBe(cpp);
  });

  it.each(ABOVE)('%s: not below C++ RE2 (%i)', (regex, cpp) => {
    expect(re2ProgramSize(regex)).toBeGreaterThanOrEqual(cpp);
  });

  it("a literal of 100 characters is over Envoy's limit; behind ^ it costs nothing (RE2 matches it apart)", () => {
    expect(re2ProgramSize('a'.repeat(100))).toBeGreaterThan(ENVOY_RE2_MAX_PROGRAM_SIZE);
    expect(re2ProgramSize(`/${'a'.repeat(95)}`)).toBe(ENVOY_RE2_MAX_PROGRAM_SIZE);
    expect(re2ProgramSize(`^/${'a'.repeat(500)}$`)).toBe(4);
  });

  it('is undefined for what RE2 does not compile', () => {
    expect(re2ProgramSize('(')).toBeUndefined();
  });
});
