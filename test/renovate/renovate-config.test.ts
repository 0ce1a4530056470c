import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_POSTGRES_IMAGE } from '../../constructs/database/pgvector-database.js';
import { STDIO_BRIDGE } from '../../constructs/mcp/npm-runtime.js';
import { parsePlatformConfig, type PlatformConfig } from '../../stacks/config.js';
import { DEFAULT_CONFIG, loadConfigFile } from '../../stacks/load-config.js';
import { renderPlatformInMemory } from '../../stacks/synth.js';
import { collectPins } from '../../stacks/verify-pins/collect.js';
import type { Pin } from '../../stacks/verify-pins/pins.js';
import { builtInDisabled, checkCoverage, listRepoPaths, unmatchedRendered, type CoverageReport, type RenovateConfig } from './pin-coverage.js';
import { findPins, pinFileKind, type SourcePin } from './pin-finder.js';
import { compileTemplate, extractAll, isRegexPattern, matchesFilePattern, VALID_MATCH_FIELDS, type RegexCustomManager, type RepoFile } from './regex-manager.js';

const CONFIG_TEXT = readFileSync('renovate.json', 'utf8');
const config = JSON.parse(CONFIG_TEXT) as RenovateConfig;
const managers: readonly RegexCustomManager[] = config.customManagers ?? [];

/** Every file a custom manager or the pin finder reads. */
function repositoryFiles(): RepoFile[] {
  const patterns = managers.flatMap((m) => m.managerFilePatterns);
  return listRepoPaths('.')
    .filter((path) => pinFileKind(path) !== undefined || patterns.some((p) => matchesFilePattern(path, p)))
    .map((path) => ({ path, content: readFileSync(path, 'utf8') }));
}

/** What RE2 (google/re2 doc/syntax.txt) does not support, found outside escapes and character classes. */
function re2Unsupported(pattern: string): string[] {
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next)) found.push(`backreference \\${next}`);
      if (next === 'k' && pattern[i + 2] === '<') found.push('named backreference \\k<');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      const head = pattern.slice(i, i + 4);
      for (const construct of ['(?<=', '(?<!', '(?=', '(?!', '(?>', '(?P=']) if (head.startsWith(construct)) found.push(construct);
    } else if (/[*+?}]/.test(c) && pattern[i + 1] === '+') {
      found.push(`possessive ${c}+`);
    }
  }
  return found;
}

const splitImage = (image: string) => ({ depName: image.slice(0, image.lastIndexOf(':')), currentValue: image.slice(image.lastIndexOf(':') + 1) });

