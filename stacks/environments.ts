/**
 * Several clusters from one repository: a base config, and per environment a config that overrides it
 * (`extendPlatformConfig`). An environments file ends with `export default definePlatformEnvironments({ ... })`;
 * `npm run synth -- --config <it>` renders each environment into `dist/<env>/<app>/` and its bootstrap stack
 * `bootstrap-<env>`, and refuses environments that would share a Terraform state, a GitOps folder, Argo CD
 * objects or a namespace of one cluster.
 */
import { DNS_LABEL } from '../constructs/formats.js';
import type { PlatformConfig, PlatformConfigInput } from './config.js';
import { APP_FOLDERS } from './app-folders.js';
import { withOverrideOrigins, type OverrideOrigins, type ServerOrigin } from './override-origins.js';
import { stateLocation } from './terraform-backend.js';

/** An override of one part: every field optional, objects merged field by field, lists replaced whole. */
export type DeepOverride<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepOverride<T[K]> } : T;

type McpServerInput = NonNullable<PlatformConfigInput['mcpServers']>[number];

/** A server of an override: changes (merged into) the base's server of that name, adds one, or removes it. */
export type McpServerOverride = ({ readonly name: string; readonly remove?: never } & DeepOverride<Omit<McpServerInput, 'name'>>) | { readonly name: string; readonly remove: true };

