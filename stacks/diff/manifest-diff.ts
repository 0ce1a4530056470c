/**
 * What a change does to the rendered manifests: per Argo CD application, the objects added, removed and
 * changed, and for a changed object its field-level diff. The line diff is jsdiff's (`structuredPatch`) over
 * each object's YAML with sorted keys, so unchanged fields fold into "N unchanged lines" and key order never
 * shows as a change.
 *
 * Secret values never reach the diff: a Secret's `data` and `stringData` values are replaced by markers
 * before anything is compared or printed, and the marker says whether the value changed.
 */
import { structuredPatch } from 'diff';
import { stringify as yamlStringify } from 'yaml';
import type { RenderedTree } from './rendered-tree.js';

type Manifest = Record<string, any>;

/** Lines of context around each change; the rest of an object folds away. */
export const CONTEXT_LINES = 3;

export interface Hunk {
  /** Where the change is, as a field path (`spec.template.spec.containers[name=mcp-server]`); "" at the top. */
  readonly path: string;
  /** Unified-diff lines: " " unchanged, "-" base only, "+" head only. */
  readonly lines: readonly string[];
  /** Unchanged lines folded away before this hunk. */
  readonly foldedBefore: number;
}

export interface ObjectChange {
  /** `apps/Deployment mcp/mcp-gateway` (see objectKey). */
  readonly key: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** For a changed object: the hunks, and the unchanged lines folded after the last one. */
  readonly hunks?: readonly Hunk[];
  readonly foldedAfter?: number;
  /** For an added object: its YAML (secret values hidden). */
  readonly yaml?: string;
  /** Why a reviewer should look twice, e.g. a namespace move Argo CD performs as delete and create. */
  readonly note?: string;
}

export interface AppDiff {
  readonly app: string;
  /** The whole application is new or gone. */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly objects: readonly ObjectChange[];
  readonly unchanged: number;
}

export interface PlatformDiff {
  readonly apps: readonly AppDiff[];
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly unchanged: number;
}

export interface DiffOptions {
  /** Compute hunks and added objects' YAML; off, only what changed is counted (the synth report). @default true */
  readonly details?: boolean;
}

/** Compares two trees; applications are listed in the head's order, then those only the base has. */
export function diffTrees(base: RenderedTree, head: RenderedTree, options: DiffOptions = {}): PlatformDiff {
  const details = options.details ?? true;
  const names = [...head.keys(), ...[...base.keys()].filter((app) => !head.has(app))];
  const apps = names.map((app) => diffApp(app, base.get(app), head.get(app), details));
  const count = (change: ObjectChange['change']) => apps.reduce((n, a) => n + a.objects.filter((o) => o.change === change).length, 0);
  return { apps, added: count('added'), removed: count('removed'), changed: count('changed'), unchanged: apps.reduce((n, a) => n + a.unchanged, 0) };
}

/** True when nothing differs. */
export const isEmptyDiff = (diff: PlatformDiff): boolean => diff.added + diff.removed + diff.changed === 0;

function diffApp(app: string, base: ReadonlyMap<string, Manifest> | undefined, head: ReadonlyMap<string, Manifest> | undefined, details: boolean): AppDiff {
  const before = base ?? new Map<string, Manifest>();
  const after = head ?? new Map<string, Manifest>();
  const objects: ObjectChange[] = [];
  let unchanged = 0;
  const removed = [...before.keys()].filter((key) => !after.has(key));
  const added = [...after.keys()].filter((key) => !before.has(key));
  const moves = namespaceMoves(removed, added, before, after);

  for (const [key, object] of after) {
    const previous = before.get(key);
    if (previous === undefined) {
      const from = moves.get(key);
      if (from !== undefined) {
        objects.push(changed(key, before.get(from)!, object, details, `moved from namespace ${before.get(from)!.metadata?.namespace ?? '(none)'}: Argo CD creates it anew and prunes the old one`));
      } else {
        objects.push({ key, change: 'added', ...(details ? { yaml: yamlOf(hideSecretValues(object)) } : {}) });
      }
      continue;
    }
    if (canonical(previous) === canonical(object)) unchanged += 1;
    else objects.push(changed(key, previous, object, details));
  }
  const movedFrom = new Set(moves.values());
  for (const key of removed) if (!movedFrom.has(key)) objects.push({ key, change: 'removed' });

  const status = base === undefined ? 'added' : head === undefined ? 'removed' : objects.length ? 'changed' : 'unchanged';
  return { app, status, objects, unchanged };
}

/**
 * Removed and added objects of one application that differ only in namespace (a renamed namespace): paired,
 * so the reviewer sees `metadata.namespace` change instead of every object gone and a new one. Only pairs
 * that are unique both ways, so no pairing is a guess.
 */
function namespaceMoves(removed: readonly string[], added: readonly string[], before: ReadonlyMap<string, Manifest>, after: ReadonlyMap<string, Manifest>): Map<string, string> {
  const identity = (m: Manifest) => `${String(m.apiVersion).split('/').slice(0, -1).join('/')} ${m.kind} ${m.metadata?.name}`;
  const group = (keys: readonly string[], objects: ReadonlyMap<string, Manifest>) => {
    const byIdentity = new Map<string, string[]>();
    for (const key of keys) {
      const id = identity(objects.get(key)!);
      byIdentity.set(id, [...(byIdentity.get(id) ?? []), key]);
    }
    return byIdentity;
  };
  const gone = group(removed, before);
  const moves = new Map<string, string>();
  for (const [id, keys] of group(added, after)) {
    const from = gone.get(id);
    if (keys.length === 1 && from?.length === 1) moves.set(keys[0], from[0]);
  }
  return moves;
}

