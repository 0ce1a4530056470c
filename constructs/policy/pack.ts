import type { PolicyRule } from './rule.js';
import { containerProbes } from './rules/container-probes.js';
import { gatewayToolBudget } from './rules/gateway-tool-budget.js';
import { gpuToleration } from './rules/gpu-toleration.js';
import { containerResources } from './rules/container-resources.js';
import { networkPolicyCoverage } from './rules/network-policy-coverage.js';
import { noSecretValues } from './rules/no-secret-values.js';
import { pinnedImage } from './rules/pinned-image.js';
import { podDisruptionBudget } from './rules/pod-disruption-budget.js';
import { podSecurityRestricted } from './rules/pod-security-restricted.js';
import { readOnlyRootFilesystem } from './rules/read-only-root-filesystem.js';
import { serviceAccountToken } from './rules/service-account-token.js';
import { serviceSelectorMatchesPod } from './rules/service-selector-matches-pod.js';

/** The platform's rule pack: every rendered object is checked against each of these at synth. */
export const POLICY_PACK: readonly PolicyRule[] = [
  podSecurityRestricted,
  containerResources,
  containerProbes,
  pinnedImage,
  readOnlyRootFilesystem,
  serviceAccountToken,
  networkPolicyCoverage,
  podDisruptionBudget,
  noSecretValues,
  serviceSelectorMatchesPod,
  gpuToleration,
  gatewayToolBudget,
];

/** The rule with this id, or undefined. */
export function ruleById(id: string, pack: readonly PolicyRule[] = POLICY_PACK): PolicyRule | undefined {
  return pack.find((rule) => rule.id === id);
}
