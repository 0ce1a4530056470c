/**
 * The synth pipeline behind `npm run synth`: render both layers into staging folders, validate every
 * object (schemas and policy), and only then swap the staging folders into place. A failure at any step
 * leaves the previous `dist/` and `cdktf.out/` as they were.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { stringify as yamlStringify } from 'yaml';
import { apiObjectsOf, checkPolicies, describeObject, type CheckedObject, type PolicyResult } from '../constructs/policy/policy-checker.js';
import { TerraformApp } from '../constructs/terraform.js';
import { SchemaValidator } from '../constructs/validation/schema-validator.js';
import { BootstrapStack } from './bootstrap-stack.js';
import { clusterNotes, type ClusterNotes } from './cluster-notes.js';
import { ConfigError, type PlatformConfig } from './config.js';
import { formatConfigProblem, problemLinesOf, type ConfigProblem } from './config-problems.js';
import { configRuleProblems } from './config-rules/index.js';
import { resourceQuotaProblems } from './config-rules/resource-quota.js';
import { clusterOf, environmentProblems, type Environment } from './environments.js';
import { ARGOCD_APP, Workloads } from './workloads.js';
import { diffTrees } from './diff/manifest-diff.js';
import { summaryLine } from './diff/format-diff.js';
import { readRenderedFolder, treeOf } from './diff/rendered-tree.js';
import { inOverrideWords } from './override-origins.js';

export const BOOTSTRAP_STACK = 'bootstrap';

/** Which layers to write: both for `npm run synth`; one when the cdktf or cdk8s CLI runs the entry. */
export type Layer = 'bootstrap' | 'workloads';

export interface SynthOptions {
  /** Folder of the rendered manifests. */
  readonly manifestsDir: string;
  /** cdktf output folder. */
  readonly terraformDir: string;
  /** Layers to write. @default both */
  readonly layers?: readonly Layer[];
  /** Adds objects of your own to the workloads before validation (they are checked like the rest). @default none */
  readonly extend?: (workloads: Workloads) => void;
  /** Tool lists from the last `npm run preflight -- --write-tools`, for servers that declare none. @default none */
  readonly knownTools?: Readonly<Record<string, readonly string[]>>;
  /** The config file, named by a ConfigError. @default "platform config" */
  readonly source?: string;
}

export interface SynthReport {
  /** The environment, for an environments file. */
  readonly environment?: string;
  readonly platform: string;
  /** Objects per Argo CD application folder. */
  readonly objectsPerApp: Readonly<Record<string, number>>;
  readonly terraformResources: number;
  readonly schemaErrors: readonly string[];
  readonly policy: PolicyResult;
  /** The cluster profile, where isolation or validation does not hold, and what the cluster must provide. */
  readonly cluster: ClusterNotes;
  /** Written paths; empty when synth failed. */
  readonly outputs: readonly string[];
  /**
   * One line on what changed against the manifests folder this synth replaced (`summaryLine`); undefined when
   * the workloads were not written. `npm run diff` shows the fields.
   */
  readonly changes?: string;
}

/** Synth stopped before writing: invalid objects or policy errors. The report says which. */
export class SynthError extends Error {
  /** Every environment's report (the failed one among them); one for a plain config. */
  readonly reports: readonly SynthReport[];
  constructor(
    readonly report: SynthReport,
    reports?: readonly SynthReport[],
  ) {
    const errors = report.policy.findings.filter((f) => f.level === 'error').length;
    super(`synth failed: ${report.environment !== undefined ? `environment "${report.environment}": ` : ''}${report.schemaErrors.length} schema error(s), ${errors} policy error(s)`);
    this.name = 'SynthError';
    this.reports = reports ?? [report];
  }
}

/** A rendered Argo CD application folder. */
export interface RenderedApp {
  readonly name: string;
  readonly objects: readonly CheckedObject[];
}

/** Everything one config renders, before validation and before anything is written. */
export interface RenderedPlatform {
  /** The environment's name; undefined for a plain config file. */
  readonly environment?: string;
  /** Its bootstrap stack: "bootstrap", or "bootstrap-<env>". */
  readonly stack: string;
  /** One entry per Argo CD application folder, the Argo CD one last. */
  readonly apps: readonly RenderedApp[];
  /** The Argo CD objects the bootstrap layer installs through Helm (checked like the rest). */
  readonly bootstrapObjects: readonly CheckedObject[];
  /** The bootstrap stack's Terraform JSON (`cdk.tf.json`). */
  readonly terraform: Record<string, any>;
}

