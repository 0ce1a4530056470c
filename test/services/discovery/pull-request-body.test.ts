import { beforeAll, describe, expect, it } from '@jest/globals';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import type { Candidate } from '../../../services/discovery/src/model.js';
import {
  bodyHash,
  codeSpan,
  markdownText,
  pullRequestBody,
  pullRequestTitle,
  readMarker,
  type GatewayTools,
  type SuccessfulProbe,
} from '../../../services/discovery/src/reconcile/pull-request-body.js';
import { renderServerChange, type RenderedChange } from '../../../services/discovery/src/reconcile/rendered-change.js';
import { discoveredServerSpec } from '../../../services/discovery/src/reconcile/server-file.js';
import { parseMcpServer } from '../../../stacks/config.js';

const candidate: Candidate = {
  name: 'adguard',
  namespace: 'tools',
  source: 'service',
  object: 'Service tools/adguard',
  transport: 'streamable-http',
  service: { name: 'adguard', namespace: 'tools', port: 8080 },
  host: '10.43.0.10',
  port: 8080,
  path: '/mcp',
  capabilities: ['tools'],
};

const probe = (tools: { name: string; description: string }[]): SuccessfulProbe => ({
  ok: true,
  transport: 'streamable-http',
  serverInfo: { name: 'adguard-mcp', version: '0.7.1' },
  protocolVersion: '2025-06-18',
  tools,
  fingerprint: 'f'.repeat(64),
  latencyMs: 12,
});

/** What the platform's constructs render for the file discovery would write for `of`. */
const renderedFor = (of: Candidate, application?: string) =>
  renderServerChange(parseMcpServer(JSON.parse(JSON.stringify(discoveredServerSpec(of, { transport: of.transport, tools: [] }))), 'adguard.ts'), { namespace: 'mcp-system', ...(application ? { application } : {}) });

let rendered: RenderedChange;
beforeAll(async () => {
  rendered = await renderedFor(candidate, 'homelab-mcp-servers');
});

const body = (tools: { name: string; description: string }[], toolBudget = 40, gateway?: GatewayTools, change = rendered) =>
  pullRequestBody({ candidate, probe: probe(tools), file: 'stacks/servers/adguard.ts', fileHash: 'a'.repeat(64), toolBudget, rendered: change, gateway });

/** The text of one `### ` section, up to the next heading. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const rest = text.slice(start + heading.length + 6);
  const end = rest.indexOf('\n### ');
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

/** The body as GitHub-flavoured Markdown renders it (micromark with the GFM extensions: autolinks, tables). */
const html = (markdown: string) => micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
/** The text a reader sees, tags removed and entities decoded (where GitHub looks for @mentions and #references). */
const visibleText = (markup: string) =>
  markup
    .replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const WORD_JOINER = /\u2060/g;

const tools = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `t${i}`, description: '' }));

