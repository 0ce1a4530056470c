import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Testing } from 'cdk8s';
import { ConfigError, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { loadConfigFile } from '../../stacks/load-config.js';
import { defineMcpServer, loadServerFiles, withServerFiles } from '../../stacks/servers.js';
import { Workloads } from '../../stacks/workloads.js';
import { tempDir } from '../support/files.js';

const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['192.168.10.5/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
  gateway: { enabled: true },
};

/** A kmcp stdio server from npm with a credential, an upstream and a declared tool. */
const PROXMOX = {
  name: 'proxmox',
  flavour: 'kmcp',
  transport: 'stdio',
  source: { npm: { package: 'mcp-proxmox', version: '1.4.2', bin: 'proxmox-mcp' } },
  args: ['--read-only'],
  env: { PROXMOX_HOST: '192.168.10.2' },
  secretEnv: { PROXMOX_TOKEN_SECRET: { from: 'secret', name: 'proxmox', key: 'PROXMOX_TOKEN_SECRET' } },
  egress: [{ cidrs: ['192.168.10.2/32'], ports: [8006] }],
  tools: ['list_vms'],
} as const;

/** A ToolHive HTTP server from an image. */
const TALOS = {
  name: 'talos',
  flavour: 'toolhive',
  transport: 'streamable-http',
  source: { image: 'ghcr.io/sergelogvinov/talos-mcp:v0.2.0' },
  port: 8080,
} as const;

/**
 * A new folder for a config and its servers, marked as ESM like the project (ts-jest compiles a .ts file
 * outside any `"type": "module"` package to CommonJS, which `import()` of an ES module cannot load).
 */
function projectDir(): string {
  const dir = tempDir('mcp-project-');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

/** A servers folder holding `files` (name → content). */
function folderWith(files: Record<string, string>): string {
  const dir = join(projectDir(), 'servers');
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** A server file as a module with a plain default export (the temp folder cannot import ../servers.js). */
const tsFile = (server: object) => `export default ${JSON.stringify(server, null, 2)};\n`;
const jsonFile = (server: object) => `${JSON.stringify(server, null, 2)}\n`;
/** How loadServerFiles names a file in its messages. */
const shown = (file: string) => relative(process.cwd(), file);

/** The problems of the ConfigError `load` rejects with. */
async function problemsOf(load: Promise<unknown>): Promise<readonly string[]> {
  try {
    await load;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadServerFiles', () => {
  it('loads a .ts and a .json server file, sorted by name, with defaults applied', async () => {
    // GIVEN one server as a module and one as JSON
    const dir = folderWith({ 'talos.json': jsonFile(TALOS), 'proxmox.ts': tsFile(PROXMOX) });
    // WHEN loaded
    const loaded = await loadServerFiles(dir);
    // THEN both are there, each with the file it came from
    expect(loaded.map((l) => [l.file, l.server.name])).toEqual([
      [shown(join(dir, 'proxmox.ts')), 'proxmox'],
      [shown(join(dir, 'talos.json')), 'talos'],
    ]);
    expect(loaded[0].server).toEqual(PROXMOX);
    expect(loaded[1].server.flavour).toBe('toolhive');
  });

  it('applies the flavour default to a file that leaves it out', async () => {
    const { flavour: _flavour, ...withoutFlavour } = TALOS;
    const [loaded] = await loadServerFiles(folderWith({ 'talos.json': jsonFile(withoutFlavour) }));
    expect(loaded.server.flavour).toBe('standalone');
  });

  it('reads nothing from a folder that does not exist, and skips hidden files and type declarations', async () => {
    expect(await loadServerFiles(join(tempDir(), 'servers'))).toEqual([]);
    const dir = folderWith({ '.draft.json': '{', 'types.d.ts': 'export {};\n', 'README.md': '# servers\n', 'talos.json': jsonFile(TALOS) });
    expect((await loadServerFiles(dir)).map((l) => l.server.name)).toEqual(['talos']);
  });

  it('rejects a file named differently from its server, saying what to name it', async () => {
    const dir = folderWith({ 'talos-mcp.json': jsonFile(TALOS) });
    expect(await problemsOf(loadServerFiles(dir))).toEqual([
      `${shown(join(dir, 'talos-mcp.json'))}: declares "talos"; name the file talos.json (one file per server, named after it)`,
    ]);
  });

  it('rejects a file name that cannot be a server name', async () => {
    const dir = folderWith({ 'Talos_MCP.json': jsonFile(TALOS) });
    expect(await problemsOf(loadServerFiles(dir))).toEqual([
      `${shown(join(dir, 'Talos_MCP.json'))}: file name must be the server's name (a DNS-1123 label) with .ts, .js or .json`,
    ]);
  });

  it('names the file and the field of a wrong value', async () => {
    const dir = folderWith({ 'talos.ts': tsFile({ ...TALOS, transport: 'http' }) });
    expect(await problemsOf(loadServerFiles(dir))).toEqual([`${shown(join(dir, 'talos.ts'))}: transport: must be "stdio", "streamable-http" or "sse", got "http"`]);
  });

  it('names a misspelt field and suggests the right one', async () => {
    const { egress, ...rest } = PROXMOX;
    const dir = folderWith({ 'proxmox.json': jsonFile({ ...rest, egres: egress }) });
    expect(await problemsOf(loadServerFiles(dir))).toEqual([
      `${shown(join(dir, 'proxmox.json'))}: egres: unknown field (did you mean "egress"?); allowed: name, flavour, transport, source, args, port, path, env, ` +
        'secretEnv, secretFiles, resources, replicas, kubernetesAccess, egress, tools, capabilities, labels, preflight, toolhivePermissionProfile',
    ]);
  });

  it('names a file that cannot be loaded', async () => {
    const dir = folderWith({ 'talos.json': '{ "name": "talos", ' });
    const [message] = await problemsOf(loadServerFiles(dir));
    expect(message.startsWith(`${shown(join(dir, 'talos.json'))}: cannot be loaded: `)).toBe(true);
  });

  it('names what a file threw while it loaded, even when it is no Error', async () => {
    const dir = folderWith({ 'bad.js': "throw 'boom';\n" });
    expect(await problemsOf(loadServerFiles(dir))).toEqual([`${shown(join(dir, 'bad.js'))}: cannot be loaded: boom`]);
  });

  it('refuses two files for one server in one folder instead of dropping one', async () => {
    const dir = folderWith({ 'talos.json': jsonFile(TALOS), 'talos.js': tsFile(TALOS) });
    expect(await problemsOf(loadServerFiles(dir))).toEqual([
      `${shown(join(dir, 'talos.json'))}: ${shown(join(dir, 'talos.js'))} in the same folder declares server "talos" too: keep one file per server (a later folder of mcp.serversDir may replace it)`,
    ]);
  });

  it('names a module without a default export and says how to end it', async () => {
    const dir = folderWith({ 'nodefault.js': 'export const x = 1;\n' });
    expect(await problemsOf(loadServerFiles(dir))).toEqual([`${shown(join(dir, 'nodefault.js'))}: has no default export; end it with export default defineMcpServer({ name: "nodefault", ... })`]);
  });

  it('reports the problems of every file at once', async () => {
    const dir = folderWith({ 'a.json': jsonFile({ ...TALOS, name: 'b' }), 'talos.json': jsonFile({ ...TALOS, transport: 'http' }) });
    expect(await problemsOf(loadServerFiles(dir))).toHaveLength(2);
  });
});

describe('withServerFiles', () => {
  it('adds the servers of the folder next to the config, after those of the config', async () => {
    const dir = projectDir();
    mkdirSync(join(dir, 'servers'));
    writeFileSync(join(dir, 'servers', 'talos.json'), jsonFile(TALOS));
    const config = parsePlatformConfig({ ...minimal, mcpServers: [PROXMOX] }, 'test');
    const merged = await withServerFiles(config, join(dir, 'platform.config.json'));
    expect(merged.mcpServers.map((s) => s.name)).toEqual(['proxmox', 'talos']);
  });

  it('reads the folder named by mcp.serversDir', async () => {
    const dir = projectDir();
    mkdirSync(join(dir, 'mcp'));
    writeFileSync(join(dir, 'mcp', 'talos.json'), jsonFile(TALOS));
    const config = parsePlatformConfig({ ...minimal, mcp: { serversDir: 'mcp' } }, 'test');
    expect((await withServerFiles(config, join(dir, 'platform.config.json'))).mcpServers.map((s) => s.name)).toEqual(['talos']);
  });

  it('reports every folder\'s problems in one list under the config file, each folder by its place in mcp.serversDir', async () => {
    const dir = projectDir();
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'oops.json'), '{ "name": ');
    writeFileSync(join(dir, 'afile'), 'not a folder');
    const configFile = join(dir, 'platform.config.json');
    const config = parsePlatformConfig({ ...minimal, mcp: { serversDir: ['missing', 'bad', 'afile'] } }, 'test');
    const error = await withServerFiles(config, configFile, { serversDirGiven: true }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).source).toBe(configFile);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(`mcp.serversDir[0]: folder "missing" (${shown(join(dir, 'missing'))}) does not exist: create it (a .gitkeep keeps an empty one in git), or correct the path, which is relative to the config file`);
    expect(problems[1]!.startsWith(`${shown(join(dir, 'bad', 'oops.json'))}: cannot be loaded: `)).toBe(true);
    expect(problems[2]).toBe(`mcp.serversDir[2]: "afile" (${shown(join(dir, 'afile'))}) is a file, not a folder: name the folder of one-file-per-server declarations (default "servers", next to the config)`);
  });

  it('rejects a server declared both in the config and in the folder, naming both places', async () => {
    const dir = projectDir();
    mkdirSync(join(dir, 'servers'));
    writeFileSync(join(dir, 'servers', 'proxmox.json'), jsonFile(PROXMOX));
    const configFile = join(dir, 'platform.config.json');
    const config = parsePlatformConfig({ ...minimal, mcpServers: [TALOS, PROXMOX] }, 'test');
    expect(await problemsOf(withServerFiles(config, configFile))).toEqual([
      `MCP server "proxmox" is declared twice: in ${configFile} mcpServers[1] and in ${shown(join(dir, 'servers', 'proxmox.json'))}`,
    ]);
  });
});

