/**
 * Renovate's regex custom manager, modelled from renovatebot/renovate (snapshot c2dd4f85, 2026-08-22) so a test
 * can run renovate.json over the repository without installing Renovate (which needs Node 24):
 *
 *  - lib/workers/repository/extract/file-match.ts and lib/util/string-match.ts: a file is a package file when one
 *    of `managerFilePatterns` matches its path from the repository root, `/re/` or `/re/i` as a regex, anything
 *    else as a minimatch glob (not modelled here: such a pattern throws); `ignorePaths` are left out first;
 *  - custom/regex/strategies.ts: `matchStrings` are compiled with flag `g` only (so `^`/`$` are the whole file,
 *    `.` stops at a newline), and `matchStringsStrategy` "any" (the default) makes one dependency per match,
 *    "combination" one from all matches, "recursive" one per chain of nested matches;
 *  - custom/regex/utils.ts `createDependency`: for each field a `<field>Template` wins over the named group of
 *    that name; templates are Handlebars over the groups plus packageFile and packageFileDir (only plain
 *    `{{{name}}}` substitutions are modelled: anything else throws); a registryUrl is normalised by `new URL`;
 *  - custom/utils.ts `isValidDependency`: a dependency without depName or packageName, without currentValue or
 *    currentDigest, or without datasource is dropped.
 *
 * The one thing not modelled is the engine: Renovate uses RE2 (node-re2) and this runs JavaScript RegExp.
 */

export const VALID_MATCH_FIELDS = [
  'depName',
  'packageName',
  'currentValue',
  'currentDigest',
  'datasource',
  'versioning',
  'extractVersion',
  'registryUrl',
  'depType',
  'indentation',
] as const;
export type MatchField = (typeof VALID_MATCH_FIELDS)[number];

export type RegexCustomManager = {
  readonly customType: string;
  readonly description?: string | readonly string[];
  readonly managerFilePatterns: readonly string[];
  readonly matchStrings: readonly string[];
  readonly matchStringsStrategy?: 'any' | 'combination' | 'recursive';
  readonly autoReplaceStringTemplate?: string;
} & { readonly [F in MatchField as `${F}Template`]?: string };

/** A file of the repository, by its path from the root (forward slashes). */
export interface RepoFile {
  readonly path: string;
  readonly content: string;
}

/** One dependency a custom manager extracted, with where Renovate will rewrite it. */
export interface ExtractedDep {
  /** Index of the manager in `customManagers`. */
  readonly manager: number;
  readonly file: string;
  readonly depName?: string;
  readonly packageName?: string;
  readonly currentValue?: string;
  readonly currentDigest?: string;
  readonly datasource?: string;
  readonly versioning?: string;
  readonly registryUrl?: string;
  /**
   * The text Renovate rewrites: autoReplace finds it in the file and replaces every occurrence of currentValue in
   * it (`autoReplaceGlobalMatch` defaults to true), so it is the reach of one update.
   */
  readonly replaceString: string;
  /** Offset of replaceString in the file (the match's own position). */
  readonly offset: number;
}

/** `ignorePaths` of `:ignoreModulesAndTests`, which `config:recommended` extends (lib/config/presets/internal/default.preset.ts). */
export const RECOMMENDED_IGNORE_PATHS = [
  '**/node_modules/**',
  '**/bower_components/**',
  '**/vendor/**',
  '**/examples/**',
  '**/__tests__/**',
  '**/test/**',
  '**/tests/**',
  '**/__fixtures__/**',
] as const;

const REGEX_PATTERN = /^(!?)\/(.*)\/(i?)$/s;

/** Whether `pattern` (a managerFilePatterns entry) is a `/.../` regex, the only form this model runs. */
export function isRegexPattern(pattern: string): boolean {
  return REGEX_PATTERN.test(pattern);
}

/** string-match.ts `matchRegexOrGlob` for the regex form; a glob throws, so the model never guesses. */
export function matchesFilePattern(path: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const m = REGEX_PATTERN.exec(pattern);
  if (!m) throw new Error(`managerFilePatterns entry ${JSON.stringify(pattern)} is a glob; this model runs only /regex/ patterns`);
  const matched = new RegExp(m[2], m[3]).test(path);
  return m[1] === '!' ? !matched : matched;
}

/**
 * file-match.ts `filterIgnoredFiles`: a path is ignored when it contains an entry or the entry matches it as a
 * glob; only the `** /<folder>/**` globs of the preset are modelled.
 */
export function isIgnoredPath(path: string, ignorePaths: readonly string[]): boolean {
  return ignorePaths.some((entry) => {
    if (path.includes(entry)) return true;
    const folder = /^\*\*\/([^*/]+)\/\*\*$/.exec(entry)?.[1];
    if (folder === undefined) throw new Error(`ignorePaths entry ${JSON.stringify(entry)} is a glob this model does not run`);
    return path === folder || path.startsWith(`${folder}/`) || path.includes(`/${folder}/`);
  });
}

