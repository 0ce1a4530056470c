/**
 * Which pins renovate.json keeps current: the pins the finder sees against the dependencies the custom managers
 * extract (and, for the Dockerfile and the workflows, Renovate's built-in managers), in both directions.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATORS } from '../../constructs/bootstrap/operator-charts.js';
import type { Pin } from '../../stacks/verify-pins/pins.js';
import type { SourcePin, BuiltInManager } from './pin-finder.js';
import { extractAll, isIgnoredPath, matchesFilePattern, RECOMMENDED_IGNORE_PATHS, type ExtractedDep, type RegexCustomManager, type RepoFile } from './regex-manager.js';

/** The parts of renovate.json the checks read. */
export interface RenovateConfig {
  readonly extends?: readonly string[];
  readonly enabledManagers?: readonly string[];
  readonly ignorePaths?: readonly string[];
  readonly customManagers?: readonly RegexCustomManager[];
  readonly [manager: string]: unknown;
}

/** Default managerFilePatterns of the built-in managers the finder leaves pins to (lib/modules/manager/<name>/index.ts). */
export const BUILT_IN_FILE_PATTERNS: Readonly<Record<BuiltInManager, readonly string[]>> = {
  dockerfile: ['/(^|/|\\.)([Dd]ocker|[Cc]ontainer)file$/', '/(^|/)([Dd]ocker|[Cc]ontainer)file[^/]*$/'],
  'github-actions': ['/(^|/)(workflow-templates|\\.(?:github|gitea|forgejo)/(?:workflows|actions))/.+\\.ya?ml$/', '/(^|/)action\\.ya?ml$/'],
};

/** Why a built-in manager would not run, or undefined when it does. */
export function builtInDisabled(config: RenovateConfig, manager: BuiltInManager | 'npm'): string | undefined {
  if (config.enabledManagers && !config.enabledManagers.includes(manager)) return `enabledManagers leaves out ${manager}`;
  if ((config[manager] as { enabled?: boolean } | undefined)?.enabled === false) return `${manager}.enabled is false`;
  return undefined;
}

const depKey = (dep: ExtractedDep) => dep.packageName ?? dep.depName ?? '';
const sameUrl = (a: string | undefined, b: string | undefined) => (a ?? '').replace(/\/+$/, '') === (b ?? '').replace(/\/+$/, '');
const describeDep = (dep: Pick<ExtractedDep, 'datasource' | 'currentValue' | 'registryUrl'> & { name: string }) =>
  `${dep.datasource} ${dep.name} ${dep.currentValue}${dep.registryUrl ? ` from ${dep.registryUrl}` : ''}`;
const describePin = (pin: SourcePin) =>
  pin.name === undefined ? `version ${pin.value} (of nothing the finder can name)` : `${pin.datasource} ${pin.name} ${pin.value}${pin.registryUrl ? ` from ${pin.registryUrl}` : ''}`;

function lineOf(content: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (content.charCodeAt(i) === 10) line++;
  return line;
}

/** Whether an update of `dep` rewrites the pin: the pin's version lies in its replaceString and is its currentValue. */
function reaches(dep: ExtractedDep, pin: SourcePin): boolean {
  return dep.file === pin.file && dep.offset <= pin.offset && pin.offset + pin.value.length <= dep.offset + dep.replaceString.length && dep.currentValue === pin.value;
}

function sameDependency(dep: ExtractedDep, pin: SourcePin): boolean {
  return (pin.datasource === undefined || dep.datasource === pin.datasource) && (pin.name === undefined || depKey(dep) === pin.name) && (pin.registryUrl === undefined || sameUrl(dep.registryUrl, pin.registryUrl));
}

export interface CoverageReport {
  readonly deps: readonly ExtractedDep[];
  /** Source pins no manager updates, one message each: "<file>:<line>: ...". */
  readonly unmatched: readonly string[];
  /** Dependencies a custom manager extracts that are no pin (Renovate would edit something else). */
  readonly spurious: readonly string[];
  /** Text an update would rewrite besides the pins (every occurrence of currentValue in the replaceString). */
  readonly collateral: readonly string[];
}

