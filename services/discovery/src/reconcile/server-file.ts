/**
 * The file a pull request adds: one server declared in the servers folder, generated from
 * `templates/server-file.ts.tmpl`. Values from the cluster enter it only as a JSON-encoded literal, and
 * before any pull request is opened the file is parsed back and must hold exactly the template's import
 * and one `defineMcpServer({...})` call whose argument is literal data equal to what was meant.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import type TypeScript from 'typescript';
import { DEFAULT_SERVER_FILE_IMPORT, SERVER_FILE_IMPORT, SERVER_FILE_IMPORT_RULE } from '../../../../constructs/formats.js';
import { ConfigError, parseMcpServer } from '../../../../stacks/config.js';
import type { Candidate, NetworkTransport, ProbedTool } from '../model.js';

/** The declaration of a discovered server: an `external` server pointing at the Service that serves it. */
export interface DiscoveredServerSpec {
  readonly name: string;
  readonly flavour: 'external';
  readonly transport: 'streamable-http' | 'sse';
  readonly source: { readonly service: { readonly name: string; readonly namespace: string; readonly targetPort?: number | string } };
  readonly port: number;
  readonly path: string;
  readonly tools: readonly string[];
  readonly capabilities: readonly string[];
}

export const TEMPLATES_DIR = new URL('../../../../templates/', import.meta.url);
const SERVER_TEMPLATE = 'server-file.ts.tmpl';
const PLACEHOLDER = '{{spec}}';
const IMPORT_PLACEHOLDER = '{{import}}';
const FACTORY = 'defineMcpServer';

/**
 * The server as the probe found it: the transport is the one it answered over (the annotation's, or the other
 * one after the MCP fallback), so the gateway speaks what the server speaks.
 */
export function discoveredServerSpec(candidate: Candidate, probe: { readonly transport: NetworkTransport; readonly tools: readonly ProbedTool[] }): DiscoveredServerSpec {
  const { tools } = probe;
  return {
    name: candidate.name,
    flavour: 'external',
    transport: probe.transport,
    source: {
      service: {
        name: candidate.service.name,
        namespace: candidate.service.namespace,
        ...(candidate.service.targetPort !== undefined ? { targetPort: candidate.service.targetPort } : {}),
      },
    },
    port: candidate.port,
    path: candidate.path,
    tools: tools.map((t) => t.name),
    capabilities: [...candidate.capabilities],
  };
}

/**
 * The server file's text, importing `defineMcpServer` from `importFrom` (relative to the servers folder). The
 * template must contain each placeholder exactly once.
 */
export function renderServerFile(spec: DiscoveredServerSpec, templatesDir: URL = TEMPLATES_DIR, importFrom: string = DEFAULT_SERVER_FILE_IMPORT): string {
  if (!SERVER_FILE_IMPORT.test(importFrom)) throw new Error(`the server file import ${JSON.stringify(importFrom)} ${SERVER_FILE_IMPORT_RULE}`);
  const template = readFileSync(new URL(SERVER_TEMPLATE, templatesDir), 'utf8');
  const imports = template.split(IMPORT_PLACEHOLDER);
  if (imports.length !== 2) throw new Error(`templates/${SERVER_TEMPLATE} must contain ${IMPORT_PLACEHOLDER} exactly once`);
  // The pattern admits no quote or backslash, so the specifier is a plain string literal.
  const parts = imports.join(`'${importFrom}'`).split(PLACEHOLDER);
  if (parts.length !== 2) throw new Error(`templates/${SERVER_TEMPLATE} must contain ${PLACEHOLDER} exactly once`);
  // JSON is a literal in TypeScript; line and paragraph separators are escaped so no tool reading it line by line is misled.
  const literal = JSON.stringify(spec, null, 2).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return parts[0] + literal + parts[1];
}

/**
 * Throws unless `text` is the template's import plus `export default defineMcpServer(<literal>)`, the
 * literal equals `expected`, and the platform's own config schema accepts it. Returns the literal's value.
 */