/**
 * Renders both layers of a config: the Terraform JSON into `terraformDir` (cdktf writes it there), the
 * workloads in memory. Objects are not validated yet (`synthesize` does that before writing manifests), but
 * the config is: the config rules and every construct's props, in one ConfigError listing all of them by
 * config path (a construct's problem with a part a rule already refused is left out: it is that problem's
 * echo; while a rule about names two parts share fails, its problems are reported alone, since the
 * constructs would echo the clash in other parts). Checks that need the rendered objects (two parts
 * rendering one object, the quota) come after.
 */
export function renderPlatform(
  config: PlatformConfig,
  options: Pick<SynthOptions, 'extend' | 'knownTools' | 'source'> & { readonly terraformDir: string },
): RenderedPlatform {
  return renderEnvironments([{ stack: BOOTSTRAP_STACK, config }], options)[0]!;
}

/**
 * Renders several environments (`renderPlatform` for each), their bootstrap stacks in one cdktf app, so
 * `cdktf.out/manifest.json` lists them all. Problems of every environment are reported together, each line
 * under its environment, with what environments must not share (environmentProblems).
 */
export function renderEnvironments(
  environments: readonly Environment[],
  options: Pick<SynthOptions, 'extend' | 'knownTools' | 'source'> & { readonly terraformDir: string },
): RenderedPlatform[] {
  const source = options.source ?? 'platform config';
  const named = environments.some((env) => env.name !== undefined);
  const problems: string[] = named ? environmentProblems(environments) : [];
  const terraformApp = new TerraformApp({ outdir: options.terraformDir });
  const rendered: { env: Environment; bootstrap: BootstrapStack; apps: RenderedApp[] }[] = [];
  for (const env of environments) {
    try {
      rendered.push({ env, ...renderEnvironment(env, terraformApp, options, source) });
    } catch (error) {
      if (!(error instanceof ConfigError) || !named) throw error;
      const worded = env.origins ? inOverrideWords(error.problems, env.origins) : error.problems;
      problems.push(...worded.map((problem) => `environment "${env.name}": ${problem}`));
    }
  }
  if (named) problems.push(...sharedClusterObjectProblems(rendered));
  if (problems.length) throw new ConfigError(source, problems);
  terraformApp.synth();
  return rendered.map(({ env, bootstrap, apps }) => ({
    environment: env.name,
    stack: env.stack,
    apps,
    bootstrapObjects: [bootstrap.argocdRoot.project, bootstrap.argocdRoot.application ?? bootstrap.argocdRoot.applicationSet!].map((manifest) => ({ manifest })),
    terraform: JSON.parse(readFileSync(terraformStackFile(options.terraformDir, env.stack), 'utf8')),
  }));
}

function renderEnvironment(
  env: Environment,
  terraformApp: InstanceType<typeof TerraformApp>,
  options: Pick<SynthOptions, 'extend' | 'knownTools'>,
  source: string,
): { bootstrap: BootstrapStack; apps: RenderedApp[] } {
  const { config } = env;
  const refuse = (problems: readonly ConfigProblem[]) => {
    if (problems.length) throw new ConfigError(source, problems.map(formatConfigProblem));
  };
  const ruleProblems = configRuleProblems(config);
  // A name two parts share makes the constructs report that clash again, in their own words: those alone first.
  if (ruleProblems.namesParts) refuse(ruleProblems);
  let bootstrap: BootstrapStack | undefined;
  const problems: ConfigProblem[] = [];
  try {
    bootstrap = new BootstrapStack(terraformApp, env.stack, config);
  } catch (error) {
    problems.push(...problemLinesOf(error).map((message) => ({ path: 'operators', message })));
  }
  const workloads = new Workloads(config, { knownTools: options.knownTools });
  const refused = new Set(ruleProblems.map((p) => partOf(p.path)));
  refuse([...ruleProblems, ...[...problems, ...workloads.problems].filter((p) => !refused.has(partOf(p.path)))]);
  options.extend?.(workloads);
  const apps = renderWorkloads(workloads, refuse);
  refuse(resourceQuotaProblems(config, apps.flatMap((app) => app.objects.map((o) => o.manifest))));
  return { bootstrap: bootstrap!, apps };
}

