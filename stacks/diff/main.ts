/**
 * `npm run diff`: what a change does to the rendered manifests, per Argo CD application.
 * Exit code 0 with no change, 1 with changes, 2 on an error (bad usage, a base or head that does not render).
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ConfigError, type PlatformConfig } from '../config.js';
import type { Environment } from '../environments.js';
import { DEFAULT_CONFIG, loadConfigFile, loadEnvironments } from '../load-config.js';
import { preflightToolsFile, readPreflightTools } from '../preflight/tools-file.js';
import { renderPlatformInMemory } from '../synth.js';
import { DiffBaseError, resolveBase, resolveEnvironmentBases } from './diff-base.js';
import { formatDiffMarkdown, formatDiffText } from './format-diff.js';
import { diffTrees, isEmptyDiff } from './manifest-diff.js';
import { readRenderedFolder, treeOf, type RenderedTree } from './rendered-tree.js';
import { isEntry, runCommand } from '../command-line.js';

const USAGE = `usage: ${runCommand('diff')} [--base REF|DIR] [--head DIR] [--config FILE] [--env NAME] [--format text|markdown] [--max-chars N]

Renders the config and compares the manifests with a base, per Argo CD application: objects added,
removed and changed, and for a changed object the fields that change (unchanged fields folded).

  --base REF|DIR     what to compare with (default HEAD): a git ref of this repository (rendered by
                     its own code, e.g. origin/main), or a folder laid out like dist/ (a previous
                     output, or a checkout of the GitOps repository's path)
  --head DIR         compare this folder instead of rendering the config
  --config FILE      the platform config (default ${DEFAULT_CONFIG}); a ref base renders the same path
  --env NAME         one environment of an environments file (a folder base is then that environment's);
                     without it every environment is compared, each under its own heading, against the
                     base's <env>/ folder
  --format FORMAT    text (default) or markdown (for a pull request comment)
  --max-chars N      markdown only: cut object sections past N characters, with a note (default 60000)
  --help             this text

Secret values never appear: a Secret's data reads "(secret value hidden)".
Exit code: 0 no change, 1 changes, 2 error.`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        base: { type: 'string', default: 'HEAD' },
        head: { type: 'string' },
        config: { type: 'string', default: DEFAULT_CONFIG },
        env: { type: 'string' },
        format: { type: 'string', default: 'text' },
        'max-chars': { type: 'string', default: '60000' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.format !== 'text' && values.format !== 'markdown') {
    console.error(`--format must be "text" or "markdown", got "${values.format}"`);
    return 2;
  }
  const maxChars = Number(values['max-chars']);
  if (!Number.isInteger(maxChars) || maxChars < 1000) {
    console.error(`--max-chars must be a whole number of at least 1000, got "${values['max-chars']}"`);
    return 2;
  }

  try {
    let head: RenderedTree;
    if (values.head) head = readRenderedFolder(resolve(values.head));
    else if (values.env !== undefined) head = renderConfig(await loadConfigFile(values.config!, values.env), values.config!);
    else {
      // A plain config is one environment without a name; an environments file is compared environment by environment.
      const environments = await loadEnvironments(values.config!);
      if (environments[0]!.name !== undefined) return await diffEnvironments(environments, { ...values, maxChars });
      head = renderConfig(environments[0]!.config, values.config!);
    }
    const base = await resolveBase(values.base!, { repoRoot: process.cwd(), configFile: values.config!, env: values.env, log: (line) => console.error(line) });
    const diff = diffTrees(base.tree, head);
    const title = `against ${base.label}`;
    console.log(values.format === 'markdown' ? formatDiffMarkdown(diff, { title: title.replace(/^against (\S+)/, 'against `$1`'), maxChars }) : formatDiffText(diff, title));
    return isEmptyDiff(diff) ? 0 : 1;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DiffBaseError) console.error(error.message);
    else console.error(`diff failed: ${(error as Error).message}`);
    return 2;
  }
}

function renderConfig(config: PlatformConfig, configFile: string, knownTools = readPreflightTools(preflightToolsFile(configFile))): RenderedTree {
  return treeOf(renderPlatformInMemory(config, { knownTools, source: configFile }).apps);
}

/**
 * Every environment of an environments file against its own folder of the base, each under its own heading
 * (a pull request comment says which cluster a change reaches); the markdown budget is shared among them.
 */
async function diffEnvironments(
  environments: readonly Environment[],
  options: { readonly config?: string; readonly base?: string; readonly format?: string; readonly maxChars: number },
): Promise<number> {
  const names = environments.map((e) => e.name!);
  // One preflight record for the file: read once, not once per environment.
  const knownTools = readPreflightTools(preflightToolsFile(options.config!));
  const heads = environments.map((e) => renderConfig(e.config, options.config!, knownTools));
  const base = await resolveEnvironmentBases(options.base!, names, { repoRoot: process.cwd(), configFile: options.config!, log: (line) => console.error(line) });
  const diffs = names.map((name, i) => ({ name, diff: diffTrees(base.trees.get(name)!, heads[i]!) }));
  const budget = Math.max(1000, Math.floor(options.maxChars / names.length));
  const sections = diffs.map(({ name, diff }) =>
    options.format === 'markdown'
      ? formatDiffMarkdown(diff, { title: `of environment \`${name}\` ${base.label.replace(/^(\S+)/, 'against `$1`')}`, maxChars: budget })
      : formatDiffText(diff, `of environment ${name} against ${base.label}`),
  );
  console.log(sections.join('\n\n'));
  return diffs.every(({ diff }) => isEmptyDiff(diff)) ? 0 : 1;
}

if (isEntry(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
