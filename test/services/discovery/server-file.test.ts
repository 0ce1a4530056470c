/**
 * The generated server file holds values from the cluster only as data: fuzzed strings come back out of
 * the parsed (and imported) file exactly as they went in, or the file is refused before any pull request.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCandidates } from '../../../services/discovery/src/candidates.js';
import type { Candidate } from '../../../services/discovery/src/model.js';
import { checkServerFile, discoveredServerSpec, renderServerFile, type DiscoveredServerSpec } from '../../../services/discovery/src/reconcile/server-file.js';
import { loadServerFiles } from '../../../stacks/servers.js';

const candidate: Candidate = {
  name: 'adguard',
  namespace: 'tools',
  source: 'service',
  object: 'Service tools/adguard',
  transport: 'streamable-http',
  service: { name: 'adguard-mcp', namespace: 'tools', port: 8080, targetPort: 'http' },
  host: '10.43.0.10',
  port: 8080,
  path: '/mcp',
  capabilities: ['tools'],
};

/** Strings that break code that splices text instead of writing data. */
export const FUZZ = [
  `"); process.exit(1); ("`,
  "'; require('child_process').execSync('id'); '",
  '`${process.env.GITHUB_TOKEN}`',
  '${globalThis.secret}',
  '*/ throw new Error("escaped the comment") /*',
  '// line comment\nexport const pwned = 1;',
  'line\nbreak\r\nand\ttab',
  'separators\u2028and\u2029here',
  '\u0000nul and \u001b[31mansi',
  '</script><script>alert(1)</script>',
  'back\\slash\\',
  'ünïcödé 名前 🚀 \u202etxt.exe',
  'x'.repeat(10_000),
];

describe('the server file', () => {
  it('GIVEN a candidate WHEN rendered THEN it is the template with the spec as JSON, and passes its own check', () => {
    const spec = discoveredServerSpec(candidate, { transport: candidate.transport, tools: [{ name: 'get_status', description: 'Status' }] });
    const text = renderServerFile(spec);
    expect(text).toContain("import { defineMcpServer } from '../servers.js';");
    expect(text).toContain(`export default defineMcpServer(${JSON.stringify(spec, null, 2)});`);
    expect(checkServerFile(text, spec)).toEqual({
      name: 'adguard',
      flavour: 'external',
      transport: 'streamable-http',
      source: { service: { name: 'adguard-mcp', namespace: 'tools', targetPort: 'http' } },
      port: 8080,
      path: '/mcp',
      tools: ['get_status'],
      capabilities: ['tools'],
    });
  });

  it('declares the transport the server answered over, whichever the annotation named', () => {
    // GIVEN a candidate annotated one way that answered only over the other transport's fallback
    for (const [annotated, answered] of [['streamable-http', 'sse'], ['sse', 'streamable-http']] as const) {
      const spec = discoveredServerSpec({ ...candidate, transport: annotated }, { transport: answered, tools: [] });
      // THEN the file says what the gateway must speak to it
      expect(spec.transport).toBe(answered);
      expect(checkServerFile(renderServerFile(spec), spec)).toMatchObject({ transport: answered });
    }
  });

  it.each(FUZZ.map((value) => [JSON.stringify(value).slice(0, 40), value]))('GIVEN the tool name %s THEN the parsed literal holds it exactly', (_, value) => {
    const spec: DiscoveredServerSpec = { ...discoveredServerSpec(candidate, { transport: candidate.transport, tools: [] }), tools: [value] };
    const text = renderServerFile(spec);
    expect((checkServerFile(text, spec) as DiscoveredServerSpec).tools).toEqual([value]);
    expect(text).not.toMatch(/\u2028|\u2029/);
  });

  it.each(FUZZ.map((value) => [JSON.stringify(value).slice(0, 40), value]))('GIVEN the server name %s THEN the platform schema refuses the file', (_, value) => {
    const spec: DiscoveredServerSpec = { ...discoveredServerSpec(candidate, { transport: candidate.transport, tools: [] }), name: value };
    expect(() => checkServerFile(renderServerFile(spec), spec)).toThrow(/the platform would reject it: name/);
  });

  it.each([
    ['a second statement', (t: string) => `${t}\nconsole.log('x');`, 'must hold exactly one import and one export default, found 3 statements'],
    ['a spread', (t: string) => t.replace('"name": "adguard",', '...globalThis.x, "name": "adguard",'), 'only plain "key": value properties are allowed, found SpreadAssignment'],
    ['a template literal', (t: string) => t.replace('"/mcp"', '`/mcp`'), 'only literal values are allowed, found NoSubstitutionTemplateLiteral'],
    ['a call', (t: string) => t.replace('"/mcp"', 'String("/mcp")'), 'only literal values are allowed, found CallExpression'],
    ['an identifier', (t: string) => t.replace('"/mcp"', 'undefined'), 'only literal values are allowed, found Identifier'],
    ['a computed key', (t: string) => t.replace('"path":', '["path"]:'), 'only plain "key": value properties are allowed, found PropertyAssignment'],
    ['another import', (t: string) => t.replace("'../servers.js'", "'node:child_process'"), "the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['another factory', (t: string) => t.replace('defineMcpServer({', 'eval({'), 'the second statement must be export default defineMcpServer({ ... }) with one argument'],
    ['a changed value', (t: string) => t.replace('"/mcp"', '"/other"'), 'the literal does not equal the server that was meant to be written'],
    ['a syntax error', (t: string) => t.replace('"/mcp"', '"/mcp'), 'does not parse'],
  ])('GIVEN a file with %s THEN the check refuses it', (_, edit, message) => {
    const spec = discoveredServerSpec(candidate, { transport: candidate.transport, tools: [] });
    expect(() => checkServerFile(edit(renderServerFile(spec)), spec, 'x.ts')).toThrow(message);
  });
});

describe('fuzzed annotations, end to end through the candidate scan', () => {
  it.each(FUZZ.map((value) => [JSON.stringify(value).slice(0, 40), value]))('GIVEN every annotation set to %s THEN the Service is rejected, never a candidate', (_, value) => {
    const keys = ['enabled', 'path', 'port', 'transport', 'capabilities', 'type'];
    for (const key of keys) {
      const annotations = { 'mcp-platform.dev/enabled': 'true', [`mcp-platform.dev/${key}`]: value };
      const scan = findCandidates(
        { list: (kind) => (kind === 'Service' ? [{ metadata: { name: 'svc', namespace: 'tools', annotations }, spec: { clusterIP: '10.0.0.1', ports: [{ port: 8080 }] } }] : []) },
        { annotationPrefix: 'mcp-platform.dev' },
      );
      expect(scan.candidates).toEqual([]);
      expect(scan.rejections).toHaveLength(1);
    }
  });
});

describe('the file as the stacks load it', () => {
  // A folder beside stacks/servers, so the file's own import of '../servers.js' resolves as it will in the repo.
  const dir = join(process.cwd(), 'stacks', `.fuzz-servers-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN fuzzed tool names WHEN the stacks import the file THEN they load as exactly those strings', async () => {
    mkdirSync(dir, { recursive: true });
    const spec: DiscoveredServerSpec = { ...discoveredServerSpec(candidate, { transport: candidate.transport, tools: [] }), tools: FUZZ };
    const text = renderServerFile(spec);
    checkServerFile(text, spec);
    writeFileSync(join(dir, 'adguard.ts'), text);
    const [loaded] = await loadServerFiles(dir);
    expect(loaded!.server.tools).toEqual(FUZZ);
    expect(loaded!.server.name).toBe('adguard');
  });
});
