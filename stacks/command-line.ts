/**
 * What the command-line entries share: how the user runs a command (the installed `mcp-platform` CLI, or
 * `npm run` in this repository), and whether a module is the process's entry.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Set by the `mcp-platform` CLI before it loads a command, so usage texts name the command as the user typed it. */
export const CLI_ENV = 'MCP_PLATFORM_CLI';

/** `mcp-platform <command>` under the installed CLI, else `npm run <script> --` (the repository's scripts). */
export function runCommand(command: string, script: string = command): string {
  return process.env[CLI_ENV] === '1' ? `mcp-platform ${command}` : `npm run ${script} --`;
}

/** The module at `moduleUrl` is the script node (or tsx) was started with, not one imported by another. */
export function isEntry(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