/** What an environment changes in the base config. */
export type PlatformConfigOverride = DeepOverride<Omit<PlatformConfigInput, 'mcpServers'>> & { readonly mcpServers?: readonly McpServerOverride[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys that say which variant of a union an object is: a different one means a different object. */
const VARIANT_KEYS = ['type', 'from', 'provider', 'flavour'];

/**
 * Unions without such a key, by path (a server's fields under "server."): an override of another variant
 * would mix two variants' fields into one the schema refuses, so these are replaced when the override
 * shares no field with the base (a server's `source: { image }` over `{ npm }`).
 */
const UNTAGGED_UNIONS = new Set(['server.source', 'discovery.github.auth', 'argocd.destination']);

/** Whether `override` replaces `base` rather than merging into it. */
function replaces(base: Record<string, unknown>, override: Record<string, unknown>, path: string): boolean {
  if (VARIANT_KEYS.some((key) => key in base && key in override && base[key] !== override[key])) return true;
  return UNTAGGED_UNIONS.has(path) && !Object.keys(override).some((key) => key in base);
}

function merge(base: unknown, override: unknown, path: string): unknown {
  if (override === undefined) return base;
  if (!isObject(base) || !isObject(override) || replaces(base, override, path)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // An explicit undefined drops the base's field (an environment without the base's optional part).
    if (value === undefined) delete merged[key];
    else merged[key] = merge(base[key], value, path ? `${path}.${key}` : key);
  }
  return merged;
}

/**
 * The base config with an environment's changes: objects merge field by field (an explicit `undefined` drops
 * a field), lists are replaced whole, and `mcpServers` merge by name: an entry with the name of a base
 * server changes it, `{ name, remove: true }` removes it (from the base's list, or from its servers folders
 * through `mcp.excludeServers`), any other entry is added. Returns a new config; neither input changes. A
 * malformed entry does not throw here: parsing the result reports it, under the environment's name when loaded.
 */
export function extendPlatformConfig(base: PlatformConfigInput, override: PlatformConfigOverride): PlatformConfigInput {
  const problems: string[] = [];
  const servers: Record<string, unknown>[] = [...((base.mcpServers ?? []) as Record<string, unknown>[])];
  // Removals of servers no config lists: they join mcp.excludeServers (whose own list, base's or override's, stays).
  const excluded: string[] = [];
  // The override's entry each merged server came from, so later problems name what the user wrote.
  const from = new Map<object, { index: number; added: boolean; fields: string[] }>();
  const removedBy = new Map<string, number>();
  const named = new Map<string, number>();
  (override.mcpServers ?? []).forEach((entry: unknown, index) => {
    const where = `the override's mcpServers[${index}]`;
    if (!isObject(entry) || typeof entry.name !== 'string' || entry.name === '') {
      problems.push(`${where}: an override names the server it changes, adds or removes: { name: "github", ... }, or { name: "github", remove: true }`);
      return;
    }
    // As in mcpServers itself, a server is named once: a second entry would silently apply on top of the first.
    const earlier = named.get(entry.name);
    if (earlier !== undefined) {
      problems.push(`${where} (server "${entry.name}"): mcpServers[${earlier}] of the override names it already: give each server one entry`);
      return;
    }
    named.set(entry.name, index);
    const at = servers.findIndex((server) => server.name === entry.name);
    if ('remove' in entry) {
      if (entry.remove !== true || Object.keys(entry).length !== 2) {
        problems.push(`${where} (server "${entry.name}"): remove must be true and stand alone: { name: "${entry.name}", remove: true }`);
      } else if (at !== -1) servers.splice(at, 1);
      else if (!excluded.includes(entry.name)) {
        excluded.push(entry.name);
        removedBy.set(entry.name, index);
      }
      return;
    }
    if (at === -1) {
      servers.push(entry);
      from.set(entry, { index, added: true, fields: Object.keys(entry) });
    } else {
      servers[at] = merge(servers[at], entry, 'server') as Record<string, unknown>;
      from.set(servers[at]!, { index, added: false, fields: Object.keys(entry) });
    }
  });
  const { mcpServers: _servers, ...rest } = override;
  const merged = merge(base, rest, '') as Record<string, unknown>;
  const mcp = { ...(merged.mcp as Record<string, unknown> | undefined) };
  // The override's own list (or the base's) replaces as any list does; the removals of servers no config lists add to it.
  if (excluded.length) mcp.excludeServers = [...new Set([...((mcp.excludeServers as string[] | undefined) ?? []), ...excluded])];
  const result = { ...merged, mcpServers: servers, ...(Object.keys(mcp).length ? { mcp } : {}) } as PlatformConfigInput;
  const serverOrigins = new Map<number, ServerOrigin>();
  servers.forEach((server, at) => {
    const origin = from.get(server);
    if (origin) serverOrigins.set(at, { ...origin, name: String(server.name), partial: origin.added && !('source' in server && 'transport' in server) });
  });
  // Problems of the override itself are reported when the config is parsed, under the environment's name.
  return withOverrideOrigins(result, { servers: serverOrigins, removedBy, problems });
}

const ENVIRONMENTS = Symbol.for('mcp-platform.environments');

/** An environments file's default export: one config per environment, by name. */
export interface PlatformEnvironments {
  /** Marks the value as made by definePlatformEnvironments, so the loader tells it from a plain config. */
  readonly [ENVIRONMENTS]: true;
  /** Each environment's config, by environment name. */
  readonly environments: Readonly<Record<string, PlatformConfigInput>>;
}

/** Types an environments file: `export default definePlatformEnvironments({ production: ..., monitoring: ... })`. */
export function definePlatformEnvironments(environments: Readonly<Record<string, PlatformConfigInput>>): PlatformEnvironments {
  return { [ENVIRONMENTS]: true, environments };
}

/** Whether a config file's default export is an environments file's (made by definePlatformEnvironments). */
export function isPlatformEnvironments(value: unknown): value is PlatformEnvironments {
  return isObject(value) && (value as Record<symbol, unknown>)[ENVIRONMENTS] === true;
}

/** The longest environment name: it ends stack, state and folder names (`bootstrap-<env>`). */
export const MAX_ENVIRONMENT_NAME = 30;

/** Why `name` cannot name an environment, or undefined. */
export function environmentNameProblem(name: string): string | undefined {
  if (!DNS_LABEL.test(name) || name.length > MAX_ENVIRONMENT_NAME) {
    return `environment "${name}": its name must be a DNS-1123 label of at most ${MAX_ENVIRONMENT_NAME} characters (lowercase letters, digits and "-"): it names the folder dist/<env>/ and the stack bootstrap-<env>`;
  }
  return undefined;
}

/** One environment, loaded: its name (none for a plain config file), its bootstrap stack and its config. */
export interface Environment {
  /** undefined for a config file that is not an environments file: it renders as one platform, as always. @default none */
  readonly name?: string;
  /** The bootstrap stack: "bootstrap", or "bootstrap-<env>". */
  readonly stack: string;
  /** The environment's config, loaded: every default applied. */
  readonly config: PlatformConfig;
  /** Where an override's servers came from, so problems found while rendering name its entries. @default none */
  readonly origins?: OverrideOrigins;
}

/** The bootstrap stack of an environment: "bootstrap" for a plain config, "bootstrap-<env>" for an environment. */
export function stackName(environment: string | undefined): string {
  return environment === undefined ? 'bootstrap' : `bootstrap-${environment}`;
}

/** The kubeconfig context of the cluster Argo CD runs in, where the AppProject and root Application go. */
export function argocdContext(config: PlatformConfig): { configPath: string; context: string } {
  return { configPath: config.argocd.kubernetes?.configPath ?? config.kubernetes.configPath, context: config.argocd.kubernetes?.context ?? config.kubernetes.context };
}

/**
 * What two environments must never share, each as a message naming both: a Terraform state (each apply would
 * destroy the other's resources), a GitOps folder (each publish would overwrite the other's manifests), the Argo
 * CD objects of one Argo CD (its AppProject, and Applications named after the platform), and one namespace of
 * one cluster (two platforms would fight over its objects).
 */
export function environmentProblems(environments: readonly Environment[]): string[] {
  const problems: string[] = [];
  for (const env of environments) {
    const backend = env.config.terraform.backend;
    // The kubernetes backend's default secret suffix is the stack; Terraform refuses one ending in "-<number>".
    if (backend.type === 'kubernetes' && backend.secretSuffix === undefined && /-\d+$/.test(env.stack)) {
      problems.push(
        `environment "${env.name}": terraform.backend.secretSuffix: the default, the stack "${env.stack}", ends in "-<number>", which Terraform adds itself when it splits a large state: set secretSuffix, e.g. "${env.stack.replace(/-(\d+)$/, '$1')}"`,
      );
    }
  }
  // `what` undefined: the environment has no such thing to share.
  const shared = (what: (env: Environment) => string | undefined, message: (a: string, b: string, value: string) => string) => {
    const seen = new Map<string, string>();
    for (const env of environments) {
      const key = what(env);
      if (key === undefined) continue;
      const other = seen.get(key);
      if (other !== undefined) problems.push(message(other, env.name!, key));
      else seen.set(key, env.name!);
    }
  };
  shared(
    (env) => stateLocation(env.config.terraform.backend, env.stack, env.config.kubernetes),
    (a, b, where) => `environments "${a}" and "${b}" share one Terraform state (${where}): each apply would destroy what the other created; give each its own terraform.backend (a local path, secretSuffix, key or prefix of its own, or leave it to the default, which includes the environment's name)`,
  );
  shared(
    (env) => `${sameRepository(env.config.gitops.repoUrl)} ${env.config.gitops.revision} ${env.config.gitops.path}`,
    (a, b) => `environments "${a}" and "${b}" publish to one GitOps folder (gitops.repoUrl, revision and path): each publish would overwrite the other's manifests; give each its own gitops.path, e.g. "clusters/${b}/mcp-platform"`,
  );
  problems.push(...nestedFolderProblems(environments));
  const argocd = (env: Environment) => `${argocdContext(env.config).context} of ${argocdContext(env.config).configPath}, namespace ${env.config.argocd.namespace}`;
  shared(
    (env) => `${argocd(env)} project ${env.config.argocd.project}`,
    (a, b) => `environments "${a}" and "${b}" install one AppProject (argocd.project) into the same Argo CD: the second Helm release would fail on an object the first owns; give each its own argocd.project, e.g. "mcp-platform-${b}"`,
  );
  shared(
    (env) => `${argocd(env)} name ${env.config.name}`,
    (a, b) => `environments "${a}" and "${b}" name their Argo CD Applications after one platform name (name) in the same Argo CD: each would overwrite the other's; give each its own name, e.g. "${b}"`,
  );
  problems.push(...applicationNameProblems(environments, argocd));
  shared(
    (env) => `${env.config.kubernetes.context} of ${env.config.kubernetes.configPath} namespace ${env.config.namespace}`,
    (a, b) => `environments "${a}" and "${b}" deploy into one namespace (namespace) of one cluster (kubernetes.context): the two platforms would fight over its objects; give each its own cluster or namespace`,
  );
  // An operator (or Argo CD) two environments of one cluster both install: each bootstrap stack would create its
  // namespace and Helm release, so the second apply fails on objects the first owns, and destroying either removes
  // the other's operator. Argo CD counts where it is installed (argocd.kubernetes, or the platform's cluster).
  const installedBy = (field: string, fix: string) => (a: string, b: string, cluster: string) =>
    `environments "${a}" and "${b}" both install ${field} into one cluster (kubernetes ${cluster}): the second apply would fail on the namespace and Helm release the first created, and destroying either would remove the other's; install it from one environment only (${fix} in "${b}")`;
  for (const name of Object.keys(environments[0]?.config.operators ?? {}) as (keyof PlatformConfig['operators'])[]) {
    shared((env) => (env.config.operators[name].enabled ? clusterOf(env.config.kubernetes) : undefined), installedBy(`operators.${name}`, `operators.${name}.enabled: false`));
  }
  shared((env) => (env.config.argocd.install ? clusterOf(argocdContext(env.config)) : undefined), installedBy('argocd.install', 'argocd.install: false'));
  return problems;
}

/**
 * One spelling of a repository: its host and path, lowercase, without ".git". Argo CD itself lowercases the URL
 * and drops ".git" before it compares two (NormalizeGitURL, argo-cd v3.5.1 util/git/git.go); the https, ssh and
 * scp-like URLs of one repository are one here too, because publish-manifests writes every environment of its
 * repository into the one checkout, whichever way the URL is spelt.
 */
function sameRepository(url: string): string {
  const scpLike = /^[^/@:]+@([^:/]+):(.+)$/.exec(url);
  const hostAndPath = scpLike ? `${scpLike[1]}/${scpLike[2]}` : url.replace(/^[a-z+]+:\/\/(?:[^@/]+@)?/i, '').replace(/^([^/:]+):\d+\//, '$1/');
  return hostAndPath.toLowerCase().replace(/\.git$/, '');
}

/** One cluster, as environments name it in their problems: a kubeconfig context and its file. */
export function clusterOf(kubernetes: { readonly context: string; readonly configPath: string }): string {
  return `context "${kubernetes.context}" of ${kubernetes.configPath}`;
}

/** A GitOps folder inside another environment's: publishing the outer one replaces its folder, the inner one with it. */
function nestedFolderProblems(environments: readonly Environment[]): string[] {
  const problems: string[] = [];
  for (const outer of environments) {
    for (const inner of environments) {
      const [o, i] = [outer.config.gitops, inner.config.gitops];
      if (outer === inner || sameRepository(o.repoUrl) !== sameRepository(i.repoUrl) || o.revision !== i.revision || !i.path.startsWith(`${o.path}/`)) continue;
      problems.push(
        `environments "${inner.name}" and "${outer.name}" publish to nested GitOps folders (${i.path} inside ${o.path}): publishing "${outer.name}" replaces its whole folder and deletes "${inner.name}"'s manifests; give each a folder outside the other's, e.g. "clusters/${outer.name}/mcp-platform" and "clusters/${inner.name}/mcp-platform"`,
      );
    }
  }
  return problems;
}

/**
 * Two platform names in one Argo CD that make one Application name: "a-mcp"'s folder "platform" and "a"'s root
 * are both "a-mcp-platform". (One platform name twice is reported on its own.)
 */
function applicationNameProblems(environments: readonly Environment[], argocd: (env: Environment) => string): string[] {
  const owners = new Map<string, Environment>();
  const clashes = new Map<string, { first: Environment; second: Environment; names: string[] }>();
  for (const env of environments) {
    for (const name of [`${env.config.name}-mcp-platform`, ...APP_FOLDERS.map((folder) => `${env.config.name}-${folder}`)]) {
      const key = `${argocd(env)} ${name}`;
      const other = owners.get(key);
      if (!other) owners.set(key, env);
      else if (other.config.name !== env.config.name) {
        const pair = `${other.name} ${env.name}`;
        const clash = clashes.get(pair) ?? { first: other, second: env, names: [] };
        clashes.set(pair, { ...clash, names: [...clash.names, name] });
      }
    }
  }
  return [...clashes.values()].map(
    ({ first, second, names }) =>
      `environments "${first.name}" and "${second.name}" both make the Argo CD Application${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')} in the same Argo CD (from the platform names "${first.config.name}" and "${second.config.name}"): one would overwrite the other's; give one a name that is not the other's followed by "-<folder>"`,
  );
}
