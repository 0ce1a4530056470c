/**
 * `npm run preflight -- [--config FILE] [--only NAME,...] [--write-tools]`: checks every MCP server of the
 * config (and of its servers folder) that runs from a package, prints one row per server, and records the
 * tools it saw. Exit code 0 when no row is FAILED, 1 when one is (or the config is invalid), 2 on bad usage.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import { DEFAULT_CONFIG, loadConfigFile } from '../load-config.js';
import { formatPreflight, preflight } from './preflight.js';
import { preflightRunToolsFile, preflightToolsFile, readPreflightTools, writePreflightTools } from './tools-file.js';
import { isEntry, runCommand } from '../command-line.js';

const USAGE = `Usage: ${runCommand('preflight')} [--config FILE] [--env NAME] [--only NAME,...] [--write-tools]

Installs and starts every MCP server of the config (and of its servers folder) that runs from an npm
package, with the commands its standalone Deployment renders (a stdio server behind the bridge), and lists
its tools over MCP. Needs no cluster. One row per server:
  ok        it listed its tools
  started   it answered MCP initialize; listing its tools needs its upstream (preflight.check "startup")
  not run   an image or an external server: nothing to run here
  FAILED    anything else; a server that exits or never answers initialize fails whatever its policy

Options:
  --config FILE   the platform config (default ${DEFAULT_CONFIG})
  --env NAME      one environment of an environments file (its servers)
  --only NAMES    check only these servers (comma-separated)
  --write-tools   record the tools in preflight-tools.json beside the config, which synth counts against
                  the gateway's tool budget (without it: .mcp-platform/preflight-tools.json, which nothing reads)
  -h, --help      print this and exit

Exit code: 0 when no row is FAILED, 1 when one is or the config is invalid, 2 on bad usage.`;

export async function main(argv: string[]): Promise<number> {
  let values: { config: string; env?: string; only?: string; 'write-tools'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', default: DEFAULT_CONFIG },
        env: { type: 'string' },
        only: { type: 'string' },
        'write-tools': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: typeof values });
  } catch (error) {
    // parseArgs explains in its first sentence ("Unknown option '--x'"); the rest is about positionals.
    console.error(`preflight: ${(error as Error).message.split('. ')[0].replace(/\.$/, '')} (see ${runCommand('preflight')} --help)`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = await loadConfigFile(values.config, values.env);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : String(error));
    return 1;
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !config.mcpServers.some((s) => s.name === name)) ?? [];
  if (only?.length === 0 || unknown.length) {
    console.error(`preflight: --only names no server of the config: ${unknown.join(', ') || '(none given)'} (servers: ${config.mcpServers.map((s) => s.name).join(', ')})`);
    return 2;
  }
  const servers = only ? config.mcpServers.filter((s) => only.includes(s.name)) : config.mcpServers;
  const results = await preflight(servers, { log: (line) => console.error(line) });
  console.log(formatPreflight(results));
  // Only --write-tools touches the tracked file synth reads, so a plain run changes no rendered output.
  const file = values['write-tools'] ? preflightToolsFile(values.config) : preflightRunToolsFile(values.config);
  const seen = Object.fromEntries(results.filter((r) => r.tools).map((r) => [r.server, r.tools!]));
  try {
    writePreflightTools(file, { ...readPreflightTools(file), ...seen });
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const shown = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
  console.log(`\ntools recorded in ${shown}${values['write-tools'] ? ' (synth reads it)' : ' (synth does not read it; --write-tools records them where it does)'}`);
  return results.some((r) => r.outcome === 'FAILED') ? 1 : 0;
}

if (isEntry(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
