// Random services for the pipeline's property test: either every keyword random (mostly refused),
// or a valid TLS-terminated HTTP service with a few keywords replaced by random values (a mix of
// served and refused, refusals located in the section changed).
import fc from 'fast-check';
import { SECTION_KEYWORDS } from '../../../src/model/vocabulary.js';
import type { ResourceState } from '../../../src/source/types.js';
import { keywordValue, serviceSections } from '../../model/support/keywords.js';
import { res, type ResourceSpec } from '../../model/support/state.js';

type Sections = Readonly<Record<string, ResourceState>>;

const TYPES: Readonly<Record<string, keyof typeof SECTION_KEYWORDS>> = {
  'expose#0': 'expose.envoy',
  'vhost#0': 'vhost.envoy',
  'route#0': 'route.envoy',
  'route#1': 'route.envoy',
  'hashpolicy#0': 'hashpolicy.envoy',
  'certificate#0': 'certificate.tls',
};

/** A valid service: HTTPS on :443 for `host`, two routes, a cookie hash policy, the `front` certificate. */
export function template(host: string): Record<string, Record<string, unknown>> {
  return {
    'expose#0': { port: 8080, protocol: 'tcp', listener_port: 443, lb_policy: 'ring_hash', gateway: 'envoy', vhosts: ['vhost#0'], listener_certificates: ['certificate#0'] },
    'vhost#0': { domains: [host], routes: ['route#0', 'route#1'] },
    'route#0': { match_prefix: '/api', route_timeout: '30s', hash_policies: ['hashpolicy#0'], redirect_https_redirect: false, redirect_strip_query: false },
    'route#1': { match_path: '/x', redirect_https_redirect: false, redirect_strip_query: false },
    'hashpolicy#0': { cookie_name: 'sid', terminal: false },
    'certificate#0': { certificate_secret: 'front' },
  };
}

/** Values the model passes on to Envoy's messages as they are: some valid, some the validator refuses. */
const PASSED_ON: Readonly<Record<string, readonly unknown[]>> = {
  cluster_data: [{ dns_lookup_family: 'V5_ONLY' }, { connect_timeout: '-1s' }, { circuit_breakers: { thresholds: [{ max_connections: 5 }] } }, { per_connection_buffer_limit_bytes: 32768 }],
  filter_config_data: [{ codec_type: 'HTTP3' }, { stream_idle_timeout: '60s' }, { unknown_field: 1 }, { max_request_headers_kb: 100000 }],
};

const anyKeyword = fc.constantFrom(...Object.keys(TYPES)).chain((rid) => {
  const kws = SECTION_KEYWORDS[TYPES[rid] ?? 'expose.envoy'];
  return fc.constantFrom(...kws).chain((kw) => keywordValue(kw).map((value) => ({ rid, kw, value })));
});

const passedOn = fc.constantFrom(...Object.keys(PASSED_ON)).chain((kw) => fc.constantFrom(...(PASSED_ON[kw] ?? [])).map((value) => ({ rid: 'expose#0', kw, value })));

const edit = fc.oneof({ weight: 3, arbitrary: anyKeyword }, { weight: 1, arbitrary: passedOn });

export function sections(spec: Record<string, Record<string, unknown>>): Sections {
  const out: ResourceSpec = {};
  for (const [rid, info] of Object.entries(spec)) out[rid] = [TYPES[rid] ?? 'expose.envoy', info];
  return res(out);
}

/** A random service's sections, given its host name. */
export const randomSections: fc.Arbitrary<(host: string) => Sections> = fc.oneof(
  { weight: 1, arbitrary: serviceSections.map((spec) => () => res(spec)) },
  {
    weight: 3,
    arbitrary: fc.array(edit, { maxLength: 2 }).map((edits) => (host: string) => {
      const spec = template(host);
      for (const { rid, kw, value } of edits) {
        const info = { ...spec[rid] };
        if (value === undefined) delete info[kw];
        else info[kw] = value;
        spec[rid] = info;
      }
      return sections(spec);
    }),
  },
);
