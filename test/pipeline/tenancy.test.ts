// Tenants are namespaces: the takeovers an independent review found (issue 10), each tried by a
// younger service of another namespace through the pipeline's step. The victim's resources stay
// byte for byte what they were, the attacker's colliding expose is refused (its other exposes
// served), names both sides, waits, and gets the key when the victim lets it go; the same moves
// within one namespace, and a newcomer's wildcard over another's name, are allowed.
import { describe, expect, it } from 'vitest';
import { remembered } from '../../src/pipeline/index.js';
import { goodTls } from '../model/support/certs.js';
import { Gateway, statusOf, type ServiceSpec, type Services } from './support/gateway.js';
import { l4, svc, udp, web } from './support/specs.js';

const VICTIM = 'acme/svc/web';
const ATTACKER = 'mallory/svc/web';
const SECRETS = { 'acme/sec/cert': goodTls, 'mallory/sec/cert': goodTls };

/** The attacker's service: the colliding expose#0, and an expose#1 of its own (served whatever happens). */
function attacker(part: ServiceSpec, path = ATTACKER): Services {
  return { [path]: svc('10.0.0.9', part, l4(1, 2900)) };
}

/** The victim served, then the attacker added: what the attacker got, and whether the victim's resources moved. */
function attack(victim: ServiceSpec, part: ServiceSpec, path = ATTACKER): { g: Gateway; victimUnchanged: boolean; out: ReturnType<Gateway['set']> } {
  const g = new Gateway({ secrets: SECRETS });
  g.set({ [VICTIM]: svc('10.0.0.1', victim) });
  const before = g.snapshot();
  const out = g.set({ [VICTIM]: svc('10.0.0.1', victim), ...attacker(part, path) });
  const ours = (lines: string[]): string[] => lines.filter((l) => !l.includes(path) && !l.startsWith('listener 0.0.0.0:2900/tcp'));
  return { g, out, victimUnchanged: JSON.stringify(ours(g.snapshot())) === JSON.stringify(ours(before)) };
}

function refusedBy(a: ReturnType<typeof attack>, holder: string, what: string): void {
  expect(a.victimUnchanged).toBe(true);
  const st = statusOf(a.out.statuses, ATTACKER);
  expect(st.exposes.map((e) => [e.rid, e.served])).toEqual([['expose#0', false], ['expose#1', true]]);
  expect(st.exposes[0]?.conflict).toEqual({ holder, what });
  expect(a.out.conflicts).toEqual([{ loser: `${ATTACKER}.expose#0`, holder: `${holder.replace(' ', '.')}`, what }]);
}

const WILD80 = web(0, { domains: ['*.victim.org'] });

describe('a wildcard wider than a domain of two labels covers nothing', () => {
  it('so a namespace holding *t, *.org, *.test or *-x.com blocks no other namespace\'s new names, anywhere', () => {
    const a = attack(web(0, { domains: ['*t', '*.org', '*.test', '*-x.com'], listenerPort: 8999 }), web(0, { domains: ['api.bank.test', 'shop.victim.org', 'a-x.com'] }));
    expect(statusOf(a.out.statuses, ATTACKER)).toMatchObject({ valid: true });
    expect(a.out.statuses.get(ATTACKER)?.exposes[0]).toMatchObject({ served: true });
    // and the wide wildcards stay served to their namespace, on their own port
    expect(a.g.get('route', '0.0.0.0:8999/tcp')['virtual_hosts']).toHaveLength(1);
  });

  it('while a wildcard over a domain of two labels still does (*.victim.org, *-shop.victim.org)', () => {
    for (const domains of [['*.victim.org'], ['*-shop.victim.org']]) {
      expect(attack(web(0, { domains }), web(0, { domains: ['a-shop.victim.org'] })).out.statuses.get(ATTACKER)?.exposes[0]?.served).toBe(false);
    }
  });
});

