import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';
import { namespaceOf, podTemplateOf, selectorMatches } from '../workload.js';

/** Some NetworkPolicy in the pod's namespace selects it. */
export const networkPolicyCoverage: PolicyRule = {
  id: RuleIds.networkPolicyCoverage,
  level: 'error',
  description: 'Every pod is selected by a NetworkPolicy.',
  explanation:
    'A pod no NetworkPolicy selects accepts traffic from anywhere in the cluster and may call anything. ' +
    'Render a NetworkPolicy whose podSelector matches the pod (the namespace guardrails deny all by default).',
  check(manifest, { objects }) {
    const pod = podTemplateOf(manifest);
    if (!pod) return NOT_APPLICABLE;
    const covered = objects.some(
      (o) => o.kind === 'NetworkPolicy' && namespaceOf(o) === namespaceOf(manifest) && selectorMatches(o.spec?.podSelector, pod.labels),
    );
    return complianceOf(covered ? [] : [`no NetworkPolicy in namespace "${namespaceOf(manifest)}" selects this pod`]);
  },
};
