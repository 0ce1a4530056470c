/**
 * Runs a rendered standalone MCP server on this machine, exactly as its Deployment says: the init
 * container's command in a temporary folder that stands in for the pod's working-directory volume, then
 * the server container's command in the same folder, with the container's plain env. Used by
 * `npm run preflight` and by the stdio-over-HTTP test, so both prove the commands that ship.
 *
 * The pod's absolute paths stay out of this machine's folders: its /tmp paths (HOME, npm's cache) and any
 * stand-in files (a kubeconfig where the pod mounts a Secret) live under the temporary folder, and the
 * commands and env name them there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Manifest } from '../../constructs/policy/rule.js';

export interface RenderedCommands {
  /** The init container's command and args (installing the package), if any. */
  readonly install?: readonly string[];
  /** The server container's command and args. */
  readonly run: readonly string[];
  /** Plain env of the server container (secret references are left out: preflight runs without credentials). */
  readonly env: Readonly<Record<string, string>>;
  readonly installEnv: Readonly<Record<string, string>>;
  /** The container port named "mcp". */
  readonly port: number;
  /** The HTTP path of a probe, to wait for start-up. */
  readonly healthPath?: string;
}

const plainEnv = (container: Manifest): Record<string, string> =>
  Object.fromEntries(((container.env ?? []) as Manifest[]).filter((e) => typeof e.value === 'string').map((e) => [e.name, e.value]));

/** The commands of a standalone server's rendered Deployment. */
export function renderedCommands(deployment: Manifest): RenderedCommands {
  if (deployment.kind !== 'Deployment') throw new Error(`expected a Deployment, got ${deployment.kind}`);
  const pod = deployment.spec.template.spec;
  const main = (pod.containers as Manifest[]).find((c) => c.name === 'mcp-server');
  if (!main?.command) throw new Error(`Deployment ${deployment.metadata.name} has no mcp-server container with a command (only npm-based servers run locally)`);
  const install = ((pod.initContainers ?? []) as Manifest[]).find((c) => c.name === 'install');
  const port = (main.ports as Manifest[]).find((p) => p.name === 'mcp')?.containerPort;
  return {
    ...(install ? { install: [...install.command, ...(install.args ?? [])], installEnv: plainEnv(install) } : { installEnv: {} }),
    run: [...main.command, ...(main.args ?? [])],
    env: plainEnv(main),
    port,
    healthPath: main.readinessProbe?.httpGet?.path,
  };
}

/** This machine's settings for reaching the npm registry: its mirror, proxy and CA certificates. */
const MACHINE_ENV = ['PATH', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];

/** Where a pod path lives under the temporary folder. */
const podPathIn = (workDir: string, podPath: string) => `${workDir}/.pod${podPath}`;

/** Words a POSIX shell takes as they are: a stand-in path must be one, since the bridge's --stdio is a shell line. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces each of `podPaths` (as a whole path, not a prefix of a longer one) in `text` with its stand-in. */
function withStandIns(text: string, podPaths: readonly string[], workDir: string): string {
  return podPaths.reduce((out, podPath) => out.replace(new RegExp(`${escapeRegExp(podPath)}(?![A-Za-z0-9._/-])`, 'g'), () => podPathIn(workDir, podPath)), text);
}

/**
 * The pod's env with its absolute /tmp paths (HOME, npm's cache) moved under the temporary folder, so
 * nothing touches this machine's; and this machine's registry settings, since the pod's HOME has no .npmrc.
 */
function localEnv(env: Readonly<Record<string, string>>, workDir: string, extra: Readonly<Record<string, string>> = {}, podPaths: readonly string[] = []): NodeJS.ProcessEnv {
  const moved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('/tmp/') ? podPathIn(workDir, v) : withStandIns(v, podPaths, workDir)]));
  const added = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, withStandIns(v, podPaths, workDir)]));
  const machine = Object.fromEntries(MACHINE_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  return { ...machine, npm_config_userconfig: process.env.npm_config_userconfig ?? join(homedir(), '.npmrc'), ...moved, ...added };
}

