import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type Manifest, type PolicyRule } from '../rule.js';
import { namespaceOf, podTemplateOf, selectorMatches } from '../workload.js';

/** A Service with a selector selects some rendered pod, and its named target ports exist on it. */
export const serviceSelectorMatchesPod: PolicyRule = {
  id: RuleIds.serviceSelector,
  level: 'error',
  description: 'Services select a rendered pod and target ports it has.',
  explanation:
    'A Service whose selector matches no pod has no endpoints: the gateway and discovery see a server that never answers. ' +
    'Make the selector match the pod template labels, and name target ports the containers declare. Selector-less Services (external endpoints) are exempt.',
  check(manifest, { objects }) {
    if (manifest.kind !== 'Service') return NOT_APPLICABLE;
    const selector: Record<string, string> = manifest.spec?.selector ?? {};
    if (!Object.keys(selector).length || manifest.spec?.type === 'ExternalName') return NOT_APPLICABLE;
    const pods = objects
      .filter((o) => namespaceOf(o) === namespaceOf(manifest))
      .map(podTemplateOf)
      .filter((p) => p && selectorMatches({ matchLabels: selector }, p.labels));
    if (!pods.length) return complianceOf([`selector ${JSON.stringify(selector)} matches no rendered pod`]);
    // Endpoints need the name and the protocol to match (both default to TCP).
    const named = new Set(
      pods.flatMap((p) => (p!.spec.containers ?? []).flatMap((c: Manifest) => (c.ports ?? []).map((port: Manifest) => `${port.name}/${port.protocol ?? 'TCP'}`))),
    );
    const reasons = ((manifest.spec?.ports ?? []) as Manifest[])
      .filter((port) => typeof port.targetPort === 'string' && !named.has(`${port.targetPort}/${port.protocol ?? 'TCP'}`))
      .map((port) => `port ${port.port} targets "${port.targetPort}" (${port.protocol ?? 'TCP'}), which no selected container declares`);
    return complianceOf(reasons);
  },
};
