/**
 * Runs a rendered standalone MCP server on this machine, exactly as its Deployment says: the init
 * container's command in a temporary folder that stands in for the pod's working-directory volume, then
 * the server container's command in the same folder, with the container's plain env. Used by
 * `npm run preflight` and by the stdio-over-HTTP test, so both prove the commands that ship.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

/**
 * The pod's env with its absolute /tmp paths (HOME, npm's cache) moved under the temporary folder, so
 * nothing touches this machine's; and this machine's registry settings, since the pod's HOME has no .npmrc.
 */
function localEnv(env: Readonly<Record<string, string>>, workDir: string, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const moved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('/tmp/') ? `${workDir}/.pod${v}` : v]));
  const machine = Object.fromEntries(MACHINE_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  return { ...machine, npm_config_userconfig: process.env.npm_config_userconfig ?? join(homedir(), '.npmrc'), ...moved, ...extra };
}

export interface RunningServer {
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Runs the install command to completion in `workDir`. */
export function installLocally(commands: RenderedCommands, workDir: string, timeoutMs = 180_000): Promise<string> {
  if (!commands.install) return Promise.resolve('');
  return runToEnd(commands.install, workDir, localEnv(commands.installEnv, workDir), timeoutMs);
}

/** Starts the server command in `workDir` and waits until its health path (or its port) answers. */
export async function startLocally(commands: RenderedCommands, workDir: string, options: { env?: Readonly<Record<string, string>>; timeoutMs?: number } = {}): Promise<RunningServer> {
  const child = spawn(commands.run[0], commands.run.slice(1), {
    cwd: workDir,
    env: localEnv(commands.env, workDir, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const server: RunningServer = {
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
  const url = `http://127.0.0.1:${commands.port}${commands.healthPath ?? '/'}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering:\n${output}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      // Any HTTP answer means it listens; with a health path it must say OK.
      if (!commands.healthPath || response.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${url} did not answer within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function runToEnd(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command.join(' ')} exited with ${code}:\n${output}`));
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