export interface RunningServer {
  readonly child: ChildProcess;
  /** Everything the process wrote, stdout and stderr interleaved. */
  readonly output: () => string;
  /** What the process wrote to stderr (for a stdio server, the bridge's stderr: it relays the server's there). */
  readonly stderr: () => string;
  /** Stops the process and waits until its output is read to the end. */
  stop(): Promise<void>;
}

/** A command that failed: what happened (`exited with 1`), and what it wrote. */
export class LocalRunError extends Error {
  constructor(
    readonly command: readonly string[],
    readonly what: string,
    readonly output: string,
    readonly stderr: string = output,
  ) {
    super(`${command.join(' ')} ${what}:\n${output}`);
  }
}

export interface StartOptions {
  /** Env on top of the container's (the preflight env, a stand-in upstream's); pod paths in it name their stand-ins. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Files the pod would have at absolute paths (a kubeconfig from a Secret), by path: each is written under the
   * temporary folder, and the commands and env name it there.
   */
  readonly files?: Readonly<Record<string, string>>;
  /** How long the health path (or port) may take to answer. @default 60000 */
  readonly timeoutMs?: number;
}

/**
 * Runs the install command to completion in `workDir`. `npmCache`: npm's cache folder in place of the pod's
 * (empty) one, so several installs share their downloads; what is installed is the same either way.
 */
export function installLocally(commands: RenderedCommands, workDir: string, timeoutMs = 180_000, npmCache?: string): Promise<string> {
  if (!commands.install) return Promise.resolve('');
  return runToEnd(commands.install, workDir, localEnv(commands.installEnv, workDir, npmCache ? { npm_config_cache: npmCache } : {}), timeoutMs);
}

/** Starts the server command in `workDir` and waits until its health path (or its port) answers. */
export async function startLocally(commands: RenderedCommands, workDir: string, options: StartOptions = {}): Promise<RunningServer> {
  const podPaths = Object.keys(options.files ?? {});
  for (const [podPath, content] of Object.entries(options.files ?? {})) {
    const file = podPathIn(workDir, podPath);
    if (!podPath.startsWith('/') || !SHELL_SAFE.test(file)) throw new Error(`cannot stand in for ${podPath} at ${file}: it must be an absolute path of plain characters`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, { mode: 0o600 });
  }
  const run = commands.run.map((word) => withStandIns(word, podPaths, workDir));
  const child = spawn(run[0], run.slice(1), {
    cwd: workDir,
    env: localEnv(commands.env, workDir, options.env, podPaths),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => ((output += d), (stderr += d)));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const server: RunningServer = {
    child,
    output: () => output,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }
      // 'close' comes once its pipes are read to the end; a descendant holding them must not hold us.
      await new Promise<void>((resolve) => {
        closed.then(resolve);
        child.once('exit', () => setTimeout(resolve, 2000).unref());
        if (child.exitCode !== null || child.signalCode !== null) setTimeout(resolve, 2000).unref();
      });
    },
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const url = `http://127.0.0.1:${commands.port}${commands.healthPath ?? '/'}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await server.stop();
      throw new LocalRunError(run, `exited with ${child.exitCode ?? child.signalCode} before ${url} answered`, output, stderr);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      // Any HTTP answer means it listens; with a health path it must say OK.
      if (!commands.healthPath || response.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new LocalRunError(run, `started, but ${url} did not answer within ${timeoutMs / 1000} s`, output, stderr);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function runToEnd(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stderr = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => ((output += d), (stderr += d)));
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new LocalRunError(command, timedOut ? `did not finish within ${timeoutMs / 1000} s` : `exited with ${code}`, output, stderr));
    });
  });
}

/** A TCP port nothing listens on right now (for a server started locally). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
