/**
 * `npm run preflight [-- --config FILE] [--only NAME,...]`: checks every MCP server of the config (and of
 * its servers folder) that runs from a package, prints a table, records the tools it saw for the gateway's
 * tool budget, and exits 1 when any server does not answer.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import { loadConfigFile } from '../load-config.js';
import { formatPreflight, preflight } from './preflight.js';
import { preflightToolsFile, readPreflightTools, writePreflightTools } from './tools-file.js';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', default: 'stacks/platform.config.ts' }, only: { type: 'string' } }, strict: true });
  let config;
  try {
    config = await loadConfigFile(values.config!);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : String(error));
    return 1;
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((name) => !config.mcpServers.some((s) => s.name === name)) ?? [];
  if (unknown.length) {
    console.error(`--only names no server of the config: ${unknown.join(', ')} (servers: ${config.mcpServers.map((s) => s.name).join(', ')})`);
    return 2;
  }
  const servers = only ? config.mcpServers.filter((s) => only.includes(s.name)) : config.mcpServers;
  const results = await preflight(servers, (line) => console.error(line));
  console.log(formatPreflight(results));
  const file = preflightToolsFile(values.config!);
  const tools = { ...readPreflightTools(file), ...Object.fromEntries(results.filter((r) => r.tools).map((r) => [r.server, r.tools!])) };
  writePreflightTools(file, tools);
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
