/** A Kubernetes object as rendered: plain JSON. */
export type Manifest = Record<string, any>;

/** What a rule finds for one object. */
export type Compliance =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable' }
  | { readonly status: 'non-compliant'; readonly reasons: readonly string[] };

export const COMPLIANT: Compliance = { status: 'compliant' };
export const NOT_APPLICABLE: Compliance = { status: 'not-applicable' };

/** Compliant when there are no reasons, non-compliant with them otherwise. */
export function complianceOf(reasons: readonly string[]): Compliance {
  return reasons.length ? { status: 'non-compliant', reasons } : COMPLIANT;
}

/** Errors fail synth; warnings are reported. */
export type RuleLevel = 'error' | 'warning';

/** Everything rendered alongside the object under check (rules that look across objects use it). */
export interface RuleContext {
  readonly objects: readonly Manifest[];
}

/** One policy rule: a pure function of the rendered object (and its neighbours). */
export interface PolicyRule {
  /** Stable id, e.g. "MCP-PinnedImage": suppressions and reports name the rule by it. */
  readonly id: string;
  /** Whether a finding fails synth (error) or is reported (warning). */
  readonly level: RuleLevel;
  /** One line: what the rule requires. */
  readonly description: string;
  /** Why it matters and how to comply. */
  readonly explanation: string;
  /** Checks one object; `context` holds every rendered object, for rules that look across them. */
  readonly check: (manifest: Manifest, context: RuleContext) => Compliance;
}