/** Kinds without a namespace: one name per cluster, whichever environment renders it. */
const CLUSTER_SCOPED_KINDS = new Set([
  'ClusterRole', 'ClusterRoleBinding', 'Namespace', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass', 'IngressClass', 'RuntimeClass',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'CiliumClusterwideNetworkPolicy', 'ClusterSecretStore', 'PersistentVolume',
]);

/**
 * A cluster-scoped object two environments of one cluster both render (a server's kubernetesAccess
 * ClusterRoleBinding, discovery's ClusterRole): two Argo CD Applications would own it and each sync would put
 * back its own subjects. Found on the rendered objects, so every part that renders one is covered.
 */
function sharedClusterObjectProblems(rendered: readonly { env: Environment; apps: readonly RenderedApp[] }[]): string[] {
  const problems: string[] = [];
  const first = new Map<string, string>();
  for (const { env, apps } of rendered) {
    const cluster = clusterOf(env.config.kubernetes);
    for (const { manifest } of apps.flatMap((app) => app.objects)) {
      if (!CLUSTER_SCOPED_KINDS.has(manifest.kind) || manifest.metadata?.namespace) continue;
      const object = `${manifest.kind} ${manifest.metadata?.name}`;
      const other = first.get(`${cluster} ${object}`);
      if (other === undefined) first.set(`${cluster} ${object}`, env.name!);
      else if (other !== env.name) {
        problems.push(`environments "${other}" and "${env.name}" both render ${object} into one cluster (kubernetes ${cluster}): two Argo CD Applications would own it and each sync would undo the other's; give each environment its own cluster, or rename in one of them what renders it (a server's name, for its kubernetesAccess)`);
      }
    }
  }
  return [...new Set(problems)];
}

