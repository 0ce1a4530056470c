/**
 * How a server from an npm package runs in a pod, and the stdio-to-HTTP bridge in front of a stdio one.
 *
 * The pod installs the pinned package (and the pinned bridge) into an emptyDir in an init container, then
 * runs it from there with node: no image has to be built, and nothing is downloaded at call time. Both
 * commands are relative to the working directory, so `npm run preflight` and the tests run exactly the
 * rendered commands on a developer machine, with a temporary folder standing in for the volume.
 */
import { npmBin, type McpTransport, type NpmSource } from './mcp-server-props.js';

/**
 * node image the npm-based servers run in: Node 24 (LTS, maintained to 2028-04-30) on Alpine 3.24, the newest
 * Alpine the official image is built on (nodejs/docker-node versions.json); a full version, so Renovate proposes
 * each patch. kmcp's own default for npx servers is still node:24-alpine3.21, whose Alpine ended on 2026-11-01.
 */
export const NODE_IMAGE = 'node:24.19.0-alpine3.24';
/** uid of the `node` user in the official node images. */
export const NODE_UID = 1000;
/** The stdio-to-Streamable-HTTP bridge, pinned. */
export const STDIO_BRIDGE = { package: 'supergateway', version: '4.0.0', bin: 'supergateway' } as const;
/** Where the packages are installed (an emptyDir in the pod). */
export const APP_DIR = '/app';
/** Health endpoint the bridge serves, for the probes. */
export const BRIDGE_HEALTH_PATH = '/healthz';
/** How long the bridge keeps an idle session's server process. */
const BRIDGE_SESSION_TIMEOUT_MS = 10 * 60 * 1000;

/** A command and its arguments, run in `workingDir` with `env`. */
export interface Command {
  readonly command: readonly string[];
  readonly args: readonly string[];
}

/** Quotes one word for the POSIX shell the bridge starts the server with. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

/**
 * Installs the package, and the bridge when the server speaks stdio, into the working directory.
 * `--ignore-scripts`: no install script of any dependency runs (MCP servers are plain JavaScript).
 */
export function npmInstall(source: NpmSource, transport: McpTransport): Command {
  const packages = [`${source.npm.package}@${source.npm.version}`];
  if (transport === 'stdio') packages.push(`${STDIO_BRIDGE.package}@${STDIO_BRIDGE.version}`);
  return {
    command: ['npm'],
    args: ['install', '--prefix', '.', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', ...packages],
  };
}

/** Runs the server: through the bridge for stdio, directly for an HTTP transport. */
export function npmRun(source: NpmSource, transport: McpTransport, args: readonly string[], port: number, path: string): Command {
  const server = `node_modules/.bin/${npmBin(source)}`;
  if (transport !== 'stdio') return { command: ['node', server], args: [...args] };
  return {
    command: ['node', `node_modules/.bin/${STDIO_BRIDGE.bin}`],
    args: [
      '--stdio', [server, ...args].map(shellQuote).join(' '),
      '--outputTransport', 'streamableHttp',
      '--port', String(port),
      '--streamableHttpPath', path,
      // One server process per client session, so a client's state (subscriptions, progress) stays its own.
      '--stateful',
      '--sessionTimeout', String(BRIDGE_SESSION_TIMEOUT_MS),
      '--healthEndpoint', BRIDGE_HEALTH_PATH,
      '--logLevel', 'info',
    ],
  };
}

/** Env every npm-based container needs on a read-only root filesystem (HOME and npm's cache on /tmp). */
export const NPM_ENV: Readonly<Record<string, string>> = {
  HOME: '/tmp/home',
  npm_config_cache: '/tmp/npm-cache',
  npm_config_update_notifier: 'false',
  NODE_ENV: 'production',
};

/** The env var npm (and npx, which npm 7+ runs as `npm exec`) takes its registry from; npm reads npm_config_* names in any case. */
export const NPM_REGISTRY_ENV = 'npm_config_registry';

/** The registry setting for every container that runs npm or npx: none when npm keeps its own (registry.npmjs.org). */
export function npmRegistryEnv(registryUrl: string | undefined): Record<string, string> {
  return registryUrl === undefined ? {} : { [NPM_REGISTRY_ENV]: registryUrl };
}
