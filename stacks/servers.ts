/**
 * MCP servers declared one file per server, in the servers folder next to the config. The discovery
 * service opens pull requests that add such files, so adding a server never edits a shared file and two
 * pull requests never conflict. A file is `export default defineMcpServer({ ... })` (or a .json object).
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { ConfigError, parseMcpServer, type McpServerConfig, type mcpServerSchema, type PlatformConfig } from './config.js';
import { recordServerFile } from './config-problems.js';
import { overrideEntry, type OverrideOrigins } from './override-origins.js';
import { importModule } from './module-loader.js';
import { PACKAGE_SERVER_FILE_IMPORT } from '../constructs/formats.js';

/** Types a server file and nothing else. */
export function defineMcpServer(server: z.input<typeof mcpServerSchema>): z.input<typeof mcpServerSchema> {
  return server;
}

const SERVER_FILE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.(ts|js|json)$/;

/** Every server file of `dir` (sorted by name), validated; the file name must be the server's name. */
export async function loadServerFiles(dir: string): Promise<{ file: string; server: McpServerConfig }[]> {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) {
    throw new ConfigError(dir, ['mcp.serversDir: is a file, not a folder: name the folder of one-file-per-server declarations (default "servers", next to the config)']);
  }
  const files = readdirSync(dir).filter((f) => !f.startsWith('.') && !f.endsWith('.d.ts') && /\.(ts|js|json)$/.test(f)).sort();
  const loaded: { file: string; server: McpServerConfig }[] = [];
  const problems: string[] = [];
  // One file per server in a folder: with caddy.json and caddy.ts, one would be dropped without a word.
  const byServer = new Map<string, string>();
  for (const name of files) {
    const file = join(dir, name);
    const shown = relative(process.cwd(), file) || file;
    const stem = name.replace(/\.(ts|js|json)$/, '');
    const twin = byServer.get(stem);
    if (twin !== undefined) {
      problems.push(`${shown}: ${twin} in the same folder declares server "${stem}" too: keep one file per server (a later folder of mcp.serversDir may replace it)`);
      continue;
    }
    byServer.set(stem, shown);
    if (!SERVER_FILE.test(name)) {
      problems.push(`${shown}: file name must be the server's name (a DNS-1123 label) with .ts, .js or .json`);
      continue;
    }
    let raw: unknown;
    try {
      raw = name.endsWith('.json') ? JSON.parse(await readFile(file, 'utf8')) : (await importModule(resolve(file))).default;
    } catch (error) {
      problems.push(`${shown}: cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (raw === undefined) {
      problems.push(`${shown}: has no default export; end it with export default defineMcpServer({ name: "${stem}", ... })`);
      continue;
    }
    try {
      const server = parseMcpServer(raw, shown);
      const expected = basename(name).replace(/\.(ts|js|json)$/, '');
      if (server.name !== expected) problems.push(`${shown}: declares "${server.name}"; name the file ${server.name}${name.slice(name.lastIndexOf('.'))} (one file per server, named after it)`);
      else loaded.push({ file: shown, server });
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems.map((p) => `${shown}: ${p}`));
      else throw error;
    }
  }
  if (problems.length) throw new ConfigError(dir, problems);
  return loaded;
}

/** How `withServerFiles` reads a config it did not parse itself. */
export interface ServerFilesOptions {
  /** Names the config in a ConfigError (an environment's file and name). @default the config file */
  readonly source?: string;
  /** Whether the config gave `mcp.serversDir` itself: then a folder that does not exist is an error, not "no servers". @default false */
  readonly serversDirGiven?: boolean;
  /** Where an environment's override put its servers and removals, to name its entries. @default none */
  readonly origins?: OverrideOrigins;
}

/**
 * The config with the servers of its folders added. Folders are layered: a file in a later folder replaces the
 * one of the same name in an earlier folder (an environment's own folder over a shared one). Servers named in
 * `mcp.excludeServers` are left out, and a name there that no folder declares is an error (a typo would
 * otherwise keep the server). A name declared both in the config and in a file is an error naming both places.
 * With discovery enabled, its `serversDir` must be one of these folders (see `discoveryServerFiles`).
 */
export async function withServerFiles(config: PlatformConfig, configFile: string, options: ServerFilesOptions = {}): Promise<PlatformConfig> {
  const given = config.mcp.serversDir;
  const dirs = typeof given === 'string' ? [given] : given;
  const problems: string[] = [];
  const layered = new Map<string, { file: string; server: McpServerConfig }>();
  for (const [index, dir] of dirs.entries()) {
    const path = resolve(dirname(configFile), dir);
    const field = `mcp.serversDir${typeof given === 'string' ? '' : `[${index}]`}`;
    const shown = relative(process.cwd(), path) || path;
    // The default folder may be absent (a config with no server files); a folder the config names may not: a typo would drop every server in it.
    if (!existsSync(path)) {
      if (options.serversDirGiven) problems.push(`${field}: folder ${JSON.stringify(dir)} (${shown}) does not exist: create it (a .gitkeep keeps an empty one in git), or correct the path, which is relative to the config file`);
      continue;
    }
    if (!statSync(path).isDirectory()) {
      problems.push(`${field}: ${JSON.stringify(dir)} (${shown}) is a file, not a folder: name the folder of one-file-per-server declarations (default "servers", next to the config)`);
      continue;
    }
    try {
      for (const loaded of await loadServerFiles(path)) layered.set(loaded.server.name, loaded);
    } catch (error) {
      // Every folder's problems in the config's one list, under the config's name.
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  const excluded = new Set(config.mcp.excludeServers ?? []);
  for (const name of excluded) {
    if (layered.has(name) || problems.length) continue;
    const removal = options.origins?.removedBy.get(name);
    const folders = dirs.map((d) => JSON.stringify(d)).join(', ');
    problems.push(
      removal === undefined
        ? `mcp.excludeServers: "${name}" is not declared in ${folders}: name a server of the servers folders, or leave it out`
        : `the override's mcpServers[${removal}] (server "${name}"): removes a server that neither the base config's mcpServers nor the servers folders (${folders}) declare: correct the name, or leave the entry out`,
    );
  }
  const files = [...layered.values()].filter((f) => !excluded.has(f.server.name)).sort((a, b) => a.server.name.localeCompare(b.server.name));
  const declared = new Map(
    config.mcpServers.map((s, i) => {
      const origin = options.origins?.servers.get(i);
      return [s.name, { where: origin ? `${configFile} ${overrideEntry(origin)}` : `${configFile} mcpServers[${i}]`, origin }] as const;
    }),
  );
  for (const { file, server } of files) {
    const other = declared.get(server.name);
    if (other) {
      // An override that gives a whole server of a shared folder meant to change it: say how that is done.
      const fix = other.origin?.added ? `: to change a server of a servers folder, put its whole file in this environment's own folder after the shared one (mcp.serversDir: ["servers", "<env>/servers"]), or remove it from the folders with { name: "${server.name}", remove: true } before adding it` : '';
      problems.push(`MCP server "${server.name}" is declared twice: in ${other.where} and in ${file}${fix}`);
    }
    declared.set(server.name, { where: file, origin: undefined });
  }
  const discovery = discoveryServerFiles(config, configFile);
  if (typeof discovery === 'string') problems.push(discovery);
  if (problems.length) throw new ConfigError(options.source ?? configFile, problems);
  for (const { file, server } of files) recordServerFile(server, file);
  const withFiles = { ...config, mcpServers: [...config.mcpServers, ...files.map((f) => f.server)] };
  return typeof discovery === 'object' ? { ...withFiles, discovery: { ...config.discovery, serverFileImport: discovery.serverFileImport } } : withFiles;
}

