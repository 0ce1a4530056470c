import { literalArgCredentialReasons, literalCredentialReason, literalValueCredentialReason } from '../../secrets/credential-shape.js';
import { RuleIds } from '../rule-ids.js';
import { complianceOf, type Manifest, type PolicyRule } from '../rule.js';
import { containersOf, podTemplateOf } from '../workload.js';

/**
 * No Secret carries data, and no container gets a credential as a literal env value (a credential by its name or
 * by its value's shape, see credential-shape.ts: the same test the MCP server props apply to `env`), nor in its
 * command or args (a value of a credential shape, or a flag that names a credential with a literal value).
 */
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
        const credential = env.value === undefined || env.value === null ? undefined : literalCredentialReason(String(env.name), String(env.value));
        if (credential) reasons.push(`${label} sets ${env.name} to a literal value, and ${env.name} ${credential}: use valueFrom.secretKeyRef instead`);
      }
      for (const [i, word] of ((container.command ?? []) as unknown[]).entries()) {
        const credential = literalValueCredentialReason(String(word));
        if (credential) reasons.push(`${label} command[${i}] ${credential}: pass it in an env var from a secretKeyRef and write "$(NAME)" there`);
      }
      for (const { index, reason } of literalArgCredentialReasons(((container.args ?? []) as unknown[]).map(String))) {
        reasons.push(`${label} args[${index}] ${reason}: pass it in an env var from a secretKeyRef and write "$(NAME)" there`);
      }
    }
    return complianceOf(reasons);
  },
};
