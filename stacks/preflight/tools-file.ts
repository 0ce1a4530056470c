/**
 * The tool lists `npm run preflight` saw. Two files, both next to the config:
 * - `preflight-tools.json`, committed: synth counts its tools against the gateway's tool budget for servers
 *   that declare none. Only `npm run preflight -- --write-tools` updates it, so a plain run changes no output.
 * - `.mcp-platform/preflight-tools.json`, ignored by git: what a plain run records, for a look or a diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The committed record synth reads. */
export function preflightToolsFile(configFile: string): string {
  return join(dirname(resolve(configFile)), 'preflight-tools.json');
}

/** The record a run without `--write-tools` writes: nothing reads it. */
export function preflightRunToolsFile(configFile: string): string {
  return join(dirname(resolve(configFile)), '.mcp-platform', 'preflight-tools.json');
}

/** Server name → tool names; empty when preflight has not run. A broken file is an error naming it and the fix. */
export function readPreflightTools(file: string): Record<string, string[]> {
  if (!existsSync(file)) return {};
  const rerun = basename(dirname(file)) === '.mcp-platform' ? 'npm run preflight' : 'npm run preflight -- --write-tools';
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}): delete it and run ${rerun} again`);
  }
  const valid =
    data !== null && typeof data === 'object' && !Array.isArray(data) &&
    Object.values(data).every((tools) => Array.isArray(tools) && tools.every((t) => typeof t === 'string'));
  if (!valid) throw new Error(`${file} must map server names to lists of tool names: delete it and run ${rerun} again`);
  return data as Record<string, string[]>;
}

export function writePreflightTools(file: string, tools: Readonly<Record<string, readonly string[]>>): void {
  mkdirSync(dirname(file), { recursive: true });
  const sorted = Object.fromEntries(Object.keys(tools).sort().map((name) => [name, [...tools[name]].sort()]));
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}
