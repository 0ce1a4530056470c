/**
 * The pull request's title and body, from `templates/pull-request-body.md`: what was found, the gateway route
 * and egress rule the file adds and the objects it changes (as the platform's constructs render them, see
 * rendered-change.ts), and the tools against the budget. Every value from the cluster is escaped for
 * Markdown or set in a code span it cannot leave (a tool description cannot add a link, a mention, a heading
 * or HTML), and a hidden marker at the end records what the pull request proposes: the tool fingerprint and the hash of
 * the generated file. The marker is left out of the body's hash, so comparing hashes says whether a
 * human-visible change needs an update.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Candidate, ProbeResult } from '../model.js';
import type { RenderedChange } from './rendered-change.js';
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

/** U+2060 WORD JOINER: invisible, and no name character, so "@\u2060admin" and "#\u206012" are no mention or reference. */
const WORD_JOINER = '\u2060';

/**
 * Markdown-escapes a value for inline text and table cells; no newline, pipe, HTML, link, emphasis, mention or
 * issue reference survives. Escapes stop Markdown's own syntax and GFM's autolinks ("\\:" after a scheme,
 * "www\\."), but GitHub finds @mentions and #references in the rendered text, after escapes and entities are
 * undone: a word joiner after "@" and "#" keeps them apart from the name or number that follows.
 */
export function markdownText(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/([\\`*_{}[\]()#+!~:-])/g, '\\$1')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/#/g, `#${WORD_JOINER}`)
    // Entities last, so their own "&" and "#" are not escaped again.
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/@/g, `&#64;${WORD_JOINER}`);
}

/**
 * A value as a code span when it can be one safely (no backtick to close it, no pipe to end a table cell, no
 * control character), else as escaped text: inside a code span nothing is a link, a mention or HTML.
 */
export function codeSpan(value: string): string {
  return /^[^`|\\\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/.test(value) && value.trim() === value ? `\`${value}\`` : markdownText(value);
}

export function pullRequestTitle(candidate: Candidate): string {
  return `Add MCP server ${candidate.name} (found in namespace ${candidate.namespace})`;
}

/** What the gateway's aggregated endpoint serves now, for the tool budget. */
export interface GatewayTools {
  /** The last probed tools of the servers it routes now. */
  readonly tools: number;
  /** The servers counted. */
  readonly servers: number;
  /** Servers it routes that never answered a probe: not counted. */
  readonly unknown: readonly string[];
}

export interface PullRequestBodyInput {
  readonly candidate: Candidate;
  readonly probe: SuccessfulProbe;
  readonly file: string;
  readonly fileHash: string;
  /** The gateway's tool budget per endpoint (`gateway.toolBudget`). */
  readonly toolBudget: number;
  /** What the file changes in the rendered manifests. */
  readonly rendered: RenderedChange;
  /** What the aggregated endpoint serves now. @default unknown (a request outside a pass) */
  readonly gateway?: GatewayTools;
}

export function pullRequestBody(input: PullRequestBodyInput, templatesDir: URL = TEMPLATES_DIR): string {
  const { candidate, probe, toolBudget, rendered } = input;
  const count = probe.tools.length;
  const rows = probe.tools.map((t) => `| ${markdownText(t.name)} | ${markdownText(t.description) || '(no description)'} |`);
  const values: Record<string, string> = {
    name: codeSpan(candidate.name),
    file: codeSpan(input.file),
    serverInfo: `${markdownText(probe.serverInfo.name)} ${markdownText(probe.serverInfo.version)}`,
    object: markdownText(candidate.object),
    namespace: markdownText(candidate.namespace),
    transport: markdownText(probe.transport),
    endpoint: markdownText(`${candidate.service.name}.${candidate.service.namespace}.svc:${candidate.port}${candidate.path}`),
    protocolVersion: markdownText(probe.protocolVersion),
    fingerprint: markdownText(probe.fingerprint),
    toolCount: String(count),
    toolBudget: String(toolBudget),
    gatewayRoute: gatewayRoute(rendered),
    gatewayEgress: gatewayEgress(rendered),
    ...budget(rendered.route, count, toolBudget, input.gateway),
    toolsTable: count ? ['| Tool | Description |', '| --- | --- |', ...rows].join('\n') : '_The server lists no tools._',
    renderedChange: renderedChange(rendered),
  };
  const template = readFileSync(new URL(BODY_TEMPLATE, templatesDir), 'utf8');
  const body = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`templates/${BODY_TEMPLATE}: unknown placeholder {{${key}}}`);
    return values[key]!;
  });
  const marker: PullRequestMarker = { server: candidate.name, fingerprint: probe.fingerprint, fileHash: input.fileHash, bodyHash: sha256(body.trimEnd()) };
  return `${body.trimEnd()}\n\n<!-- mcp-discovery ${JSON.stringify(marker)} -->\n`;
}

