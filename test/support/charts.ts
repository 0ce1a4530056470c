import { Chart, Testing } from 'cdk8s';
import type { Manifest } from '../../constructs/policy/rule.js';

/** A fresh chart in a test app, objects in `namespace`. */
export function testChart(namespace = 'mcp-system'): Chart {
  return new Chart(Testing.app(), 'test', { namespace, disableResourceNameHashes: true });
}

/** The rendered objects of a chart. */
export function render(chart: Chart): Manifest[] {
  return Testing.synth(chart);
}

/** The one rendered object of a kind (and name, when given); fails the test when there is not exactly one. */
export function only(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}
