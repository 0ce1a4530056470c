import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../../../constructs/policy/rule.js';
import { networkPolicyCoverage } from '../../../../constructs/policy/rules/network-policy-coverage.js';
import { compliantDeployment, configMap, inNamespace, networkPolicy } from '../../../support/manifests.js';

/** Checks the compliant Deployment (labels app=demo) rendered with `neighbours`. */
function check(...neighbours: Manifest[]) {
  const deployment = compliantDeployment();
  return networkPolicyCoverage.check(deployment, { objects: [deployment, ...neighbours] });
}

/** networkPolicy() with its podSelector replaced. */
const policySelecting = (podSelector: Manifest): Manifest => ({ ...networkPolicy(), spec: { ...networkPolicy().spec, podSelector } });

const UNCOVERED = { status: 'non-compliant', reasons: ['no NetworkPolicy in namespace "mcp-system" selects this pod'] };

describe('network policy coverage rule', () => {
  it('accepts a pod a NetworkPolicy selects by matchLabels', () => {
    // GIVEN a NetworkPolicy selecting app=demo WHEN checked THEN the pod is covered
    expect(check(networkPolicy())).toEqual({ status: 'compliant' });
  });

  it('rejects a pod no NetworkPolicy selects', () => {
    // GIVEN no NetworkPolicy rendered
    // WHEN checked
    const result = check();
    // THEN the namespace is named
    expect(result).toEqual(UNCOVERED);
  });

  it('rejects a pod when the NetworkPolicy selects other labels', () => {
    // GIVEN a NetworkPolicy selecting app=other WHEN checked THEN the pod is not covered
    expect(check(networkPolicy({ app: 'other' }))).toEqual(UNCOVERED);
  });

  it.each([
    ['In a set holding the value', { key: 'app', operator: 'In', values: ['demo', 'other'] }, 'compliant'],
    ['In a set without the value', { key: 'app', operator: 'In', values: ['other'] }, 'non-compliant'],
    ['NotIn a set without the value', { key: 'app', operator: 'NotIn', values: ['other'] }, 'compliant'],
    ['NotIn a set holding the value', { key: 'app', operator: 'NotIn', values: ['demo'] }, 'non-compliant'],
    ['NotIn on a label the pod lacks', { key: 'tier', operator: 'NotIn', values: ['db'] }, 'compliant'],
    ['Exists on a label the pod has', { key: 'app', operator: 'Exists' }, 'compliant'],
    ['Exists on a label the pod lacks', { key: 'tier', operator: 'Exists' }, 'non-compliant'],
    ['DoesNotExist on a label the pod lacks', { key: 'tier', operator: 'DoesNotExist' }, 'compliant'],
    ['DoesNotExist on a label the pod has', { key: 'app', operator: 'DoesNotExist' }, 'non-compliant'],
  ])('matchExpressions %s => %s', (_case, expression, status) => {
    // GIVEN a NetworkPolicy selecting by one expression
    const policy = policySelecting({ matchExpressions: [expression] });
    // WHEN checked THEN the pod is covered only when the expression holds for app=demo
    expect(check(policy).status).toBe(status);
  });

  it('does not count a NetworkPolicy in another namespace', () => {
    // GIVEN a matching NetworkPolicy in namespace "other" WHEN checked THEN the pod is not covered
    expect(check(inNamespace(networkPolicy(), 'other'))).toEqual(UNCOVERED);
  });

  it('counts an empty podSelector as selecting every pod in the namespace', () => {
    // GIVEN a default-deny style NetworkPolicy with podSelector {} WHEN checked THEN the pod is covered
    expect(check(policySelecting({}))).toEqual({ status: 'compliant' });
  });

  it('counts only NetworkPolicies, not another kind with a podSelector', () => {
    // GIVEN a Cilium policy (another kind) whose podSelector would select every pod, and a NetworkPolicy without a spec
    const other = { apiVersion: 'example.com/v1', kind: 'ClusterwideNetworkPolicy', metadata: { name: 'x', namespace: 'mcp-system' }, spec: { podSelector: {} } };
    const empty = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'empty', namespace: 'mcp-system' } };
    // WHEN checked THEN neither covers the pod
    expect(check(other, empty)).toEqual(UNCOVERED);
  });

  it('names the empty namespace of a pod without one', () => {
    const deployment = { ...compliantDeployment(), metadata: { name: 'demo' } };
    expect(networkPolicyCoverage.check(deployment, { objects: [deployment] })).toEqual({
      status: 'non-compliant',
      reasons: ['no NetworkPolicy in namespace "" selects this pod'],
    });
  });

  it('does not apply to objects without pods', () => {
    expect(networkPolicyCoverage.check(configMap(), { objects: [] })).toEqual({ status: 'not-applicable' });
  });
});