const TRANSPORTS = { mcp: 'Streamable HTTP', sse: 'SSE' } as const;

function gatewayRoute({ route }: RenderedChange): string {
  const { target } = route;
  return [
    `Clients reach this server alone at ${codeSpan(route.path)} on the gateway (route ${codeSpan(route.name)}, a path prefix), and its tools`,
    `join the aggregated endpoint ${codeSpan(route.aggregatePath)} (route ${codeSpan(route.aggregateRoute)}), each name prefixed with ${codeSpan(target.name)}.`,
    `Both go to the backend target ${codeSpan(target.name)}: ${codeSpan(`${target.host}:${target.port}${target.path}`)} over`,
    `${TRANSPORTS[target.kind]} (an agentgateway ${codeSpan(target.kind)} target).`,
  ].join('\n');
}

function gatewayEgress({ egressPolicy, egress }: RenderedChange): string {
  if (egress.length === 0) return `NetworkPolicy ${codeSpan(egressPolicy)} already admits this backend: it gains no egress rule.`;
  const rules = egress.map((rule) => `- ${rule.to.map(peerText).join('; ')}, on ${rule.ports.map(portText).join(', ')}: ${codeSpan(JSON.stringify(rule))}`);
  return [
    `NetworkPolicy ${codeSpan(egressPolicy)} gains ${egress.length === 1 ? 'one egress rule' : `${egress.length} egress rules`}, so the gateway's pods may connect to the server's:`,
    '',
    ...rules,
    '',
    "The platform renders nothing in the server's namespace: whatever admits traffic there must let the gateway in on that port.",
  ].join('\n');
}

