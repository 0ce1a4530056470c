import { describe, expect, it } from '@jest/globals';
import { Chart } from 'cdk8s';
import { clusterScoped } from '../../constructs/cluster-scoped.js';
import { k8s } from 'cdk8s-plus-33';
import { render, testApp, testChart } from '../support/charts.js';

describe('clusterScoped', () => {
  it("drops the chart's namespace from the object and leaves the rest as it was", () => {
    const chart = testChart('mcp-system');
    clusterScoped(new k8s.KubeClusterRole(chart, 'role', { metadata: { name: 'reader', labels: { a: 'b' } }, rules: [] }));
    new k8s.KubeRole(chart, 'namespaced', { metadata: { name: 'reader' }, rules: [] });
    const [clusterRole, role] = render(chart);
    expect(clusterRole!.metadata).toEqual({ name: 'reader', labels: { a: 'b' } });
    expect(role!.metadata).toEqual({ name: 'reader', namespace: 'mcp-system' });
  });

  it('renders an object in a chart without a namespace as it is', () => {
    const chart = new Chart(testApp(), 'cluster', { disableResourceNameHashes: true });
    clusterScoped(new k8s.KubeClusterRole(chart, 'role', { metadata: { name: 'reader' }, rules: [] }));
    expect(render(chart)[0]!.metadata).toEqual({ name: 'reader' });
  });
});