/** The part of the config a problem's path is in: "mcpServers[2]", a server file, "gpuInference", ... */
function partOf(path: string): string {
  const file = path.indexOf(': ');
  if (file !== -1) return path.slice(0, file);
  return /^mcpServers\[\d+\]/.exec(path)?.[0] ?? /^[^.[]+/.exec(path)?.[0] ?? path;
}

/** Renders a config without writing anything: what `npm run verify-pins` reads. */
export function renderPlatformInMemory(config: PlatformConfig, options: Pick<SynthOptions, 'extend' | 'knownTools' | 'source'> = {}): RenderedPlatform {
  const terraformDir = mkdtempSync(join(tmpdir(), 'mcp-platform-render-'));
  try {
    return renderPlatform(config, { ...options, terraformDir });
  } finally {
    rmSync(terraformDir, { recursive: true, force: true });
  }
}

function terraformStackFile(terraformDir: string, stack = BOOTSTRAP_STACK): string {
  return join(terraformDir, 'stacks', stack, 'cdk.tf.json');
}

export function synthesize(config: PlatformConfig, options: SynthOptions): SynthReport {
  return synthesizeEnvironments([{ stack: BOOTSTRAP_STACK, config }], options)[0]!;
}

/**
 * Renders, validates and writes environments. A plain config (one environment without a name) writes
 * `<manifestsDir>/<app>/` and the stack "bootstrap", as always. Named environments write
 * `<manifestsDir>/<env>/<app>/` and the stacks `bootstrap-<env>`. With `only`, just that environment's folder
 * and stack are replaced, and the other environments' output stays as it was.
 */
export function synthesizeEnvironments(environments: readonly Environment[], options: SynthOptions & { readonly only?: string }): SynthReport[] {
  const layers = options.layers ?? ['bootstrap', 'workloads'];
  const chosen = options.only === undefined ? environments : environments.filter((env) => env.name === options.only);
  // One environment of several: only its folder (and stack) are replaced.
  const manifestsRoot = options.only !== undefined ? join(options.manifestsDir, options.only) : options.manifestsDir;
  const staging = {
    terraform: stagingDir(options.terraformDir),
    manifests: stagingDir(manifestsRoot),
  };
  try {
    // What environments must not share is checked across all of them, even when one is written.
    if (options.only !== undefined) {
      const shared = environmentProblems(environments);
      if (shared.length) throw new ConfigError(options.source ?? 'platform config', shared);
    }
    const rendered = renderEnvironments(chosen, { ...options, terraformDir: staging.terraform });
    const validator = new SchemaValidator();
    const reports: SynthReport[] = rendered.map(({ environment, apps, bootstrapObjects, terraform }, index) => {
      const all = [...apps.flatMap((a) => a.objects), ...bootstrapObjects];
      const schemaErrors = all.flatMap(({ manifest }) => validator.validate(manifest).map((p) => `${describeObject(manifest)}: ${p}`));
      const config = chosen[index]!.config;
      return {
        ...(environment !== undefined ? { environment } : {}),
        platform: config.name,
        objectsPerApp: Object.fromEntries(apps.map((a) => [a.name, a.objects.length])),
        terraformResources: countTerraformResources(terraform),
        schemaErrors,
        policy: checkPolicies(all),
        cluster: clusterNotes(config, all.map((o) => o.manifest)),
        outputs: [],
      };
    });
    const failed = reports.filter((r) => r.schemaErrors.length || r.policy.findings.some((f) => f.level === 'error'));
    if (failed.length) throw new SynthError(failed[0]!, reports);

    const written = rendered.map(({ environment, apps, stack }, index) => {
      const config = chosen[index]!.config;
      const folder = options.only !== undefined || environment === undefined ? '' : environment;
      const finalDir = join(manifestsRoot, folder);
      const changes = layers.includes('workloads') ? changesSincePrevious(finalDir, apps) : undefined;
      for (const app of apps) writeApp(join(staging.manifests, folder, app.name), app, app.name === ARGOCD_APP ? config.argocd.namespace : config.namespace);
      return { stack, finalDir, apps, changes };
    });
    const swaps: [string, string][] = [];
    if (layers.includes('bootstrap')) {
      if (options.only !== undefined) {
        // The other environments' stacks stay: this stack's folder is swapped, and manifest.json gains its entry.
        const stack = written[0]!.stack;
        swaps.push([join(staging.terraform, 'stacks', stack), join(options.terraformDir, 'stacks', stack)]);
        mergeTerraformManifest(join(staging.terraform, 'manifest.json'), join(options.terraformDir, 'manifest.json'));
      } else swaps.push([staging.terraform, options.terraformDir]);
    }
    if (layers.includes('workloads')) swaps.push([staging.manifests, manifestsRoot]);
    swapIntoPlace(swaps);
    return reports.map((report, index) => {
      const { stack, finalDir, apps, changes } = written[index]!;
      const outputs = [
        ...(layers.includes('bootstrap') ? [terraformStackFile(options.terraformDir, stack)] : []),
        ...(layers.includes('workloads') ? apps.map((a) => join(finalDir, a.name) + '/') : []),
      ];
      return { ...report, outputs, ...(changes ? { changes } : {}) };
    });
  } finally {
    rmSync(staging.terraform, { recursive: true, force: true });
    rmSync(staging.manifests, { recursive: true, force: true });
  }
}

/**
 * cdktf's manifest.json with the staged stacks' entries merged into the one in place (kept in staging for
 * the swap), so `cdktf deploy` still finds every environment's stack after one environment was written.
 */
function mergeTerraformManifest(staged: string, current: string): void {
  if (!existsSync(current)) {
    mkdirSync(dirname(current), { recursive: true });
    writeFileSync(current, readFileSync(staged));
    return;
  }
  const before = JSON.parse(readFileSync(current, 'utf8'));
  const mine = JSON.parse(readFileSync(staged, 'utf8'));
  writeFileSync(current, `${JSON.stringify({ ...before, ...mine, stacks: { ...before.stacks, ...mine.stacks } }, null, 2)}\n`);
}

/**
 * The change against the folder about to be replaced, counted only (no field diff: that is `npm run diff`).
 * A folder that cannot be read as manifests says so rather than failing a synth that is otherwise good.
 */
function changesSincePrevious(manifestsDir: string, apps: readonly RenderedApp[]): string {
  if (!existsSync(manifestsDir)) return 'first output: nothing to compare with';
  try {
    return summaryLine(diffTrees(readRenderedFolder(manifestsDir), treeOf(apps), { details: false }));
  } catch (error) {
    return `the previous output could not be read (${(error as Error).message}): nothing compared`;
  }
}

/**
 * Runs the constructs' own validations (as `cdk8s synth` would), then renders each chart's objects. A
 * validation error, or one object rendered twice, is a config problem of the part that rendered it.
 */
function renderWorkloads(workloads: Workloads, refuse: (problems: readonly ConfigProblem[]) => void): RenderedApp[] {
  const configPathOf = (constructPath: string) => {
    let best: [string, string] | undefined;
    for (const [prefix, path] of workloads.partPaths) {
      if ((constructPath === prefix || constructPath.startsWith(`${prefix}/`)) && (!best || prefix.length > best[0].length)) best = [prefix, path];
    }
    return best?.[1] ?? constructPath;
  };
  refuse(
    workloads.app.node
      .findAll()
      .flatMap((c) => c.node.validate().map((message) => workloads.problemAt(c.node.path, message))),
  );
  const apps = [...workloads.charts].map(([name, chart]) => ({ name, objects: apiObjectsOf(chart) }));
  // The API server stores an object in one etcd request (1.5 MiB by default) and refuses a ConfigMap or Secret
  // over 1 MiB: an object that large never reaches the cluster.
  refuse(
    apps.flatMap((app) =>
      app.objects.flatMap(({ manifest, source }) => {
        const bytes = Buffer.byteLength(JSON.stringify(manifest));
        if (bytes <= MAX_OBJECT_BYTES) return [];
        const object = `${manifest.kind} ${manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata.name}`;
        return [{ path: source ? configPathOf(source.node.path) : app.name, message: `renders ${object} of ${bytes} bytes, more than the ${MAX_OBJECT_BYTES} the API server takes in one object: shorten the env values, args or files that make it up` }];
      }),
    ),
  );
  // One object rendered twice is either two parts fighting over it (within an application, one overwrites the
  // other) or two Argo CD applications syncing it (each sync undoes the other's). Reported once per pair of
  // parts, under the MCP server when one of them is a server (its name is the one to change).
  const owners = new Map<string, { app: string; path: string }>();
  const clashes = new Map<string, { path: string; other: string; objects: string[]; apps: Set<string> }>();
  for (const app of apps) {
    for (const { manifest, source } of app.objects) {
      const group = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
      const object = `${manifest.kind} ${manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata.name}`;
      const path = source ? configPathOf(source.node.path) : app.name;
      const owner = owners.get(`${group} ${object}`);
      if (!owner) {
        owners.set(`${group} ${object}`, { app: app.name, path });
        continue;
      }
      const isServer = (p: string) => p.startsWith('mcpServers[') || !/^[a-zA-Z.]+$/.test(p);
      const [here, there] = isServer(owner.path) && !isServer(path) ? [owner.path, path] : [path, owner.path];
      const clash = clashes.get(`${here}\n${there}`) ?? { path: here, other: there, objects: [], apps: new Set<string>() };
      clash.objects.push(object);
      clash.apps.add(owner.app).add(app.name);
      clashes.set(`${here}\n${there}`, clash);
    }
  }
  const problems: ConfigProblem[] = [...clashes.values()].map((clash) => {
    const objects = clash.objects.join(', ');
    const where = clash.apps.size > 1 ? `, in two Argo CD applications (${[...clash.apps].join(' and ')}) that would each undo the other's sync` : '';
    return {
      path: clash.path,
      message:
        clash.path === clash.other
          ? `renders ${objects} twice${where}: give the objects different names`
          : `renders ${objects}, which ${clash.other} renders too${where}: ${/^mcpServers\[|\//.test(clash.path) ? 'give the server another name' : 'rename one of them'}${/Secret /.test(objects) ? ', or reference the existing Secret ({ from: "secret", name, key })' : ''}`,
    };
  });
  refuse(problems);
  return apps;
}

/**
 * cdk8s's own YAML options (so files are byte-identical to `cdk8s synth`'s), without the search for
 * repeated object instances: rendered objects share none, and the search cost a fifth of the YAML time.
 */
const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false } as const;