describe('renovate.json', () => {
  it('is a Renovate config with its schema, the recommended presets and digest pinning of actions', () => {
    expect(config.$schema).toBe('https://docs.renovatebot.com/renovate-schema.json');
    expect(config.extends).toEqual(expect.arrayContaining(['config:recommended', 'helpers:pinGitHubActionDigests']));
  });

  it('leaves the built-in dockerfile, github-actions and npm managers on, and uses no deprecated fileMatch', () => {
    expect((['dockerfile', 'github-actions', 'npm'] as const).map((m) => builtInDisabled(config, m)).filter(Boolean)).toEqual([]);
    expect(CONFIG_TEXT).not.toContain('"fileMatch"');
    expect(CONFIG_TEXT).not.toContain('"regexManagers"');
    // The coverage check models an update as Renovate's default: every occurrence of currentValue in the match is replaced.
    expect(config.autoReplaceGlobalMatch).not.toBe(false);
    expect(managers.filter((m) => m.autoReplaceStringTemplate !== undefined)).toEqual([]);
  });

  it('sends PostgreSQL major updates of the CloudNativePG operand to the dependency dashboard for approval', () => {
    const rules = (config.packageRules ?? []) as Array<Record<string, unknown>>;
    expect(rules).toContainEqual(expect.objectContaining({ matchPackageNames: ['ghcr.io/cloudnative-pg/postgresql'], matchUpdateTypes: ['major'], dependencyDashboardApproval: true }));
  });

  it.each(managers.map((m, i) => [i, m] as const))('customManagers[%i] is a regex manager whose every match yields a datasource, a name and a version', (_, manager) => {
    expect(manager.customType).toBe('regex');
    expect(manager.managerFilePatterns.length).toBeGreaterThan(0);
    for (const pattern of manager.managerFilePatterns) {
      expect(isRegexPattern(pattern)).toBe(true);
      expect(() => matchesFilePattern('x', pattern)).not.toThrow();
    }
    expect(manager.matchStrings.length).toBeGreaterThan(0);
    // With the "any" strategy each match stands alone, so each match string must supply what a template does not.
    expect(manager.matchStringsStrategy ?? 'any').toBe('any');
    const supplies = (field: (typeof VALID_MATCH_FIELDS)[number], matchString: string) => manager[`${field}Template`] !== undefined || matchString.includes(`(?<${field}>`);
    const missing = manager.matchStrings.flatMap((s) => [
      ...(supplies('depName', s) || supplies('packageName', s) ? [] : [`${s}: no depName or packageName`]),
      ...(supplies('currentValue', s) || supplies('currentDigest', s) ? [] : [`${s}: no currentValue or currentDigest`]),
      ...(supplies('datasource', s) ? [] : [`${s}: no datasource`]),
    ]);
    expect(missing).toEqual([]);
    for (const s of manager.matchStrings) expect(() => new RegExp(s, 'g')).not.toThrow();
  });

  it('uses no regex construct RE2 lacks (lookaround, backreferences, atomic or possessive groups)', () => {
    const patterns = managers.flatMap((m, i) => [...m.matchStrings, ...m.managerFilePatterns].map((p) => ({ where: `customManagers[${i}]`, p })));
    expect(patterns.flatMap(({ where, p }) => re2Unsupported(p).map((c) => `${where}: ${c} in ${p}`))).toEqual([]);
  });

  it('the RE2 check finds what it looks for', () => {
    expect(re2Unsupported(String.raw`a(?=b)(?<!c)(x)\1\k<n>[(?=]\(?!`)).toEqual(['(?=', '(?<!', 'backreference \\1', 'named backreference \\k<']);
  });
});

