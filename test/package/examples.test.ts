/**
 * The package as a user gets it: `npm pack` (which builds lib/ first), then each app of examples/ copied to a
 * temporary folder, the tarball installed there with `npm install`, built and run. Nothing here imports this
 * repository's sources: what runs is the compiled package from node_modules, with the dependencies npm
 * resolved for it from the registry.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { tempDir } from '../support/files.js';
import { runProcess, type ProcessRun } from '../support/processes.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const EXAMPLES = join(ROOT, 'examples');
// Installing from the registry, building lib/ and synthesizing are minutes on a busy machine, not seconds.
const DEADLINE_MS = 600_000;

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}

/** The environment without npm's own npm_* variables: `npm test`'s settings must not leak into the user's install. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

async function run(cwd: string, command: string, ...args: string[]): Promise<ProcessRun> {
  return runProcess(command, args, { cwd, env: userEnv(), deadlineMs: DEADLINE_MS });
}

/** Runs a command that must succeed, failing with its output otherwise. */
async function ok(cwd: string, command: string, ...args: string[]): Promise<string> {
  const result = await run(cwd, command, ...args);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} in ${cwd} exited ${result.status}:\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

function manifests(file: string): Record<string, any>[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, any>);
}

const named = (objects: Record<string, any>[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);

describe('the published package and its examples', () => {
  const work = tempDir('mcp-platform-package-');
  let pack: PackResult;
  let tarball: string;

  /** A copy of examples/<name> with the tarball installed, as `npm install <tarball>` leaves a user's app. */
  async function installed(name: string): Promise<string> {
    const app = join(work, name);
    cpSync(join(EXAMPLES, name), app, { recursive: true });
    await ok(app, 'npm', 'install', tarball, '--no-audit', '--no-fund', '--loglevel=error');
    return app;
  }

  beforeAll(async () => {
    const out = await ok(ROOT, 'npm', 'pack', '--json', '--pack-destination', work, '--loglevel=error');
    // prepack's build logs before npm's JSON: the JSON is the last thing printed.
    [pack] = JSON.parse(out.slice(out.lastIndexOf('\n[') + 1)) as PackResult[];
    tarball = join(work, pack.filename);
  }, DEADLINE_MS);

  it('GIVEN npm pack THEN the tarball holds the compiled package and no sources, tests or CI files', () => {
    expect(pack.filename).toBe('mcp-platform-constructs-0.1.0.tgz');
    const paths = pack.files.map((f) => f.path);
    expect(paths.filter((p) => !p.startsWith('lib/')).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    expect(paths.filter((p) => /\.ts$/.test(p) && !/\.d\.ts$/.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|\.github|examples)\//.test(p))).toEqual([]);
    // Each public area compiled with its declarations and source map.
    for (const area of ['mcp', 'gateway', 'database', 'inference', 'monitoring', 'secrets', 'policy', 'argocd', 'bootstrap']) {
      expect(paths).toEqual(expect.arrayContaining([`lib/constructs/${area}/index.js`, `lib/constructs/${area}/index.d.ts`, `lib/constructs/${area}/index.js.map`]));
    }
    expect(paths).toEqual(expect.arrayContaining(['lib/stacks/cli/main.js', 'lib/services/discovery/package.json', 'lib/constructs/database/migrations/0001_mcp_registry.sql']));
  });

  describe('an empty folder', () => {
    it('GIVEN npm install <tarball> THEN it installs the constructs and their peers only, and a TypeScript config without typescript is refused saying what to install', async () => {
      const folder = join(work, 'empty');
      mkdirSync(folder);
      writeFileSync(join(folder, 'package.json'), '{ "name": "empty", "private": true }\n');
      await ok(folder, 'npm', 'install', tarball, '--no-audit', '--no-fund', '--loglevel=error');
      expect(readdirSync(join(folder, 'node_modules')).filter((name) => !name.startsWith('.')).sort()).toEqual(
        expect.arrayContaining(['@mcp-platform', 'cdk8s', 'cdk8s-plus-33', 'constructs', 'zod']),
      );
      for (const pkg of ['cdktf', '@cdktf', 'typescript', 'tsx', 'fastify', '@modelcontextprotocol']) expect([pkg, existsSync(join(folder, 'node_modules', pkg))]).toEqual([pkg, false]);
      writeFileSync(join(folder, 'platform.config.ts'), "export default { name: 'lab' };\n");
      const result = await run(folder, 'npx', 'mcp-platform', 'verify-pins');
      expect([result.status, result.stderr.trim()]).toEqual([
        1,
        'Invalid platform config (platform.config.ts):\n  - cannot be loaded: a TypeScript file needs the typescript package to load (an optional dependency of @mcp-platform/constructs): npm install --save-dev typescript, or write the file as .js or .json',
      ]);
    }, DEADLINE_MS);
  });

  describe('examples/cdk8s-app: McpServer (standalone and ToolHive) and McpGateway with enforcePolicies', () => {
    let app: string;
    beforeAll(async () => {
      app = await installed('cdk8s-app');
    }, DEADLINE_MS);

    it('GIVEN the tarball installed THEN neither cdktf nor the discovery service dependencies come with it', () => {
      for (const pkg of ['cdktf', '@cdktf/provider-helm', '@cdktf/provider-kubernetes', 'fastify', 'octokit', 'pg', '@electric-sql/pglite', '@kubernetes/client-node', '@modelcontextprotocol/sdk']) {
        expect([pkg, existsSync(join(app, 'node_modules', pkg))]).toEqual([pkg, false]);
      }
      // The peers a construct library shares with the app: one copy, the app's.
      for (const pkg of ['cdk8s', 'cdk8s-plus-33', 'constructs']) {
        expect([pkg, existsSync(join(app, 'node_modules', pkg, 'package.json')), existsSync(join(app, 'node_modules', '@mcp-platform', 'constructs', 'node_modules', pkg))]).toEqual([pkg, true, false]);
      }
    });

    it('GIVEN tsc and node THEN it synthesizes the servers, the gateway and their network policies', async () => {
      await ok(app, 'npm', 'run', 'build');
      await ok(app, 'npm', 'run', 'synth');
      const objects = manifests(join(app, 'dist', 'manifests', 'mcp.k8s.yaml'));
      const everything = named(objects, 'Deployment', 'everything');
      expect(everything?.metadata.namespace).toBe('mcp');
      expect(everything?.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      const adguard = named(objects, 'MCPServer', 'adguard');
      expect(adguard?.apiVersion).toMatch(/^toolhive\.stacklok\.dev\//);
      expect(adguard?.spec.image).toBe('ghcr.io/samik081/mcp-adguard-home:0.7.1');
      const gateway = named(objects, 'Deployment', 'mcp-gateway');
      expect(gateway?.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'mcp-gateway' });
      const config = named(objects, 'ConfigMap', 'mcp-gateway-config');
      expect(JSON.stringify(config?.data)).toContain('everything');
      expect(JSON.stringify(config?.data)).toContain('adguard');
      expect(objects.filter((o) => o.kind === 'NetworkPolicy').length).toBeGreaterThanOrEqual(3);
    });

    it('GIVEN an object of the app that breaks a policy THEN enforcePolicies fails synth naming the rule', async () => {
      const main = join(app, 'dist', 'main.js');
      const source = readFileSync(main, 'utf8');
      expect(source).toContain("'@modelcontextprotocol/server-everything'");
      // An object of the app's own, beside the constructs: an image with no tag at all, which MCP-PinnedImage refuses.
      const untagged = "new ApiObject(chart, 'untagged', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'untagged' }, spec: { containers: [{ name: 'app', image: 'ghcr.io/example/server' }] } });";
      writeFileSync(main, `import { ApiObject } from 'cdk8s';\n${source.replace('enforcePolicies(app);', `${untagged}\nenforcePolicies(app);`)}`);
      const result = await run(app, 'node', 'dist/main.js');
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('[MCP-PinnedImage]');
    });

    it('GIVEN the CLI THEN --help lists the commands, and synth without cdktf says what to install', async () => {
      const help = await ok(app, 'npx', 'mcp-platform', '--help');
      for (const command of ['synth', 'diff', 'preflight', 'verify-pins', 'publish-manifests', 'discovery']) expect(help).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
      const synth = await run(app, 'npx', 'mcp-platform', 'synth', '--config', 'none.ts');
      expect([synth.status, synth.stderr.trim()]).toEqual([
        1,
        "mcp-platform synth: needs the package cdktf, an optional dependency of @mcp-platform/constructs; install what the command uses with\n  npm install 'cdktf@^0.21.0' '@cdktf/provider-helm@^12.1.2' '@cdktf/provider-kubernetes@^12.1.1'",
      ]);
      // --help of a command whose optional packages are missing: what it does and what to install, exit 0.
      const preflightHelp = await ok(app, 'npx', 'mcp-platform', 'preflight', '--help');
      expect(preflightHelp.trim()).toBe(
        "mcp-platform preflight: start each MCP server here and list its tools, before it reaches the cluster\n\nmcp-platform preflight: needs the package @modelcontextprotocol/sdk, an optional dependency of @mcp-platform/constructs; install what the command uses with\n  npm install '@modelcontextprotocol/sdk@^1.32.2'",
      );
      const version = await ok(app, 'npx', 'mcp-platform', '--version');
      expect(version.trim()).toBe('0.1.0');
    });
    it("GIVEN the README's example THEN it builds and synthesizes in the same app", async () => {
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Use the constructs in your own app'));
      const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
      expect(snippet).toContain("from '@mcp-platform/constructs/mcp'");
      writeFileSync(join(app, 'src', 'readme.ts'), snippet!);
      await ok(app, 'npx', 'tsc');
      await ok(app, 'node', 'dist/readme.js');
      const objects = manifests(join(app, 'dist', 'mcp.k8s.yaml'));
      expect(named(objects, 'Deployment', 'everything')).toBeDefined();
      expect(named(objects, 'Deployment', 'mcp-gateway')).toBeDefined();
    });
  });

  describe('examples/cdktf-app: the bootstrap constructs', () => {
    it('GIVEN tsc and node THEN it synthesizes the namespace, the operator release and the Argo CD root as Terraform JSON', async () => {
      const app = await installed('cdktf-app');
      await ok(app, 'npm', 'run', 'build');
      await ok(app, 'npm', 'run', 'synth');
      const stack = JSON.parse(readFileSync(join(app, 'cdktf.out', 'stacks', 'bootstrap', 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, any>> };
      const namespaces = Object.values(stack.resource.kubernetes_namespace_v1 ?? {});
      expect(namespaces.map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['mcp', 'cnpg-system']));
      expect(namespaces.find((n) => n.metadata.name === 'mcp')?.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      const releases = Object.values(stack.resource.helm_release ?? {});
      expect(releases.find((r) => r.chart === 'cloudnative-pg')).toMatchObject({ version: '0.29.0', namespace: 'cnpg-system', repository: 'https://cloudnative-pg.github.io/charts' });
      expect(releases.find((r) => r.chart === 'argocd-apps')?.namespace).toBe('argocd');
    }, DEADLINE_MS * 3);
  });

  describe('examples/platform-repo: the CLI in a repository of its own, with its own config and servers', () => {
    it('GIVEN npx mcp-platform synth THEN it renders the TypeScript config and servers without tsx, and discovery files import the package', async () => {
      const app = await installed('platform-repo');
      expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
      // A repository of its own: discovery.serversDir is checked against it.
      await ok(app, 'git', 'init', '-q');
      const out = await ok(app, 'npx', 'mcp-platform', 'synth');
      expect(out).toMatch(/^  schema errors: 0$/m);
      expect(out).toMatch(/^  policy findings: 0 error\(s\)/m);
      expect(readdirSync(join(app, 'dist')).sort()).toEqual(expect.arrayContaining(['argocd', 'discovery', 'mcp-servers']));
      const servers = manifests(join(app, 'dist', 'mcp-servers', readdirSync(join(app, 'dist', 'mcp-servers')).find((f) => f.endsWith('.yaml'))!));
      expect(named(servers, 'Deployment', 'everything')).toBeDefined();
      const discovery = readdirSync(join(app, 'dist', 'discovery')).flatMap((f) => manifests(join(app, 'dist', 'discovery', f)));
      const env = named(discovery, 'Deployment', 'mcp-discovery')?.spec.template.spec.containers[0].env as { name: string; value?: string }[];
      expect(env.find((e) => e.name === 'DISCOVERY_SERVER_FILE_IMPORT')?.value).toBe('@mcp-platform/constructs/servers');
      expect(env.find((e) => e.name === 'DISCOVERY_SERVERS_DIR')?.value).toBe('servers');
      expect(existsSync(join(app, 'cdktf.out', 'stacks', 'bootstrap', 'cdk.tf.json'))).toBe(true);
    }, DEADLINE_MS * 3);
  });
});
