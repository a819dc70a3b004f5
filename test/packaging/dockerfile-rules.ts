// The rules docker/Dockerfile must keep, as a function from the file's text to its problems
// ("rule: sentence"). Syntax comes from dockerfile-utils (the validator of the VS Code Docker
// language server); the rest is this project's packaging policy: a pinned Node LTS base, npm ci,
// a runtime stage with production dependencies and compiled JavaScript only, a non-root user, a
// HEALTHCHECK that needs no curl, the OCI labels.
import { Copy, DockerfileParser, From, Label, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

export interface Stage {
  readonly name: string | null;
  readonly image: string | null;
  readonly tag: string | null;
  readonly instructions: readonly Instruction[];
}

export interface PackagePolicy {
  readonly version: string;
  readonly license: string;
}

/** Files the runtime stage may take from the build context; the rest comes from the build stage. */
export const RUNTIME_CONTEXT_FILES = ['package.json', 'package-lock.json', 'bin', 'docker/healthcheck.mjs'];
const DEV_TOOLS = /\b(tsx|esbuild|typescript|tsc|vitest|eslint)\b/;
const OCI_LABELS = ['title', 'description', 'source', 'licenses', 'version'].map((k) => `org.opencontainers.image.${k}`);

export function stagesOf(text: string): Stage[] {
  const stages: { name: string | null; image: string | null; tag: string | null; instructions: Instruction[] }[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction instanceof From) {
      stages.push({ name: instruction.getBuildStage(), image: instruction.getImageName(), tag: instruction.getImageTag(), instructions: [] });
    }
    stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

export function argsOf(instruction: Instruction): string[] {
  return instruction.getArguments().map((a) => a.getValue());
}

/** A COPY's sources and destination, and the stage it copies from. */
export function copyOf(instruction: Instruction): { from: string | undefined; sources: string[]; dest: string } {
  const args = argsOf(instruction);
  const from = instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? undefined) : undefined;
  return { from, sources: args.slice(0, -1), dest: args.at(-1) ?? '' };
}

function keyword(stage: Stage, name: string): Instruction[] {
  return stage.instructions.filter((i) => i.getKeyword() === name);
}

function syntaxProblems(text: string): string[] {
  return validate(text).map((d) => `syntax: line ${d.range.start.line + 1}: ${d.message}`);
}

function baseProblems(stages: readonly Stage[]): string[] {
  const names = new Set(stages.map((s) => s.name));
  const bases = stages.filter((s) => !names.has(s.image));
  const problems: string[] = [];
  for (const s of bases) {
    const ref = `${s.image ?? '?'}:${s.tag ?? ''}`;
    const tag = /^(\d+)(\.\d+){0,2}-(bookworm|trixie)(-slim)?$/.exec(s.tag ?? '');
    if (s.image !== 'node' || !tag) problems.push(`base-pinned: ${ref} is not node:<major>-<debian release>[-slim]`);
    else if (Number(tag[1]) % 2 === 1 || Number(tag[1]) <= 20) problems.push(`base-pinned: ${ref}: Node ${tag[1]} is not a supported LTS line`);
  }
  if (new Set(bases.map((s) => `${s.image ?? ''}:${s.tag ?? ''}`)).size > 1) problems.push('same-base: the build and runtime stages use different base images');
  return problems;
}

function npmProblems(stages: readonly Stage[]): string[] {
  const runs = stages.flatMap((s) => keyword(s, 'RUN').map((r) => r.getArgumentsContent() ?? ''));
  const problems = runs.filter((r) => /\bnpm (install|i|add)\b/.test(r)).map((r) => `npm-ci: "${r}" installs without the lock file (use npm ci)`);
  const runtime = stages.at(-1);
  const install = runtime ? keyword(runtime, 'RUN').map((r) => r.getArgumentsContent() ?? '').find((r) => /\bnpm ci\b/.test(r)) : undefined;
  if (!install) problems.push('runtime-prod-only: the runtime stage does not install its dependencies with npm ci');
  else if (!/--omit=dev\b/.test(install)) problems.push(`runtime-prod-only: "${install}" installs the dev dependencies`);
  return problems;
}

function runtimeProblems(stages: readonly Stage[]): string[] {
  const runtime = stages.at(-1);
  if (!runtime || stages.length < 2) return ['multi-stage: no separate build and runtime stages'];
  const problems: string[] = [];
  for (const instruction of runtime.instructions) {
    const text = `${instruction.getKeyword()} ${instruction.getArgumentsContent() ?? ''}`;
    if (DEV_TOOLS.test(text)) problems.push(`runtime-no-dev-tools: "${text}" names a dev tool`);
    if (instruction.getKeyword() !== 'COPY') continue;
    const { from, sources } = copyOf(instruction);
    const allowed = from === undefined ? sources.every((s) => RUNTIME_CONTEXT_FILES.includes(s.replace(/\/$/, ''))) : sources.every((s) => /^\/app\/dist\/?$/.test(s));
    if (!allowed) problems.push(`runtime-compiled-only: the runtime stage copies ${sources.join(' ')}${from ? ` from ${from}` : ''}`);
  }
  if (stages.some((s) => keyword(s, 'ADD').length > 0)) problems.push('no-add: ADD is used (COPY local files)');
  return problems;
}

function userProblems(runtime: Stage): string[] {
  const users = keyword(runtime, 'USER').map((u) => (u.getArgumentsContent() ?? '').trim());
  const last = users.at(-1);
  if (last === undefined) return ['non-root: the runtime stage sets no USER (it runs as root)'];
  return /^(root|0)(:|$)/.test(last) ? [`non-root: the runtime stage runs as ${last}`] : [];
}

function healthProblems(runtime: Stage): string[] {
  const checks = keyword(runtime, 'HEALTHCHECK').map((h) => h.getArgumentsContent() ?? '');
  const check = checks.at(-1);
  if (check === undefined || /^NONE\b/i.test(check.trim())) return ['healthcheck: no HEALTHCHECK'];
  if (/\b(curl|wget)\b/.test(check)) return [`healthcheck: "${check}" needs a tool slim images lack`];
  return /\bnode\b/.test(check) ? [] : [`healthcheck: "${check}" does not run node`];
}

function labelProblems(stages: readonly Stage[], policy: PackagePolicy): string[] {
  const runtime = stages.at(-1);
  if (!runtime) return [];
  const labels = new Map<string, string>();
  for (const label of runtime.instructions.filter((i): i is Label => i instanceof Label)) {
    for (const p of label.getProperties()) labels.set(p.getName(), p.getValue() ?? '');
  }
  const problems = OCI_LABELS.filter((k) => !labels.get(k)).map((k) => `labels: no ${k}`);
  const license = labels.get('org.opencontainers.image.licenses');
  if (license && license !== policy.license) problems.push(`labels: licenses "${license}" is not package.json's "${policy.license}"`);
  const versionArg = keyword(runtime, 'ARG').map((a) => argsOf(a).join(' ')).find((a) => a.startsWith('VERSION='));
  if (labels.get('org.opencontainers.image.version') !== '${VERSION}') problems.push('labels: version does not come from the VERSION build argument');
  if (versionArg !== `VERSION=${policy.version}`) problems.push(`labels: ARG ${versionArg ?? 'VERSION'} does not default to package.json's version ${policy.version}`);
  return problems;
}

export function dockerfileProblems(text: string, policy: PackagePolicy): string[] {
  const stages = stagesOf(text);
  const runtime = stages.at(-1);
  return [
    ...syntaxProblems(text),
    ...baseProblems(stages),
    ...npmProblems(stages),
    ...runtimeProblems(stages),
    ...(runtime ? [...userProblems(runtime), ...healthProblems(runtime)] : []),
    ...labelProblems(stages, policy),
  ];
}
