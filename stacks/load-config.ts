/** Loading a platform config file (and its servers folder), shared by synth and preflight. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, parsePlatformConfig, type PlatformConfig } from './config.js';
import { withServerFiles } from './servers.js';

export const DEFAULT_CONFIG = 'stacks/platform.config.ts';

/** Reads a config file: a JSON file, or a module whose default export is the config. */
export async function loadConfigFile(file: string): Promise<PlatformConfig> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(file, [`file not found; pass an existing file with --config (default ${DEFAULT_CONFIG})`]);
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(await readFile(path, 'utf8')) : (await import(pathToFileURL(path).href)).default;
  } catch (error) {
    throw new ConfigError(file, [`cannot be loaded: ${(error as Error).message}`]);
  }
  if (raw === undefined) throw new ConfigError(file, ['has no default export; end it with `export default definePlatformConfig({...})`']);
  // The servers folder next to the config adds one MCP server per file.
  return withServerFiles(parsePlatformConfig(raw, file), path);
}