/** A rendered NetworkPolicy peer in words. */
function peerText(peer: Record<string, any>): string {
  if (peer.ipBlock) return `addresses in ${codeSpan(String(peer.ipBlock.cidr))}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.map((c: string) => codeSpan(c)).join(', ')}` : ''}`;
  const namespaces = peer.namespaceSelector?.matchLabels ?? {};
  const keys = Object.keys(namespaces);
  const where =
    peer.namespaceSelector && keys.length === 0
      ? 'in every namespace'
      : keys.length === 1 && keys[0] === 'kubernetes.io/metadata.name'
        ? `in namespace ${codeSpan(String(namespaces['kubernetes.io/metadata.name']))}`
        : peer.namespaceSelector
          ? `in namespaces labelled ${labelsText(namespaces)}`
          : "in the gateway's namespace";
  const pods = peer.podSelector?.matchLabels;
  return pods && Object.keys(pods).length ? `pods labelled ${labelsText(pods)} ${where}` : `every pod ${where}`;
}

const labelsText = (labels: Record<string, unknown>) => Object.entries(labels).map(([k, v]) => codeSpan(`${k}=${String(v)}`)).join(', ');

function portText(port: { protocol?: string; port?: number | string; endPort?: number }): string {
  const protocol = port.protocol ?? 'TCP';
  if (port.port === undefined) return `every ${protocol} port`;
  if (port.endPort !== undefined) return `${protocol} ports ${port.port}-${port.endPort}`;
  return typeof port.port === 'number' ? `${protocol} port ${port.port}` : `the ${protocol} port named ${codeSpan(port.port)} on the pods`;
}

function budget(route: RenderedChange['route'], count: number, toolBudget: number, gateway: GatewayTools | undefined): { budgetTable: string; budgetNote: string } {
  const total = gateway ? gateway.tools + count : undefined;
  const aggregateCell = gateway ? `${total} (${gateway.tools} now + ${count})` : `${count} + the tools it serves now (not counted by this request)`;
  const table = [
    '| Endpoint | Tools once merged | Budget |',
    '| --- | --- | --- |',
    `| ${codeSpan(route.path)}, this server alone | ${count} | ${toolBudget} |`,
    `| ${codeSpan(route.aggregatePath)}, aggregated | ${aggregateCell} | ${toolBudget} |`,
  ];
  const counted = gateway
    ? `${codeSpan(route.aggregatePath)} serves ${gateway.tools} tools now: the last probed tools of ${gateway.servers} declared ${gateway.servers === 1 ? 'server' : 'servers'} found in the cluster.` +
      (gateway.unknown.length
        ? ` Not counted, as ${gateway.unknown.length === 1 ? 'it' : 'they'} never answered a probe: ${gateway.unknown.slice(0, 10).map(markdownText).join(', ')}${gateway.unknown.length > 10 ? ` and ${gateway.unknown.length - 10} more` : ''}.`
        : '')
    : '';
  const notes: string[] = [];
  if (count > toolBudget) {
    notes.push(`**Over budget:** ${count} tools are more than the ${toolBudget} a small model chooses well among, on ${codeSpan(route.path)} alone.`);
  }
  if (total !== undefined && total > toolBudget) {
    notes.push(
      `**Over budget:** ${codeSpan(route.aggregatePath)} would serve ${total} tools, more than ${toolBudget}: point clients with small models at the per-server endpoints, route fewer servers, or raise ${codeSpan('gateway.toolBudget')}.`,
    );
  }
  if (notes.length === 0) notes.push(total === undefined ? `Within budget: ${count} of ${toolBudget} on ${codeSpan(route.path)}.` : `Within budget: ${count} of ${toolBudget} on ${codeSpan(route.path)}, ${total} of ${toolBudget} on ${codeSpan(route.aggregatePath)}.`);
  return { budgetTable: [...table, '', ...(counted ? [counted, ''] : []), `The budget is the gateway's ${codeSpan('gateway.toolBudget')}; synth warns about every endpoint over it.`].join('\n'), budgetNote: notes.join('\n\n') };
}

function renderedChange(rendered: RenderedChange): string {
  const where = rendered.application
    ? `Argo CD application ${codeSpan(rendered.application)} (folder ${codeSpan(`dist/${rendered.folder}/`)})`
    : `the Argo CD application of folder ${codeSpan(`dist/${rendered.folder}/`)}`;
  const rows = rendered.objects.map((o) => {
    const id = `${o.kind} ${codeSpan(o.namespace ? `${o.namespace}/${o.name}` : o.name)}`;
    if (o.change === 'added') return `| ${id} | added |`;
    const rolls = o.fields.some((f) => f.startsWith('spec.template.')) ? ' (its pods are replaced)' : '';
    return `| ${id} | changed: ${o.fields.map(codeSpan).join(', ')}${rolls} |`;
  });
  const added = rendered.objects.some((o) => o.change === 'added');
  return [
    `The platform's constructs (${codeSpan('McpServer')}, ${codeSpan('McpGateway')}) render this file into ${where}, namespace ${codeSpan(rendered.namespace)}:`,
    '',
    '| Object | Change |',
    '| --- | --- |',
    ...rows,
    '',
    ...(added ? [] : ['The server adds no object of its own: it is `external`, deployed by something else.', '']),
    "Only the gateway and this server are rendered here; the other servers and the platform config's gateway settings",
    '(auth, rate limit) are not. The `rendered-diff` workflow comments the rendered diff of the whole platform',
    'against the base branch on this pull request.',
  ].join('\n');
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