describe('attack 1: an exact domain under another namespace\'s wildcard', () => {
  it('is refused: www.victim.org stays with the wildcard\'s namespace', () => {
    const a = attack(WILD80, web(0, { domains: ['www.victim.org'] }));
    refusedBy(a, `${VICTIM} expose#0`, 'host name www.victim.org (under *.victim.org, namespace acme\'s: a wildcard covers the names it matches)');
  });

  it('covers deeper names and narrower wildcards, as Envoy matches them, on any listener', () => {
    for (const domains of [['a.b.victim.org'], ['*.shop.victim.org'], ['WWW.Victim.Org']]) {
      expect(attack(WILD80, web(0, { domains })).out.statuses.get(ATTACKER)?.exposes[0]?.served).toBe(false);
    }
    expect(attack(WILD80, web(0, { domains: ['www.victim.org'], listenerPort: 8080 })).out.statuses.get(ATTACKER)?.exposes[0]?.served).toBe(false);
    // not under it: the bare name, and another name that only ends alike
    for (const domains of [['victim.org'], ['evilvictim.org']]) {
      expect(statusOf(attack(WILD80, web(0, { domains })).out.statuses, ATTACKER)).toMatchObject({ valid: true });
    }
  });

  it('within one namespace the exact name is allowed (the existing per-listener rules apply)', () => {
    const a = attack(WILD80, web(0, { domains: ['www.victim.org'] }), 'acme/svc/shop');
    expect(statusOf(a.out.statuses, 'acme/svc/shop')).toMatchObject({ valid: true });
  });

  it('the reverse is allowed: a newcomer\'s wildcard over a served exact name takes nothing', () => {
    const a = attack(web(0, { domains: ['www.victim.org'] }), WILD80);
    expect(a.victimUnchanged).toBe(false); // the RouteConfiguration gains the wildcard's virtual host...
    expect(statusOf(a.out.statuses, ATTACKER)).toMatchObject({ valid: true });
    const hosts = a.g.get('route', '0.0.0.0:80/tcp')['virtual_hosts'] as Record<string, unknown>[];
    // ...and Envoy still picks the exact name for www.victim.org
    expect(hosts.map((h) => [h['name'], h['domains']])).toEqual([
      [`${VICTIM}.expose#0.vhost#0`, ['www.victim.org', 'www.victim.org:80']],
      [`${ATTACKER}.expose#0.vhost#0`, ['*.victim.org', '*.victim.org:80']],
    ]);
  });

  it('waits, and is served once the wildcard is let go', () => {
    const a = attack(WILD80, web(0, { domains: ['www.victim.org'] }));
    const out = a.g.set({ [VICTIM]: svc('10.0.0.1', web(0, { domains: ['victim.org'] })), ...attacker(web(0, { domains: ['www.victim.org'] })) });
    expect(statusOf(out.statuses, ATTACKER)).toMatchObject({ valid: true });
  });
});

describe('attack 2: an SNI name under another namespace\'s wildcard', () => {
  it('is refused: a passthrough chain for www.victim.org beside the victim\'s *.victim.org termination', () => {
    const a = attack(web(0, { domains: ['*.victim.org'], tls: {} }), l4(0, 443, { sni: ['www.victim.org'] }));
    refusedBy(a, `${VICTIM} expose#0`, 'host name www.victim.org (under *.victim.org, namespace acme\'s: a wildcard covers the names it matches)');
  });
});

describe('attack 3: the same host name elsewhere', () => {
  const SHOP80 = web(0, { domains: ['shop.victim.org'] });
  const owned = 'host name shop.victim.org (namespace acme\'s: a host name belongs to the first namespace served with it, on every listener)';

  it('a path split across namespaces is refused (match_path /login, an ACME challenge prefix)', () => {
    for (const route of [{ match_path: '/login' }, { match_prefix: '/.well-known/acme-challenge/' }]) {
      refusedBy(attack(SHOP80, web(0, { domains: ['shop.victim.org'], routes: [route] })), `${VICTIM} expose#0`, owned);
    }
  });

  it('port 80 is refused when the victim serves the name on 443 only', () => {
    refusedBy(attack(web(0, { domains: ['shop.victim.org'], tls: {} }), SHOP80), `${VICTIM} expose#0`, owned);
  });

  it('the name with a trailing dot is the same name', () => {
    const a = attack(SHOP80, web(0, { domains: ['shop.victim.org.'] }));
    expect(statusOf(a.out.statuses, ATTACKER).exposes[0]).toMatchObject({ served: false, conflict: { what: owned } });
  });

  it('the catch-all * is a name of its own, and covers nothing; so does a prefix wildcard', () => {
    const star = attack(web(0, { domains: ['*'] }), web(0, { domains: ['*'], routes: [{ match_path: '/login' }] }));
    expect(statusOf(star.out.statuses, ATTACKER).exposes[0]).toMatchObject({ served: false });
    for (const victim of [['*'], ['shop.*']]) {
      expect(statusOf(attack(web(0, { domains: victim }), SHOP80).out.statuses, ATTACKER)).toMatchObject({ valid: true });
    }
  });
});