/**
 * The file an object is written to: `<kind>-<name>.yaml`, or `<kind>-<namespace>_<name>.yaml` for an object
 * in another namespace than its application's (the discovery service's Roles in the namespaces it watches).
 * Kinds are letters only and names and namespaces never contain "_", so no two objects of one application
 * share a file unless they share kind, namespace and name. A name may be 253 characters, more than a file
 * system takes in one file name (255 bytes on Linux, 143 on eCryptfs): a longer file name is cut to
 * `MAX_FILE_NAME` characters, the cut part replaced by a hash of the whole, so it stays unique.
 */
export function objectFileName(manifest: Readonly<Record<string, any>>, appNamespace: string): string {
  const { name, namespace } = manifest.metadata;
  const kind = manifest.kind.toLowerCase();
  const base = namespace && namespace !== appNamespace ? `${kind}-${namespace}_${name}` : `${kind}-${name}`;
  if (base.length + '.yaml'.length <= MAX_FILE_NAME) return `${base}.yaml`;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 12);
  return `${base.slice(0, MAX_FILE_NAME - '.yaml'.length - hash.length - 1)}-${hash}.yaml`;
}

/** The largest object rendered: the API server's limit for a ConfigMap or Secret, under etcd's 1.5 MiB request. */
export const MAX_OBJECT_BYTES = 1_048_576;

