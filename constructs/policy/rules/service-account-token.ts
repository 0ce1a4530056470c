import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type PolicyRule } from '../rule.js';
import { namespaceOf, podTemplateOf } from '../workload.js';

/** No pod runs as the namespace's default ServiceAccount with its API token mounted. */
export const serviceAccountToken: PolicyRule = {
  id: RuleIds.serviceAccountToken,
  level: 'error',
  description: 'Pods do not mount a token of the default ServiceAccount.',
  explanation:
    'Every pod in a namespace shares the default ServiceAccount, so a role bound to it is granted to all of them. ' +
    'Give the pod its own ServiceAccount, or set automountServiceAccountToken: false.',
  check(manifest, { objects }) {
    const pod = podTemplateOf(manifest);
    if (!pod) return NOT_APPLICABLE;
    const account = pod.spec.serviceAccountName ?? 'default';
    if (account !== 'default') return complianceOf([]);
    const defaultAccount = objects.find(
      (o) => o.kind === 'ServiceAccount' && o.metadata?.name === 'default' && namespaceOf(o) === namespaceOf(manifest),
    );
    const mounted = pod.spec.automountServiceAccountToken ?? defaultAccount?.automountServiceAccountToken ?? true;
    return complianceOf(mounted ? ['pod runs as the default ServiceAccount with its token mounted'] : []);
  },
};
