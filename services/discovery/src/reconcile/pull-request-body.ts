/**
 * The pull request's title and body, from `templates/pull-request-body.md`. Every value from the cluster
 * is escaped for Markdown (a tool description cannot add a link, a mention, a heading or HTML), and a
 * hidden marker at the end records what the pull request proposes: the tool fingerprint and the hash of
 * the generated file. The marker is left out of the body's hash, so comparing hashes says whether a
 * human-visible change needs an update.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Candidate, ProbeResult } from '../model.js';
import { TEMPLATES_DIR } from './server-file.js';

export type SuccessfulProbe = Extract<ProbeResult, { ok: true }>;

export interface PullRequestText {
  readonly title: string;
  readonly body: string;
}

/** What the hidden marker records. */
export interface PullRequestMarker {
  readonly server: string;
  readonly fingerprint: string;
  /** sha256 hex of the generated server file. */
  readonly fileHash: string;
  /** sha256 hex of the body without the marker. */
  readonly bodyHash: string;
}

const BODY_TEMPLATE = 'pull-request-body.md';
const MARKER = /\n?<!-- mcp-discovery (\{[^\n]*?\}) -->\s*$/;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Markdown-escapes a value for inline text and table cells; no newline, pipe, HTML, link, emphasis or mention survives. */
export function markdownText(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/([\\`*_{}[\]()#+!~:-])/g, '\\$1')
    // Entities last, so their own "&" and "#" are not escaped again.
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/@/g, '&#64;');
}

export function pullRequestTitle(candidate: Candidate): string {
  return `Add MCP server ${candidate.name} (found in namespace ${candidate.namespace})`;
}

export function pullRequestBody(
  input: { readonly candidate: Candidate; readonly probe: SuccessfulProbe; readonly file: string; readonly fileHash: string; readonly toolBudget: number },
  templatesDir: URL = TEMPLATES_DIR,
): string {
  const { candidate, probe, toolBudget } = input;
  const count = probe.tools.length;
  const rows = probe.tools.map((t) => `| ${markdownText(t.name)} | ${markdownText(t.description) || '(no description)'} |`);
  const values: Record<string, string> = {
    name: markdownText(candidate.name),
    file: markdownText(input.file),
    serverInfo: `${markdownText(probe.serverInfo.name)} ${markdownText(probe.serverInfo.version)}`,
    object: markdownText(candidate.object),
    namespace: markdownText(candidate.namespace),
    transport: markdownText(probe.transport),
    endpoint: markdownText(`${candidate.service.name}.${candidate.service.namespace}.svc:${candidate.port}${candidate.path}`),
    protocolVersion: markdownText(probe.protocolVersion),
    fingerprint: markdownText(probe.fingerprint),
    toolCount: String(count),
    toolBudget: String(toolBudget),
    budgetNote:
      count > toolBudget
        ? `**Over budget:** ${count} tools are more than the ${toolBudget} a small model chooses well among. The aggregated endpoint will carry them all; consider routing clients to this server's own endpoint.`
        : `Within budget: ${count} of ${toolBudget}.`,
    toolsTable: count ? ['| Tool | Description |', '| --- | --- |', ...rows].join('\n') : '_The server lists no tools._',
  };
  const template = readFileSync(new URL(BODY_TEMPLATE, templatesDir), 'utf8');
  const body = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`templates/${BODY_TEMPLATE}: unknown placeholder {{${key}}}`);
    return values[key]!;
  });
  const marker: PullRequestMarker = { server: candidate.name, fingerprint: probe.fingerprint, fileHash: input.fileHash, bodyHash: sha256(body.trimEnd()) };
  return `${body.trimEnd()}\n\n<!-- mcp-discovery ${JSON.stringify(marker)} -->\n`;
}

/** The marker of a body the service wrote, or undefined (a human rewrote the body, or it is not ours). */
export function readMarker(body: string | null | undefined): PullRequestMarker | undefined {
  const match = MARKER.exec(body ?? '');
  if (!match) return undefined;
  try {
    const value = JSON.parse(match[1]!) as Partial<PullRequestMarker>;
    if (typeof value.server === 'string' && typeof value.fingerprint === 'string' && typeof value.fileHash === 'string' && typeof value.bodyHash === 'string') {
      return value as PullRequestMarker;
    }
  } catch {
    // A marker that does not parse is treated as no marker: the body is then compared in full.
  }
  return undefined;
}

/** The body's hash without its marker: what "the body changed" is decided on. */
export function bodyHash(body: string | null | undefined): string {
  return sha256((body ?? '').replace(MARKER, '').trimEnd());
}
