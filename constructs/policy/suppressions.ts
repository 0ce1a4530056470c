import type { IConstruct } from 'constructs';
import { POLICY_PACK, ruleById } from './pack.js';

const METADATA_TYPE = 'mcp-platform/policy-suppression';
/** A reason shorter than this is not a reason a reviewer can check. */
export const MIN_REASON_LENGTH = 20;

/** A rule set aside for a construct and everything under it, with the reason. */
export interface PolicySuppression {
  /** The rule suppressed. */
  readonly ruleId: string;
  /** Why the rule does not apply here (at least MIN_REASON_LENGTH characters). */
  readonly reason: string;
}

/**
 * Suppresses a policy rule for a construct and everything under it. The reason is required, must say
 * why in words a reviewer can check, and is printed in every synth report.
 */
export function suppressPolicy(scope: IConstruct, ruleId: string, reason: string): void {
  if (!ruleById(ruleId)) {
    throw new Error(`Cannot suppress unknown policy rule "${ruleId}" on ${scope.node.path || 'the app'}; known rules: ${POLICY_PACK.map((r) => r.id).join(', ')}.`);
  }
  if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`Suppressing ${ruleId} on ${scope.node.path || 'the app'} needs a reason of at least ${MIN_REASON_LENGTH} characters explaining why the rule does not apply.`);
  }
  scope.node.addMetadata(METADATA_TYPE, { ruleId, reason: reason.trim() } satisfies PolicySuppression);
}

/** The suppression of `ruleId` that applies to a construct (set on it or on a scope above it). */
export function suppressionFor(construct: IConstruct, ruleId: string): PolicySuppression | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const entry = scope.node.metadata.find((m) => m.type === METADATA_TYPE && (m.data as PolicySuppression).ruleId === ruleId);
    if (entry) return entry.data as PolicySuppression;
  }
  return undefined;
}
