/**
 * MCP servers declared one file per server, in the servers folder next to the config. The discovery
 * service opens pull requests that add such files, so adding a server never edits a shared file and two
 * pull requests never conflict. A file is `export default defineMcpServer({ ... })` (or a .json object).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { ConfigError, parseMcpServer, type McpServerConfig, type mcpServerSchema, type PlatformConfig } from './config.js';
import { recordServerFile } from './config-problems.js';

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
      raw = name.endsWith('.json') ? JSON.parse(await readFile(file, 'utf8')) : (await import(pathToFileURL(resolve(file)).href)).default;
    } catch (error) {
      problems.push(`${shown}: cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
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

/**
 * The config with the servers of its folders added. Folders are layered: a file in a later folder replaces the
 * one of the same name in an earlier folder (an environment's own folder over a shared one). Servers named in
 * `mcp.excludeServers` are left out, and a name there that no folder declares is an error (a typo would
 * otherwise keep the server). A name declared both in the config and in a file is an error naming both places.
 */
export async function withServerFiles(config: PlatformConfig, configFile: string): Promise<PlatformConfig> {
  const dirs = typeof config.mcp.serversDir === 'string' ? [config.mcp.serversDir] : config.mcp.serversDir;
  const layered = new Map<string, { file: string; server: McpServerConfig }>();
  for (const dir of dirs) {
    for (const loaded of await loadServerFiles(resolve(dirname(configFile), dir))) layered.set(loaded.server.name, loaded);
  }
  const problems: string[] = [];
  const excluded = new Set(config.mcp.excludeServers ?? []);
  for (const name of excluded) {
    if (!layered.has(name)) problems.push(`mcp.excludeServers: "${name}" is not declared in ${dirs.map((d) => JSON.stringify(d)).join(', ')}: name a server of the servers folders, or leave it out`);
  }
  const files = [...layered.values()].filter((f) => !excluded.has(f.server.name)).sort((a, b) => a.server.name.localeCompare(b.server.name));
  const declared = new Map(config.mcpServers.map((s, i) => [s.name, `${configFile} mcpServers[${i}]`]));
  for (const { file, server } of files) {
    const other = declared.get(server.name);
    if (other) problems.push(`MCP server "${server.name}" is declared twice: in ${other} and in ${file}`);
    declared.set(server.name, file);
  }
  if (problems.length) throw new ConfigError(configFile, problems);
  for (const { file, server } of files) recordServerFile(server, file);
  return { ...config, mcpServers: [...config.mcpServers, ...files.map((f) => f.server)] };
}
