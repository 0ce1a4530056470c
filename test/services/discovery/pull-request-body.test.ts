import { describe, expect, it } from '@jest/globals';
import type { Candidate } from '../../../services/discovery/src/model.js';
import { bodyHash, markdownText, pullRequestBody, pullRequestTitle, readMarker, type SuccessfulProbe } from '../../../services/discovery/src/reconcile/pull-request-body.js';

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

const body = (tools: { name: string; description: string }[], toolBudget = 40) =>
  pullRequestBody({ candidate, probe: probe(tools), file: 'stacks/servers/adguard.ts', fileHash: 'a'.repeat(64), toolBudget });

describe('the pull-request body', () => {
  it('GIVEN a probe WHEN rendered THEN it has the named sections, the tools table and the budget line', () => {
    const text = body([{ name: 'get_status', description: 'Shows the status' }]);
    expect(pullRequestTitle(candidate)).toBe('Add MCP server adguard (found in namespace tools)');
    expect(text).toContain('## Add MCP server `adguard`');
    expect(text).toContain('| Found as | Service tools/adguard |');
    expect(text).toContain('| get\\_status | Shows the status |');
    expect(text).toContain('### Tools: 1 against a budget of 40 per endpoint');
    expect(text).toContain('Within budget: 1 of 40.');
    expect(text).toContain('### How to review');
  });

  it('GIVEN more tools than the budget THEN the body says so', () => {
    const tools = Array.from({ length: 3 }, (_, i) => ({ name: `t${i}`, description: '' }));
    expect(body(tools, 2)).toContain('**Over budget:** 3 tools are more than the 2');
  });

  it('GIVEN a description with Markdown, HTML, a mention and a newline THEN none of it is live', () => {
    const text = body([{ name: 'x', description: '<img src=x onerror=alert(1)> [click](https://evil.example) @admin | `code`\n# heading' }]);
    const row = text.split('\n').find((line) => line.startsWith('| x |'))!;
    expect(row).toBe('| x | &lt;img src=x onerror=alert\\(1\\)&gt; \\[click\\]\\(https\\://evil.example\\) &#64;admin &#124; \\`code\\` \\# heading |');
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
});