describe('pins in the source', () => {
  let files: RepoFile[];
  let pins: SourcePin[];
  let report: CoverageReport;
  beforeAll(() => {
    files = repositoryFiles();
    pins = findPins(files);
    report = checkCoverage(config, files, pins);
  });

  it('are found in every place the project keeps them', () => {
    const places = (kind: SourcePin['kind']) => [...new Set(pins.filter((p) => p.kind === kind).map((p) => p.file))];
    expect(places('image')).toEqual(
      expect.arrayContaining(['constructs/database/pgvector-database.ts', 'constructs/mcp/npm-runtime.ts', 'constructs/gateway/mcp-gateway.ts', 'constructs/inference/vllm-deployment.ts', 'constructs/inference/triage-llm.ts', 'constructs/discovery/discovery-service.ts', 'stacks/config.ts', 'stacks/platform.config.ts', 'stacks/servers/talos.ts', 'services/discovery/Dockerfile', '.github/workflows/ci.yml', 'README.md']),
    );
    expect(places('chart')).toEqual(expect.arrayContaining(['stacks/config.ts', 'constructs/bootstrap/argocd-root.ts', 'README.md']));
    expect(places('npm')).toEqual(expect.arrayContaining(['constructs/mcp/npm-runtime.ts', 'stacks/platform.config.ts', 'stacks/servers/caddy.ts', '.github/workflows/ci.yml', 'README.md']));
    expect(places('action')).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/discovery-image.yml']));
    expect(pins.filter((p) => p.kind === 'version').map((p) => `${p.file}:${p.line}: ${p.text}`)).toEqual([]);
  });

  it('are each updated by a manager: a custom one with the right datasource, name and version, or a built-in one that is on', () => {
    expect(report.unmatched).toEqual([]);
  });

  it('are all a custom manager extracts: no manager would edit anything else', () => {
    expect(report.spurious).toEqual([]);
  });

  it('are all an update rewrites: every occurrence of the old version in a replaced string is a pin', () => {
    expect(report.collateral).toEqual([]);
  });

  it('include actions pinned by commit SHA with their version in a comment, which the github-actions manager moves together', () => {
    const actions = pins.filter((p) => p.kind === 'action');
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((p) => p.problem).map((p) => `${p.file}:${p.line}: ${p.text} ${p.problem}`)).toEqual([]);
  });

  describe('are extracted exactly', () => {
    const defaults = parsePlatformConfig({ name: 'lab', kubernetes: { context: 'lab' }, gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps' } }, 'minimal');
    it.each([
      ['stacks/config.ts', { datasource: 'helm', depName: 'cloudnative-pg', currentValue: defaults.operators.cloudnativePg.version, registryUrl: 'https://cloudnative-pg.github.io/charts' }],
      ['stacks/config.ts', { datasource: 'docker', depName: 'ghcr.io/kagent-dev/kmcp/helm/kmcp', currentValue: defaults.operators.kmcp.version }],
      ['stacks/config.ts', { datasource: 'helm', depName: 'gpu-operator', currentValue: defaults.operators.nvidiaGpu.version, registryUrl: 'https://helm.ngc.nvidia.com/nvidia' }],
      ['constructs/database/pgvector-database.ts', { datasource: 'docker', ...splitImage(DEFAULT_POSTGRES_IMAGE) }],
      ['constructs/mcp/npm-runtime.ts', { datasource: 'npm', depName: STDIO_BRIDGE.package, currentValue: STDIO_BRIDGE.version }],
    ])('%s: %j', (file, expected) => {
      const deps = report.deps.filter((d) => d.file === file && d.depName === expected.depName);
      expect(deps.map(({ datasource, depName, currentValue, registryUrl }) => ({ datasource, depName, currentValue, ...(registryUrl ? { registryUrl } : {}) }))).toContainEqual(expected);
    });
  });
});

describe('pins of the rendered platform', () => {
  let rendered: Pin[];
  let report: CoverageReport;
  let sourcePins: SourcePin[];
  beforeAll(async () => {
    const platform: PlatformConfig = await loadConfigFile(DEFAULT_CONFIG);
    // argocd.install renders the argo-cd chart, which the default config leaves to an existing Argo CD.
    const withArgoCd: PlatformConfig = { ...platform, argocd: { ...platform.argocd, install: true } };
    rendered = [...collectPins(renderPlatformInMemory(platform)), ...collectPins(renderPlatformInMemory(withArgoCd))];
    const files = repositoryFiles();
    sourcePins = findPins(files);
    report = checkCoverage(config, files, sourcePins);
  });

  it('cover every kind: images, charts and npm packages', () => {
    expect(new Set(rendered.map((p) => p.kind))).toEqual(new Set(['image', 'chart', 'npm']));
    expect(rendered.map((p) => p.artifact)).toContainEqual(expect.stringMatching(/^argo-cd /));
  });

  it('are each extracted by a manager with the same datasource, name and version', () => {
    expect(unmatchedRendered(rendered, report.deps, sourcePins)).toEqual([]);
  });
});

describe('the coverage check', () => {
  it('reports a new pin no manager matches, naming the file, the line and the pin', () => {
    // GIVEN a construct file with an image in a constant no manager reads, one it reads, and a Helm release
    const file = {
      path: 'constructs/extra/gizmo.ts',
      content: [
        "export const GIZMO = 'ghcr.io/acme/gizmo:1.2.3';",
        "export const GIZMO_IMAGE = 'ghcr.io/acme/gizmo:1.2.3';",
        "export const GIZMO_CHART = { repository: 'https://charts.acme.dev', chart: 'gizmo', version: '2.0.0' };",
        '',
      ].join('\n'),
    };
    // WHEN the real renovate.json is checked against it
    const report = checkCoverage(config, [file], findPins([file]));
    // THEN the first and the third are reported, the second is not
    expect(report.unmatched).toEqual([
      'constructs/extra/gizmo.ts:1: image ghcr.io/acme/gizmo:1.2.3 (docker ghcr.io/acme/gizmo 1.2.3) is matched by no manager',
      'constructs/extra/gizmo.ts:3: chart gizmo 2.0.0 (helm gizmo 2.0.0 from https://charts.acme.dev) is matched by no manager',
    ]);
  });

  it('reports an annotation that names another chart than the one pinned', () => {
    const file = {
      path: 'constructs/extra/gizmo.ts',
      content: "export const CHART = {\n  repository: 'https://charts.acme.dev',\n  chart: 'gizmo',\n  // renovate: datasource=helm depName=widget registryUrl=https://charts.acme.dev\n  version: '2.0.0',\n};\n",
    };
    const report = checkCoverage(config, [file], findPins([file]));
    expect(report.unmatched).toEqual(['constructs/extra/gizmo.ts:5: chart gizmo 2.0.0 (helm gizmo 2.0.0 from https://charts.acme.dev) is matched by no manager; extracted as helm widget 2.0.0 from https://charts.acme.dev/']);
    expect(report.spurious).toEqual(['constructs/extra/gizmo.ts:4: customManagers[3] extracts helm widget 2.0.0 from https://charts.acme.dev/, which is no pin the finder knows']);
  });

  it('reports an action pinned by tag, and an image in a workflow when the github-actions manager is off', () => {
    const workflow = { path: '.github/workflows/x.yml', content: 'jobs:\n  a:\n    container:\n      image: postgres:17\n    steps:\n      - uses: actions/checkout@v4\n' };
    const off = checkCoverage({ ...config, 'github-actions': { enabled: false } }, [workflow], findPins([workflow]));
    expect(off.unmatched).toEqual([
      '.github/workflows/x.yml:4: image postgres:17 is left to the github-actions manager, but github-actions.enabled is false',
      '.github/workflows/x.yml:6: action actions/checkout@v4 is left to the github-actions manager, but github-actions.enabled is false',
    ]);
    expect(checkCoverage(config, [workflow], findPins([workflow])).unmatched).toEqual(['.github/workflows/x.yml:6: action actions/checkout@v4 is pinned to "v4", not to a full commit SHA']);
  });

  it('reports a rendered pin no manager extracts', () => {
    const pin: Pin = { kind: 'chart', artifact: 'ghcr.io/acme/charts/gizmo:1.0.0', repository: 'oci://ghcr.io/acme/charts', chart: 'gizmo', version: '1.0.0', usedBy: ['bootstrap/helm_release gizmo'] };
    expect(unmatchedRendered([pin], [], [])).toEqual(['chart ghcr.io/acme/charts/gizmo:1.0.0 (used by bootstrap/helm_release gizmo) is extracted by no manager as docker ghcr.io/acme/charts/gizmo 1.0.0']);
  });
});

describe('the regex manager model', () => {
  const manager = (m: Partial<RegexCustomManager>): RegexCustomManager => ({ customType: 'regex', managerFilePatterns: ['/\\.txt$/'], matchStrings: [], ...m });
  const file = { path: 'dir/a.txt', content: 'img ghcr.io/a/b:1.0\nimg c/d:2.0\n' };

  it('lets a template win over the named group and substitutes groups and the file name into it', () => {
    const deps = extractAll({ customManagers: [manager({ matchStrings: ['img (?<depName>\\S+):(?<currentValue>\\S+)'], datasourceTemplate: 'docker', packageNameTemplate: '{{{depName}}}-{{packageFile}}' })] }, [file]);
    expect(deps.map((d) => [d.depName, d.packageName, d.currentValue, d.datasource, d.offset])).toEqual([
      ['ghcr.io/a/b', 'ghcr.io/a/b-a.txt', '1.0', 'docker', 0],
      ['c/d', 'c/d-a.txt', '2.0', 'docker', 20],
    ]);
  });

  it('drops a match without a datasource, and skips files no pattern matches and ignored paths', () => {
    const m = manager({ matchStrings: ['img (?<depName>\\S+):(?<currentValue>\\S+)'] });
    expect(extractAll({ customManagers: [m] }, [file])).toEqual([]);
    const withDatasource = manager({ matchStrings: m.matchStrings, datasourceTemplate: 'docker' });
    expect(extractAll({ customManagers: [withDatasource] }, [{ ...file, path: 'a.md' }, { ...file, path: 'test/a.txt' }, { ...file, path: 'x/node_modules/a.txt' }])).toEqual([]);
  });

  it('merges all matches into one dependency with the combination strategy', () => {
    const m = manager({ matchStringsStrategy: 'combination', matchStrings: ['img (?<depName>ghcr\\S+):', 'c/d:(?<currentValue>\\S+)'], datasourceTemplate: 'docker' });
    expect(extractAll({ customManagers: [m] }, [file]).map((d) => [d.depName, d.currentValue, d.replaceString])).toEqual([['ghcr.io/a/b', '2.0', 'c/d:2.0']]);
  });

  it('refuses what it does not model instead of guessing', () => {
    expect(() => matchesFilePattern('a.txt', '**/*.txt')).toThrow('is a glob; this model runs only /regex/ patterns');
    expect(() => compileTemplate('{{#if a}}x{{/if}}', {})).toThrow('this model substitutes plain names only');
  });
});
