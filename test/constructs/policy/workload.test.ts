import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { containersOf, namespaceOf, podTemplateOf, selectorMatches } from '../../../constructs/policy/workload.js';
import { compliantDeployment, compliantPod, compliantWorkload, configMap } from '../../support/manifests.js';

const LABELS = { app: 'demo' };
const ANNOTATIONS = { 'example.com/note': 'x' };
const SPEC = { containers: [{ name: 'app', image: 'ghcr.io/example/app:1.2.3' }] };
/** A pod template with labels, annotations and a spec. */
const TEMPLATE = { metadata: { labels: LABELS, annotations: ANNOTATIONS }, spec: SPEC };

describe('podTemplateOf', () => {
  it('GIVEN a Pod THEN its own metadata and spec are the template, and it runs long (restartPolicy Always by default)', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'mcp-system', labels: LABELS, annotations: ANNOTATIONS }, spec: SPEC };
    expect(podTemplateOf(pod)).toEqual({ labels: LABELS, annotations: ANNOTATIONS, spec: SPEC, longRunning: true, namespace: 'mcp-system' });
  });

  it.each([
    ['Never', false],
    ['OnFailure', false],
    ['Always', true],
  ])('GIVEN a Pod with restartPolicy %s THEN longRunning is %s', (restartPolicy, longRunning) => {
    expect(podTemplateOf(compliantPod({ podSpec: { restartPolicy } }))?.longRunning).toBe(longRunning);
  });

  it('GIVEN a Pod without metadata or spec THEN labels, annotations and spec are empty and the namespace is ""', () => {
    expect(podTemplateOf({ apiVersion: 'v1', kind: 'Pod' })).toEqual({ labels: {}, annotations: {}, spec: {}, longRunning: true, namespace: '' });
  });

  it.each(['Deployment', 'StatefulSet', 'ReplicaSet'])('GIVEN a %s THEN its template runs long with its replicas', (kind) => {
    const manifest = { apiVersion: 'apps/v1', kind, metadata: { name: 'd', namespace: 'ns' }, spec: { replicas: 3, template: TEMPLATE } };
    expect(podTemplateOf(manifest)).toEqual({ labels: LABELS, annotations: ANNOTATIONS, spec: SPEC, longRunning: true, replicas: 3, namespace: 'ns' });
  });

  it('GIVEN a Deployment without replicas THEN it keeps one (the Kubernetes default)', () => {
    const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: TEMPLATE } };
    expect(podTemplateOf(manifest)?.replicas).toBe(1);
  });

  it('GIVEN a Deployment without spec or metadata THEN the template is empty, with one replica, in namespace ""', () => {
    expect(podTemplateOf({ apiVersion: 'apps/v1', kind: 'Deployment' })).toEqual({ labels: {}, annotations: {}, spec: {}, longRunning: true, replicas: 1, namespace: '' });
  });

  it('GIVEN a template without metadata THEN labels and annotations are empty', () => {
    const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: SPEC } } };
    expect(podTemplateOf(manifest)).toEqual({ labels: {}, annotations: {}, spec: SPEC, longRunning: true, replicas: 1, namespace: '' });
  });

  it('GIVEN a DaemonSet THEN it runs long with no replica count (one pod per node)', () => {
    const manifest = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: 'ns' }, spec: { template: TEMPLATE } };
    const template = podTemplateOf(manifest);
    expect(template).toEqual({ labels: LABELS, annotations: ANNOTATIONS, spec: SPEC, longRunning: true, replicas: undefined, namespace: 'ns' });
  });

  it('GIVEN a Job THEN it runs to completion with no replica count', () => {
    const manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ns' }, spec: { template: TEMPLATE } };
    expect(podTemplateOf(manifest)).toEqual({ labels: LABELS, annotations: ANNOTATIONS, spec: SPEC, longRunning: false, replicas: undefined, namespace: 'ns' });
  });

  it('GIVEN a CronJob THEN the template is that of its jobTemplate, run to completion', () => {
    const manifest = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'ns' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: TEMPLATE } } } };
    expect(podTemplateOf(manifest)).toEqual({ labels: LABELS, annotations: ANNOTATIONS, spec: SPEC, longRunning: false, replicas: undefined, namespace: 'ns' });
  });

  it.each([
    ['Job without spec', { apiVersion: 'batch/v1', kind: 'Job' }],
    ['CronJob without spec', { apiVersion: 'batch/v1', kind: 'CronJob' }],
    ['CronJob without a jobTemplate spec', { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: {} } }],
    ['CronJob without a pod template', { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: {} } } }],
    ['DaemonSet without spec', { apiVersion: 'apps/v1', kind: 'DaemonSet' }],
  ])('GIVEN a %s THEN the template is empty', (_name, manifest) => {
    expect(podTemplateOf(manifest)).toEqual(expect.objectContaining({ labels: {}, annotations: {}, spec: {}, namespace: '' }));
  });

  it('GIVEN objects that run no pod THEN it is undefined', () => {
    expect(podTemplateOf(configMap())).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'v1', kind: 'Service' })).toBeUndefined();
  });
});