/** The longest file name written: well under every common file system's limit. */
export const MAX_FILE_NAME = 128;

/** One YAML file per object (`objectFileName`), so a pull request that adds an object adds a file. */
function writeApp(dir: string, app: RenderedApp, appNamespace: string): void {
  mkdirSync(dir, { recursive: true });
  const written = new Set<string>();
  for (const { manifest } of app.objects) {
    const file = objectFileName(manifest, appNamespace);
    if (written.has(file)) throw new Error(`two objects in ${app.name} render to ${file}: give them different names`);
    written.add(file);
    writeFileSync(join(dir, file), yamlStringify(manifest, YAML_OPTIONS));
  }
}

function stagingDir(final: string): string {
  const dir = `${final}.staging-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  return dir;
}

/**
 * Moves each staging folder to its final place. Old folders are moved aside first and restored if any
 * move fails, so the outputs change together or not at all.
 */
function swapIntoPlace(swaps: readonly [staging: string, final: string][]): void {
  const moved: [string, string][] = [];
  const aside: [string, string][] = [];
  try {
    for (const [staging, final] of swaps) {
      if (existsSync(final)) {
        const previous = `${final}.previous-${process.pid}`;
        rmSync(previous, { recursive: true, force: true });
        renameSync(final, previous);
        aside.push([previous, final]);
      }
      renameSync(staging, final);
      moved.push([staging, final]);
    }
  } catch (error) {
    for (const [staging, final] of moved) renameSync(final, staging);
    for (const [previous, final] of aside) renameSync(previous, final);
    throw error;
  }
  for (const [previous] of aside) rmSync(previous, { recursive: true, force: true });
}

function countTerraformResources(json: Record<string, any>): number {
  return Object.values(json.resource ?? {}).reduce<number>((n, byName) => n + Object.keys(byName as object).length, 0);
}

/** The short report `npm run synth` prints. */
export function formatReport(report: SynthReport, cwd = process.cwd()): string {
  const errors = report.policy.findings.filter((f) => f.level === 'error');
  const warnings = report.policy.findings.filter((f) => f.level === 'warning');
  const lines = [`MCP platform "${report.platform}"${report.environment !== undefined ? ` (environment "${report.environment}")` : ''}`, '  objects per app:'];
  const width = Math.max(12, ...Object.keys(report.objectsPerApp).map((app) => app.length + 1));
  for (const [app, count] of Object.entries(report.objectsPerApp)) lines.push(`    ${app.padEnd(width)} ${count}`);
  lines.push(`  terraform resources: ${report.terraformResources}`);
  lines.push(`  schema errors: ${report.schemaErrors.length}`);
  for (const e of report.schemaErrors) lines.push(`    ✗ ${e}`);
  lines.push(`  policy findings: ${errors.length} error(s), ${warnings.length} warning(s)`);
  for (const f of report.policy.findings) {
    lines.push(`    ${f.level === 'error' ? '✗' : '!'} [${f.ruleId}] ${f.object}${f.path ? ` (${f.path})` : ''}: ${f.reasons.join('; ')}`);
  }
  lines.push(`  suppressions: ${report.policy.suppressed.length || 'none'}`);
  for (const s of report.policy.suppressed) lines.push(`    - [${s.ruleId}] ${s.object}${s.path ? ` (${s.path})` : ''}: ${s.suppressionReason}`);
  lines.push(`  cluster: ${report.cluster.profile}`);
  for (const w of report.cluster.warnings) lines.push(`    ! ${w}`);
  if (report.cluster.requirements.length) {
    lines.push('  the cluster must provide:');
    for (const r of report.cluster.requirements) lines.push(`    - ${r}`);
  }
  if (report.changes) lines.push(`  changes since the previous output: ${report.changes}`);
  if (report.outputs.length) {
    lines.push('  wrote:');
    for (const out of report.outputs) lines.push(`    ${relative(cwd, out) || out}`);
  }
  return lines.join('\n');
}
