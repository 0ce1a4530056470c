/**
 * `npm run preflight` as a user runs it: the real entry under tsx, its usage, its exit codes, and where it
 * records the tools it saw (only `--write-tools` touches the file synth reads).
 */
import { runProcess, type ProcessRun } from '../../support/processes.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readTree, tempDir } from '../../support/files.js';
import { FIXTURE, FixtureNpmRegistry } from './fixture-registry.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs the real entry; asynchronously, since the fixture registry answers from this process. */
function preflightCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  return runProcess(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'stacks', 'preflight', 'main.ts'), ...args], { cwd: repo, env: { ...process.env, ...env } });
}

describe('npm run preflight, its usage', () => {
  it('prints its usage for --help and exits 0', async () => {
    const run = await preflightCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('Usage: npm run preflight -- [--config FILE] [--env NAME] [--only NAME,...] [--write-tools]');
    expect(run.stdout).toContain('  --write-tools   record the tools in preflight-tools.json beside the config');
    expect(run.stderr).toBe('');
  });

  it('rejects an unknown option in one line, with exit code 2', async () => {
    const run = await preflightCli(['--bogus']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("preflight: Unknown option '--bogus' (see npm run preflight -- --help)\n");
    expect(run.stdout).toBe('');
  });

  it('rejects an option without its value the same way', async () => {
    const run = await preflightCli(['--config']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("preflight: Option '--config <value>' argument missing (see npm run preflight -- --help)\n");
  });
});

describe('npm run preflight, the tools it records', () => {
  let registry: FixtureNpmRegistry;
  let dir: string;
  let plain: Awaited<ReturnType<typeof preflightCli>>;
  let afterPlain: Record<string, string>;
  let written: Awaited<ReturnType<typeof preflightCli>>;
  const tracked = () => join(dir, 'preflight-tools.json');
  const runRecord = () => join(dir, '.mcp-platform', 'preflight-tools.json');

  beforeAll(async () => {
    registry = await FixtureNpmRegistry.start();
    // GIVEN a config with one server that lists its tools, and a committed tools file from an earlier run
    dir = tempDir();
    const server = { name: 'fixture', flavour: 'standalone', transport: 'stdio', source: { npm: FIXTURE }, args: ['tools'] };
    writeFileSync(join(dir, 'platform.config.json'), JSON.stringify({ name: 'lab', kubernetes: { context: 'c' }, gitops: { repoUrl: 'https://x/y.git', path: 'p' }, mcpServers: [server] }));
    writeFileSync(tracked(), '{\n  "other": [\n    "x"\n  ]\n}\n');
    const env = { npm_config_userconfig: registry.userconfig };
    // WHEN preflight runs plainly, then with --write-tools
    plain = await preflightCli(['--config', join(dir, 'platform.config.json')], env);
    afterPlain = readTree(dir);
    written = await preflightCli(['--config', join(dir, 'platform.config.json'), '--write-tools'], env);
  }, 600_000);

  afterAll(() => registry?.stop());

  it('prints the table and exits 0 when no row is FAILED', () => {
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/^fixture +stdio +full +2 +\d+\.\d s +ok$/m);
  });

  it('records them, by default, beside the config where nothing reads them, and says so', () => {
    expect(afterPlain['preflight-tools.json']).toBe('{\n  "other": [\n    "x"\n  ]\n}\n');
    expect(JSON.parse(afterPlain['.mcp-platform/preflight-tools.json'])).toEqual({ fixture: ['fixture_add', 'fixture_echo'] });
    expect(plain.stdout).toContain(`tools recorded in ${runRecord()} (synth does not read it; --write-tools records them where it does)`);
  });

  it('updates the file synth reads only with --write-tools, keeping the servers it did not check', () => {
    expect(written.status).toBe(0);
    expect(JSON.parse(readFileSync(tracked(), 'utf8'))).toEqual({ fixture: ['fixture_add', 'fixture_echo'], other: ['x'] });
    expect(written.stdout).toContain(`tools recorded in ${tracked()} (synth reads it)`);
    expect(readFileSync(runRecord(), 'utf8')).toBe(afterPlain['.mcp-platform/preflight-tools.json']);
  });
});
