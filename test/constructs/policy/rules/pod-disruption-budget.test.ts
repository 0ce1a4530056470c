import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../../../constructs/policy/rule.js';
import { podDisruptionBudget as podDisruptionBudgetRule } from '../../../../constructs/policy/rules/pod-disruption-budget.js';
import { compliantDeployment, compliantWorkload, configMap, inNamespace, podDisruptionBudget } from '../../../support/manifests.js';

/** Checks `workload` rendered with `neighbours`. */
const check = (workload: Manifest, ...neighbours: Manifest[]) => podDisruptionBudgetRule.check(workload, { objects: [workload, ...neighbours] });

describe('pod disruption budget rule', () => {
  it('does not apply to a single replica', () => {
    // GIVEN a one-replica Deployment without a PodDisruptionBudget WHEN checked THEN the rule does not apply
    expect(check(compliantDeployment({ replicas: 1 }))).toEqual({ status: 'not-applicable' });
  });

  it('rejects two replicas without a PodDisruptionBudget', () => {
    // GIVEN a two-replica Deployment and no PodDisruptionBudget
    // WHEN checked
    const result = check(compliantDeployment({ replicas: 2 }));
    // THEN the replica count is named
    expect(result).toEqual({ status: 'non-compliant', reasons: ['2 replicas and no PodDisruptionBudget selects them'] });
  });

  it('accepts two replicas a PodDisruptionBudget selects', () => {
    // GIVEN a PodDisruptionBudget selecting app=demo WHEN checked THEN it passes
    expect(check(compliantDeployment({ replicas: 2 }), podDisruptionBudget())).toEqual({ status: 'compliant' });
  });

  it('does not count a PodDisruptionBudget selecting other labels', () => {
    // GIVEN a PodDisruptionBudget selecting app=other WHEN checked THEN the replicas are uncovered
    const result = check(compliantDeployment({ replicas: 2 }), podDisruptionBudget({ app: 'other' }));
    expect(result).toEqual({ status: 'non-compliant', reasons: ['2 replicas and no PodDisruptionBudget selects them'] });
  });

  it('does not count a PodDisruptionBudget in another namespace', () => {
    // GIVEN a matching PodDisruptionBudget in namespace "other" WHEN checked THEN the replicas are uncovered
    const result = check(compliantDeployment({ replicas: 2 }), inNamespace(podDisruptionBudget(), 'other'));
    expect(result).toEqual({ status: 'non-compliant', reasons: ['2 replicas and no PodDisruptionBudget selects them'] });
  });

  it('checks StatefulSets too', () => {
    // GIVEN a three-replica StatefulSet without a PodDisruptionBudget WHEN checked THEN it is rejected
    const result = check(compliantWorkload('StatefulSet', { replicas: 3 }));
    expect(result).toEqual({ status: 'non-compliant', reasons: ['3 replicas and no PodDisruptionBudget selects them'] });
  });

  it('does not count a PodDisruptionBudget without a selector, nor another kind with a matching selector', () => {
    // GIVEN a PodDisruptionBudget with no spec, and a ReplicaSet-like object selecting app=demo
    const bare = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'bare', namespace: 'mcp-system' } };
    const other = { apiVersion: 'example.com/v1', kind: 'DisruptionBudget', metadata: { name: 'x', namespace: 'mcp-system' }, spec: { selector: { matchLabels: { app: 'demo' } } } };
    // WHEN checked THEN the replicas are uncovered
    const result = check(compliantDeployment({ replicas: 2 }), bare, other);
    expect(result).toEqual({ status: 'non-compliant', reasons: ['2 replicas and no PodDisruptionBudget selects them'] });
  });

  it('applies to a Deployment without a replica count only when it sets one of two or more', () => {
    // GIVEN a Deployment that leaves replicas unset (one replica) WHEN checked THEN the rule does not apply
    const deployment = compliantDeployment();
    delete deployment.spec.replicas;
    expect(check(deployment)).toEqual({ status: 'not-applicable' });
  });

  it('does not apply to a DaemonSet', () => {
    // GIVEN a DaemonSet (one pod per node) without a PodDisruptionBudget WHEN checked THEN the rule does not apply
    expect(check(compliantWorkload('DaemonSet'))).toEqual({ status: 'not-applicable' });
  });

  it('does not apply to objects without pods', () => {
    expect(check(configMap())).toEqual({ status: 'not-applicable' });
  });
});