function changed(key: string, before: Manifest, after: Manifest, details: boolean, note?: string): ObjectChange {
  const base = { key, change: 'changed' as const, ...(note ? { note } : {}) };
  if (!details) return base;
  const [hiddenBefore, hiddenAfter] = hideSecretValuesPair(before, after);
  const oldText = yamlOf(hiddenBefore);
  const newText = yamlOf(hiddenAfter);
  const patch = structuredPatch(key, key, oldText, newText, '', '', { context: CONTEXT_LINES });
  const oldLines = oldText.split('\n');
  const newLines = newText.split('\n');
  let consumed = 0;
  const hunks = patch.hunks.map((h): Hunk => {
    const foldedBefore = h.oldStart - 1 - consumed;
    consumed = h.oldStart - 1 + h.oldLines;
    return { path: hunkPath(h, oldLines, newLines), lines: h.lines.filter((l) => !l.startsWith('\\')), foldedBefore };
  });
  // The YAML ends with a newline, so its last split element is empty and is not a line.
  const foldedAfter = oldLines.length - 1 - consumed;
  return { ...base, hunks, foldedAfter };
}

/** The field path of a hunk's first changed line, from the indentation above it. */
function hunkPath(hunk: { oldStart: number; newStart: number; lines: string[] }, oldLines: readonly string[], newLines: readonly string[]): string {
  let oldIndex = hunk.oldStart - 1;
  let newIndex = hunk.newStart - 1;
  for (const line of hunk.lines) {
    if (line.startsWith('-')) return yamlPathAt(oldLines, oldIndex);
    if (line.startsWith('+')) return yamlPathAt(newLines, newIndex);
    oldIndex += 1;
    newIndex += 1;
  }
  return '';
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * `spec.template.spec.containers[name=mcp-server]` for a line inside that container: each line above with
 * less indentation is an ancestor; a `- key: value` ancestor is an item of a list, named by its first field.
 */
export function yamlPathAt(lines: readonly string[], index: number): string {
  const parts: string[] = [];
  let indent = indentOf(lines[index] ?? '');
  for (let i = index - 1; i >= 0 && indent > 0; i--) {
    const line = lines[i];
    if (!line.trim()) continue;
    const lineIndent = indentOf(line);
    if (lineIndent >= indent) continue;
    indent = lineIndent;
    const text = line.trim();
    if (text.startsWith('- ')) {
      parts.unshift(`[${itemName(lines, i)}]`);
      // The item's own first field sits on the dash line; the list's key is further up.
      continue;
    }
    const key = /^(.+?):(?:\s[|>][-+0-9]*)?\s*$/.exec(text)?.[1] ?? /^([^:]+):/.exec(text)?.[1];
    if (key !== undefined) parts.unshift(pathSegment(key.replace(/^"(.*)"$/, '$1')));
  }
  return parts.join('').replace(/^\./, '');
}

/** `.spec`, or `["config.json"]` for a key that is not a plain word (dots, slashes: annotation keys, file names). */
const pathSegment = (key: string) => (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/**
 * A list item by its `name` field (containers, ports, env, volumes), else by its position: keys are
 * sorted, so the first field of an item is rarely the one that identifies it.
 */
function itemName(lines: readonly string[], dashLine: number): string {
  const dashIndent = indentOf(lines[dashLine]);
  const fieldIndent = dashIndent + 2;
  for (let i = dashLine; i < lines.length; i++) {
    const line = lines[i];
    if (i > dashLine && (indentOf(line) < fieldIndent || !line.trim())) break;
    const text = i === dashLine ? line.trim().slice(2) : indentOf(line) === fieldIndent ? line.trim() : '';
    const name = /^name: (.{1,60})$/.exec(text);
    if (name) return `name=${name[1]}`;
  }
  let position = 0;
  for (let i = dashLine - 1; i >= 0; i--) {
    const indent = indentOf(lines[i]);
    if (indent < dashIndent) break;
    if (indent === dashIndent && lines[i].trim().startsWith('- ')) position += 1;
  }
  return String(position);
}

/** Sorted keys, folded strings never wrapped: the same object always prints the same lines. */
function yamlOf(manifest: Manifest): string {
  return yamlStringify(manifest, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

const isSecret = (m: Manifest) => m.kind === 'Secret' && (m.apiVersion === 'v1' || m.apiVersion === undefined);
export const HIDDEN = '(secret value hidden)';
export const HIDDEN_CHANGED = '(secret value hidden, changed)';

/** A copy of an object with a Secret's values replaced by HIDDEN. */
export function hideSecretValues(manifest: Manifest): Manifest {
  if (!isSecret(manifest)) return manifest;
  const hide = (values: unknown) =>
    values && typeof values === 'object' ? Object.fromEntries(Object.keys(values).map((k) => [k, HIDDEN])) : values;
  return { ...manifest, ...('data' in manifest ? { data: hide(manifest.data) } : {}), ...('stringData' in manifest ? { stringData: hide(manifest.stringData) } : {}) };
}

/** Both sides hidden; a value that differs between them reads HIDDEN_CHANGED on the head side. */
function hideSecretValuesPair(before: Manifest, after: Manifest): [Manifest, Manifest] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const headSide = (field: 'data' | 'stringData') => {
    const values = after[field];
    if (!values || typeof values !== 'object') return values;
    const old = before[field] && typeof before[field] === 'object' ? before[field] : {};
    return Object.fromEntries(Object.keys(values).map((k) => [k, k in old && old[k] !== values[k] ? HIDDEN_CHANGED : HIDDEN]));
  };
  const hiddenAfter = isSecret(after)
    ? { ...after, ...('data' in after ? { data: headSide('data') } : {}), ...('stringData' in after ? { stringData: headSide('stringData') } : {}) }
    : after;
  return [hideSecretValues(before), hiddenAfter];
}
