/**
 * The generated server file holds values from the cluster only as data: fuzzed strings come back out of
 * the parsed (and imported) file exactly as they went in, or the file is refused before any pull request.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
    ['a syntax error', (t: string) => t.replace('"/mcp"', '"/mcp'), 'x.ts: does not parse: Unterminated string literal.'],
    ['only the import', (t: string) => t.slice(0, t.indexOf('export default')), 'x.ts: must hold exactly one import and one export default, found 1 statements'],
    // the import: exactly `import { defineMcpServer } from '../servers.js'`
    ['an aliased import', (t: string) => t.replace('import { defineMcpServer }', 'import { evil as defineMcpServer }'), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['an import renamed away', (t: string) => t.replace('import { defineMcpServer }', 'import { defineMcpServer as other }'), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['a default import beside it', (t: string) => t.replace('import { defineMcpServer }', 'import servers, { defineMcpServer }'), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['a namespace import', (t: string) => t.replace('import { defineMcpServer }', 'import * as defineMcpServer'), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['a second named import', (t: string) => t.replace('import { defineMcpServer }', 'import { defineMcpServer, defineConfig }'), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['no named import', (t: string) => t.replace('import { defineMcpServer }', 'import {}'), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['a bare import', (t: string) => t.replace('import { defineMcpServer } from ', 'import '), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['another named import', (t: string) => t.replace('import { defineMcpServer }', 'import { defineConfig }'), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['a default import only', (t: string) => t.replace('import { defineMcpServer }', 'import defineMcpServer'), "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    ['the export first', (t: string) => { const at = t.indexOf('export default'); return `${t.slice(at)}\n${t.slice(0, at)}`; }, "x.ts: the first statement must be import { defineMcpServer } from '../servers.js'"],
    // the export: exactly `export default defineMcpServer(<one literal>)`
    ['export =', (t: string) => t.replace('export default', 'export ='), 'x.ts: the second statement must be export default defineMcpServer({ ... }) with one argument'],
    ['type arguments', (t: string) => t.replace('defineMcpServer({', 'defineMcpServer<never>({'), 'x.ts: the second statement must be export default defineMcpServer({ ... }) with one argument'],
    ['a second argument', (t: string) => t.replace(/\}\);\s*$/, '}, process.exit(1));\n'), 'x.ts: the second statement must be export default defineMcpServer({ ... }) with one argument'],
    ['no argument', (t: string) => t.replace(/defineMcpServer\(\{[^]*\}\);\s*$/, 'defineMcpServer();\n'), 'x.ts: the second statement must be export default defineMcpServer({ ... }) with one argument'],
    ['a method call', (t: string) => t.replace('default defineMcpServer({', 'default globalThis.defineMcpServer({'), 'x.ts: the second statement must be export default defineMcpServer({ ... }) with one argument'],
    ['no call', (t: string) => t.replace(/defineMcpServer\(\{[^]*\}\);\s*$/, 'defineMcpServer;\n'), 'x.ts: the second statement must be export default defineMcpServer({ ... }) with one argument'],
    ['a named export', (t: string) => t.replace('export default', 'export const server ='), 'x.ts: the second statement must be export default defineMcpServer({ ... }) with one argument'],
    // the literal: plain keys, once each, and data only
    ['a repeated key', (t: string) => t.replace('"path": "/mcp",', '"path": "/mcp", "path": "/mcp",'), 'x.ts: key "path" is not allowed or repeated'],
    ['a repeated key, once quoted', (t: string) => t.replace('"path": "/mcp",', '"path": "/mcp", path: "/mcp",'), 'x.ts: key "path" is not allowed or repeated'],
    ['a quoted __proto__ key', (t: string) => t.replace('"name": "adguard",', '"__proto__": { "polluted": true }, "name": "adguard",'), 'x.ts: key "__proto__" is not allowed or repeated'],
    ['a bare __proto__ key', (t: string) => t.replace('"name": "adguard",', '__proto__: null, "name": "adguard",'), 'x.ts: key "__proto__" is not allowed or repeated'],
    ['a shorthand property', (t: string) => t.replace('"name": "adguard",', 'process, "name": "adguard",'), 'x.ts: only plain "key": value properties are allowed, found ShorthandPropertyAssignment'],
    ['a method', (t: string) => t.replace('"name": "adguard",', 'toString() { return "x"; }, "name": "adguard",'), 'x.ts: only plain "key": value properties are allowed, found MethodDeclaration'],
    ['a getter', (t: string) => t.replace('"name": "adguard",', 'get name() { return "adguard"; },'), 'x.ts: only plain "key": value properties are allowed, found GetAccessor'],
    ['a numeric key', (t: string) => t.replace('"path":', '1:'), 'x.ts: only plain "key": value properties are allowed, found PropertyAssignment'],
    ['an array spread', (t: string) => t.replace('"capabilities": [', '"capabilities": [...globalThis.x, '), 'x.ts: only literal values are allowed, found SpreadElement'],
    ['a call in an array', (t: string) => t.replace('"capabilities": [', '"capabilities": [String(1), '), 'x.ts: only literal values are allowed, found CallExpression'],
    ['a negated identifier', (t: string) => t.replace('"port": 8080', '"port": -Infinity'), 'x.ts: only literal values are allowed, found PrefixUnaryExpression'],
    ['a unary plus', (t: string) => t.replace('"port": 8080', '"port": +8080'), 'x.ts: only literal values are allowed, found PrefixUnaryExpression'],
    ['a negated string', (t: string) => t.replace('"port": 8080', '"port": -"8080"'), 'x.ts: only literal values are allowed, found PrefixUnaryExpression'],
    ['a type assertion', (t: string) => t.replace('"port": 8080', '"port": 8080 as number'), 'x.ts: only literal values are allowed, found AsExpression'],
    // literals the check reads, whose values differ from the server meant
    ['a negative port', (t: string) => t.replace('"port": 8080', '"port": -8080'), 'x.ts: the literal does not equal the server that was meant to be written'],
    ['the port as a string', (t: string) => t.replace('"port": 8080', '"port": "8080"'), 'x.ts: the literal does not equal the server that was meant to be written'],
    ['true for a string', (t: string) => t.replace('"/mcp"', 'true'), 'x.ts: the literal does not equal the server that was meant to be written'],
    ['false for a string', (t: string) => t.replace('"/mcp"', 'false'), 'x.ts: the literal does not equal the server that was meant to be written'],
    ['null for a string', (t: string) => t.replace('"/mcp"', 'null'), 'x.ts: the literal does not equal the server that was meant to be written'],
    ['an extra key', (t: string) => t.replace('"name": "adguard",', '"name": "adguard", "extra": 1,'), 'x.ts: the literal does not equal the server that was meant to be written'],
    ['an extra array element', (t: string) => t.replace('"capabilities": [', '"capabilities": ["prompts", '), 'x.ts: the literal does not equal the server that was meant to be written'],
  ])('GIVEN a file with %s THEN the check refuses it', (_, edit, message) => {
    const spec = discoveredServerSpec(candidate, { transport: candidate.transport, tools: [] });
    expect(() => checkServerFile(edit(renderServerFile(spec)), spec, 'x.ts')).toThrow(message);
  });
});

describe('what the check reads as data', () => {
  const spec = discoveredServerSpec(candidate, { transport: candidate.transport, tools: [] });
  const text = renderServerFile(spec);

  it.each([
    ['identifier keys', (t: string) => t.replace('"name":', 'name:').replace('"port":', 'port:')],
    ['single-quoted strings', (t: string) => t.replace('"/mcp"', "'/mcp'")],
    ['the port in exponent form', (t: string) => t.replace('"port": 8080', '"port": 8.08e3')],
    ['the port in hex', (t: string) => t.replace('"port": 8080', '"port": 0x1F90')],
  ])('GIVEN a file with %s THEN it holds the same value and passes', (_, edit) => {
    expect(checkServerFile(edit(text), spec)).toEqual(JSON.parse(JSON.stringify(spec)));
  });

  it('GIVEN booleans, null and negative numbers in the literal THEN they are read as those values', () => {
    // A spec the platform refuses, so the check reaches the literal's value and reports it differs, not that it is no literal
    const withData = { ...spec, extra: [true, false, null, -3, 2.5] } as unknown as DiscoveredServerSpec;
    const rendered = renderServerFile(withData);
    expect(rendered).toContain('-3');
    expect(() => checkServerFile(rendered, withData)).toThrow('server.ts: the platform would reject it: ');
    const flipped = rendered.replace(/true,\s*false/, 'false, true');
    expect(() => checkServerFile(flipped, withData)).toThrow('server.ts: the literal does not equal the server that was meant to be written');
    expect(() => checkServerFile(rendered.replace('-3', '3'), withData)).toThrow('server.ts: the literal does not equal the server that was meant to be written');
    expect(() => checkServerFile(rendered.replace('null', '0'), withData)).toThrow('server.ts: the literal does not equal the server that was meant to be written');
  });

  it('GIVEN an expected server with an undefined field THEN it is compared as the JSON that was written', () => {
    const withUndefined = { ...spec, source: { service: { ...spec.source.service, targetPort: undefined } } };
    const rendered = renderServerFile(withUndefined);
    expect(rendered).not.toContain('targetPort');
    expect(checkServerFile(rendered, withUndefined)).toStrictEqual({ ...JSON.parse(JSON.stringify(spec)), source: { service: { name: 'adguard-mcp', namespace: 'tools' } } });
  });

  it('GIVEN a candidate without a targetPort THEN the spec names none', () => {
    const { targetPort: _, ...service } = candidate.service;
    const bare = discoveredServerSpec({ ...candidate, service }, { transport: 'sse', tools: [{ name: 'b', description: '' }, { name: 'a', description: '' }] });
    expect(bare).toStrictEqual({
      name: 'adguard',
      flavour: 'external',
      transport: 'sse',
      source: { service: { name: 'adguard-mcp', namespace: 'tools' } },
      port: 8080,
      path: '/mcp',
      tools: ['b', 'a'],
      capabilities: ['tools'],
    });
    expect(bare.capabilities).not.toBe(candidate.capabilities);
  });

  it('GIVEN a server with several problems THEN the refusal names each, separated by "; "', () => {
    const bad = { ...spec, port: 0, capabilities: ['telepathy'] };
    expect(() => checkServerFile(renderServerFile(bad), bad)).toThrow('server.ts: the platform would reject it: port: must be a port number (1-65535), got 0; capabilities[0]: must be an MCP capability: tools, resources, prompts, logging, completions, sampling, elicitation, roots, got "telepathy"');
  });

  it('GIVEN a file name THEN every refusal names it', () => {
    expect(() => checkServerFile(text.replace('"/mcp"', '"/other"'), spec, 'stacks/servers/adguard.ts')).toThrow(/^stacks\/servers\/adguard\.ts: the literal does not equal/);
    expect(() => checkServerFile(text.replace('"/mcp"', '"/other"'), spec)).toThrow(/^server\.ts: the literal does not equal/);
  });
});

describe('the template', () => {
  const dir = mkdtempSync(join(tmpdir(), 'server-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const spec = discoveredServerSpec(candidate, { transport: candidate.transport, tools: [] });
  const templates = pathToFileURL(`${dir}/`);

  it('GIVEN a template with each placeholder once THEN the text around them is kept as it is', () => {
    writeFileSync(join(dir, 'server-file.ts.tmpl'), 'from {{import}} before {{spec}} after');
    expect(renderServerFile(spec, templates)).toBe(`from '../servers.js' before ${JSON.stringify(spec, null, 2)} after`);
    expect(renderServerFile(spec, templates, '../../stacks/servers.js')).toBe(`from '../../stacks/servers.js' before ${JSON.stringify(spec, null, 2)} after`);
    expect(renderServerFile(spec, templates, '@mcp-platform/constructs/servers')).toBe(`from '@mcp-platform/constructs/servers' before ${JSON.stringify(spec, null, 2)} after`);
  });

  it.each([
    ['no placeholder', '{{import}} export default defineMcpServer();', '{{spec}}'],
    ['two placeholders', '{{import}} {{spec}} {{spec}}', '{{spec}}'],
    ['no import placeholder', 'import x from "../servers.js"; {{spec}}', '{{import}}'],
    ['two import placeholders', '{{import}} {{import}} {{spec}}', '{{import}}'],
  ])('GIVEN a template with %s THEN rendering refuses it', (_, template, placeholder) => {
    writeFileSync(join(dir, 'server-file.ts.tmpl'), template);
    expect(() => renderServerFile(spec, templates)).toThrow(`templates/server-file.ts.tmpl must contain ${placeholder} exactly once`);
  });

  it.each(["../servers.ts", "servers.js", "/abs/servers.js", "../'x'.js", "../a/../servers.js", "../.hidden/servers.js", "./", "@mcp-platform/constructs/servers.js", "@other/constructs/servers"])('GIVEN the import %j THEN rendering refuses it before reading the template', (importFrom) => {
    expect(() => renderServerFile(spec, templates, importFrom)).toThrow(`the server file import ${JSON.stringify(importFrom)} must be a relative module path ending in ".js", such as "../servers.js" (leading "./" or "../" only), or "@mcp-platform/constructs/servers" when the platform is an installed package`);
  });

  it('GIVEN line and paragraph separators in a value THEN the text holds them escaped', () => {
    writeFileSync(join(dir, 'server-file.ts.tmpl'), '{{import}}{{spec}}');
    const rendered = renderServerFile({ ...spec, tools: ['a\u2028b\u2029c'] }, templates);
    expect(rendered).toContain('"a\\u2028b\\u2029c"');
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
