import { describe, expect, it } from '@jest/globals';
import { OPERATORS } from '../../../constructs/bootstrap/operator-charts.js';
import { OperatorRelease } from '../../../constructs/bootstrap/operator-release.js';
import { resourcesOf, synthStack } from '../../support/terraform.js';

describe('OperatorRelease', () => {
  it('installs the CRDs chart before the controller, both pinned, into their own namespace', () => {
    const { tf } = synthStack((stack) => new OperatorRelease(stack, 'kmcp', { operator: OPERATORS.kmcp, version: '0.3.0', namespace: 'kmcp-system' }));
    const releases = tf.resource.helm_release as Record<string, Record<string, any>>;
    const [crdsId, crds] = Object.entries(releases).find(([, r]) => r.chart === 'kmcp-crds')!;
    const [, controller] = Object.entries(releases).find(([, r]) => r.chart === 'kmcp')!;
    expect([crds.version, controller.version, controller.namespace]).toEqual(['0.3.0', '0.3.0', 'kmcp-system']);
    expect(controller.depends_on).toContain(`helm_release.${crdsId}`);
    expect(crds.depends_on.some((d: string) => d.startsWith('helm_release.'))).toBe(false);
  });

  it('creates its namespace first, at the Pod Security level the operator needs', () => {
    const { tf } = synthStack((stack) => new OperatorRelease(stack, 'gpu', { operator: OPERATORS.nvidiaGpu, version: 'v26.7.0', namespace: 'gpu-operator' }));
    const [namespaceId] = Object.keys(tf.resource.kubernetes_namespace_v1);
    expect(tf.resource.kubernetes_namespace_v1[namespaceId].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(resourcesOf(tf, 'helm_release')[0].depends_on).toEqual([`kubernetes_namespace_v1.${namespaceId}`]);
  });

  it('makes releases atomic with a 600 s timeout by default', () => {
    const { tf } = synthStack((stack) => new OperatorRelease(stack, 'cnpg', { operator: OPERATORS.cloudnativePg, version: '0.29.0', namespace: 'cnpg-system' }));
    expect(resourcesOf(tf, 'helm_release')[0]).toMatchObject({ atomic: true, cleanup_on_fail: true, timeout: 600, repository: 'https://cloudnative-pg.github.io/charts' });
  });

  it('rejects a version range, naming the release and the fix', () => {
    expect(() =>
      synthStack((stack) => new OperatorRelease(stack, 'cnpg', { operator: OPERATORS.cloudnativePg, version: '~0.29', namespace: 'cnpg-system' })),
    ).toThrow('OperatorRelease cnpg: version "~0.29" is not an exact chart version; pin one such as "1.2.3".');
  });
});

describe('OperatorRelease values', () => {
  const release = (tf: Record<string, any>, chart: string) => Object.values(tf.resource.helm_release as Record<string, any>).find((r) => r.chart === chart);

  it('passes values to the operator chart only, as JSON, and none by default', () => {
    const { tf } = synthStack((stack) => new OperatorRelease(stack, 'kmcp', { operator: OPERATORS.kmcp, version: '0.3.0', namespace: 'kmcp-system', values: { controller: { replicaCount: 2 } } }));
    expect(release(tf, 'kmcp').values).toEqual(['{"controller":{"replicaCount":2}}']);
    expect(release(tf, 'kmcp-crds').values).toBeUndefined();
    const plain = synthStack((stack) => new OperatorRelease(stack, 'kmcp', { operator: OPERATORS.kmcp, version: '0.3.0', namespace: 'kmcp-system' })).tf;
    expect(release(plain, 'kmcp').values).toBeUndefined();
  });

  it("refuses values the chart's values.schema.json refuses, naming the key", () => {
    expect(() =>
      synthStack((stack) => new OperatorRelease(stack, 'cnpg', { operator: OPERATORS.cloudnativePg, version: '0.29.0', namespace: 'cnpg-system', values: { replicaCount: 'two' } })),
    ).toThrow('OperatorRelease cnpg: values do not fit chart cloudnative-pg 0.29.0:\n  - replicaCount: must be integer (cloudnative-pg 0.29.0 values.schema.json)');
  });

  it('says whether the values were checked', () => {
    let checked: OperatorRelease | undefined;
    let unchecked: OperatorRelease | undefined;
    synthStack((stack) => {
      checked = new OperatorRelease(stack, 'cnpg', { operator: OPERATORS.cloudnativePg, version: '0.29.0', namespace: 'cnpg-system', values: { replicaCount: 2 } });
      unchecked = new OperatorRelease(stack, 'kmcp', { operator: OPERATORS.kmcp, version: '0.3.0', namespace: 'kmcp-system', values: { controller: { replicaCount: 2 } } });
    });
    expect([checked!.valuesValidated, unchecked!.valuesValidated]).toEqual([true, false]);
  });
});
