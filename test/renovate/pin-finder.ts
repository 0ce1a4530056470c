/**
 * Every pinned version in the source, found without renovate.json: TypeScript is parsed (so a string in a
 * comment or inside an error message is not taken for a pin), the README's tables, code spans and code blocks
 * are read, and the Dockerfile and workflows line by line. What counts as a pin:
 *
 *  - an image: a string literal that is a whole image reference with a tag or digest, named with a "/" or as a
 *    known official library image (`node:24`), and the same in a JSDoc `@default "..."` and a README code span;
 *  - a chart version: a `version`/`...Version` property with an exact version, named by the `{ repository,
 *    chart }` beside it or, in stacks/config.ts, by the operator or Argo CD field it sits under;
 *  - an npm package: an object with `package` and an exact `version` (servers, STDIO_BRIDGE), `name@x.y.z` in a
 *    README code span or after `npx`, and the npmjs.com link with its version;
 *  - a version written in a comment that equals a chart or npm pin of the same file (the JSDoc that repeats it);
 *  - Dockerfile `FROM`/`ARG` images and workflow `uses:`/`image:` lines, which Renovate's built-in dockerfile and
 *    github-actions managers read.
 */
import { isBuiltin } from 'node:module';
import ts from 'typescript';
import { OPERATORS } from '../../constructs/bootstrap/operator-charts.js';
import { npmPackagesRun } from '../../stacks/verify-pins/collect.js';
import { parseImageReference } from '../../stacks/verify-pins/image-reference.js';
import type { RepoFile } from './regex-manager.js';

export type PinKind = 'image' | 'chart' | 'npm' | 'action' | 'version';
export type BuiltInManager = 'dockerfile' | 'github-actions';

export interface SourcePin {
  readonly file: string;
  /** 1-based line of the version. */
  readonly line: number;
  /** Offset of the version (tag) in the file: what an update rewrites. */
  readonly offset: number;
  readonly kind: PinKind;
  /** Renovate datasource the pin needs; undefined for a version the finder cannot name. */
  readonly datasource?: 'docker' | 'helm' | 'npm' | 'github-tags';
  /** depName or packageName: image without tag, chart (OCI: registry path/chart), npm package, owner/repo. */
  readonly name?: string;
  readonly value: string;
  readonly registryUrl?: string;
  /** As written, for messages. */
  readonly text: string;
  /** Read by this built-in manager, not by a custom one. */
  readonly builtIn?: BuiltInManager;
  /** Why the built-in manager would not update it (an action without SHA and version comment). */
  readonly problem?: string;
}

/** The official images referred to without a namespace in this project (Docker Hub `library/...`). */
export const LIBRARY_IMAGES: ReadonlySet<string> = new Set(['node', 'postgres', 'alpine', 'busybox', 'debian', 'ubuntu', 'python', 'nginx', 'redis']);

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
const VERSION_IN_TEXT = /(?<![\w.-])v?\d+\.\d+\.\d+(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?(?![\w-]|\.\w)/g;
const NPM_SPEC = /^((?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*)@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/** `argocd.appsChartVersion` is the version of the argocd-apps chart ArgoCdRoot installs (constructs/bootstrap/argocd-root.ts). */
const ARGOCD_APPS = { chart: 'argocd-apps', repository: OPERATORS.argocd.charts[0].repository };

/** Name and tag (or digest) of an image reference, with where the tag starts; undefined for no image this project would pin. */
export function asImage(text: string): { name: string; value: string; index: number } | undefined {
  if (/\s/.test(text) || isBuiltin(text)) return undefined;
  try {
    parseImageReference(text);
  } catch {
    return undefined;
  }
  const image = splitImage(text);
  return image && (image.name.includes('/') || LIBRARY_IMAGES.has(image.name)) ? image : undefined;
}

/** `name:tag[@digest]` or `name@digest` split without judging the name (a Dockerfile or workflow may name any image). */
function splitImage(text: string): { name: string; value: string; index: number } | undefined {
  const at = text.indexOf('@');
  const named = at === -1 ? text : text.slice(0, at);
  const colon = named.lastIndexOf(':');
  if (colon > named.lastIndexOf('/')) return { name: named.slice(0, colon), value: named.slice(colon + 1), index: colon + 1 };
  return at === -1 ? undefined : { name: named, value: text.slice(at + 1), index: at + 1 };
}

function chartPin(chart: string, repository: string): Pick<SourcePin, 'datasource' | 'name' | 'registryUrl'> {
  return repository.startsWith('oci://')
    ? { datasource: 'docker', name: `${repository.slice('oci://'.length).replace(/\/+$/, '')}/${chart}` }
    : { datasource: 'helm', name: chart, registryUrl: repository };
}

class PinSink {
  readonly pins: SourcePin[] = [];
  private readonly lineStarts: number[] = [0];
  constructor(readonly file: RepoFile) {
    for (let i = 0; i < file.content.length; i++) if (file.content[i] === '\n') this.lineStarts.push(i + 1);
  }
  line(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  add(pin: Omit<SourcePin, 'file' | 'line'>): void {
    this.pins.push({ file: this.file.path, line: this.line(pin.offset), ...pin });
  }
}

const propertyName = (name: ts.PropertyName): string | undefined =>
  ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) ? name.text : undefined;

const stringProperty = (object: ts.ObjectLiteralExpression, name: string): ts.StringLiteralLike | undefined => {
  for (const p of object.properties) {
    if (ts.isPropertyAssignment(p) && propertyName(p.name) === name && ts.isStringLiteralLike(p.initializer)) return p.initializer;
  }
  return undefined;
};

/** Names of the property assignments around `node`, outermost first. */
function propertyPath(node: ts.Node): string[] {
  const path: string[] = [];
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.isPropertyAssignment(n)) path.unshift(propertyName(n.name) ?? '?');
  }
  return path;
}

