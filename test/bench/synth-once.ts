/**
 * One synth in a fresh process, for the benchmark: `node --import tsx test/bench/synth-once.ts N OUT`
 * synthesizes the default platform with N generated MCP servers (N = "default": as shipped) into OUT,
 * then prints one JSON line: milliseconds since the process started, peak RSS, object counts. With
 * `--dump FILE` it also writes the rendered objects (untimed), for the serialisation floor.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { DEFAULT_CONFIG, loadConfigFile } from '../../stacks/load-config.js';
import { synthesize } from '../../stacks/synth.js';
import { withGeneratedServers } from './platform-with-servers.js';

const [count, out, flag, dumpFile] = process.argv.slice(2);
const loaded = performance.now();
const base = await loadConfigFile(DEFAULT_CONFIG);
const config = count === 'default' ? base : withGeneratedServers(base, Number(count));
const configured = performance.now();
const report = synthesize(config, { manifestsDir: join(out!, 'dist'), terraformDir: join(out!, 'cdktf.out') });
const done = performance.now();
const result = {
  totalMs: done,
  importMs: loaded,
  configMs: configured - loaded,
  synthMs: done - configured,
  maxRssKb: process.resourceUsage().maxRSS,
  objects: Object.values(report.objectsPerApp).reduce((a, b) => a + b, 0),
  schemaErrors: report.schemaErrors.length,
};
if (flag === '--dump') {
  const manifests: Record<string, unknown[]> = {};
  for (const app of readdirSync(join(out!, 'dist'))) {
    manifests[app] = readdirSync(join(out!, 'dist', app)).sort().map((f) => parse(readFileSync(join(out!, 'dist', app, f), 'utf8')));
  }
  const terraform = JSON.parse(readFileSync(join(out!, 'cdktf.out', 'stacks', 'bootstrap', 'cdk.tf.json'), 'utf8'));
  writeFileSync(dumpFile!, JSON.stringify({ manifests, terraform }));
}
console.log(JSON.stringify(result));
