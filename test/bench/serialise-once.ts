/**
 * The floor for synth: the same objects serialised to YAML (one file each) and the Terraform JSON, with
 * no constructs, in a fresh process. `node --import tsx test/bench/serialise-once.ts DUMP OUT`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';

const [dumpFile, out] = process.argv.slice(2);
const { manifests, terraform } = JSON.parse(readFileSync(dumpFile!, 'utf8')) as { manifests: Record<string, any[]>; terraform: unknown };
const started = performance.now();
for (const [app, objects] of Object.entries(manifests)) {
  mkdirSync(join(out!, app), { recursive: true });
  for (const object of objects) writeFileSync(join(out!, app, `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`), stringify(object));
}
mkdirSync(join(out!, 'tf'), { recursive: true });
writeFileSync(join(out!, 'tf', 'cdk.tf.json'), JSON.stringify(terraform, null, 2));
const serialiseMs = performance.now() - started;
console.log(JSON.stringify({ serialiseMs, totalMs: performance.now(), maxRssKb: process.resourceUsage().maxRSS }));
