import { RuleIds } from '../rule-ids.js';
import { complianceOf, type Manifest, type PolicyRule } from '../rule.js';
import { containersOf, podTemplateOf } from '../workload.js';

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** `<NAME>_FILE` set to an absolute path: where a mounted credential is, not the credential (the `_FILE` convention). */
const isCredentialFilePath = (env: Manifest) => /_FILE$/i.test(env.name) && /^\/[^\s]*$/.test(env.value);

/** No Secret carries data, and no container gets a credential as a literal env value. */
export const noSecretValues: PolicyRule = {
  id: RuleIds.noSecretValues,
  level: 'error',
  description: 'No secret values in the rendered output.',
  explanation:
    'Rendered manifests are committed to the Argo CD repository, so a value in them is a leaked credential. ' +
    'Reference an existing Secret (secretKeyRef), an ExternalSecret or an InfisicalSecret instead.',
  check(manifest) {
    const reasons: string[] = [];
    if (manifest.kind === 'Secret') {
      for (const field of ['data', 'stringData']) {
        const keys = Object.keys(manifest[field] ?? {});
        if (keys.length) reasons.push(`Secret carries values in ${field} (${keys.join(', ')})`);
      }
    }
    const pod = podTemplateOf(manifest);
    for (const { container, label } of pod ? containersOf(pod.spec) : []) {
      for (const env of (container.env ?? []) as Manifest[]) {
        if (env.value !== undefined && env.value !== '' && SECRET_NAME.test(env.name) && !isCredentialFilePath(env)) {
          reasons.push(`${label} sets ${env.name} to a literal value; use valueFrom.secretKeyRef`);
        }
      }
    }
    return complianceOf(reasons);
  },
};