describe('the pull-request body', () => {
  it('GIVEN a probe WHEN rendered THEN it has the named sections, the tools table and the budget line', () => {
    const text = body([{ name: 'get_status', description: 'Shows the status' }]);
    expect(pullRequestTitle(candidate)).toBe('Add MCP server adguard (found in namespace tools)');
    expect(text).toContain('## Add MCP server `adguard`');
    expect(text).toContain('| Found as | Service tools/adguard |');
    expect(text).toContain('| get\\_status | Shows the status |');
    expect(text).toContain('### Tools: 1 against a budget of 40 per endpoint');
    expect(text).toContain('Within budget: 1 of 40 on `/mcp/adguard`.');
    expect(text).toContain('### How to review');
  });

  it('GIVEN more tools than the budget THEN the body says so', () => {
    expect(body(tools(3), 2)).toContain('**Over budget:** 3 tools are more than the 2 a small model chooses well among, on `/mcp/adguard` alone.');
  });

  it('states the gateway route and backend target the platform renders for the file', () => {
    expect(section(body([]), 'Gateway route')).toBe(
      [
        'Clients reach this server alone at `/mcp/adguard` on the gateway (route `mcp-server-adguard`, a path prefix), and its tools',
        'join the aggregated endpoint `/mcp` (route `mcp-aggregate`), each name prefixed with `adguard`.',
        'Both go to the backend target `adguard`: `adguard.tools.svc.cluster.local:8080/mcp` over',
        'Streamable HTTP (an agentgateway `mcp` target).',
      ].join('\n'),
    );
  });

  it('states the egress rule the gateway gains, in the words and the JSON of the rendered rule', () => {
    expect(section(body([]), 'Gateway egress')).toBe(
      [
        "NetworkPolicy `mcp-system/mcp-gateway` gains one egress rule, so the gateway's pods may connect to the server's:",
        '',
        '- every pod in namespace `tools`, on TCP port 8080: `{"ports":[{"port":8080,"protocol":"TCP"}],"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"tools"}}}]}`',
        '',
        "The platform renders nothing in the server's namespace: whatever admits traffic there must let the gateway in on that port.",
      ].join('\n'),
    );
  });

  it('GIVEN a Service with a named target port over SSE THEN the rule names the port and the target is an sse target', async () => {
    const sse: Candidate = { ...candidate, transport: 'sse', path: '/sse', service: { ...candidate.service, targetPort: 'http' } };
    const change = await renderedFor(sse);
    const text = pullRequestBody({ candidate: sse, probe: probe([]), file: 'stacks/servers/adguard.ts', fileHash: 'a'.repeat(64), toolBudget: 40, rendered: change });
    expect(section(text, 'Gateway route')).toContain('`adguard.tools.svc.cluster.local:8080/sse` over\nSSE (an agentgateway `sse` target).');
    expect(section(text, 'Gateway egress')).toContain('- every pod in namespace `tools`, on the TCP port named `http` on the pods: ');
  });

  it("counts the server's tools and the aggregated endpoint's against the budget", () => {
    expect(section(body(tools(2), 40, { tools: 23, servers: 2, unknown: ['caddy'] }), 'Tools: 2 against a budget of 40 per endpoint')).toBe(
      [
        '| Endpoint | Tools once merged | Budget |',
        '| --- | --- | --- |',
        '| `/mcp/adguard`, this server alone | 2 | 40 |',
        '| `/mcp`, aggregated | 25 (23 now + 2) | 40 |',
        '',
        '`/mcp` serves 23 tools now: the last probed tools of 2 declared servers found in the cluster. Not counted, as it never answered a probe: caddy.',
        '',
        "The budget is the gateway's `gateway.toolBudget`; synth warns about every endpoint over it.",
        '',
        'Within budget: 2 of 40 on `/mcp/adguard`, 25 of 40 on `/mcp`.',
        '',
        '| Tool | Description |',
        '| --- | --- |',
        '| t0 | (no description) |',
        '| t1 | (no description) |',
      ].join('\n'),
    );
  });

  it('GIVEN the aggregated endpoint would pass the budget THEN the body says so; GIVEN no count of it THEN the cell says so', () => {
    expect(body(tools(5), 40, { tools: 38, servers: 3, unknown: [] })).toContain(
      '**Over budget:** `/mcp` would serve 43 tools, more than 40: point clients with small models at the per-server endpoints, route fewer servers, or raise `gateway.toolBudget`.',
    );
    expect(body(tools(5))).toContain('| `/mcp`, aggregated | 5 + the tools it serves now (not counted by this request) | 40 |');
  });

  it('lists the rendered change: the objects of the Argo CD application, and the fields that change', () => {
    expect(section(body([]), 'Rendered change')).toBe(
      [
        "The platform's constructs (`McpServer`, `McpGateway`) render this file into Argo CD application `homelab-mcp-servers` (folder `dist/mcp-servers/`), namespace `mcp-system`:",
        '',
        '| Object | Change |',
        '| --- | --- |',
        '| ConfigMap `mcp-system/mcp-gateway-config` | changed: `metadata.annotations["mcp-platform.dev/endpoint-tools"]`, `data["config.json"]` |',
        '| Deployment `mcp-system/mcp-gateway` | changed: `spec.template.metadata.annotations["mcp-platform.dev/config-hash"]` (its pods are replaced) |',
        '| NetworkPolicy `mcp-system/mcp-gateway` | changed: `spec.egress` |',
        '',
        'The server adds no object of its own: it is `external`, deployed by something else.',
        '',
        "Only the gateway and this server are rendered here; the other servers and the platform config's gateway settings",
        '(auth, rate limit) are not. The `rendered-diff` workflow comments the rendered diff of the whole platform',
        'against the base branch on this pull request.',
      ].join('\n'),
    );
  });

  it('GIVEN a description with Markdown, HTML, a mention and a newline THEN none of it is live', () => {
    const text = body([{ name: 'x', description: '<img src=x onerror=alert(1)> [click](https://evil.example) @admin | `code`\n# heading' }]);
    const row = text.split('\n').find((line) => line.startsWith('| x |'))!;
    expect(row).toBe('| x | &lt;img src=x onerror=alert\\(1\\)&gt; \\[click\\]\\(https\\://evil.example\\) &#64;\u2060admin &#124; \\`code\\` \\#\u2060 heading |');
  });

  it.each([
    ['a bare www. domain', 'visit www.evil.example now'],
    ['a URL', 'see https://evil.example/x and HTTP://EVIL.example'],
    ['an email address', 'mail ops@evil.example'],
    ['a link in Markdown', '[click](https://evil.example) <https://evil.example>'],
  ])('GIVEN a description with %s THEN GitHub Markdown renders no link, and the words stay', (_, description) => {
    const markup = html(body([{ name: 'x', description }]));
    expect(markup).not.toMatch(/<a\s/i);
    expect(visibleText(markup).replace(WORD_JOINER, '')).toContain(description.replace(/\s+/g, ' '));
  });

  it('GIVEN a description or tool name with a mention or an issue reference THEN the rendered text has none GitHub would link', () => {
    const markup = html(body([{ name: 'ping@team', description: 'ask @admin or @org/team about #12, GH-3 and owner/repo#45' }]));
    const text = visibleText(markup);
    // GitHub links @name and #123 in the rendered text, whatever escapes produced them.
    expect(text).not.toMatch(/(^|[^A-Za-z0-9])@[A-Za-z0-9]/);
    expect(text).not.toMatch(/#\d/);
    expect(text.replace(WORD_JOINER, '')).toContain('ask @admin or @org/team about #12, GH-3 and owner/repo#45');
    expect(text.replace(WORD_JOINER, '')).toContain('ping@team');
  });

  it('GIVEN a server name and file with dashes and dots THEN their code spans show them exactly', () => {
    const markup = html(pullRequestBody({ candidate: { ...candidate, name: 'kube-tools.v2' }, probe: probe([]), file: 'stacks/servers/kube-tools.v2.ts', fileHash: 'a'.repeat(64), toolBudget: 40, rendered }));
    expect(markup).toContain('<code>kube-tools.v2</code>');
    expect(markup).toContain('<code>stacks/servers/kube-tools.v2.ts</code>');
    expect(markup).not.toMatch(/<code>[^<]*\\[^<]*<\/code>/);
  });

  it('GIVEN a body THEN its marker reads back, and the body hash ignores the marker', () => {
    const text = body([]);
    expect(readMarker(text)).toEqual({ server: 'adguard', fingerprint: 'f'.repeat(64), fileHash: 'a'.repeat(64), bodyHash: bodyHash(text) });
    const otherMarker = text.replace('"fileHash":"aaaa', '"fileHash":"bbbb');
    expect(bodyHash(otherMarker)).toBe(bodyHash(text));
    expect(bodyHash(`${text}\nedited by a human`)).not.toBe(bodyHash(text));
  });

  it('GIVEN a body without a marker, or a broken one THEN there is no marker', () => {
    expect(readMarker('just text')).toBeUndefined();
    expect(readMarker('text\n<!-- mcp-discovery {not json} -->')).toBeUndefined();
    expect(readMarker(null)).toBeUndefined();
  });

  it('markdownText leaves plain words alone', () => {
    expect(markdownText('List filters')).toBe('List filters');
  });

  it('codeSpan quotes what cannot leave the span, and escapes the rest as text', () => {
    expect(codeSpan('kube-tools')).toBe('`kube-tools`');
    expect(codeSpan('a` [x](https://evil.example) `b')).toBe('a\\` \\[x\\]\\(https\\://evil.example\\) \\`b');
    expect(codeSpan('a | b')).toBe('a &#124; b');
    expect(codeSpan('line\n# heading')).toBe('line \\#\u2060 heading');
  });
});
