/**
 * The discovery service's pull requests add server files where synth reads them: its serversDir (from the
 * repository's root) must be one of mcp.serversDir (from the config file), and the files import
 * defineMcpServer by a path that resolves from that folder. Configs here live inside this repository's work
 * tree (an ignored folder of stacks/) so the check has a repository to compare with and the generated file's
 * import is resolved for real when the stacks load it.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Testing } from 'cdk8s';
import type { PlatformConfigInput } from '../../stacks/config.js';
import { loadConfigFile } from '../../stacks/load-config.js';
import { loadServerFiles } from '../../stacks/servers.js';
import { Workloads } from '../../stacks/workloads.js';
import { checkServerFile, discoveredServerSpec, renderServerFile } from '../../services/discovery/src/reconcile/server-file.js';
import { ConfigError } from '../../stacks/config.js';
import { tempDir } from '../support/files.js';

const secretRef = { from: 'secret', name: 'gh', key: 'token' } as const;
const withDiscovery = (discovery: Record<string, unknown> = {}, mcp: Record<string, unknown> = {}): PlatformConfigInput => ({
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['192.168.10.5/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
  mcp,
  discovery: { enabled: true, repo: 'me/platform', database: 'embedded', github: { auth: { token: secretRef } }, apiToken: secretRef, ...discovery },
});

// Under stacks/ and ignored by git (stacks/.e2e-servers-*/): inside the repository's work tree.
const layout = join(process.cwd(), 'stacks', `.e2e-servers-layout-${process.pid}`);
const fromRoot = relative(process.cwd(), layout);
afterAll(() => rmSync(layout, { recursive: true, force: true }));

function writeConfig(name: string, config: PlatformConfigInput): string {
  const dir = join(layout, name);
  mkdirSync(join(dir, 'mcp', 'servers'), { recursive: true });
  const file = join(dir, 'platform.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The problems of the ConfigError loading `file` throws. */
async function problemsLoading(file: string): Promise<readonly string[]> {
  const error = await loadConfigFile(file).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error.problems;
}

describe('discovery.serversDir against mcp.serversDir', () => {
  it('GIVEN discovery writing to a folder synth does not read THEN loading refuses it, naming both', async () => {
    const file = writeConfig('elsewhere', withDiscovery({ serversDir: 'stacks/servers' }, { serversDir: 'mcp/servers' }));
    expect(await problemsLoading(file)).toEqual([
      `discovery.serversDir: "stacks/servers" is not a servers folder of this config (mcp.serversDir: "mcp/servers" is "${fromRoot}/elsewhere/mcp/servers" from the repository's root ${process.cwd()}): name one of them, or the discovery service's pull requests add files synth never reads`,
    ]);
  });

  it('GIVEN layered folders THEN discovery may write to any one of them, and the list names each', async () => {
    const shared = `${fromRoot}/layered/mcp/servers`;
    mkdirSync(join(layout, 'layered', 'own'), { recursive: true });
    const file = writeConfig('layered', withDiscovery({ serversDir: shared }, { serversDir: ['mcp/servers', 'own'] }));
    expect((await loadConfigFile(file)).discovery.serverFileImport).toBe('../../../../servers.js');
    writeFileSync(file, JSON.stringify(withDiscovery({ serversDir: 'mcp/servers' }, { serversDir: ['mcp/servers', 'own'] })));
    expect((await problemsLoading(file))[0]).toContain(`(mcp.serversDir: "mcp/servers" is "${shared}", "own" is "${fromRoot}/layered/own" from the repository's root`);
  });

  it('GIVEN the folder discovery writes to THEN the generated file imports defineMcpServer by a path that loads from there', async () => {
    const file = writeConfig('deep', withDiscovery({ serversDir: `${fromRoot}/deep/mcp/servers` }, { serversDir: 'mcp/servers' }));
    const config = await loadConfigFile(file);
    expect(config.discovery.serverFileImport).toBe('../../../../servers.js');

    const candidate = {
      name: 'adguard', namespace: 'tools', source: 'service', object: 'Service tools/adguard', transport: 'streamable-http',
      service: { name: 'adguard-mcp', namespace: 'tools', port: 8080 }, host: '10.43.0.10', port: 8080, path: '/mcp', capabilities: ['tools'],
    } as const;
    const spec = discoveredServerSpec(candidate, { transport: 'streamable-http', tools: [] });
    const text = renderServerFile(spec, undefined, config.discovery.serverFileImport);
    checkServerFile(text, spec, 'adguard.ts', config.discovery.serverFileImport);
    expect(() => checkServerFile(text, spec, 'adguard.ts')).toThrow("adguard.ts: the first statement must be import { defineMcpServer } from '../servers.js'");
    writeFileSync(join(layout, 'deep', 'mcp', 'servers', 'adguard.ts'), text);
    expect((await loadServerFiles(join(layout, 'deep', 'mcp', 'servers'))).map((f) => f.server.name)).toEqual(['adguard']);
    expect((await loadConfigFile(file)).mcpServers.map((s) => s.name)).toEqual(['adguard']);
  });

  it('GIVEN discovery.serverFileImport THEN loading keeps it, and the discovery Deployment is told it', async () => {
    const file = writeConfig('given', withDiscovery({ serversDir: `${fromRoot}/given/mcp/servers`, serverFileImport: '../../lib/servers.js' }, { serversDir: 'mcp/servers' }));
    const config = await loadConfigFile(file);
    expect(config.discovery.serverFileImport).toBe('../../lib/servers.js');
    const workloads = new Workloads(config);
    const env = Testing.synth(workloads.charts.get('discovery')!)
      .filter((o) => o.kind === 'Deployment')
      .flatMap((o) => o.spec.template.spec.containers[0].env as { name: string; value?: string }[]);
    expect(env.find((e) => e.name === 'DISCOVERY_SERVER_FILE_IMPORT')?.value).toBe('../../lib/servers.js');
  });

  it('GIVEN the checkout reached through a symbolic link THEN the import is the same as through its real path', async () => {
    const file = writeConfig('linked', withDiscovery({ serversDir: `${fromRoot}/linked/mcp/servers` }, { serversDir: 'mcp/servers' }));
    const link = join(tempDir('linked-checkout-'), 'platform');
    symlinkSync(process.cwd(), link);
    const throughLink = await loadConfigFile(join(link, relative(process.cwd(), file)));
    expect(throughLink.discovery.serverFileImport).toBe('../../../../servers.js');
    expect((await loadConfigFile(file)).discovery.serverFileImport).toBe('../../../../servers.js');
  });

  it('GIVEN the shipped default THEN discovery writes to stacks/servers, which it reads, with the import the hand-written files use', async () => {
    const config = await loadConfigFile('stacks/platform.config.ts');
    expect(config.discovery.serversDir).toBe('stacks/servers');
    expect(config.discovery.serverFileImport).toBe('../servers.js');
  });

  it('GIVEN a config outside any git work tree THEN there is no repository to compare with: it loads, and the import is left to its default', async () => {
    const dir = tempDir('no-work-tree-');
    writeFileSync(join(dir, 'platform.json'), JSON.stringify(withDiscovery({ serversDir: 'anywhere/servers' })));
    const config = await loadConfigFile(join(dir, 'platform.json'));
    expect(config.discovery.serverFileImport).toBeUndefined();
  });

  it('GIVEN discovery off THEN its serversDir is not checked', async () => {
    const file = writeConfig('off', withDiscovery({ enabled: false, serversDir: 'stacks/servers' }, { serversDir: 'mcp/servers' }));
    expect((await loadConfigFile(file)).discovery.serverFileImport).toBeUndefined();
  });
});
