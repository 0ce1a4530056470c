import { describe, expect, it } from '@jest/globals';
import { POLICY_PACK } from '../../../../constructs/policy/pack.js';
import type { PolicyRule, RuleLevel } from '../../../../constructs/policy/rule.js';
import { RuleIds } from '../../../../constructs/policy/rule-ids.js';
import { containerProbes } from '../../../../constructs/policy/rules/container-probes.js';
import { containerResources } from '../../../../constructs/policy/rules/container-resources.js';
import { gatewayToolBudget } from '../../../../constructs/policy/rules/gateway-tool-budget.js';
import { gpuToleration } from '../../../../constructs/policy/rules/gpu-toleration.js';
import { networkPolicyCoverage } from '../../../../constructs/policy/rules/network-policy-coverage.js';
import { noSecretValues } from '../../../../constructs/policy/rules/no-secret-values.js';
import { pinnedImage } from '../../../../constructs/policy/rules/pinned-image.js';
import { podDisruptionBudget } from '../../../../constructs/policy/rules/pod-disruption-budget.js';
import { podSecurityRestricted } from '../../../../constructs/policy/rules/pod-security-restricted.js';
import { readOnlyRootFilesystem } from '../../../../constructs/policy/rules/read-only-root-filesystem.js';
import { serviceAccountToken } from '../../../../constructs/policy/rules/service-account-token.js';
import { serviceSelectorMatchesPod } from '../../../../constructs/policy/rules/service-selector-matches-pod.js';

/** Each rule, its id and its level: errors fail synth, warnings are only reported. */
const RULES: ReadonlyArray<readonly [PolicyRule, string, RuleLevel]> = [
  [podSecurityRestricted, RuleIds.podSecurityRestricted, 'error'],
  [containerResources, RuleIds.resources, 'error'],
  [containerProbes, RuleIds.probes, 'error'],
  [pinnedImage, RuleIds.pinnedImage, 'error'],
  [readOnlyRootFilesystem, RuleIds.readOnlyRootFilesystem, 'error'],
  [serviceAccountToken, RuleIds.serviceAccountToken, 'error'],
  [networkPolicyCoverage, RuleIds.networkPolicyCoverage, 'error'],
  [podDisruptionBudget, RuleIds.podDisruptionBudget, 'error'],
  [noSecretValues, RuleIds.noSecretValues, 'error'],
  [serviceSelectorMatchesPod, RuleIds.serviceSelector, 'error'],
  [gpuToleration, RuleIds.gpuToleration, 'error'],
  [gatewayToolBudget, RuleIds.toolBudget, 'warning'],
];

/** What each rule's explanation tells the author to do to comply. */
const HOW_TO_COMPLY: ReadonlyArray<readonly [PolicyRule, readonly string[]]> = [
  [podSecurityRestricted, ['is rejected at admission', 'Set allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile RuntimeDefault, capabilities.drop [ALL]']],
  [containerResources, ['one leaking MCP server can take the node down', 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.']],
  [containerProbes, ['Without a readiness probe', 'Add both; Jobs and plain init containers are exempt.']],
  [pinnedImage, ['changes under a running cluster', 'Pin a version tag (or a sha256 digest).']],
  [readOnlyRootFilesystem, ['persist tools of its own', 'Set securityContext.readOnlyRootFilesystem: true']],
  [serviceAccountToken, ['granted to all of them', 'Give the pod its own ServiceAccount, or set automountServiceAccountToken: false.']],
  [networkPolicyCoverage, ['accepts traffic from anywhere', 'Render a NetworkPolicy whose podSelector matches the pod']],
  [podDisruptionBudget, ['may evict them all at once', 'Render a PodDisruptionBudget (maxUnavailable: 1) whose selector matches the pods.']],
  [noSecretValues, ['a leaked credential', 'Reference an existing Secret (secretKeyRef)']],
  [serviceSelectorMatchesPod, ['has no endpoints', 'Make the selector match the pod template labels', 'Selector-less Services (external endpoints) are exempt.']],
  [gpuToleration, ['GPU nodes are tainted', 'Remove the toleration, or request the GPU resource.']],
  [gatewayToolBudget, ['Small models choose badly', 'per-server endpoint (/mcp/<server>)', 'makes the count unknown', 'npm run preflight -- --write-tools']],
];

describe('rule levels and ids', () => {
  it.each(RULES.map(([rule, id, level]) => [id, level, rule] as const))('%s is an %s', (id, level, rule) => {
    // GIVEN the rule WHEN its id and level are read THEN a finding fails synth exactly when the level is error
    expect(rule.id).toBe(id);
    expect(rule.level).toBe(level);
  });

  it('covers the whole pack', () => {
    expect(new Set(RULES.map(([rule]) => rule))).toEqual(new Set(POLICY_PACK));
  });
});

describe('rule descriptions and explanations', () => {
  it.each(RULES.map(([rule]) => [rule.id, rule] as const))('%s has a one-line description and a whole explanation', (_id, rule) => {
    // THEN the description is one sentence, and the explanation whole sentences (no part left out of its concatenation)
    expect(rule.description).toMatch(/^[A-Z][^\n]*\.$/);
    expect(rule.explanation).toMatch(/^[A-Z][^\n]*\.$/);
    expect(rule.explanation).not.toMatch(/ {2}|\. [a-z]/);
    expect(rule.explanation.length).toBeGreaterThan(rule.description.length);
  });

  it.each(HOW_TO_COMPLY.map(([rule, phrases]) => [rule.id, rule, phrases] as const))('%s says why it matters and how to comply', (_id, rule, phrases) => {
    for (const phrase of phrases) expect(rule.explanation).toContain(phrase);
  });
});
