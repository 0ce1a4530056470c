/**
 * What the platform itself puts in an MCP server's container, whatever the flavour: the env vars it sets
 * and the directories it mounts. A server's own env, secretEnv and secretFiles must leave these alone: an
 * env var of the same name would be dropped or set twice, and a file at one of these paths would be a
 * second mount at one mountPath (which the API server refuses) or a mount inside a read-only one.
 */
import { posix } from 'node:path';
import { isNpmSource, type McpServerSource } from './mcp-server-props.js';
import { APP_DIR, NPM_ENV } from './npm-runtime.js';

/** The server's writable scratch directory: an emptyDir, since the root filesystem is read-only. */
export const SCRATCH_DIR = '/tmp';
/** Where Kubernetes mounts the ServiceAccount token (the ServiceAccount admission plugin). */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface LayoutSpec {
  readonly flavour: string;
  readonly source: McpServerSource;
  readonly transport?: string;
}

/**
 * The ports kmcp's stdio transport adapter (agentgateway, in the server's own container) listens on besides
 * the server's port: readiness and stats on 15020/15021 (all interfaces) and the admin API on 15000 (loopback).
 */
export const KMCP_ADAPTER_PORTS: readonly number[] = [15000, 15020, 15021];

/** The env vars the platform sets in the server's container, by name. */
export function platformEnv(spec: LayoutSpec, port: number): Record<string, string> {
  const base = isNpmSource(spec.source) ? NPM_ENV : { HOME: SCRATCH_DIR };
  // Only the standalone flavour's Deployment is the platform's own; kmcp and ToolHive set the port themselves.
  return spec.flavour === 'standalone' ? { ...base, PORT: String(port) } : { ...base };
}

/** A directory the platform mounts, and whether a file may be mounted inside it. */
interface PlatformMount {
  readonly dir: string;
  /** A file may sit inside it (a writable emptyDir); else the whole tree is the platform's. */
  readonly filesInside: boolean;
  readonly what: string;
}

function platformMounts(spec: LayoutSpec): PlatformMount[] {
  return [
    { dir: SCRATCH_DIR, filesInside: true, what: "the server's scratch directory (an emptyDir: the only writable place on its read-only root filesystem)" },
    ...(spec.flavour === 'standalone' && isNpmSource(spec.source)
      ? [{ dir: APP_DIR, filesInside: false, what: 'where the npm package is installed, mounted read-only into the server' }]
      : []),
    { dir: SERVICE_ACCOUNT_DIR, filesInside: false, what: 'where Kubernetes mounts the ServiceAccount token' },
    // kmcp v0.3.0's stdio adapter: its binary copied into an emptyDir, and its config ConfigMap.
    ...(spec.flavour === 'kmcp' && spec.transport === 'stdio'
      ? [
          { dir: '/adapterbin', filesInside: false, what: "where kmcp copies its transport adapter's binary" },
          { dir: '/config', filesInside: false, what: "where kmcp mounts its transport adapter's config (a ConfigMap)" },
        ]
      : []),
  ];
}

/**
 * Why `path` is not an absolute file path written plainly, or undefined when it is. The API server compares
 * mount paths as written and the container runtime as normalised, so "/etc//a" and "/etc/a" would pass as two
 * mounts of one file, and "//tmp" would slip past the check that keeps files off the scratch directory.
 */
export function filePathProblem(path: string): string | undefined {
  const segments = path.split('/').slice(1);
  if (path.startsWith('/') && path !== '/' && segments.every((s) => s !== '' && s !== '.' && s !== '..')) return undefined;
  const plain = posix.normalize(path).replace(/\/+$/, '');
  const example = path.startsWith('/') && plain !== '' && plain !== path && !plain.startsWith('/..') ? plain : '/secrets/token';
  return `must be an absolute file path written plainly, such as ${JSON.stringify(example)}: no empty, "." or ".." segments and no "/" at the end`;
}

/** Why a secret file cannot be mounted at `path` in this server, or undefined when it can. */
export function secretFilePathProblem(spec: LayoutSpec, path: string): string | undefined {
  for (const mount of platformMounts(spec)) {
    const at = path === mount.dir;
    const inside = path.startsWith(`${mount.dir}/`);
    const above = mount.dir.startsWith(`${path}/`);
    if (at || above || (inside && !mount.filesInside)) {
      const where = at ? `is ${mount.what}` : `is ${above ? 'a parent of' : 'inside'} ${mount.dir}, ${mount.what}`;
      return `${where}: mount the file at a path of its own, such as "/secrets/${path.split('/').pop() || 'file'}"`;
    }
  }
  return undefined;
}
