/**
 * Everything the discovery service talks to, on this machine: the local Kubernetes API (with Services
 * that point at real MCP servers on loopback), the local GitHub API with a platform repo, and a state
 * folder. End-to-end tests run the real CLI or the real fastify app against it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings, type DiscoverySettings } from '../../services/discovery/src/settings.js';
import { tempDir } from './files.js';
import { GitHubApiServer } from './github-api-server.js';
import { KubeApiServer, type KubeApiObject } from './kube-api-server.js';
import type { LocalMcpServer } from './mcp-servers.js';

export const SERVERS_DIR = 'stacks/servers';
export const GITHUB_TOKEN = 'test-token';

export interface DiscoveryWorld {
  readonly kube: KubeApiServer;
  readonly github: GitHubApiServer;
  /** A temp folder for this world: kubeconfig, state, dry-run output. */
  readonly dir: string;
  readonly kubeconfigFile: string;
  /** Flags for `npm run discovery -- reconcile --once` against this world (database: embedded, unless given). */
  args(extra?: readonly string[]): string[];
  /** Environment for the CLI: the GitHub token, quiet logs. */
  env(extra?: Readonly<Record<string, string>>): NodeJS.ProcessEnv;
  /** The settings the CLI would read from `args()` and `env()`. */
  settings(extra?: readonly string[], env?: Readonly<Record<string, string>>): DiscoverySettings;
  close(): Promise<void>;
}

/** A Service that says it serves MCP (platform annotations), pointing at a server on loopback. */
export function mcpService(name: string, target: Pick<LocalMcpServer, 'port' | 'path'>, options: { namespace?: string; transport?: 'streamable-http' | 'sse'; annotations?: Record<string, string> } = {}): KubeApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: options.namespace ?? 'tools',
      annotations: {
        'mcp-platform.dev/enabled': 'true',
        'mcp-platform.dev/transport': options.transport ?? 'streamable-http',
        'mcp-platform.dev/path': target.path,
        ...(options.annotations ?? {}),
      },
    },
    // The ClusterIP is loopback, where the real server listens: the probe goes where the Service says.
    spec: { type: 'ClusterIP', clusterIP: '127.0.0.1', ports: [{ name: 'mcp', port: target.port, targetPort: target.port, protocol: 'TCP' }] },
  };
}

/** A plain Service that is not an MCP server. */
export function plainService(name: string, namespace = 'tools'): KubeApiObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type: 'ClusterIP', clusterIP: '10.43.0.1', ports: [{ name: 'http', port: 80 }] } };
}

export async function startDiscoveryWorld(options: { readonly declared?: readonly string[] } = {}): Promise<DiscoveryWorld> {
  const kube = new KubeApiServer();
  await kube.start();
  const github = await GitHubApiServer.start({ token: GITHUB_TOKEN });
  const files: Record<string, string> = { 'stacks/servers.ts': 'export {};\n' };
  for (const name of options.declared ?? []) files[`${SERVERS_DIR}/${name}.ts`] = `// ${name}\n`;
  github.seed({ files });

  const dir = tempDir('mcp-discovery-world-');
  const kubeconfigFile = join(dir, 'kubeconfig');
  // JSON is YAML: the client's loader reads it as a kubeconfig file.
  writeFileSync(
    kubeconfigFile,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: kube.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: {} }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
      'current-context': 'fake',
    }),
  );
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir, { recursive: true });

  const args = (extra: readonly string[] = []) => [
    '--kubeconfig',
    kubeconfigFile,
    '--repo',
    `${github.owner}/${github.name}`,
    '--github-api-url',
    github.url,
    '--state-dir',
    stateDir,
    '--probe-timeout',
    '5000',
    '--github-write-interval',
    '0',
    '--secondary-limit-wait',
    '1',
    ...extra,
  ];
  const env = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => ({ ...process.env, GITHUB_TOKEN, LOG_LEVEL: 'warn', KUBECONFIG: '', ...extra });
  return {
    kube,
    github,
    dir,
    kubeconfigFile,
    args,
    env,
    settings: (extra = [], extraEnv = {}) => readSettings(['reconcile', '--once', ...args(extra)], { GITHUB_TOKEN, LOG_LEVEL: 'warn', ...extraEnv }) as DiscoverySettings,
    close: async () => {
      await kube.stop();
      await github.close();
    },
  };
}
