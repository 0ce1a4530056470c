import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import type { Manifest } from '../../constructs/policy/rule.js';

/**
 * An app whose charts are rendered in memory (`chart.toJson()`). cdk8s's `Testing.app()` makes a temporary
 * folder on every call and never removes it (hundreds per run); only `App.synth()` writes to the outdir, so
 * this one names a folder that is never created.
 */
export function testApp(): App {
  return new App({ outdir: join(tmpdir(), 'mcp-platform-test-app-never-written') });
}

/** A fresh chart in a test app, objects in `namespace`. */
export function testChart(namespace = 'mcp-system'): Chart {
  return new Chart(testApp(), 'test', { namespace, disableResourceNameHashes: true });
}

/** The rendered objects of a chart. */
export function render(chart: Chart): Manifest[] {
  return chart.toJson();
}

/** The one rendered object of a kind (and name, when given); fails the test when there is not exactly one. */
export function only(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}
