/**
 * Problems reported against the config the user wrote: a path in it ("mcpServers[2].port",
 * "gateway.routes[0]", or a server file such as "stacks/servers/github.ts") and what is wrong there with
 * the fix. Config rules, the constructs' own prop checks and the render-time checks all end up in this one
 * form, printed as one list by ConfigError and never with a stack trace.
 */
import { PropsError } from '../constructs/validation/problems.js';
import type { McpServerConfig, PlatformConfig } from './config.js';

export interface ConfigProblem {
  /** Where in the config, e.g. "mcpServers[2].name" or "stacks/servers/github.ts". */
  readonly path: string;
  /** What is wrong and the fix, reading after the path. */
  readonly message: string;
}

export function formatConfigProblem(problem: ConfigProblem): string {
  return `${problem.path}: ${problem.message}`;
}

/** Server files by the server they declared, so a problem names the file rather than an index. */
const serverFiles = new WeakMap<McpServerConfig, string>();

/** Records that `server` was declared in `file` (the servers folder). */
export function recordServerFile(server: McpServerConfig, file: string): void {
  serverFiles.set(server, file);
}

/** The config path of `config.mcpServers[index]`: its file when it came from the servers folder. */
export function serverPath(config: PlatformConfig, index: number, field?: string): string {
  const server = config.mcpServers[index];
  const file = server && serverFiles.get(server);
  if (file) return field ? `${file}: ${field}` : file;
  return `mcpServers[${index}]${field ? `.${field}` : ''}`;
}

/** `path` with the server's name, so a list of problems reads without counting array entries. */
export function serverLabel(config: PlatformConfig, index: number): string {
  const server = config.mcpServers[index];
  const path = serverPath(config, index);
  return path.startsWith('mcpServers[') ? `${path} (server "${server.name}")` : path;
}

/**
 * The lines of an error a construct raised, without a stack trace and without the construct's own prefix
 * ("McpServer github:"): the config path replaces it, and each line names its prop.
 */
export function problemLinesOf(error: unknown): string[] {
  // A secret reference's own props (name, key) are not the part's: said as the reference's, so the line is not
  // taken for the part's field of that name.
  if (error instanceof PropsError && error.where.startsWith('SecretReference ')) return error.problems.map((p) => (/^[a-z]/.test(p) ? `a secret reference's ${p}` : p));
  if (error instanceof PropsError) return [...error.problems];
  const message = error instanceof Error ? error.message : String(error);
  return [message.trim().replace(/\n\s*/g, ' ')];
}

/** A message that starts with a field name: "port must be ...", "path: kmcp serves ...", "env.TOKEN holds ...", "clients["a b"]: ...". */
const LEADING_FIELD = /^([A-Za-z][A-Za-z0-9]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*):? (.+)$/s;

/**
 * Splits the field a construct's message starts with from the rest, when that field is one of `fields` (the
 * config fields of the part; `renames` maps a construct prop to its config field, e.g. pools →
 * loadBalancerIPPools). "port must be 1024-65535" becomes field "port" and "must be 1024-65535".
 */
export function splitField(
  message: string,
  fields: readonly string[],
  renames: Readonly<Record<string, string>> = {},
): { field?: string; segments?: (string | number)[]; rest: string } {
  const match = LEADING_FIELD.exec(message);
  if (!match) return { rest: message };
  const [, head, tail, rest] = match;
  const top = renames[head] ?? head;
  if (!fields.includes(top)) return { rest: message };
  const field = `${top}${tail}`;
  const segments: (string | number)[] = [top];
  for (const [, name, index, quoted] of tail.matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    segments.push(name ?? (index !== undefined ? Number(index) : (JSON.parse(quoted!) as string)));
  }
  return { field, segments, rest };
}