/** The chart a version property in stacks/config.ts pins, from where it sits in the schema. */
function configChart(path: readonly string[]): { chart: string; repository: string } | undefined {
  const [a, b, c] = path.slice(-3);
  // The last chart is the controller; the CRD charts before it are released with it at the same version.
  if (a === 'operators' && c === 'version' && b in OPERATORS) return OPERATORS[b as keyof typeof OPERATORS].charts.at(-1);
  const [parent, field] = path.slice(-2);
  if (parent === 'argocd' && field === 'version') return OPERATORS.argocd.charts.at(-1);
  if (parent === 'argocd' && field === 'appsChartVersion') return ARGOCD_APPS;
  return undefined;
}

/** The exact-version string literal a property's value is or falls back to: `'1.2.3'`, `x.default('1.2.3')`, `a ?? '1.2.3'`. */
function versionLiteral(expression: ts.Expression): ts.StringLiteralLike | undefined {
  if (ts.isStringLiteralLike(expression)) return EXACT_VERSION.test(expression.text) ? expression : undefined;
  if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return versionLiteral(expression.right);
  if (ts.isCallExpression(expression) && expression.arguments.length === 1) return versionLiteral(expression.arguments[0]);
  return undefined;
}

function findInTypeScript(sink: PinSink, content: string, base: number): void {
  const source = ts.createSourceFile(sink.file.path, content, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const named: SourcePin[] = [];
  const add = (pin: Omit<SourcePin, 'file' | 'line'>) => {
    sink.add(pin);
    if (pin.name !== undefined) named.push(sink.pins.at(-1)!);
  };
  const literalOffset = (literal: ts.StringLiteralLike, inner = 0) => base + literal.getStart(source) + 1 + inner;

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) return;
    if (ts.isStringLiteralLike(node)) {
      const image = asImage(node.text);
      if (image) add({ kind: 'image', datasource: 'docker', name: image.name, value: image.value, offset: literalOffset(node, image.index), text: node.text });
    }
    if (ts.isObjectLiteralExpression(node)) {
      const pkg = stringProperty(node, 'package');
      const version = stringProperty(node, 'version');
      if (pkg && version && EXACT_VERSION.test(version.text)) {
        add({ kind: 'npm', datasource: 'npm', name: pkg.text, value: version.text, offset: literalOffset(version), text: `${pkg.text}@${version.text}` });
      }
    }
    if (ts.isPropertyAssignment(node) && /^(?:v|.*V)ersion$/.test(propertyName(node.name) ?? '')) {
      const literal = versionLiteral(node.initializer);
      const object = node.parent;
      if (literal && !(ts.isObjectLiteralExpression(object) && stringProperty(object, 'package'))) {
        const chart = ts.isObjectLiteralExpression(object) ? stringProperty(object, 'chart') : undefined;
        const repository = ts.isObjectLiteralExpression(object) ? stringProperty(object, 'repository') : undefined;
        const coordinates = chart && repository ? { chart: chart.text, repository: repository.text } : configChart(propertyPath(node));
        const where = { value: literal.text, offset: literalOffset(literal) };
        if (coordinates) add({ kind: 'chart', ...chartPin(coordinates.chart, coordinates.repository), ...where, text: `${coordinates.chart} ${literal.text}` });
        else add({ kind: 'version', ...where, text: `${propertyName(node.name)}: ${literal.text}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);

  // Comments: images in `@default "..."`, and versions that repeat a named pin of this file.
  const seen = new Set<number>();
  const comments: ts.CommentRange[] = [];
  const collect = (node: ts.Node) => {
    for (const range of [...(ts.getLeadingCommentRanges(content, node.getFullStart()) ?? []), ...(ts.getTrailingCommentRanges(content, node.getEnd()) ?? [])]) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      comments.push(range);
    }
    ts.forEachChild(node, collect);
  };
  collect(source);
  collect(source.endOfFileToken);
  for (const range of comments) {
    const text = content.slice(range.pos, range.end);
    for (const m of text.matchAll(/@default "([^"\s]+)"/g)) {
      const image = asImage(m[1]);
      if (image) add({ kind: 'image', datasource: 'docker', name: image.name, value: image.value, offset: base + range.pos + m.index! + '@default "'.length + image.index, text: m[1] });
    }
    for (const m of text.matchAll(VERSION_IN_TEXT)) {
      const twin = named.find((p) => p.value === m[0] && (p.kind === 'chart' || p.kind === 'npm'));
      if (twin) sink.add({ kind: twin.kind, datasource: twin.datasource, name: twin.name, registryUrl: twin.registryUrl, value: m[0], offset: base + range.pos + m.index!, text: `${twin.name} ${m[0]} (in a comment)` });
    }
  }
}

function findInMarkdown(sink: PinSink): void {
  const { content } = sink.file;
  // Fenced code blocks: TypeScript ones are parsed; the rest of the text is prose.
  const prose: Array<{ text: string; offset: number }> = [];
  let cursor = 0;
  for (const fence of content.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```/gm)) {
    prose.push({ text: content.slice(cursor, fence.index), offset: cursor });
    const bodyOffset = fence.index! + fence[0].indexOf('\n') + 1;
    if (['ts', 'typescript'].includes(fence[1])) findInTypeScript(sink, fence[2], bodyOffset);
    cursor = fence.index! + fence[0].length;
  }
  prose.push({ text: content.slice(cursor), offset: cursor });

  for (const { text, offset } of prose) {
    for (const span of text.matchAll(/`([^`\n]+)`/g)) {
      const inner = span[1];
      const at = offset + span.index! + 1;
      const image = asImage(inner);
      const npm = NPM_SPEC.exec(inner);
      if (image) sink.add({ kind: 'image', datasource: 'docker', name: image.name, value: image.value, offset: at + image.index, text: inner });
      else if (npm) sink.add({ kind: 'npm', datasource: 'npm', name: npm[1], value: npm[2], offset: at + npm[1].length + 1, text: inner });
    }
    for (const link of text.matchAll(/\]\(https:\/\/www\.npmjs\.com\/package\/([^)\s]+)\)\s+(\d+\.\d+\.\d+)/g)) {
      sink.add({ kind: 'npm', datasource: 'npm', name: link[1], value: link[2], offset: offset + link.index! + link[0].length - link[2].length, text: `${link[1]} ${link[2]}` });
    }
    findChartTables(sink, text, offset);
  }
}

/** Rows of a Markdown table with a "chart" and a "version" column: "`a`, then `b` from `<repository>`" | "1.2.3". */
function findChartTables(sink: PinSink, text: string, offset: number): void {
  let columns: { chart: number; version: number } | undefined;
  let previousRepository: string | undefined;
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const cells = line.startsWith('|') ? line.split('|').slice(1, -1) : undefined;
    if (!cells) columns = undefined;
    else if (!columns) {
      const names = cells.map((c) => c.trim().toLowerCase());
      if (names.includes('chart') && names.includes('version')) columns = { chart: names.indexOf('chart'), version: names.indexOf('version') };
    } else if (!/^[\s:-]+$/.test(cells.join(''))) {
      const chartCell = cells[columns.chart] ?? '';
      const codes = [...chartCell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      const repository = codes.find((c) => c.includes('://')) ?? (/from the same repository/.test(chartCell) ? previousRepository : undefined);
      const chart = codes.filter((c) => !c.includes('://')).at(-1);
      const version = /^\s*(v?\d+\.\d+\.\d+\S*)/.exec(cells[columns.version] ?? '');
      if (chart && repository && version) {
        const versionOffset = line.indexOf('|') + 1 + cells.slice(0, columns.version).reduce((n, c) => n + c.length + 1, 0) + version[0].length - version[1].length;
        sink.add({ kind: 'chart', ...chartPin(chart, repository), value: version[1], offset: offset + lineStart + versionOffset, text: `${chart} ${version[1]} from ${repository}` });
      }
      previousRepository = repository ?? previousRepository;
    }
    lineStart += line.length + 1;
  }
}

function findInDockerfile(sink: PinSink): void {
  let lineStart = 0;
  for (const line of sink.file.content.split('\n')) {
    const arg = /^ARG\s+\w+=(\S+)/.exec(line);
    const from = /^FROM\s+(?:--platform=\S+\s+)?([^\s$]\S*)/i.exec(line);
    // An ARG is a pin when it holds an image (FROM ${ARG} then uses it); a FROM line may name any image.
    const match = arg ?? from;
    const image = arg ? asImage(arg[1]) : from && from[1] !== 'scratch' ? splitImage(from[1]) : undefined;
    if (match && image) {
      const at = lineStart + match.index + match[0].length - match[1].length;
      sink.add({ kind: 'image', datasource: 'docker', name: image.name, value: image.value, offset: at + image.index, text: match[1], builtIn: 'dockerfile' });
    }
    lineStart += line.length + 1;
  }
}

function findInWorkflow(sink: PinSink): void {
  let lineStart = 0;
  for (const line of sink.file.content.split('\n')) {
    const uses = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1(?:\s+#\s*(\S+))?/.exec(line);
    if (uses && !uses[2].startsWith('./') && !uses[2].startsWith('docker://')) {
      const [action, ref = ''] = uses[2].split('@');
      const version = uses[3];
      const problem = !/^[0-9a-f]{40}$/.test(ref)
        ? `is pinned to "${ref}", not to a full commit SHA`
        : !version || !/^v\d+\.\d+\.\d+$/.test(version)
          ? 'has no "# vX.Y.Z" comment, so the github-actions manager leaves its SHA alone'
          : undefined;
      sink.add({
        kind: 'action',
        datasource: 'github-tags',
        name: action.split('/').slice(0, 2).join('/'),
        value: version ?? ref,
        offset: lineStart + line.lastIndexOf(version ?? ref),
        text: uses[2],
        builtIn: 'github-actions',
        ...(problem ? { problem } : {}),
      });
    }
    const image = /^\s*(?:-\s+)?image:\s*(['"]?)([^\s'"#]+)\1/.exec(line);
    const ref = image && !image[2].includes('${{') ? splitImage(image[2]) : undefined;
    if (image && ref) sink.add({ kind: 'image', datasource: 'docker', name: ref.name, value: ref.value, offset: lineStart + line.indexOf(image[2]) + ref.index, text: image[2], builtIn: 'github-actions' });
    const npx = line.indexOf('npx ');
    if (npx !== -1) {
      for (const spec of npmPackagesRun(line.slice(npx).trim().split(/\s+/))) {
        const m = NPM_SPEC.exec(spec);
        if (m) sink.add({ kind: 'npm', datasource: 'npm', name: m[1], value: m[2], offset: lineStart + line.indexOf(spec, npx) + m[1].length + 1, text: spec });
      }
    }
    lineStart += line.length + 1;
  }
}

/** Which reader a file gets; undefined: not a place pins are kept. */
export function pinFileKind(path: string): 'typescript' | 'markdown' | 'dockerfile' | 'workflow' | undefined {
  if (/^(constructs\/.+|stacks\/(config|platform\.config)|stacks\/servers\/[^/]+)\.ts$/.test(path)) return 'typescript';
  if (path === 'README.md') return 'markdown';
  if (/(^|\/)Dockerfile$/.test(path) && path.startsWith('services/')) return 'dockerfile';
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'workflow';
  return undefined;
}

/** The pins in `files` (files that are no place for pins are skipped). */
export function findPins(files: readonly RepoFile[]): SourcePin[] {
  return files.flatMap((file) => {
    const sink = new PinSink(file);
    const kind = pinFileKind(file.path);
    if (kind === 'typescript') findInTypeScript(sink, file.content, 0);
    else if (kind === 'markdown') findInMarkdown(sink);
    else if (kind === 'dockerfile') findInDockerfile(sink);
    else if (kind === 'workflow') findInWorkflow(sink);
    return sink.pins;
  });
}
