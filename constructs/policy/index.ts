/** The policy pack: rules every rendered object is checked against, and the hook that makes synth fail on them. */
export { POLICY_PACK } from './pack.js';
export { checkPolicies, enforcePolicies, type CheckedObject, type Finding, type PolicyResult, type SuppressedFinding } from './policy-checker.js';
export type { PolicyRule } from './rule.js';
export { RuleIds, type RuleId } from './rule-ids.js';
export { suppressPolicy, type PolicySuppression } from './suppressions.js';
