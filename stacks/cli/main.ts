#!/usr/bin/env node
/**
 * `mcp-platform <command> [flags]`: the commands of the package in one executable, for a user's own repo.
 * Each command is the module `npm run <script>` runs in this repository; it is loaded only when named, so
 * `mcp-platform synth` never loads the discovery service's dependencies. Exit codes are the command's; 2 for
 * an unknown command.
 */
import { createRequire } from 'node:module';
import { CLI_ENV } from '../command-line.js';

interface Command {
  readonly summary: string;
  /** Loads the command's module and returns its main. */
  readonly load: () => Promise<(argv: string[]) => Promise<number>>;
}

export const COMMANDS: Readonly<Record<string, Command>> = {
  synth: { summary: 'render the config: Terraform JSON for the bootstrap layer, one manifests folder per Argo CD application', load: async () => (await import('../main.js')).main },
  diff: { summary: 'what a change does to the rendered manifests, per Argo CD application', load: async () => (await import('../diff/main.js')).main },
  preflight: { summary: 'start each MCP server here and list its tools, before it reaches the cluster', load: async () => (await import('../preflight/main.js')).main },
  'verify-pins': { summary: 'check every pinned image, chart and npm package against its registry', load: async () => (await import('../verify-pins/main.js')).main },
  'publish-manifests': { summary: 'copy the rendered manifests into a checkout of the GitOps repository', load: async () => (await import('../publish/main.js')).main },
  discovery: {
    summary: 'the discovery service: serve, or reconcile --once (needs its optional dependencies)',
    load: async () => (await import('../../services/discovery/src/main.js')).main as (argv: string[]) => Promise<number>,
  },
};

function version(): string {
  const require = createRequire(import.meta.url);
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      return (require(path) as { version: string }).version;
    } catch {
      // Compiled, the package.json is one folder further up.
    }
  }
  return 'unknown';
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return `usage: mcp-platform <command> [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
  .join('\n')}

mcp-platform <command> --help shows a command's flags. mcp-platform --version prints the version.`;
}

export async function run(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`mcp-platform: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  process.env[CLI_ENV] = '1';
  const main = await command.load();
  return main(rest);
}

const code = await run(process.argv.slice(2));
// The discovery service's serve keeps running: it returns -1 and sets no exit code.
if (code >= 0) process.exitCode = code;
