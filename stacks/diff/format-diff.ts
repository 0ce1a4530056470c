/**
 * The rendered diff as people read it: text for a terminal, Markdown for a pull request comment. Both start
 * with one summary line; per application, the objects added (+), removed (-) and changed (~), and for a
 * changed object its hunks with unchanged fields folded. Markdown is cut to a size limit with a note, since
 * a GitHub comment holds at most 65,536 characters.
 */
import type { AppDiff, Hunk, ObjectChange, PlatformDiff } from './manifest-diff.js';

const SIGN: Record<ObjectChange['change'], string> = { added: '+', removed: '-', changed: '~' };

/** `1 app changes: 2 objects added, 0 removed, 3 changed; 8 apps and 97 objects unchanged`. */
export function summaryLine(diff: PlatformDiff): string {
  const changedApps = diff.apps.filter((a) => a.status !== 'unchanged').length;
  const unchangedApps = diff.apps.length - changedApps;
  if (changedApps === 0) return `no change: ${plural(diff.apps.length, 'app')} and ${plural(diff.unchanged, 'object')} unchanged`;
  return (
    `${plural(changedApps, 'app')} ${changedApps === 1 ? 'changes' : 'change'}: ${plural(diff.added, 'object')} added, ${diff.removed} removed, ${diff.changed} changed; ` +
    `${plural(unchangedApps, 'app')} and ${plural(diff.unchanged, 'object')} unchanged`
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function appHeading(app: AppDiff): string {
  const counts = (['added', 'removed', 'changed'] as const).map((c) => `${app.objects.filter((o) => o.change === c).length} ${c}`).join(', ');
  const status = app.status === 'added' ? ' (new application)' : app.status === 'removed' ? ' (application removed)' : '';
  return `${app.app}${status}: ${counts}, ${app.unchanged} unchanged`;
}

const folded = (n: number) => `⋯ ${plural(n, 'unchanged line')}`;

function hunkLines(hunks: readonly Hunk[], foldedAfter: number): string[] {
  const lines: string[] = [];
  for (const hunk of hunks) {
    if (hunk.foldedBefore > 0) lines.push(folded(hunk.foldedBefore));
    lines.push(`@@ ${hunk.path || '(top level)'} @@`, ...hunk.lines);
  }
  if (foldedAfter > 0) lines.push(folded(foldedAfter));
  return lines;
}

/** The diff for a terminal. `title` names what was compared, e.g. "against origin/main". */
export function formatDiffText(diff: PlatformDiff, title: string): string {
  const out = [`rendered change ${title}: ${summaryLine(diff)}`];
  for (const app of diff.apps) {
    if (app.status === 'unchanged') continue;
    out.push('', appHeading(app));
    for (const object of app.objects) {
      out.push(`  ${SIGN[object.change]} ${object.key}${object.note ? `  (${object.note})` : ''}`);
      if (object.hunks) out.push(...hunkLines(object.hunks, object.foldedAfter ?? 0).map((l) => `      ${l}`));
      if (object.yaml) out.push(...object.yaml.trimEnd().split('\n').map((l) => `      + ${l}`));
    }
  }
  return out.join('\n');
}

export interface MarkdownOptions {
  /** What was compared, e.g. "against `main` (3f2a1c0)". */
  readonly title: string;
  /** Most characters of the whole comment; object sections past it are left out with a note. @default 60000 */
  readonly maxChars?: number;
  /** A first line, e.g. the HTML comment a workflow finds its own comment by. @default none */
  readonly marker?: string;
}

/** A code fence longer than any run of backticks in the text, so no content can close it. */
function fenced(language: string, text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text.trimEnd()}\n${fence}`;
}

/** Object keys are Kubernetes names (no backticks); still, a code span must not be closable from inside. */
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** The diff for a pull request comment. */
export function formatDiffMarkdown(diff: PlatformDiff, options: MarkdownOptions): string {
  const maxChars = options.maxChars ?? 60_000;
  const head = [
    ...(options.marker ? [options.marker] : []),
    `### Rendered change ${options.title}`,
    '',
    summaryLine(diff),
    '',
  ];
  const changedApps = diff.apps.filter((a) => a.status !== 'unchanged');
  if (changedApps.length) {
    head.push('| Argo CD app | added | removed | changed | unchanged |', '| --- | ---: | ---: | ---: | ---: |');
    for (const app of changedApps) {
      const n = (c: ObjectChange['change']) => app.objects.filter((o) => o.change === c).length;
      head.push(`| ${code(app.app)}${app.status === 'added' ? ' (new)' : app.status === 'removed' ? ' (removed)' : ''} | ${n('added')} | ${n('removed')} | ${n('changed')} | ${app.unchanged} |`);
    }
    head.push('');
  }

  const sections: string[] = [];
  let length = head.join('\n').length;
  let left = 0;
  const reserve = 400; // room for the truncation note
  for (const app of changedApps) {
    const title = `#### ${code(app.app)}\n`;
    const pieces = app.objects.map((object) => objectMarkdown(object));
    let appText = title;
    for (const piece of pieces) {
      if (length + appText.length + piece.length + reserve > maxChars) {
        left += 1;
        continue;
      }
      appText += piece;
    }
    if (appText !== title) {
      sections.push(appText);
      length += appText.length;
    }
  }
  const note = left
    ? [`> **Cut to fit a comment:** ${plural(left, 'object')} not shown. Run \`npm run diff\` locally for the whole diff.`, '']
    : [];
  return [...head, ...sections, ...note].join('\n').trimEnd() + '\n';
}

function objectMarkdown(object: ObjectChange): string {
  const label = `${SIGN[object.change]} ${code(object.key)} ${object.change}${object.note ? ` (${object.note})` : ''}`;
  if (object.change === 'removed') return `- ${label}\n`;
  if (object.change === 'added') {
    const summary = `${SIGN.added} <code>${escapeHtml(object.key)}</code> added`;
    return `<details><summary>${summary}</summary>\n\n${fenced('yaml', object.yaml ?? '')}\n\n</details>\n`;
  }
  return `- ${label}\n\n${fenced('diff', hunkLines(object.hunks ?? [], object.foldedAfter ?? 0).join('\n'))}\n\n`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
