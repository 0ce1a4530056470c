/**
 * `npm run synth` on an environments file: the shipped example (examples/environments, the seed homelab as
 * production and monitoring) renders both into their own folders and stacks, `--env` replaces one and keeps the
 * other, and two environments with one Terraform state are refused, naming both.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { readTree, tempDir } from '../support/files.js';
import { PROCESS_DEADLINE_MS } from '../support/processes.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXAMPLE = join(repo, 'examples', 'environments', 'platform.environments.ts');

/** Runs one of the project's entries (stacks/<script>) as npm run does, and returns its exit code and output. */
function entry(script: string, args: string[]) {
  const result = spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'stacks', script), ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, CDKTF_OUTDIR: '', CDK8S_OUTDIR: '' },
    timeout: PROCESS_DEADLINE_MS,
    killSignal: 'SIGKILL',
  });
  if (result.error) throw new Error(`${script} ${args.join(' ')} did not finish: ${result.error.message}\n${result.stderr}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const synthCli = (args: string[]) => entry('main.ts', args);

const root = tempDir('mcp-platform-environments-synth-');
const out = ['--out', join(root, 'dist'), '--terraform-out', join(root, 'cdktf.out')];
const stackJson = (stack: string) => JSON.parse(readFileSync(join(root, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
const yamlOf = (file: string) => parseYaml(readFileSync(join(root, 'dist', file), 'utf8'));
/** Objects synth wrote for an environment: one file each. */
const countObjects = (env: string) => readdirSync(join(root, 'dist', env), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).length;

describe('npm run synth on the environments example', () => {
  let run: ReturnType<typeof synthCli>;
  beforeAll(() => {
    run = synthCli(['--config', EXAMPLE, ...out]);
  });

  it('renders each environment into dist/<env>/<app>/ and its own stack, with its own state and Argo CD destination', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('MCP platform "homelab" (environment "production")');
    expect(run.stdout).toContain('MCP platform "monitoring" (environment "monitoring")');
    expect(readdirSync(join(root, 'dist')).sort()).toEqual(['monitoring', 'production']);
    expect(readdirSync(join(root, 'dist', 'monitoring')).sort()).toEqual(['argocd', 'cluster-network', 'database', 'mcp-servers', 'monitoring', 'platform']);
    // cdktf deploy finds both stacks.
    const manifest = JSON.parse(readFileSync(join(root, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['bootstrap-monitoring', 'bootstrap-production']);
    // Two states: a local file named after production, a Secret in the monitoring cluster.
    expect(stackJson('bootstrap-production').terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap-production.tfstate' } });
    expect(stackJson('bootstrap-monitoring').terraform.backend).toEqual({
      kubernetes: { secret_suffix: 'bootstrap-monitoring', namespace: 'kube-system', config_path: '~/.kube/config', config_context: 'admin@monitoring' },
    });
    // Production's Applications deploy to the cluster Argo CD runs in; monitoring's to the cluster registered as "monitoring".
    expect(yamlOf('production/argocd/application-homelab-mcp-servers.yaml').spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'mcp-system' });
    expect(yamlOf('monitoring/argocd/application-monitoring-mcp-servers.yaml').spec.destination).toEqual({ name: 'monitoring', namespace: 'mcp-system' });
    expect(yamlOf('monitoring/argocd/application-monitoring-mcp-servers.yaml').spec.source.path).toBe('clusters/monitoring/mcp-platform/mcp-servers');
  });

  it("installs monitoring's AppProject and root into the cluster Argo CD runs in, allowing exactly its destinations", () => {
    const tf = stackJson('bootstrap-monitoring');
    expect(tf.provider.helm.map((p: { alias?: string; kubernetes: { config_context: string } }) => [p.alias ?? 'default', p.kubernetes.config_context])).toEqual([
      ['default', 'admin@monitoring'],
      ['argocd', 'admin@homelab'],
    ]);
    const root = Object.values(tf.resource.helm_release as Record<string, { chart: string; provider?: string; values: string[] }>).find((r) => r.chart === 'argocd-apps')!;
    expect(root.provider).toBe('helm.argocd');
    const project = JSON.parse(root.values[0]!).projects['mcp-platform-monitoring'];
    expect(project.destinations).toEqual([
      { name: 'monitoring', namespace: 'mcp-system' },
      { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
    ]);
    // Production's own stack has no second provider.
    expect(stackJson('bootstrap-production').provider.helm).toHaveLength(1);
  });

  it('layers production/servers over the shared folder and leaves out what monitoring removes', () => {
    const caddy = (env: string) => JSON.stringify(yamlOf(`${env}/mcp-servers/deployment-caddy.yaml`).spec.template.spec.containers[0].env);
    expect(caddy('production')).toContain('http://192.168.10.14:2019');
    expect(caddy('monitoring')).toContain('http://192.168.10.4:2019');
    expect(existsSync(join(root, 'dist', 'monitoring', 'mcp-servers', 'mcpserver-proxmox-pve1.yaml'))).toBe(false);
    expect(existsSync(join(root, 'dist', 'production', 'mcp-servers', 'mcpserver-proxmox-pve1.yaml'))).toBe(true);
  });

  it("diffs one environment against that environment's folder, with --env", () => {
    const diff = entry('diff/main.ts', ['--config', EXAMPLE, '--env', 'monitoring', '--base', join(root, 'dist', 'monitoring')]);
    expect(diff.stderr).toBe('');
    expect(diff.status).toBe(0);
    // Against production's folder, the monitoring environment differs.
    const other = entry('diff/main.ts', ['--config', EXAMPLE, '--env', 'monitoring', '--base', join(root, 'dist', 'production')]);
    expect(other.status).toBe(1);
  });

  it('without --env, diffs every environment against its own folder of the base, each under its own heading', () => {
    const same = entry('diff/main.ts', ['--config', EXAMPLE, '--base', join(root, 'dist')]);
    expect(same.stderr).toBe('');
    expect(same.status).toBe(0);
    const base = `${relative(repo, join(root, 'dist'))}/`;
    expect(same.stdout.split('\n').filter((l) => l.startsWith('rendered change'))).toEqual([
      `rendered change of environment production against ${base}: no change: ${readdirSync(join(root, 'dist', 'production')).length} apps and ${countObjects('production')} objects unchanged`,
      `rendered change of environment monitoring against ${base}: no change: ${readdirSync(join(root, 'dist', 'monitoring')).length} apps and ${countObjects('monitoring')} objects unchanged`,
    ]);
    // A base without monitoring's folder (a cluster being added): monitoring is all new, production unchanged.
    const partial = tempDir();
    cpSync(join(root, 'dist', 'production'), join(partial, 'production'), { recursive: true });
    const markdown = entry('diff/main.ts', ['--config', EXAMPLE, '--base', partial, '--format', 'markdown']);
    expect(markdown.status).toBe(1);
    const headings = markdown.stdout.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual([`### Rendered change of environment \`production\` against \`${relative(repo, partial)}/\``, `### Rendered change of environment \`monitoring\` against \`${relative(repo, partial)}/\``]);
    const monitoring = markdown.stdout.slice(markdown.stdout.indexOf(headings[1]!));
    expect(monitoring).toContain('| `mcp-servers` (new) |');
  });

  it('without --env against a git ref, renders the ref once and compares each environment with its folder there', () => {
    const diff = entry('diff/main.ts', ['--config', EXAMPLE, '--base', 'HEAD']);
    expect(diff.stderr).toMatch(/rendering the base [0-9a-f]{7} \.\.\./);
    expect([0, 1]).toContain(diff.status);
    expect(diff.stdout.split('\n').filter((l) => l.startsWith('rendered change')).map((l) => l.replace(/ against HEAD \([0-9a-f]{7}\): .*/, ''))).toEqual([
      'rendered change of environment production',
      'rendered change of environment monitoring',
    ]);
  });

  it('with --env, replaces only that environment and keeps the other one and its stack', () => {
    const production = readTree(join(root, 'dist', 'production'));
    writeFileSync(join(root, 'dist', 'monitoring', 'stale.yaml'), 'stale: true\n');
    const one = synthCli(['--config', EXAMPLE, '--env', 'monitoring', ...out]);
    expect(one.status).toBe(0);
    expect(one.stdout).not.toContain('environment "production"');
    expect(existsSync(join(root, 'dist', 'monitoring', 'stale.yaml'))).toBe(false);
    expect(readTree(join(root, 'dist', 'production'))).toEqual(production);
    const manifest = JSON.parse(readFileSync(join(root, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['bootstrap-monitoring', 'bootstrap-production']);
    expect(existsSync(join(root, 'cdktf.out', 'stacks', 'bootstrap-production', 'cdk.tf.json'))).toBe(true);
  });

  it("names an override's own entries in problems found while loading and while rendering, from a .ts file loaded as CommonJS", () => {
    // In a temporary folder with no package.json, tsx loads the file as CommonJS: its copy of stacks/environments.ts is not synth's.
    const dir = tempDir('mcp-platform-override-words-');
    const file = join(dir, 'words.environments.ts');
    const shared = join(repo, 'stacks', 'servers');
    writeFileSync(
      file,
      `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(join(repo, 'stacks', 'environments.ts'))};
import base from ${JSON.stringify(join(repo, 'examples', 'environments', 'base.ts'))};
const own = { mcp: { serversDir: ${JSON.stringify(shared)} } } as const;
export default definePlatformEnvironments({
  partial: extendPlatformConfig(base, { ...own, gitops: { path: 'clusters/partial' }, mcpServers: [{ name: 'caddy', replicas: 2 }] }),
  twice: extendPlatformConfig(base, { ...own, name: 'twice', kubernetes: { context: 'admin@twice' }, argocd: { project: 'mcp-twice' }, gitops: { path: 'clusters/twice' }, mcpServers: [{ name: 'caddy', flavour: 'external', transport: 'streamable-http', source: { service: { name: 'caddy', namespace: 'web' } }, port: 8080 }] }),
});
`,
    );
    const loading = synthCli(['--config', file, '--out', join(dir, 'dist'), '--terraform-out', join(dir, 'cdktf.out')]);
    expect(loading.status).toBe(1);
    expect(loading.stderr).toContain('  - environment "partial": the override\'s mcpServers[0].transport (server "caddy"): ');
    expect(loading.stderr).toContain('  - environment "partial": the override\'s mcpServers[0] (server "caddy"): an override changes only servers the base config lists in mcpServers');
    expect(loading.stderr).toContain(`  - environment "twice": MCP server "caddy" is declared twice: in ${file} the override's mcpServers[0] and in ${relative(process.cwd(), join(shared, 'caddy.ts'))}: to change a server of a servers folder, put its whole file in this environment's own folder`);

    writeFileSync(file, readFileSync(file, 'utf8').replace(/  partial: .*\n/, '').replace("mcpServers: [{ name: 'caddy', flavour", "mcpServers: [{ name: 'mcp-gateway', flavour"));
    const rendering = synthCli(['--config', file, '--out', join(dir, 'dist'), '--terraform-out', join(dir, 'cdktf.out')]);
    expect(rendering.status).toBe(1);
    expect(rendering.stderr).toMatch(/ {2}- environment "twice": the override's mcpServers\[0\]\.name \(server "mcp-gateway"\): /);
    expect(rendering.stderr).not.toMatch(/environment "twice": mcpServers\[\d+\]/);
  });

  it('refuses two environments that share one Terraform state, naming both, and writes nothing', () => {
    const dir = tempDir('mcp-platform-shared-state-');
    const file = join(dir, 'shared-state.environments.ts');
    writeFileSync(
      file,
      `import { definePlatformEnvironments, extendPlatformConfig } from ${JSON.stringify(join(repo, 'stacks', 'environments.ts'))};
import base from ${JSON.stringify(join(repo, 'examples', 'environments', 'base.ts'))};
// The base's servers folder is relative to the file that names it: from here, it is named by its full path.
const state = { terraform: { backend: { type: 'local', path: 'terraform.homelab.tfstate' } }, mcp: { serversDir: ${JSON.stringify(join(repo, 'stacks', 'servers'))} } } as const;
export default definePlatformEnvironments({
  production: extendPlatformConfig(base, { ...state, gitops: { path: 'clusters/production/mcp-platform' } }),
  staging: extendPlatformConfig(base, { ...state, name: 'staging', kubernetes: { context: 'admin@staging' }, argocd: { project: 'mcp-staging' }, gitops: { path: 'clusters/staging/mcp-platform' } }),
});
`,
    );
    const run = synthCli(['--config', file, '--out', join(dir, 'dist'), '--terraform-out', join(dir, 'cdktf.out')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      '  - environments "production" and "staging" share one Terraform state (local state file terraform.homelab.tfstate): each apply would destroy what the other created',
    );
    expect(readdirSync(dir)).toEqual(['shared-state.environments.ts']);
  });
});
