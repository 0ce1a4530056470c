/**
 * `npm run mutation -- --module <name> [--module <name> ...] [--concurrency N]`: StrykerJS over one module at a
 * time (test/mutation/modules.ts), each mutant run against that module's tests only. Not part of `npm test`
 * or CI. Prints the score per module; reports go to reports/mutation/<module>/ (git-ignored). Equivalent
 * mutants, which no test can kill, are listed with their reason in test/mutation/equivalent-mutants.md.
 *
 * Stryker runs jest in native ESM mode (`--experimental-vm-modules` for its workers) with coverage analysis
 * off: the ESM jest setup gives Stryker no per-test coverage, so every mutant runs the module's whole tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core';
import { MUTATION_MODULES } from './modules.js';

const names = Object.keys(MUTATION_MODULES);
const USAGE = `usage: npm run mutation -- --module <name> [--module <name> ...] [--concurrency N]
       npm run mutation -- --module all
       npm run mutation -- --module <name> --mutate <file>[:<from line>-<to line>]   (part of one module, to iterate)

Modules:
${names.map((n) => `  ${n.padEnd(22)} ${MUTATION_MODULES[n]!.description}`).join('\n')}`;

let values: { module?: string[]; mutate?: string[]; concurrency?: string; help?: boolean };
try {
  values = parseArgs({
    options: { module: { type: 'string', multiple: true }, mutate: { type: 'string', multiple: true }, concurrency: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const chosen = values.module?.includes('all') ? names : (values.module ?? []);
const unknown = chosen.filter((m) => !(m in MUTATION_MODULES));
if (chosen.length === 0 || unknown.length) {
  console.error(`${unknown.length ? `unknown module ${unknown.map((m) => `"${m}"`).join(', ')}` : '--module is required'}\n${USAGE}`);
  process.exit(2);
}
if (values.mutate && chosen.length !== 1) {
  console.error('--mutate narrows one module: give exactly one --module');
  process.exit(2);
}
if (values.concurrency !== undefined && !(Number.isInteger(Number(values.concurrency)) && Number(values.concurrency) >= 1)) {
  console.error(`--concurrency must be a positive whole number, got "${values.concurrency}"`);
  process.exit(2);
}

/** Stryker's own counts: detected (killed, timed out) over valid mutants (compile and runtime errors left out). */
export function score(results: readonly MutantResult[]) {
  const count = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + timeout + survived + noCoverage;
  return { killed, timeout, survived, noCoverage, invalid: count('CompileError', 'RuntimeError'), valid, percent: valid ? (100 * (killed + timeout)) / valid : 100 };
}

const { Stryker } = await import('@stryker-mutator/core');
const rows: string[][] = [['module', 'score', 'killed', 'timeout', 'survived', 'invalid', 'mutants']];
for (const name of chosen) {
  const module = MUTATION_MODULES[name]!;
  const reportDir = join('reports', 'mutation', name);
  mkdirSync(reportDir, { recursive: true });
  const options: PartialStrykerOptions = {
    mutate: [...(values.mutate ?? module.mutate)],
    testRunner: 'jest',
    testRunnerNodeArgs: ['--experimental-vm-modules'],
    coverageAnalysis: 'off',
    jest: {
      projectType: 'custom',
      configFile: 'jest.config.js',
      // Only this module's tests; <rootDir> is the sandbox copy Stryker runs them in.
      // The fastest files first (test/mutation/sequencer.mjs): a run stops at the first file that fails.
      config: { testMatch: module.tests.map((t) => `<rootDir>/${t}`), testSequencer: '<rootDir>/test/mutation/sequencer.mjs' },
      enableFindRelatedTests: false,
    },
    plugins: ['@stryker-mutator/jest-runner'],
    reporters: ['clear-text', 'html', 'json', 'progress'],
    htmlReporter: { fileName: join(reportDir, 'index.html') },
    jsonReporter: { fileName: join(reportDir, 'report.json') },
    concurrency: values.concurrency ? Number(values.concurrency) : 2,
    // A fresh worker every 4 mutants: jest's ESM runtime keeps each run's module graph, so a reused worker grew
    // past 3.5 GB and spent half its time in the collector (the config module ran at 4 mutants a minute).
    maxTestRunnerReuse: 4,
    // Generous: the suites start real PostgreSQL, MCP servers and HTTP fakes, and the machine is shared.
    timeoutMS: 60_000,
    timeoutFactor: 3,
    // One folder per module, so runs of two modules side by side do not clean each other's sandboxes; outside
    // the checkout, or the config's git checks (discovery.serversDir) would see the sandbox as a folder of it.
    tempDirName: join(tmpdir(), 'mcp-platform-stryker', name),
    cleanTempDir: 'always',
    ignorePatterns: ['lib', 'dist', 'dist.*', 'cdktf.out', 'cdktf.out.*', 'reports', '.stryker-tmp', '.scratch', '.mcp-discovery', '.mcp-platform', 'coverage', 'docs/api'],
    logLevel: 'warn' as PartialStrykerOptions['logLevel'],
  };
  console.log(`\n== ${name}: ${module.description}`);
  const results = await new Stryker(options).runMutationTest();
  const s = score(results);
  writeFileSync(join(reportDir, 'score.json'), `${JSON.stringify({ module: name, ...s }, null, 2)}\n`);
  rows.push([name, `${s.percent.toFixed(1)} %`, String(s.killed), String(s.timeout), String(s.survived + s.noCoverage), String(s.invalid), String(results.length)]);
}

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(`\n${rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n')}`);
