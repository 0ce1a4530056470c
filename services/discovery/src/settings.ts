/**
 * The service's settings, from command-line flags, then environment variables (what the
 * `DiscoveryService` construct sets), then defaults. A wrong value is an error naming the flag, the
 * variable and the fix; secrets (tokens, keys, the database URL's password) are never echoed back.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SERVER_FILE_IMPORT, DNS_LABEL, DNS_SUBDOMAIN, SERVER_FILE_IMPORT, SERVER_FILE_IMPORT_RULE } from '../../../constructs/formats.js';
import { runCommand } from '../../../stacks/command-line.js';

export type GitHubAuth = { readonly token: string } | { readonly appId: string; readonly installationId: number; readonly privateKey: string };

export interface DiscoverySettings {
  readonly command: 'serve' | 'reconcile';
  /** Path of a kubeconfig. @default in-cluster, then ~/.kube/config */
  readonly kubeconfig?: string;
  /** PostgreSQL URL. @default an embedded PostgreSQL (PGlite with pgvector) under stateDir */
  readonly databaseUrl?: string;
  /** @default ".mcp-discovery" */
  readonly stateDir: string;
  /** The platform repo, "owner/name". Required unless --dry-run reads a local checkout. */
  readonly repo?: string;
  /** @default "main" */
  readonly baseBranch: string;
  /** @default "https://api.github.com" */
  readonly githubApiUrl: string;
  readonly githubAuth?: GitHubAuth;
  /** @default "mcp-platform.dev" */
  readonly annotationPrefix: string;
  /** Namespaces to watch. @default all */
  readonly namespaces: readonly string[];
  /** The servers folder in the platform repo. @default "stacks/servers" */
  readonly serversDir: string;
  /** The module generated server files import defineMcpServer from, relative to serversDir. @default "../servers.js" */
  readonly serverFileImport: string;
  /** @default 10000 */
  readonly probeTimeoutMs: number;
  /** @default 16 */
  readonly probeConcurrency: number;
  /** @default 5 */
  readonly maxOpenPullRequests: number;
  /** @default 40 */
  readonly toolBudget: number;
  /** Least time between two GitHub writes; GitHub asks for one second. @default 1000 */
  readonly githubWriteIntervalMs: number;
  /** Wait after a secondary rate limit that names no time. @default 60 */
  readonly secondaryLimitWaitSeconds: number;
  /** Write would-be pull requests here instead of calling GitHub. */
  readonly dryRunDir?: string;
  /** Local checkout a dry run reads declared servers from when no repo is given. @default the working directory */
  readonly checkout: string;
  /**
   * `reconcile --once` gives up when the cluster's first full list takes longer, before it opens the
   * database (an unreachable API server costs this long and little memory). @default 15
   */
  readonly listTimeoutSeconds: number;
  /** The platform's namespace, where the gateway runs: pull-request bodies name its objects. @default "mcp-system" */
  readonly platformNamespace: string;
  /** The Argo CD application that syncs the gateway and the MCP servers (`dist/mcp-servers/`), for pull-request bodies. @default unnamed */
  readonly gatewayApplication?: string;
  /** @default 8080 */
  readonly port: number;
  /** @default "0.0.0.0" */
  readonly host: string;
  /** Bearer token for the write endpoints; without it they answer 403. */
  readonly apiToken?: string;
  /** `serve` runs a pass after watch changes settle and at least this often. @default 300 */
  readonly reconcileIntervalSeconds: number;
  /** @default "info" */
  readonly logLevel: string;
}