describe('attack 4: the shared plain-HTTP chain\'s data', () => {
  const idle = (s: number, host = 'mallory.org'): ServiceSpec => web(0, { domains: [host], expose: { filter_config_data: `{"stream_idle_timeout": "${s}s"}` } });
  const what = (ns: string): string => `listener 0.0.0.0:80/tcp plain-HTTP filter chain (namespace ${ns} is on it with other filter_config_data or http2: namespaces share it only with the same data, or all with none)`;

  it('another namespace may not bring data to a chain others use without it', () => {
    refusedBy(attack(web(0, { domains: ['victim.org'] }), idle(60)), `${VICTIM} expose#0`, what('acme'));
  });

  it('nor join, without data, a chain whose data it did not bring', () => {
    const g = new Gateway();
    g.set(attacker(idle(60)));
    const out = g.set({ ...attacker(idle(60)), [VICTIM]: svc('10.0.0.1', web(0, { domains: ['victim.org'] })) });
    expect(statusOf(out.statuses, VICTIM).exposes[0]).toMatchObject({ served: false, conflict: { holder: `${ATTACKER} expose#0`, what: what('mallory') } });
  });

  it('the same data is shared across namespaces; within one namespace none joins any', () => {
    expect(statusOf(attack(idle(60, 'victim.org'), idle(60)).out.statuses, ATTACKER)).toMatchObject({ valid: true });
    expect(statusOf(attack(idle(60, 'victim.org'), web(0, { domains: ['b.victim.org'] }), 'acme/svc/b').out.statuses, 'acme/svc/b')).toMatchObject({ valid: true });
  });
});

describe('attack 5: a specific address over another namespace\'s wildcard address', () => {
  const what = 'listener 10.0.0.5:443/tcp (namespace acme listens on the wildcard address of this port: a specific address would take its connections to that address)';

  it('is refused', () => {
    refusedBy(attack(web(0, { domains: ['victim.org'], tls: {} }), l4(0, 443, { listener_addr: '10.0.0.5', sni: ['mallory.org'] })), `${VICTIM} expose#0`, what);
  });

  it('is allowed within one namespace, on another port or protocol, in another address family, and the reverse', () => {
    const tls = web(0, { domains: ['victim.org'], tls: {} });
    expect(statusOf(attack(tls, l4(0, 443, { listener_addr: '10.0.0.5' }), 'acme/svc/b').out.statuses, 'acme/svc/b')).toMatchObject({ valid: true });
    for (const part of [l4(0, 444, { listener_addr: '10.0.0.5' }), udp(0, 443, { listener_addr: '10.0.0.5' }), l4(0, 443, { listener_addr: 'fd00::5' })]) {
      expect(statusOf(attack(tls, part).out.statuses, ATTACKER)).toMatchObject({ valid: true });
    }
    const reverse = attack(l4(0, 443, { listener_addr: '10.0.0.5' }), l4(0, 443, { sni: ['mallory.org'] }));
    expect(statusOf(reverse.out.statuses, ATTACKER)).toMatchObject({ valid: true });
    expect(reverse.g.names('listener')).toEqual(['0.0.0.0:2900/tcp', '0.0.0.0:443/tcp', '10.0.0.5:443/tcp']);
  });
});

