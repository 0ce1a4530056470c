import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { COMMANDS, missingDependency, run, usage } from '../../../stacks/cli/main.js';
import { CLI_ENV } from '../../../stacks/command-line.js';

const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string; peerDependencies: Record<string, string> };
const discovery = JSON.parse(readFileSync(new URL('../../../services/discovery/package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };

/** What node's ESM loader throws for a package that is not installed. */
function notFound(pkg: string): Error {
  return Object.assign(new Error(`Cannot find package '${pkg}' imported from /app/node_modules/@mcp-platform/constructs/lib/constructs/terraform.js`), { code: 'ERR_MODULE_NOT_FOUND' });
}

describe('mcp-platform', () => {
  const logged: string[] = [];
  const errors: string[] = [];
  afterEach(() => {
    jest.restoreAllMocks();
    logged.length = 0;
    errors.length = 0;
    delete process.env[CLI_ENV];
  });
  const capture = () => {
    jest.spyOn(console, 'log').mockImplementation((text: unknown) => void logged.push(String(text)));
    jest.spyOn(console, 'error').mockImplementation((text: unknown) => void errors.push(String(text)));
  };

  it('GIVEN --help THEN it lists every command with its summary and exits 0', async () => {
    capture();
    expect(await run(['--help'])).toBe(0);
    expect(logged).toEqual([usage()]);
    expect(usage().split('\n').slice(0, 9)).toEqual([
      'usage: mcp-platform <command> [flags]',
      '',
      'Commands:',
      '  synth              render the config: Terraform JSON for the bootstrap layer, one manifests folder per Argo CD application',
      '  diff               what a change does to the rendered manifests, per Argo CD application',
      '  preflight          start each MCP server here and list its tools, before it reaches the cluster',
      '  verify-pins        check every pinned image, chart and npm package against its registry',
      '  publish-manifests  copy the rendered manifests into a checkout of the GitOps repository',
      '  discovery          the discovery service: serve, or reconcile --once (needs its optional dependencies)',
    ]);
    expect(await run(['-h'])).toBe(0);
    expect(await run(['help'])).toBe(0);
  });

  it('GIVEN no command THEN it prints the usage and exits 2', async () => {
    capture();
    expect(await run([])).toBe(2);
    expect(logged).toEqual([usage()]);
  });

  it('GIVEN --version THEN it prints the package version', async () => {
    capture();
    expect(await run(['--version'])).toBe(0);
    expect(await run(['-v'])).toBe(0);
    expect(logged).toEqual([manifest.version, manifest.version]);
  });

  it('GIVEN an unknown command, or an inherited property name THEN it names it, prints the usage and exits 2', async () => {
    capture();
    expect(await run(['synthesize'])).toBe(2);
    expect(await run(['constructor'])).toBe(2);
    expect(errors).toEqual([`mcp-platform: unknown command "synthesize"\n\n${usage()}`, `mcp-platform: unknown command "constructor"\n\n${usage()}`]);
  });

  it('GIVEN a command THEN it runs with the CLI marked, so usage texts name mcp-platform', async () => {
    capture();
    expect(await run(['verify-pins', '--help'])).toBe(0);
    expect(process.env[CLI_ENV]).toBe('1');
    expect(logged.join('\n')).toMatch(/^usage: mcp-platform verify-pins/);
  });

  it('GIVEN cdktf missing for synth THEN the message names it and installs the Terraform CDK at the tested ranges', () => {
    const range = (pkg: string) => manifest.peerDependencies[pkg];
    expect(missingDependency('synth', COMMANDS.synth!, notFound('cdktf'))).toBe(
      `mcp-platform synth: needs the package cdktf, an optional dependency of @mcp-platform/constructs; install what the command uses with\n  npm install 'cdktf@${range('cdktf')}' '@cdktf/provider-helm@${range('@cdktf/provider-helm')}' '@cdktf/provider-kubernetes@${range('@cdktf/provider-kubernetes')}'`,
    );
    expect(missingDependency('diff', COMMANDS.diff!, notFound('@cdktf/provider-helm'))).toMatch(/^mcp-platform diff: needs the package @cdktf\/provider-helm, /);
  });

  it('GIVEN a discovery dependency missing THEN the message installs the versions the image runs', () => {
    const message = missingDependency('discovery', COMMANDS.discovery!, notFound('fastify'));
    expect(message).toBe(
      `mcp-platform discovery: needs the package fastify, an optional dependency of @mcp-platform/constructs; install what the command uses with\n  npm install ${Object.entries(discovery.dependencies).map(([pkg, version]) => `'${pkg}@${version}'`).join(' ')}`,
    );
    expect(Object.keys(discovery.dependencies)).toContain('fastify');
  });

  it('GIVEN another missing package, another error, or a command with no optional needs THEN it is not taken for a missing optional one', () => {
    expect(missingDependency('synth', COMMANDS.synth!, notFound('left-pad'))).toBeUndefined();
    expect(missingDependency('synth', COMMANDS.synth!, Object.assign(new Error("Cannot find package 'cdktf'"), { code: 'ERR_UNKNOWN' }))).toBeUndefined();
    expect(missingDependency('verify-pins', COMMANDS['verify-pins']!, notFound('cdktf'))).toBeUndefined();
    expect(missingDependency('synth', COMMANDS.synth!, undefined)).toBeUndefined();
  });

  it('GIVEN the package manifest THEN the optional peers the CLI names are optional, and the discovery service keeps its versions', () => {
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      peerDependenciesMeta: Record<string, { optional: boolean }>;
      devDependencies: Record<string, string>;
      dependencies: Record<string, string>;
    };
    for (const pkg of [...COMMANDS.synth!.needs!, ...COMMANDS.preflight!.needs!, 'typescript']) expect([pkg, root.peerDependenciesMeta[pkg]?.optional]).toEqual([pkg, true]);
    // The repository's own tests run the discovery service from the workspace: one version of each.
    for (const [pkg, version] of Object.entries(discovery.dependencies)) expect([pkg, root.dependencies[pkg] ?? root.devDependencies[pkg] ?? version]).toEqual([pkg, version]);
  });
});