/** Handlebars with `noEscape`, reduced to the substitutions renovate.json may use: `{{name}}` and `{{{name}}}`. */
export function compileTemplate(template: string, context: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{\{\{?([^{}]*)\}?\}\}/g, (whole, inner: string) => {
    const name = inner.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`template ${JSON.stringify(template)} uses ${whole}; this model substitutes plain names only`);
    return context[name] ?? '';
  });
}

interface Extraction {
  readonly groups: Readonly<Record<string, string | undefined>>;
  readonly replaceString: string;
  readonly offset: number;
}

function createDependency(manager: RegexCustomManager, index: number, file: string, extraction: Extraction): ExtractedDep | undefined {
  const slash = file.lastIndexOf('/');
  const context = { ...extraction.groups, packageFile: file.slice(slash + 1), packageFileDir: slash === -1 ? '.' : file.slice(0, slash) };
  const dep: Record<string, string> = {};
  for (const field of VALID_MATCH_FIELDS) {
    const template = manager[`${field}Template`];
    const value = template !== undefined ? compileTemplate(template, context) : extraction.groups[field];
    if (template === undefined && !value) continue;
    if (field === 'registryUrl') {
      // utils.ts updateDependency: an invalid URL is dropped with a warning.
      if (URL.canParse(value ?? '')) dep.registryUrl = new URL(value!).toString();
    } else {
      dep[field] = value ?? '';
    }
  }
  const present = (v: string | undefined) => v !== undefined && v.trim() !== '';
  const valid = (present(dep.depName) || present(dep.packageName)) && (present(dep.currentValue) || present(dep.currentDigest)) && present(dep.datasource);
  return valid ? { manager: index, file, ...dep, replaceString: extraction.replaceString, offset: extraction.offset } : undefined;
}

function matchAll(matchString: string, content: string, base = 0): Extraction[] {
  return [...content.matchAll(new RegExp(matchString, 'g'))].map((m) => ({ groups: { ...m.groups }, replaceString: m[0], offset: base + m.index! }));
}

/** The dependencies one custom manager extracts from one file's content. */
export function extractFromFile(manager: RegexCustomManager, index: number, file: RepoFile): ExtractedDep[] {
  const create = (e: Extraction) => createDependency(manager, index, file.path, e);
  const strategy = manager.matchStringsStrategy ?? 'any';
  if (strategy === 'any') {
    return manager.matchStrings.flatMap((s) => matchAll(s, file.content)).flatMap((e) => create(e) ?? []);
  }
  if (strategy === 'combination') {
    const matches = manager.matchStrings.flatMap((s) => matchAll(s, file.content));
    if (!matches.length) return [];
    // strategies.ts: groups merge in order; the replaceString is the last match that captured a value or digest.
    const carrying = matches.filter((m) => m.groups.currentValue ?? m.groups.currentDigest);
    const last = carrying.at(-1);
    const merged = { groups: Object.assign({}, ...matches.map((m) => m.groups)), replaceString: last?.replaceString ?? '', offset: last?.offset ?? 0 };
    return [create(merged)].flatMap((d) => d ?? []);
  }
  const recurse = (content: string, offset: number, level: number, groups: Record<string, string | undefined>): ExtractedDep[] =>
    level === manager.matchStrings.length
      ? [create({ groups, replaceString: content, offset })].flatMap((d) => d ?? [])
      : matchAll(manager.matchStrings[level], content, offset).flatMap((m) => recurse(m.replaceString, m.offset, level + 1, { ...groups, ...m.groups }));
  return recurse(file.content, 0, 0, {});
}

/** Runs every regex custom manager of `config` over `files`, as Renovate's extract phase does. */
export function extractAll(
  config: { customManagers?: readonly RegexCustomManager[]; ignorePaths?: readonly string[]; enabledManagers?: readonly string[] },
  files: readonly RepoFile[],
): ExtractedDep[] {
  // An enabledManagers list turns off every manager it leaves out, the custom ones included ("custom.regex").
  if (config.enabledManagers && !config.enabledManagers.includes('custom.regex')) return [];
  const ignorePaths = config.ignorePaths ?? RECOMMENDED_IGNORE_PATHS;
  const candidates = files.filter((f) => !isIgnoredPath(f.path, ignorePaths));
  return (config.customManagers ?? []).flatMap((manager, index) => {
    if (manager.customType !== 'regex') throw new Error(`customManagers[${index}]: customType ${JSON.stringify(manager.customType)} is not modelled`);
    return candidates.filter((f) => manager.managerFilePatterns.some((p) => matchesFilePattern(f.path, p))).flatMap((f) => extractFromFile(manager, index, f));
  });
}