describe('a restart', () => {
  const OLD = 'acme/svc/old';
  const NEW = 'beta/svc/new';

  it('keeps a name and an address served under a wildcard another namespace\'s older service added later', () => {
    const g = new Gateway({ secrets: SECRETS });
    const before = { [OLD]: svc('10.0.0.1', web(0, { domains: ['acme.org'] }), l4(1, 443, { sni: ['acme.org'], listener_addr: '10.0.0.7' })) };
    g.set(before);
    const young = { [NEW]: svc('10.0.0.2', web(0, { domains: ['www.v.org'] }), l4(1, 443, { listener_addr: '10.0.0.5', sni: ['beta.org'] })) };
    g.set({ ...before, ...young });
    // the older service now adds the wildcard name and the wildcard address: allowed, they take nothing
    const wider = { [OLD]: svc('10.0.0.1', web(0, { domains: ['acme.org', '*.v.org'] }), l4(1, 443, { sni: ['acme.org'] })), ...young };
    const out = g.set(wider);
    expect([...out.statuses].map(([p, st]) => [p, st?.valid])).toEqual([[OLD, true]]);
    const restarted = new Gateway({ remembered: remembered(g.state), secrets: SECRETS });
    const again = restarted.apply(g.cluster);
    expect(statusOf(again.statuses, NEW)).toMatchObject({ valid: true });
    expect(restarted.snapshot()).toEqual(g.snapshot());
    // without the record, age alone would hand both to the older service
    const forgetful = new Gateway({ remembered: { holders: new Map(), ages: remembered(g.state).ages }, secrets: SECRETS });
    expect(statusOf(forgetful.apply(g.cluster).statuses, NEW).exposes.map((e) => e.served)).toEqual([false, false]);
  });
});

describe('a plain-HTTP expose on a port whose default chain a TCP expose holds', () => {
  it('is refused (it used to take the key, and the listener got two chains without server names)', () => {
    const g = new Gateway();
    g.set({ 'acme/svc/tcp': svc('10.0.0.1', l4(0, 80)) });
    const out = g.set({ 'acme/svc/tcp': svc('10.0.0.1', l4(0, 80)), 'acme/svc/http': svc('10.0.0.2', web(0, { domains: ['a.org'] })) });
    expect(statusOf(out.statuses, 'acme/svc/http').exposes[0]).toMatchObject({ served: false, conflict: { holder: 'acme/svc/tcp expose#0' } });
    expect((g.get('listener', '0.0.0.0:80/tcp')['filter_chains'] as unknown[]).length).toBe(1);
  });
});

describe('a name or an address let go and claimed again by its namespace in the same change', () => {
  const BANK = 'acme/svc/web';
  const BANK2 = 'acme/svc/web2';
  const EVIL = 'mallory/svc/web';

  it('stays with its namespace: a service renamed (deleted and created in one batch) keeps its name against a waiting claim and a wildcard', () => {
    for (const evil of [web(0, { domains: ['shop.acme.org'] }), web(0, { domains: ['*.acme.org'] })]) {
      const g = new Gateway({ secrets: SECRETS });
      const bank = svc('10.0.0.1', web(0, { domains: ['shop.acme.org'] }));
      g.set({ [BANK]: bank });
      g.set({ [BANK]: bank, [EVIL]: svc('10.0.0.9', evil) });
      const out = g.set({ [BANK2]: bank, [EVIL]: svc('10.0.0.9', evil) });
      expect(statusOf(out.statuses, BANK2).exposes[0]).toMatchObject({ served: true });
      const hosts = g.get('route', '0.0.0.0:80/tcp')['virtual_hosts'] as { name: string; domains: string[] }[];
      expect(hosts.find((h) => h.domains.includes('shop.acme.org'))?.name).toBe(`${BANK2}.expose#0.vhost#0`);
    }
  });

  it('and a specific address too, beside another namespace\'s wildcard address', () => {
    const g = new Gateway();
    const bank = svc('10.0.0.1', l4(0, 5432, { listener_addr: '192.0.2.10' }));
    g.set({ [BANK]: bank });
    g.set({ [BANK]: bank, [EVIL]: svc('10.0.0.9', l4(0, 5432)) });
    const out = g.set({ [BANK2]: bank, [EVIL]: svc('10.0.0.9', l4(0, 5432)) });
    expect(statusOf(out.statuses, BANK2).exposes[0]).toMatchObject({ served: true });
    expect(g.names('listener')).toContain('192.0.2.10:5432/tcp');
  });

  it('goes to the waiting claim when no service of the namespace claims it again', () => {
    const g = new Gateway({ secrets: SECRETS });
    const bank = svc('10.0.0.1', web(0, { domains: ['shop.acme.org'] }));
    g.set({ [BANK]: bank });
    g.set({ [BANK]: bank, [EVIL]: svc('10.0.0.9', web(0, { domains: ['shop.acme.org'] })) });
    const out = g.set({ [EVIL]: svc('10.0.0.9', web(0, { domains: ['shop.acme.org'] })) });
    expect(statusOf(out.statuses, EVIL).exposes[0]).toMatchObject({ served: true });
  });
});