/** Runs renovate.json's custom managers over `files` and checks them against `pins`. */
export function checkCoverage(config: RenovateConfig, files: readonly RepoFile[], pins: readonly SourcePin[]): CoverageReport {
  const deps = extractAll(config, files);
  const content = new Map(files.map((f) => [f.path, f.content]));
  const ignorePaths = config.ignorePaths ?? RECOMMENDED_IGNORE_PATHS;

  const unmatched = pins.flatMap((pin): string[] => {
    const where = `${pin.file}:${pin.line}: ${pin.kind} ${pin.text}`;
    if (pin.builtIn) {
      const disabled = builtInDisabled(config, pin.builtIn);
      if (disabled) return [`${where} is left to the ${pin.builtIn} manager, but ${disabled}`];
      if (isIgnoredPath(pin.file, ignorePaths) || !BUILT_IN_FILE_PATTERNS[pin.builtIn].some((p) => matchesFilePattern(pin.file, p))) return [`${where}: the ${pin.builtIn} manager does not read this file`];
      return pin.problem ? [`${where} ${pin.problem}`] : [];
    }
    const reaching = deps.filter((dep) => reaches(dep, pin));
    if (reaching.some((dep) => sameDependency(dep, pin))) return [];
    const extractedAs = reaching.length ? `; extracted as ${reaching.map((d) => describeDep({ ...d, name: depKey(d) })).join(', ')}` : '';
    return [`${where} (${describePin(pin)}) is matched by no manager${extractedAs}`];
  });

  const spurious = deps.flatMap((dep): string[] =>
    pins.some((pin) => !pin.builtIn && reaches(dep, pin) && sameDependency(dep, pin))
      ? []
      : [`${dep.file}:${lineOf(content.get(dep.file)!, dep.offset)}: customManagers[${dep.manager}] extracts ${describeDep({ ...dep, name: depKey(dep) })}, which is no pin the finder knows`],
  );

  const collateral = deps.flatMap((dep): string[] => {
    const value = dep.currentValue;
    if (!value) return [];
    const hits: string[] = [];
    for (let i = dep.replaceString.indexOf(value); i !== -1; i = dep.replaceString.indexOf(value, i + 1)) {
      const offset = dep.offset + i;
      if (!pins.some((pin) => pin.file === dep.file && pin.offset === offset && pin.value === value)) {
        const around = dep.replaceString.slice(Math.max(0, i - 20), i + value.length + 20).replaceAll('\n', '⏎');
        hits.push(`${dep.file}:${lineOf(content.get(dep.file)!, offset)}: updating ${depKey(dep)} would also rewrite "${value}" in "${around}"`);
      }
    }
    return hits;
  });

  return { deps, unmatched, spurious, collateral };
}

/** What a rendered pin needs a manager to extract. */
export interface RenderedExpectation {
  readonly artifact: string;
  readonly datasource: 'docker' | 'helm' | 'npm';
  readonly name: string;
  readonly value: string;
  readonly registryUrl?: string;
}

/** CRD charts and the controller chart they are released with (the config pins one version for both). */
const CHART_FOLLOWS: ReadonlyMap<string, string> = new Map(
  Object.values(OPERATORS).flatMap((op) => op.charts.slice(0, -1).map((c) => [`${c.repository} ${c.chart}`, op.charts.at(-1)!.chart] as const)),
);

export function renderedExpectation(pin: Pin): RenderedExpectation {
  if (pin.kind === 'npm') return { artifact: pin.artifact, datasource: 'npm', name: pin.name, value: pin.version };
  if (pin.kind === 'image') {
    const at = pin.image.indexOf('@');
    const named = at === -1 ? pin.image : pin.image.slice(0, at);
    const colon = named.lastIndexOf(':');
    return colon > named.lastIndexOf('/')
      ? { artifact: pin.artifact, datasource: 'docker', name: named.slice(0, colon), value: named.slice(colon + 1) }
      : { artifact: pin.artifact, datasource: 'docker', name: named, value: pin.image.slice(at + 1) };
  }
  const chart = CHART_FOLLOWS.get(`${pin.repository} ${pin.chart}`) ?? pin.chart;
  return pin.repository.startsWith('oci://')
    ? { artifact: pin.artifact, datasource: 'docker', name: `${pin.repository.slice('oci://'.length).replace(/\/+$/, '')}/${chart}`, value: pin.version }
    : { artifact: pin.artifact, datasource: 'helm', name: chart, value: pin.version, registryUrl: pin.repository };
}

/**
 * Rendered pins that no extracted dependency (nor a pin a built-in manager reads) names with the same version.
 * Dependencies from Markdown do not count: an update there changes the documentation, not what is rendered.
 */
export function unmatchedRendered(rendered: readonly Pin[], deps: readonly ExtractedDep[], sourcePins: readonly SourcePin[]): string[] {
  const known = [
    ...deps.filter((d) => !d.file.endsWith('.md')).map((d) => ({ datasource: d.datasource, name: depKey(d), value: d.currentDigest && !d.currentValue ? d.currentDigest : d.currentValue, registryUrl: d.registryUrl, where: `${d.file} (customManagers[${d.manager}])` })),
    ...sourcePins.filter((p) => p.builtIn && !p.problem).map((p) => ({ datasource: p.datasource, name: p.name, value: p.value, registryUrl: p.registryUrl, where: `${p.file} (${p.builtIn})` })),
  ];
  return rendered.flatMap((pin) => {
    const want = renderedExpectation(pin);
    const found = known.some((k) => k.datasource === want.datasource && k.name === want.name && k.value === want.value && (want.registryUrl === undefined || sameUrl(k.registryUrl, want.registryUrl)));
    return found ? [] : [`${pin.kind} ${pin.artifact} (used by ${pin.usedBy.join(', ')}) is extracted by no manager as ${describeDep({ ...want, currentValue: want.value })}`];
  });
}

/** Paths of the repository's files, as Renovate lists them: without .git and what .gitignore leaves out. */
export function listRepoPaths(root: string): string[] {
  const ignored = readFileSync(join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ dirOnly: l.endsWith('/'), re: new RegExp(`^${l.replace(/\/$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}$`) }));
  const paths: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = dir ? `${dir}/${name}` : name;
      const isDir = statSync(join(root, path)).isDirectory();
      if (name === '.git' || ignored.some((g) => g.re.test(name) && (isDir || !g.dirOnly))) continue;
      if (isDir) walk(path);
      else paths.push(path);
    }
  };
  walk('');
  return paths;
}
