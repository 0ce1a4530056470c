#!/usr/bin/env node
/**
 * `mcp-platform <command> [flags]`: the commands of the package in one executable, for a user's own repo.
 * Each command is the module `npm run <script>` runs in this repository; it is loaded only when named, so
 * `mcp-platform synth` never loads the discovery service's dependencies. Exit codes are the command's; 2 for
 * an unknown command.
 */
import { createRequire } from 'node:module';
import { PACKAGE_NAME } from '../../constructs/formats.js';
import { CLI_ENV, isEntry } from '../command-line.js';

interface Command {
  readonly summary: string;
  /** Loads the command's module and returns its main. */
  readonly load: () => Promise<(argv: string[]) => Promise<number>>;
  /**
   * The optional packages the command needs (optional peers of the package, or the discovery service's own
   * dependencies), named in the install command printed when one is missing. @default none
   */
  readonly needs?: readonly string[];
}

/** The bootstrap layer's Terraform CDK: optional peers, so a cdk8s-only user never installs them. */
const CDKTF = ['cdktf', '@cdktf/provider-helm', '@cdktf/provider-kubernetes'];

export const COMMANDS: Readonly<Record<string, Command>> = {
  synth: { summary: 'render the config: Terraform JSON for the bootstrap layer, one manifests folder per Argo CD application', load: async () => (await import('../main.js')).main, needs: CDKTF },
  diff: { summary: 'what a change does to the rendered manifests, per Argo CD application', load: async () => (await import('../diff/main.js')).main, needs: CDKTF },
  preflight: { summary: 'start each MCP server here and list its tools, before it reaches the cluster', load: async () => (await import('../preflight/main.js')).main, needs: ['@modelcontextprotocol/sdk'] },
  'verify-pins': { summary: 'check every pinned image, chart and npm package against its registry', load: async () => (await import('../verify-pins/main.js')).main },
  'publish-manifests': { summary: 'copy the rendered manifests into a checkout of the GitOps repository', load: async () => (await import('../publish/main.js')).main },
  discovery: {
    summary: 'the discovery service: serve, or reconcile --once (needs its optional dependencies)',
    load: async () => (await import('../../services/discovery/src/main.js')).main as (argv: string[]) => Promise<number>,
    // Read when asked (a missing package), not at the start of every command.
    get needs() {
      return Object.keys(discoveryDependencies());
    },
  },
};

interface Manifest {
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** A package.json by its path from the repository's (or the package's) root. */
function manifest(path: string): Manifest | undefined {
  const require = createRequire(import.meta.url);
  // Compiled, this file is one folder further down (lib/stacks/cli).
  for (const up of ['../../', '../../../']) {
    try {
      return require(`${up}${path}`) as Manifest;
    } catch {
      // the other layout
    }
  }
  return undefined;
}

/** What the discovery service installs in its image: its workspace's dependencies, shipped beside its code. */
function discoveryDependencies(): Record<string, string> {
  return manifest('services/discovery/package.json')?.dependencies ?? {};
}

/**
 * The install command for a command's missing optional packages, with the ranges the package was tested with,
 * or undefined when the error is not a missing one of them. Node names the package in ERR_MODULE_NOT_FOUND's
 * message: "Cannot find package 'cdktf' imported from ...".
 */
export function missingDependency(name: string, command: Command, error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' || !command.needs?.length) return undefined;
  const missing = /Cannot find package '([^']+)'/.exec((error as Error).message)?.[1];
  if (missing === undefined || !command.needs.includes(missing)) return undefined;
  // The discovery service's own pins for it (what its image runs), the package's peer ranges for the rest.
  const ranges = { ...manifest('package.json')?.peerDependencies, ...(name === 'discovery' ? discoveryDependencies() : {}) };
  // Quoted for the shell: a range such as ">=5.0.0" or "^0.21.0" holds characters it would read.
  const install = command.needs.map((pkg) => (ranges[pkg] ? `'${pkg}@${ranges[pkg]}'` : pkg));
  return `mcp-platform ${name}: needs the package ${missing}, an optional dependency of ${PACKAGE_NAME}; install what the command uses with\n  npm install ${install.join(' ')}`;
}

function version(): string {
  return manifest('package.json')?.version ?? 'unknown';
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
  let main: (argv: string[]) => Promise<number>;
  try {
    main = await command.load();
  } catch (error) {
    const message = missingDependency(name, command, error);
    if (message === undefined) throw error;
    // Asked for help: what the command does and what it needs, which is the answer, not a failure.
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(`mcp-platform ${name}: ${command.summary}\n\n${message}`);
      return 0;
    }
    console.error(message);
    return 1;
  }
  return main(rest);
}

if (isEntry(import.meta.url)) {
  const code = await run(process.argv.slice(2));
  // The discovery service's serve keeps running: it returns -1 and sets no exit code.
  if (code >= 0) process.exitCode = code;
}
