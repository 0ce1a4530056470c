import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { readTree, tempDir } from '../support/files.js';
import { PROCESS_DEADLINE_MS } from '../support/processes.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs the real entry (`npm run synth` runs the same command) and returns its exit code and output. */
function synthCli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'stacks', 'main.ts'), ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, CDKTF_OUTDIR: '', CDK8S_OUTDIR: '', ...env },
    timeout: PROCESS_DEADLINE_MS,
    killSignal: 'SIGKILL',
  });
  if (result.error) throw new Error(`npm run synth ${args.join(' ')} did not finish: ${result.error.message}\n${result.stderr}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function outDirs() {
  const root = tempDir();
  return { root, args: ['--out', join(root, 'dist'), '--terraform-out', join(root, 'cdktf.out')] };
}

describe('npm run synth', () => {
  it('renders the shipped default config and prints the report', () => {
    const { root, args } = outDirs();
    const run = synthCli(args);
    expect(run.status).toBe(0);
    // The only finding: the seed servers that run from images have no tool list until someone records one.
    expect(run.stdout).toMatch(/policy findings: 0 error\(s\), 1 warning\(s\)\n    ! \[MCP-GatewayToolBudget\] ConfigMap mcp-system\/mcp-gateway-config \(mcp-servers\/Gateway\/Config\): endpoint \/mcp: the budget of 40 cannot be checked, the tools of [a-z0-9, -]*github[a-z0-9, -]* are unknown \(\d+ known\)\n/);
    expect(existsSync(join(root, 'cdktf.out', 'stacks', 'bootstrap', 'cdk.tf.json'))).toBe(true);
  });

  it('fails on a wrong config field with a message naming it, and writes nothing', () => {
    const { root, args } = outDirs();
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'previous.yaml'), 'kept: true\n');
    const config = join(root, 'bad.config.json');
    writeFileSync(config, JSON.stringify({ name: 'lab', kubernetes: { context: 'c' }, gitops: { repoUrl: 'https://x/y.git', path: 'p' }, namespace: 'Bad' }));
    const run = synthCli(['--config', config, ...args]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`  - namespace: must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit): the platform namespace, got "Bad"`);
    expect(readTree(root)).toEqual({ 'bad.config.json': expect.any(String), 'dist/previous.yaml': 'kept: true\n' });
  });

  it('prints a problem found while rendering like a config error, with the config file and path, and no stack', () => {
    const { root, args } = outDirs();
    const config = join(root, 'kmcp.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'lab',
        kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
        gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
        mcpServers: [{ name: 'kp', flavour: 'kmcp', transport: 'stdio', path: '/other', source: { npm: { package: 'acme-mcp', version: '1.0.0' } } }],
      }),
    );
    const run = synthCli(['--config', config, ...args]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `Invalid platform config (${config}):\n  - mcpServers[0].path: kmcp serves a stdio server at "/mcp"; leave path out\nNothing was written: the previous output is unchanged.\n`,
    );
  });

  it('reports a failure that is not a config problem by its message, the stack only on request', () => {
    const { root } = outDirs();
    writeFileSync(join(root, 'file'), 'not a folder');
    const args = ['--out', join(root, 'file', 'dist'), '--terraform-out', join(root, 'cdktf.out')];
    const run = synthCli(args);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^synth failed: ENOTDIR: not a directory, .*\n\(set MCP_PLATFORM_DEBUG=1 for the stack trace, and include it in a bug report\)\n/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(synthCli(args, { MCP_PLATFORM_DEBUG: '1' }).stderr).toMatch(/\n\s+at /);
  });

  it('names a config file that does not exist', () => {
    const run = synthCli(['--config', 'nope.config.ts', ...outDirs().args]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid platform config (nope.config.ts):\n  - file not found; pass an existing file with --config (default stacks/platform.config.ts)');
  });

  it('rejects unknown arguments with usage and exit code 2', () => {
    const run = synthCli(['--only', 'everything']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--only must be "bootstrap" or "workloads", got "everything"');
  });

  it('prints its usage with --help and exits 0, writing nothing', () => {
    const run = synthCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('usage: npm run synth -- [--config FILE] [--env NAME] [--out DIR] [--terraform-out DIR] [--only bootstrap|workloads]');
    expect(run.stdout).toContain('Exit code: 0 written, 1 invalid config or failed checks, 2 bad arguments.');
  });

  it('answers an unknown option with one line of usage and exit code 2, no stack', () => {
    const run = synthCli(['--halp']);
    expect(run.status).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Unknown option '--halp'/);
    expect(lines.slice(1)).toEqual(['usage: npm run synth -- [--config FILE] [--env NAME] [--out DIR] [--terraform-out DIR] [--only bootstrap|workloads]', '(npm run synth -- --help for more)']);
  });

  it('under cdk8s synth, does not claim the previous output is unchanged: cdk8s has removed it', () => {
    const { root } = outDirs();
    const config = join(root, 'bad.config.json');
    writeFileSync(config, JSON.stringify({ name: 'lab' }));
    const cdk8s = synthCli(['--config', config, '--only', 'workloads'], { CDK8S_OUTDIR: join(root, 'dist') });
    expect(cdk8s.status).toBe(1);
    expect(cdk8s.stderr.trim().split('\n').at(-1)).toBe(
      `Nothing was written, but cdk8s synth had already emptied ${join(root, 'dist')} before running this: run npm run synth, which keeps the previous output when it fails.`,
    );
    const own = synthCli(['--config', config, ...outDirs().args]);
    expect(own.stderr.trim().split('\n').at(-1)).toBe('Nothing was written: the previous output is unchanged.');
  });
});
