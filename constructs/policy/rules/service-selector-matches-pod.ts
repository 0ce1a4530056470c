import { RuleIds } from '../rule-ids.js';
import { complianceOf, NOT_APPLICABLE, type Manifest, type PolicyRule } from '../rule.js';
import { namespaceOf, podTemplateOf, selectorMatches, type PodTemplate } from '../workload.js';

/** Pod templates of the rendered objects by namespace, computed once per check run (every Service needs them). */
const templatesOf = new WeakMap<readonly Manifest[], Map<string, PodTemplate[]>>();
function podTemplatesByNamespace(objects: readonly Manifest[]): Map<string, PodTemplate[]> {
  let index = templatesOf.get(objects);
  if (!index) {
    index = new Map();
    for (const object of objects) {
      const template = podTemplateOf(object);
      if (!template) continue;
      const list = index.get(namespaceOf(object)) ?? [];
      list.push(template);
      index.set(namespaceOf(object), list);
    }
    templatesOf.set(objects, index);
  }
  return index;
}

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
    const pods = podTemplatesByNamespace(objects)
      .get(namespaceOf(manifest))
      ?.filter((p) => selectorMatches({ matchLabels: selector }, p.labels)) ?? [];
    if (!pods.length) return complianceOf([`selector ${JSON.stringify(selector)} matches no rendered pod`]);
    // Endpoints need the name and the protocol to match (both default to TCP).
    const named = new Set(
      pods.flatMap((p) => (p.spec.containers ?? []).flatMap((c: Manifest) => (c.ports ?? []).map((port: Manifest) => `${port.name}/${port.protocol ?? 'TCP'}`))),
    );
    const reasons = ((manifest.spec?.ports ?? []) as Manifest[])
      .filter((port) => typeof port.targetPort === 'string' && !named.has(`${port.targetPort}/${port.protocol ?? 'TCP'}`))
      .map((port) => `port ${port.port} targets "${port.targetPort}" (${port.protocol ?? 'TCP'}), which no selected container declares`);
    return complianceOf(reasons);
  },
};
