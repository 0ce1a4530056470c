/** Loading a platform config file (and its servers folder), shared by synth and preflight. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, parsePlatformConfig, type PlatformConfig } from './config.js';
import { environmentNameProblem, isPlatformEnvironments, stackName, type Environment } from './environments.js';
import { inOverrideWords, overrideOrigins } from './override-origins.js';
import { CLI_ENV } from './command-line.js';
import { importModule } from './module-loader.js';
import { withServerFiles } from './servers.js';

/**
 * The config the commands read without --config: this repository's shipped default, or under the installed
 * `mcp-platform` CLI (which marks itself before it loads a command) the user's `platform.config.ts` where
 * they run it.
 */
export const DEFAULT_CONFIG = process.env[CLI_ENV] === '1' ? 'platform.config.ts' : 'stacks/platform.config.ts';

/** A config file's default export, as written: a config, or an environments definition. */
async function loadDefaultExport(file: string): Promise<unknown> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(file, [`file not found; pass an existing file with --config (default ${DEFAULT_CONFIG})`]);
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(await readFile(path, 'utf8')) : (await importModule(path)).default;
  } catch (error) {
    // A file that validates itself while it loads (parsePlatformConfig) throws a ConfigError: its problems, not a load failure.
    if (error instanceof ConfigError) throw new ConfigError(file, error.problems);
    throw new ConfigError(file, [`cannot be loaded: ${error instanceof Error ? error.message : String(error)}`]);
  }
  if (raw === undefined) throw new ConfigError(file, ['has no default export; end it with `export default definePlatformConfig({...})`']);
  return raw;
}

/**
 * Reads a config file: a JSON file, or a module whose default export is the config; for an environments file,
 * the config of environment `env`, which must then be named.
 */
export async function loadConfigFile(file: string, env?: string): Promise<PlatformConfig> {
  const raw = await loadDefaultExport(file);
  if (isPlatformEnvironments(raw)) {
    const names = Object.keys(raw.environments);
    if (env === undefined) throw new ConfigError(file, [`defines environments (${names.join(', ')}): name one with --env <name>`]);
    if (!Object.hasOwn(raw.environments, env)) throw new ConfigError(file, [`has no environment "${env}": --env takes one of ${names.map((n) => `"${n}"`).join(', ')}`]);
    // One environment: what environments must not share is synth's to check, across all of them.
    return environmentConfig(file, env, raw.environments[env]);
  }
  if (env !== undefined) throw new ConfigError(file, [`defines one platform, not environments: leave out --env ${env}`]);
  // The servers folder next to the config adds one MCP server per file.
  return withServerFiles(parsePlatformConfig(raw, file), resolve(file), { serversDirGiven: serversDirGiven(raw) });
}

/**
 * Reads a config file as its environments: one unnamed environment for a plain config, or each environment
 * of a `definePlatformEnvironments` file (only `only`, when given), every one validated. Servers folders are
 * relative to the file.
 */
export async function loadEnvironments(file: string, only?: string): Promise<Environment[]> {
  const raw = await loadDefaultExport(file);
  if (!isPlatformEnvironments(raw)) {
    if (only !== undefined) throw new ConfigError(file, [`defines one platform, not environments: leave out --env ${only}`]);
    return [{ stack: stackName(undefined), config: await withServerFiles(parsePlatformConfig(raw, file), resolve(file), { serversDirGiven: serversDirGiven(raw) }) }];
  }
  const names = Object.keys(raw.environments);
  const problems = names.map(environmentNameProblem).filter((p): p is string => p !== undefined);
  if (!names.length) problems.push('definePlatformEnvironments lists no environment: give at least one, e.g. { production: extendPlatformConfig(base, {...}) }');
  if (only !== undefined && !names.includes(only)) problems.push(`has no environment "${only}": --env takes one of ${names.map((n) => `"${n}"`).join(', ')}`);
  if (problems.length) throw new ConfigError(file, problems);
  const environments: Environment[] = [];
  // Every environment's problems in one list, each under its name: a fault in the first hides none in the others.
  const faults: { name: string; problems: readonly string[] }[] = [];
  for (const name of names) {
    try {
      const origins = overrideOrigins(raw.environments[name]);
      environments.push({ name, stack: stackName(name), config: await environmentConfig(file, name, raw.environments[name]), ...(origins ? { origins } : {}) });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      faults.push({ name, problems: error.problems });
    }
  }
  if (faults.length === 1) throw new ConfigError(`${file} (environment "${faults[0]!.name}")`, faults[0]!.problems);
  if (faults.length) throw new ConfigError(file, faults.flatMap((fault) => fault.problems.map((problem) => `environment "${fault.name}": ${problem}`)));
  return environments;
}

/** One environment's config, validated, with its servers folders (relative to the environments file). */
async function environmentConfig(file: string, name: string, raw: unknown): Promise<PlatformConfig> {
  const source = `${file} (environment "${name}")`;
  const origins = overrideOrigins(raw);
  let config: PlatformConfig;
  try {
    config = parsePlatformConfig(raw, source);
  } catch (error) {
    if (error instanceof ConfigError && origins) throw new ConfigError(source, inOverrideWords(error.problems, origins, { hints: true }));
    throw error;
  }
  return withServerFiles(config, resolve(file), { source, serversDirGiven: serversDirGiven(raw), origins });
}

/** Whether a config as written names its servers folders (parsing fills in the default, so only the input can tell). */
function serversDirGiven(raw: unknown): boolean {
  const mcp = typeof raw === 'object' && raw !== null ? (raw as { mcp?: unknown }).mcp : undefined;
  return typeof mcp === 'object' && mcp !== null && (mcp as { serversDir?: unknown }).serversDir !== undefined;
}
