/**
 * `npm run bench [-- --runs N] [--only synth|discovery]`: benchmarks, not tests. Every figure is the
 * median of N runs (default 5 for synth, 3 for discovery), each in a fresh process; nothing is asserted,
 * the targets are printed beside the figures.
 */
import { parseArgs } from 'node:util';
import { diffBench } from './diff-bench.js';
import { discoveryBench } from './discovery-bench.js';
import { synthBench } from './synth-bench.js';

const USAGE = `usage: npm run bench -- [--only synth|diff|discovery] [--runs N]

Measures synth (time and peak memory against a floor), npm run diff, and the discovery service's passes, each the
median of N fresh processes (default 5 for synth, 3 for discovery). Figures only: nothing is asserted.`;

let values: { runs?: string; only?: string; help?: boolean };
try {
  values = parseArgs({ options: { runs: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean' } }, strict: true }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE.split('\n')[0]}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.only !== undefined && !['synth', 'diff', 'discovery'].includes(values.only)) {
  console.error(`--only must be "synth", "diff" or "discovery", got "${values.only}"`);
  process.exit(2);
}
if (values.runs !== undefined && !(Number.isInteger(Number(values.runs)) && Number(values.runs) >= 1)) {
  console.error(`--runs must be a positive whole number, got "${values.runs}"`);
  process.exit(2);
}
const runs = values.runs ? Number(values.runs) : undefined;
const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;
const mb = (n: number) => `${n.toFixed(0)} MB`;
const table = (rows: string[][]) => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n');
};

console.log(`MCP Platform benchmarks (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);

if (values.only === undefined || values.only === 'synth') {
  const rows = await synthBench(runs ?? 5);
  console.log(`Synth (median of ${runs ?? 5} fresh processes; floor = the same objects serialised to YAML and JSON without constructs)`);
  console.log(
    table([
      ['case', 'objects', 'wall', 'peak RSS', 'floor', 'ratio', 'target'],
      ...rows.map((r, i) => [
        r.case,
        String(r.objects),
        ms(r.wallMs),
        mb(r.maxRssMb),
        ms(r.floorMs),
        `${r.ratio.toFixed(1)}x`,
        i === 0 ? '< 2 s, < 300 MB' : r.case.startsWith('1000 ') ? '< 10 s, < 1 GB' : '',
      ]),
    ]),
  );
  const hundred = rows.find((r) => r.case.startsWith('100 '))!;
  const thousand = rows.find((r) => r.case.startsWith('1000 '))!;
  console.log(`growth 100 -> 1000 servers: ${(thousand.wallMs / hundred.wallMs).toFixed(1)}x wall (target <= 11x)\n`);
}

if (values.only === undefined || values.only === 'diff') {
  const rows = await diffBench(runs ?? 5);
  console.log(`Diff (median of ${runs ?? 5} fresh processes; exit code 1 means changes and is not a failure)`);
  console.log(table([['case', 'wall', 'peak RSS'], ...rows.map((r) => [r.case, ms(r.wallMs), mb(r.maxRssMb)])]));
  console.log('');
}

if (values.only === undefined || values.only === 'discovery') {
  const d = await discoveryBench(runs ?? 3);
  console.log(`Discovery (${d.services} Services, ${d.newServers} new MCP servers on real server-everything processes; median of ${runs ?? 3})`);
  console.log(
    table([
      ['figure', 'value', 'target'],
      ['reconcile logic (candidates + pull-request decisions, no probe/network)', ms(d.logicMs), '< 1 s'],
      ['  of which candidate scan of all Services', ms(d.scanMs), ''],
      ['probe of all new servers (concurrency 16, loopback)', ms(d.probeMs), '< 5 s'],
      ['record in PostgreSQL', ms(d.recordMs), ''],
      ['pull requests (local GitHub API, no write spacing)', ms(d.pullRequestsMs), ''],
      ['full reconcile --once (compiled as in the image, fresh process, wall)', ms(d.fullWallMs), ''],
      ['peak RSS of reconcile --once (the image\'s NODE_OPTIONS)', mb(d.maxRssMb), '< 250 MB'],
      ['pull requests opened', String(d.opened), String(d.newServers)],
      ['GitHub requests in all', String(d.githubRequests), ''],
      ['GitHub requests per new server', d.requestsPerNewServer.toFixed(2), '<= 6'],
      ['second run: GitHub requests (all reads)', String(d.secondRunRequests), ''],
      ['second run: GitHub writes', String(d.secondRunWrites), '0'],
    ]),
  );
}