/** Bad usage: one line for one problem, a list for several; the last line points at --help. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    const text = problems.length === 1 ? problems[0]! : `invalid settings:\n  - ${problems.join('\n  - ')}`;
    super(text.endsWith('(see --help)') ? text : `${text} (see --help)`);
  }
}

export const USAGE = `usage: ${runCommand('discovery')} <serve | reconcile --once> [flags]

  serve                      HTTP API and continuous watch
  reconcile --once           one pass; exit code 0 when it succeeded

flags (environment variable in brackets):
  --kubeconfig PATH          [DISCOVERY_KUBECONFIG] default: in-cluster, then ~/.kube/config
  --database-url URL         [DATABASE_URL] default: embedded PostgreSQL (PGlite) under --state-dir
  --state-dir DIR            [DISCOVERY_STATE_DIR] default: .mcp-discovery
  --repo OWNER/NAME          [GITHUB_REPOSITORY] the platform repo
  --base-branch NAME         [GITHUB_BASE_BRANCH] default: main
  --github-api-url URL       [GITHUB_API_URL] default: https://api.github.com
                             auth: [GITHUB_TOKEN], or [GITHUB_APP_ID] [GITHUB_APP_INSTALLATION_ID]
                             with [GITHUB_APP_PRIVATE_KEY] or [GITHUB_APP_PRIVATE_KEY_FILE]
  --annotation-prefix P      [MCP_ANNOTATION_PREFIX] default: mcp-platform.dev
  --namespaces A,B           [DISCOVERY_NAMESPACES] default: all
  --servers-dir DIR          [DISCOVERY_SERVERS_DIR] default: stacks/servers
  --server-file-import PATH  [DISCOVERY_SERVER_FILE_IMPORT] default: ../servers.js (from the servers folder to
                             the module that exports defineMcpServer)
  --probe-timeout MS         [PROBE_TIMEOUT_MS] default: 10000
  --probe-concurrency N      [PROBE_CONCURRENCY] default: 16
  --max-open-pull-requests N [MAX_OPEN_PULL_REQUESTS] default: 5
  --tool-budget N            [TOOL_BUDGET] default: 40
  --github-write-interval MS [GITHUB_WRITE_INTERVAL_MS] default: 1000 (GitHub asks for one write a second)
  --secondary-limit-wait S   [GITHUB_SECONDARY_LIMIT_WAIT_SECONDS] default: 60 (when GitHub names no time)
  --dry-run DIR              write would-be pull requests under DIR instead of calling GitHub
  --list-timeout S           [LIST_TIMEOUT_SECONDS] reconcile --once gives up when the cluster's first
                             full list takes longer (an unreachable API server); default: 15
  --platform-namespace NS    [PLATFORM_NAMESPACE] where the gateway runs, for pull-request bodies;
                             default: mcp-system
  --gateway-application NAME [GATEWAY_ARGOCD_APPLICATION] the Argo CD application of dist/mcp-servers/,
                             for pull-request bodies
  --checkout DIR             with --dry-run and no --repo: read declared servers here (default: .)
  --port N / --host H        [PORT] [HOST] default: 8080 / 0.0.0.0
  --reconcile-interval S     [RECONCILE_INTERVAL_SECONDS] default: 300
  --log-level L              [LOG_LEVEL] default: info
  (write endpoints need [DISCOVERY_API_TOKEN] as a bearer token)`;

const FLAGS = {
  once: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  'database-url': { type: 'string' },
  'state-dir': { type: 'string' },
  repo: { type: 'string' },
  'base-branch': { type: 'string' },
  'github-api-url': { type: 'string' },
  'annotation-prefix': { type: 'string' },
  namespaces: { type: 'string' },
  'servers-dir': { type: 'string' },
  'server-file-import': { type: 'string' },
  'probe-timeout': { type: 'string' },
  'probe-concurrency': { type: 'string' },
  'max-open-pull-requests': { type: 'string' },
  'tool-budget': { type: 'string' },
  'github-write-interval': { type: 'string' },
  'secondary-limit-wait': { type: 'string' },
  'dry-run': { type: 'string' },
  'list-timeout': { type: 'string' },
  checkout: { type: 'string' },
  'platform-namespace': { type: 'string' },
  'gateway-application': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'reconcile-interval': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean' },
} as const;

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\/$)[A-Za-z0-9._/-]+$/;

/** Settings from `argv` (after the script name) and `env`; throws SettingsError listing every problem. */
export function readSettings(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): DiscoverySettings | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new SettingsError([parseProblem(error as NodeJS.ErrnoException)]);
  }
  const flags = parsed.values;
  if (flags.help) return 'help';
  const problems: string[] = [];
  const [command, ...rest] = parsed.positionals;
  if (command !== 'serve' && command !== 'reconcile') problems.push(`command ${JSON.stringify(command ?? '')}: use "serve" or "reconcile --once"`);
  if (rest.length) problems.push(`unexpected arguments ${JSON.stringify(rest)}`);
  if (command === 'reconcile' && !flags.once) problems.push('reconcile needs --once (for continuous reconciling, use serve)');

  const pick = (flag: keyof typeof FLAGS, variable: string | undefined): string | undefined => {
    const value = (flags as Record<string, unknown>)[flag] as string | undefined;
    if (value !== undefined) return value;
    const fromEnv = variable ? env[variable] : undefined;
    return fromEnv === '' ? undefined : fromEnv;
  };
  const integer = (flag: keyof typeof FLAGS, variable: string, fallback: number, min: number, max: number): number => {
    const raw = pick(flag, variable);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`--${flag} / ${variable}: ${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  };

  const repo = pick('repo', 'GITHUB_REPOSITORY');
  if (repo !== undefined && !REPO.test(repo)) problems.push(`--repo / GITHUB_REPOSITORY: ${JSON.stringify(repo)} must be "owner/name"`);
  const baseBranch = pick('base-branch', 'GITHUB_BASE_BRANCH') ?? 'main';
  if (!BRANCH.test(baseBranch)) problems.push(`--base-branch / GITHUB_BASE_BRANCH: ${JSON.stringify(baseBranch)} is not a branch name`);
  const githubApiUrl = pick('github-api-url', 'GITHUB_API_URL') ?? 'https://api.github.com';
  try {
    const url = new URL(githubApiUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
  } catch {
    problems.push(`--github-api-url / GITHUB_API_URL: ${JSON.stringify(githubApiUrl)} must be an http(s) URL such as https://github.example.com/api/v3`);
  }
  const annotationPrefix = pick('annotation-prefix', 'MCP_ANNOTATION_PREFIX') ?? 'mcp-platform.dev';
  if (!DNS_SUBDOMAIN.test(annotationPrefix)) {
    problems.push(`--annotation-prefix / MCP_ANNOTATION_PREFIX: ${JSON.stringify(annotationPrefix)} must be a DNS subdomain such as "mcp-platform.dev"`);
  }
  const namespaces = (pick('namespaces', 'DISCOVERY_NAMESPACES') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const namespace of namespaces) if (!DNS_LABEL.test(namespace)) problems.push(`--namespaces / DISCOVERY_NAMESPACES: ${JSON.stringify(namespace)} is not a namespace name`);
  const serversDir = pick('servers-dir', 'DISCOVERY_SERVERS_DIR') ?? 'stacks/servers';
  if (serversDir.startsWith('/') || serversDir.split('/').some((part) => part === '..' || part === '')) {
    problems.push(`--servers-dir / DISCOVERY_SERVERS_DIR: ${JSON.stringify(serversDir)} must be a relative folder in the repo, such as "stacks/servers"`);
  }
  const serverFileImport = pick('server-file-import', 'DISCOVERY_SERVER_FILE_IMPORT') ?? DEFAULT_SERVER_FILE_IMPORT;
  if (!SERVER_FILE_IMPORT.test(serverFileImport)) {
    problems.push(`--server-file-import / DISCOVERY_SERVER_FILE_IMPORT: ${JSON.stringify(serverFileImport)} ${SERVER_FILE_IMPORT_RULE}`);
  }
  const databaseUrl = pick('database-url', 'DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('--database-url / DATABASE_URL: must be a postgresql:// URL (its value is not shown: it may hold a password)');

  const githubAuth = readGitHubAuth(env, problems);
  const dryRunDir = pick('dry-run', undefined);
  if (!dryRunDir && !repo) problems.push('--repo / GITHUB_REPOSITORY is required (or --dry-run DIR to write would-be pull requests locally)');
  if (!dryRunDir && !githubAuth) problems.push('GitHub credentials are required: set GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY(_FILE); or use --dry-run DIR');
  const platformNamespace = pick('platform-namespace', 'PLATFORM_NAMESPACE') ?? 'mcp-system';
  if (!DNS_LABEL.test(platformNamespace) || platformNamespace.length > 63) problems.push(`--platform-namespace / PLATFORM_NAMESPACE: ${JSON.stringify(platformNamespace)} is not a namespace name`);
  const gatewayApplication = pick('gateway-application', 'GATEWAY_ARGOCD_APPLICATION');
  if (gatewayApplication !== undefined && (!DNS_SUBDOMAIN.test(gatewayApplication))) {
    problems.push(`--gateway-application / GATEWAY_ARGOCD_APPLICATION: ${JSON.stringify(gatewayApplication)} is not an Argo CD application name such as "homelab-mcp-servers"`);
  }
  const logLevel = pick('log-level', 'LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) problems.push(`--log-level / LOG_LEVEL: ${JSON.stringify(logLevel)} must be one of fatal, error, warn, info, debug, trace, silent`);

  const settings: DiscoverySettings = {
    command: command === 'serve' ? 'serve' : 'reconcile',
    kubeconfig: pick('kubeconfig', 'DISCOVERY_KUBECONFIG'),
    databaseUrl,
    stateDir: pick('state-dir', 'DISCOVERY_STATE_DIR') ?? '.mcp-discovery',
    repo,
    baseBranch,
    githubApiUrl: githubApiUrl.replace(/\/+$/, ''),
    githubAuth,
    annotationPrefix,
    namespaces,
    serversDir,
    serverFileImport,
    probeTimeoutMs: integer('probe-timeout', 'PROBE_TIMEOUT_MS', 10_000, 100, 300_000),
    probeConcurrency: integer('probe-concurrency', 'PROBE_CONCURRENCY', 16, 1, 256),
    maxOpenPullRequests: integer('max-open-pull-requests', 'MAX_OPEN_PULL_REQUESTS', 5, 0, 1000),
    toolBudget: integer('tool-budget', 'TOOL_BUDGET', 40, 1, 10_000),
    githubWriteIntervalMs: integer('github-write-interval', 'GITHUB_WRITE_INTERVAL_MS', 1000, 0, 60_000),
    secondaryLimitWaitSeconds: integer('secondary-limit-wait', 'GITHUB_SECONDARY_LIMIT_WAIT_SECONDS', 60, 0, 3600),
    dryRunDir,
    checkout: pick('checkout', undefined) ?? process.cwd(),
    listTimeoutSeconds: integer('list-timeout', 'LIST_TIMEOUT_SECONDS', 15, 1, 3600),
    platformNamespace,
    gatewayApplication,
    port: integer('port', 'PORT', 8080, 0, 65535),
    host: pick('host', 'HOST') ?? '0.0.0.0',
    apiToken: env.DISCOVERY_API_TOKEN || undefined,
    reconcileIntervalSeconds: integer('reconcile-interval', 'RECONCILE_INTERVAL_SECONDS', 300, 5, 86_400),
    logLevel,
  };
  if (problems.length) throw new SettingsError(problems);
  return settings;
}

/** One line for a flag parseArgs refused; its own message for an unknown option runs on about quoting. */
function parseProblem(error: NodeJS.ErrnoException): string {
  const option = /^(?:Unknown option|Option) '(-[^' ]*)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option} (see --help)`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /does not take an argument/.test(error.message) ? `${option} takes no value (see --help)` : `${option} needs a value (see --help)`;
  }
  return `${error.message.split('\n')[0]} (see --help)`;
}

function readGitHubAuth(env: NodeJS.ProcessEnv, problems: string[]): GitHubAuth | undefined {
  if (env.GITHUB_TOKEN) return { token: env.GITHUB_TOKEN };
  const appId = env.GITHUB_APP_ID;
  if (!appId) return undefined;
  const installation = env.GITHUB_APP_INSTALLATION_ID ?? '';
  if (!/^\d+$/.test(installation)) {
    problems.push('GITHUB_APP_INSTALLATION_ID: must be the numeric installation id of the GitHub App on the platform repo');
    return undefined;
  }
  let privateKey = env.GITHUB_APP_PRIVATE_KEY;
  if (!privateKey && env.GITHUB_APP_PRIVATE_KEY_FILE) {
    try {
      privateKey = readFileSync(env.GITHUB_APP_PRIVATE_KEY_FILE, 'utf8');
    } catch (error) {
      problems.push(`GITHUB_APP_PRIVATE_KEY_FILE: cannot read ${JSON.stringify(env.GITHUB_APP_PRIVATE_KEY_FILE)}: ${(error as NodeJS.ErrnoException).code}`);
      return undefined;
    }
  }
  if (!privateKey || !privateKey.includes('PRIVATE KEY')) {
    problems.push('GITHUB_APP_PRIVATE_KEY(_FILE): must hold the GitHub App private key in PEM form (its value is not shown)');
    return undefined;
  }
  return { appId, installationId: Number(installation), privateKey };
}

/** The settings with secrets left out, for the start-up log line. */
export function describeSettings(settings: DiscoverySettings): Record<string, unknown> {
  const { githubAuth, apiToken, databaseUrl, ...rest } = settings;
  return {
    ...rest,
    githubAuth: githubAuth ? ('token' in githubAuth ? 'token' : `app ${githubAuth.appId}`) : 'none',
    writeEndpoints: apiToken ? 'enabled' : 'disabled (no DISCOVERY_API_TOKEN)',
    database: databaseUrl ? redactUrl(databaseUrl) : 'embedded',
  };
}

/** A URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