export function checkServerFile(text: string, expected: DiscoveredServerSpec, fileName = 'server.ts', importFrom: string = DEFAULT_SERVER_FILE_IMPORT): unknown {
  const ts = typescript();
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diagnostics = (source as unknown as { parseDiagnostics?: readonly TypeScript.Diagnostic[] }).parseDiagnostics ?? [];
  if (diagnostics.length) throw new Error(`${fileName}: does not parse: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, ' ')}`);
  const statements = source.statements;
  if (statements.length !== 2) throw new Error(`${fileName}: must hold exactly one import and one export default, found ${statements.length} statements`);
  const [first, second] = statements as unknown as [TypeScript.Statement, TypeScript.Statement];
  if (
    !ts.isImportDeclaration(first) ||
    !ts.isStringLiteral(first.moduleSpecifier) ||
    first.moduleSpecifier.text !== importFrom ||
    first.importClause?.name !== undefined ||
    !first.importClause?.namedBindings ||
    !ts.isNamedImports(first.importClause.namedBindings) ||
    first.importClause.namedBindings.elements.length !== 1 ||
    first.importClause.namedBindings.elements[0]!.name.text !== FACTORY ||
    first.importClause.namedBindings.elements[0]!.propertyName !== undefined
  ) {
    throw new Error(`${fileName}: the first statement must be import { ${FACTORY} } from '${importFrom}'`);
  }
  if (
    !ts.isExportAssignment(second) ||
    second.isExportEquals ||
    !ts.isCallExpression(second.expression) ||
    !ts.isIdentifier(second.expression.expression) ||
    second.expression.expression.text !== FACTORY ||
    second.expression.typeArguments !== undefined ||
    second.expression.arguments.length !== 1
  ) {
    throw new Error(`${fileName}: the second statement must be export default ${FACTORY}({ ... }) with one argument`);
  }
  const value = literalValue(second.expression.arguments[0]!, fileName);
  if (!isDeepStrictEqual(value, JSON.parse(JSON.stringify(expected)))) throw new Error(`${fileName}: the literal does not equal the server that was meant to be written`);
  try {
    parseMcpServer(value, fileName);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`${fileName}: the platform would reject it: ${error.problems.join('; ')}`);
    throw error;
  }
  return value;
}

const require = createRequire(import.meta.url);
let loaded: typeof TypeScript | undefined;
/** The TypeScript compiler, loaded on the first check: over 100 MB that a pass with no new server never needs. */
function typescript(): typeof TypeScript {
  loaded ??= require('typescript') as typeof TypeScript;
  return loaded;
}

/** The value of a literal expression: objects with plain keys, arrays, strings, numbers, booleans, null. Nothing else. */
function literalValue(node: TypeScript.Expression, fileName: string): unknown {
  const ts = typescript();
  if (ts.isStringLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text);
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((element) => literalValue(element, fileName));
  if (ts.isObjectLiteralExpression(node)) {
    const result: Record<string, unknown> = {};
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property) || !(ts.isStringLiteral(property.name) || ts.isIdentifier(property.name))) {
        throw new Error(`${fileName}: only plain "key": value properties are allowed, found ${kindName(property.kind)}`);
      }
      const key = property.name.text;
      if (key === '__proto__' || Object.hasOwn(result, key)) throw new Error(`${fileName}: key ${JSON.stringify(key)} is not allowed or repeated`);
      result[key] = literalValue(property.initializer, fileName);
    }
    return result;
  }
  throw new Error(`${fileName}: only literal values are allowed, found ${kindName(node.kind)}`);
}

/** The syntax kind's own name (the enum also has aliases such as FirstTemplateToken). */
function kindName(kind: TypeScript.SyntaxKind): string {
  return Object.entries(typescript().SyntaxKind).find(([name, value]) => value === kind && !/^(First|Last)/.test(name))?.[0] ?? String(kind);
}