describe('containersOf', () => {
  it('GIVEN containers, init and ephemeral containers THEN each is listed in that order with its list and label', () => {
    const app = { name: 'app' };
    const migrate = { name: 'migrate' };
    const debug = { name: 'debug' };
    expect(containersOf({ ephemeralContainers: [debug], initContainers: [migrate], containers: [app] })).toEqual([
      { container: app, list: 'containers', label: 'container "app"' },
      { container: migrate, list: 'initContainers', label: 'init container "migrate"' },
      { container: debug, list: 'ephemeralContainers', label: 'ephemeral container "debug"' },
    ]);
  });

  it('GIVEN a spec without containers THEN there are none', () => {
    expect(containersOf({})).toEqual([]);
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'demo', tier: 'web' };

  it('GIVEN no selector THEN it selects nothing', () => {
    expect(selectorMatches(undefined, labels)).toBe(false);
  });

  it('GIVEN an empty selector THEN it selects everything', () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({}, {})).toBe(true);
  });

  it('GIVEN matchLabels THEN every pair must match', () => {
    expect(selectorMatches({ matchLabels: { app: 'demo', tier: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'demo', tier: 'db' } }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'other', tier: 'web' } }, labels)).toBe(false);
  });

  it('GIVEN matchLabels and matchExpressions THEN both must hold', () => {
    expect(selectorMatches({ matchLabels: { app: 'demo' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'demo' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'other' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, labels)).toBe(false);
  });

  it('GIVEN several expressions THEN every one must hold', () => {
    const first = { key: 'app', operator: 'Exists' };
    const second = { key: 'tier', operator: 'DoesNotExist' };
    expect(selectorMatches({ matchExpressions: [first, second] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [second, first] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [first, { key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  });

  it('GIVEN In or NotIn without values THEN the set is empty', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'In' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'NotIn' }] }, labels)).toBe(true);
  });

  it('GIVEN In on a label the pod lacks THEN it does not match, even when the set holds no value of it', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, labels)).toBe(false);
  });

  it('GIVEN an operator Kubernetes does not know THEN it selects nothing', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['demo'] }] }, labels)).toBe(false);
  });

  it("GIVEN a key that is only an Object prototype property THEN the pod does not have that label", () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'toString', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  });
});

describe('namespaceOf', () => {
  it('GIVEN an object with or without a namespace THEN it is the namespace or ""', () => {
    expect(namespaceOf(compliantDeployment())).toBe('mcp-system');
    expect(namespaceOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } })).toBe('');
    expect(namespaceOf({ apiVersion: 'v1', kind: 'List' } as Manifest)).toBe('');
  });

  it('GIVEN workloads of every kind in mcp-system THEN their template is in mcp-system', () => {
    for (const kind of ['StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const) expect(podTemplateOf(compliantWorkload(kind))?.namespace).toBe('mcp-system');
  });
});