describe('a server in the config or in its own file', () => {
  it('renders the same objects either way', async () => {
    // GIVEN talos in the config both times, and proxmox once in the config and once as a file of the servers folder
    const inConfig = projectDir();
    writeFileSync(join(inConfig, 'platform.config.json'), JSON.stringify({ ...minimal, mcpServers: [TALOS, PROXMOX] }));
    const inFile = projectDir();
    writeFileSync(join(inFile, 'platform.config.json'), JSON.stringify({ ...minimal, mcpServers: [TALOS] }));
    mkdirSync(join(inFile, 'servers'));
    writeFileSync(join(inFile, 'servers', 'proxmox.ts'), tsFile(PROXMOX));
    // WHEN each config is loaded and its workloads rendered
    const mcpServers = async (configFile: string) => Testing.synth(new Workloads(await loadConfigFile(configFile)).charts.get('mcp-servers')!);
    const fromConfig = await mcpServers(join(inConfig, 'platform.config.json'));
    const fromFile = await mcpServers(join(inFile, 'platform.config.json'));
    // THEN the servers, their policies and the gateway's routes are the same objects
    expect(fromFile).toEqual(fromConfig);
    expect(fromConfig.filter((o) => o.kind === 'MCPServer').map((o) => o.metadata.name)).toEqual(['talos', 'proxmox']);
    expect(fromConfig.some((o) => o.kind === 'ConfigMap' && o.data['config.json'].includes('proxmox.mcp-system.svc.cluster.local'))).toBe(true);
  });
});

describe('the shipped servers folder', () => {
  it('adds the seven servers of stacks/servers to the three of the default config', async () => {
    // GIVEN the default config WHEN loaded with its folder
    const config = await loadConfigFile('stacks/platform.config.ts');
    // THEN all ten are there, in every flavour
    expect(config.mcpServers.map((s) => s.name)).toEqual([
      'kubernetes-prod',
      'kubernetes-monitoring',
      'github',
      'adguard',
      'caddy',
      'opnsense',
      'proxmox-pve1',
      'proxmox-pve2',
      'talos',
      'unifi',
    ]);
    expect(new Set(config.mcpServers.map((s) => s.flavour))).toEqual(new Set(['standalone', 'kmcp', 'toolhive']));
  });

  it('types a server file and returns it unchanged', () => {
    expect(defineMcpServer(TALOS)).toBe(TALOS);
  });
});
