import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { POLICY_PACK } from './pack.js';
import type { Manifest, PolicyRule, RuleLevel } from './rule.js';
import { suppressionFor } from './suppressions.js';

/** A rendered object and, when it came from a construct, that construct (suppressions live there). */
export interface CheckedObject {
  /** The object as rendered. */
  readonly manifest: Manifest;
  /** The construct that rendered it. @default none: no suppression applies, and its findings have no path */
  readonly source?: IConstruct;
}

/** One rule an object does not comply with. */
export interface Finding {
  /** The rule's id. */
  readonly ruleId: string;
  /** The rule's level: errors fail synth, warnings are reported. */
  readonly level: RuleLevel;
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Why the object does not comply. */
  readonly reasons: readonly string[];
  /** Construct path, when known. @default none (the object came without its construct) */
  readonly path?: string;
}

/** A finding a suppression on the construct (or a scope above it) set aside. */
export interface SuppressedFinding extends Finding {
  /** The reason the suppression gives. */
  readonly suppressionReason: string;
}

/** What checking the objects found: the findings that count, and the suppressed ones for the report. */
export interface PolicyResult {
  /** Findings no suppression covers. */
  readonly findings: readonly Finding[];
  /** Findings a suppression covers. */
  readonly suppressed: readonly SuppressedFinding[];
}

/** `Kind namespace/name` for messages. */
export function describeObject(manifest: Manifest): string {
  const ns = manifest.metadata?.namespace;
  return `${manifest.kind} ${ns ? `${ns}/` : ''}${manifest.metadata?.name}`;
}

/** Runs every rule over every object; cross-object rules see all objects. */
export function checkPolicies(objects: readonly CheckedObject[], pack: readonly PolicyRule[] = POLICY_PACK): PolicyResult {
  const context = { objects: objects.map((o) => o.manifest) };
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const { manifest, source } of objects) {
    for (const rule of pack) {
      const result = rule.check(manifest, context);
      if (result.status !== 'non-compliant') continue;
      const finding: Finding = { ruleId: rule.id, level: rule.level, object: describeObject(manifest), reasons: result.reasons, path: source?.node.path };
      const suppression = source && suppressionFor(source, rule.id);
      if (suppression) suppressed.push({ ...finding, suppressionReason: suppression.reason });
      else findings.push(finding);
    }
  }
  return { findings, suppressed };
}

/** The rendered ApiObjects under a scope, each with its construct. */
export function apiObjectsOf(scope: IConstruct): CheckedObject[] {
  return scope.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((apiObject) => ({ manifest: apiObject.toJson(), source: apiObject }));
}

/**
 * Makes synth of a cdk8s chart or app fail on policy errors, for anyone using the constructs in an app
 * of their own: cdk8s runs this validation in `app.synth()`.
 */
export function enforcePolicies(scope: IConstruct, pack: readonly PolicyRule[] = POLICY_PACK): void {
  scope.node.addValidation({
    validate: () =>
      checkPolicies(apiObjectsOf(scope), pack)
        .findings.filter((f) => f.level === 'error')
        .map((f) => `[${f.ruleId}] ${f.object}: ${f.reasons.join('; ')}`),
  });
}
