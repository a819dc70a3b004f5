// `xds translate`: the Envoy resources a cluster would be served, decoded from the very bytes the
// janitor would send, as YAML or JSON; secret values redacted unless --show-secrets. With
// --bootstrap, a static Envoy bootstrap instead (bootstrap.ts), for `envoy --mode validate`.
// Problems go to stderr, one line each, and make the exit code 1; the resources still go to stdout.
import type { Command } from 'commander';
import { Option } from 'commander';
import YAML from 'yaml';
import { redactSecrets } from '../admin/redact.js';
import type { RawOptions } from '../flags.js';
import { formatProblem } from '../model/problems.js';
import { decodeMessage } from '../proto/codec.js';
import { TYPE, type EncodedResource, type TypeUrl } from '../xds/types.js';
import { staticBootstrap, type ResourcesByKind } from './bootstrap.js';
import { EXIT, commandOptions, addDaemonOptions, outputOption, type CommandContext } from './context.js';
import { prepare } from './once.js';

type TranslateOptions = RawOptions & { readonly output: 'yaml' | 'json'; readonly showSecrets?: boolean; readonly bootstrap?: boolean };

type Json = Record<string, unknown>;

const KINDS: readonly (readonly [keyof ResourcesByKind, TypeUrl])[] = [
  ['clusters', TYPE.cluster],
  ['endpoints', TYPE.endpoint],
  ['secrets', TYPE.secret],
  ['listeners', TYPE.listener],
  ['routes', TYPE.route],
];

function decode(r: EncodedResource, showSecrets: boolean): Json {
  const fullName = r.typeUrl.slice(r.typeUrl.indexOf('/') + 1);
  const message = { '@type': r.typeUrl, ...decodeMessage(fullName, r.bytes) };
  return showSecrets ? message : (redactSecrets(fullName, message) as Json);
}

function withoutType(message: Json): Json {
  const { '@type': _type, ...rest } = message;
  return rest;
}

function byKind(resources: readonly EncodedResource[], showSecrets: boolean): ResourcesByKind {
  const out: Record<string, Json[]> = {};
  for (const [kind, typeUrl] of KINDS) out[kind] = resources.filter((r) => r.typeUrl === typeUrl).map((r) => withoutType(decode(r, showSecrets)));
  return { listeners: out['listeners'] ?? [], routes: out['routes'] ?? [], clusters: out['clusters'] ?? [], endpoints: out['endpoints'] ?? [], secrets: out['secrets'] ?? [] };
}

function render(value: unknown, output: 'yaml' | 'json', header: string): string {
  if (output === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  const doc = new YAML.Document(value);
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}

export function translateCommand(parent: Command, ctx: CommandContext): void {
  const command = parent
    .command('translate')
    .description('print the Envoy resources the cluster would be served (secrets redacted unless --show-secrets), or a static Envoy bootstrap for envoy --mode validate: exit 1 when a service has problems (listed on stderr), 2 on a usage error or an unreadable cluster');
  addDaemonOptions(command, ['source', 'socket', 'sock', 'name', 'portRange', 'allowCodeExtensions', 'allowClusterHeader'])
    .addOption(outputOption(['yaml', 'json'], 'yaml'))
    .addOption(new Option('--show-secrets', 'print private keys and passwords as served (else [redacted])'))
    .addOption(new Option('--bootstrap', 'print an envoy.config.bootstrap.v3.Bootstrap with static_resources: STATIC clusters with their endpoints, inline route_config, static secrets'));
  command.action(() =>
    ctx.run(async () => {
      const o = commandOptions<TranslateOptions>(command);
      const prepared = await prepare(o, ctx);
      if (prepared.kind === 'exit') return prepared.code;
      if (prepared.kind === 'refused') {
        ctx.stderr(`xds: ${prepared.origin} line ${prepared.problem.line}, column ${prepared.problem.column}: ${prepared.problem.message}\n`);
        return EXIT.problems;
      }
      const { translation, options, origin } = prepared;
      const showSecrets = o.showSecrets === true;
      const secrets = showSecrets ? 'secret values shown' : 'secret values [redacted]: --show-secrets prints them';
      const header = ` xds translate: what gateway ${options.name} would serve from ${origin}; ${secrets}`;
      const body = o.bootstrap === true
        ? staticBootstrap(byKind(translation.resources, showSecrets), { id: options.name, cluster: options.name })
        : { resources: translation.resources.map((r) => decode(r, showSecrets)) };
      ctx.stdout(render(body, o.output, header));
      const problems = translation.statuses.flatMap((s) => s.problems);
      for (const p of problems) ctx.stderr(`xds: ${formatProblem(p)}\n`);
      return problems.length > 0 ? EXIT.problems : EXIT.ok;
    }),
  );
}