/** This module: the one a server file imports `defineMcpServer` from. */
const SERVERS_MODULE = realpathSync(fileURLToPath(import.meta.url));

/** The git work tree `path` is in (the nearest folder above it with a `.git`), or undefined outside one. */
function workTreeOf(path: string): string | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Where the discovery service's pull requests put their files, checked against where synth reads them: its
 * `serversDir` (a path from the repository's root) must be one of `mcp.serversDir` (paths from the config
 * file), or a merged pull request would add a file synth never reads. Returns the problem, or the import the
 * generated files need to reach `defineMcpServer` from that folder (unless the config gives
 * `discovery.serverFileImport` itself). Undefined when discovery is off, or the config is not in a git work
 * tree (no repository to compare with).
 */
function discoveryServerFiles(config: PlatformConfig, configFile: string): string | { serverFileImport: string } | undefined {
  if (!config.discovery.enabled) return undefined;
  // Real paths throughout: this module's own location is one, and node resolves imports from real paths too.
  const configDir = realpathSync(dirname(configFile));
  const root = workTreeOf(configDir);
  if (root === undefined) return undefined;
  const given = config.mcp.serversDir;
  const real = (dir: string) => {
    const path = resolve(configDir, dir);
    return existsSync(path) ? realpathSync(path) : path;
  };
  const folders = (typeof given === 'string' ? [given] : given).map((dir) => {
    const path = real(dir);
    return { dir, path, fromRoot: relative(root, path).split(sep).join('/') };
  });
  const folder = folders.find((f) => f.fromRoot === config.discovery.serversDir);
  if (!folder) {
    const shown = folders.map((f) => `${JSON.stringify(f.dir)} is ${JSON.stringify(f.fromRoot)}`).join(', ');
    return `discovery.serversDir: ${JSON.stringify(config.discovery.serversDir)} is not a servers folder of this config (mcp.serversDir: ${shown} from the repository's root ${root}): name one of them, or the discovery service's pull requests add files synth never reads`;
  }
  if (config.discovery.serverFileImport !== undefined) return { serverFileImport: config.discovery.serverFileImport };
  // An installed package: a path into node_modules would break on the next install layout; the export does not.
  if (SERVERS_MODULE.split(sep).includes('node_modules')) return { serverFileImport: PACKAGE_SERVER_FILE_IMPORT };
  const specifier = relative(folder.path, SERVERS_MODULE).split(sep).join('/').replace(/\.ts$/, '.js');
  return { serverFileImport: specifier.startsWith('.') ? specifier : `./${specifier}` };
}
