/**
 * The tool lists the last `npm run preflight` saw, kept next to the config (`preflight-tools.json`) and
 * committed: synth counts them against the gateway's tool budget for servers that declare no tools.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function preflightToolsFile(configFile: string): string {
  return join(dirname(resolve(configFile)), 'preflight-tools.json');
}

/** Server name → tool names; empty when preflight has not run. A broken file is an error naming it. */
export function readPreflightTools(file: string): Record<string, string[]> {
  if (!existsSync(file)) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}): delete it and run npm run preflight again`);
  }
  const valid =
    data !== null && typeof data === 'object' && !Array.isArray(data) &&
    Object.values(data).every((tools) => Array.isArray(tools) && tools.every((t) => typeof t === 'string'));
  if (!valid) throw new Error(`${file} must map server names to lists of tool names: delete it and run npm run preflight again`);
  return data as Record<string, string[]>;
}

export function writePreflightTools(file: string, tools: Readonly<Record<string, readonly string[]>>): void {
  const sorted = Object.fromEntries(Object.keys(tools).sort().map((name) => [name, [...tools[name]].sort()]));
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}
