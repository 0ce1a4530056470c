import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';
import { namespaceOf, podTemplateOf, selectorMatches } from '../workload.js';

/** A PodDisruptionBudget covers every workload with two or more replicas. */
export const podDisruptionBudget: PolicyRule = {
  id: RuleIds.podDisruptionBudget,
  level: 'error',
  description: 'Workloads with two or more replicas have a PodDisruptionBudget.',
  explanation:
    'Replicas exist to keep a service up; without a PodDisruptionBudget a node drain may evict them all at once. ' +
    'Render a PodDisruptionBudget (maxUnavailable: 1) whose selector matches the pods.',
  check(manifest, { objects }) {
    const pod = podTemplateOf(manifest);
    if (!pod || pod.replicas === undefined || pod.replicas < 2) return NOT_APPLICABLE;
    const covered = objects.some(
      (o) => o.kind === 'PodDisruptionBudget' && namespaceOf(o) === namespaceOf(manifest) && selectorMatches(o.spec?.selector, pod.labels),
    );
    return complianceOf(covered ? [] : [`${pod.replicas} replicas and no PodDisruptionBudget selects them`]);
  },
};
