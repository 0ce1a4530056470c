import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';

/**
 * A rule over the whole loaded config (servers folder included) that no single field's schema can check:
 * names, namespaces and references that span parts. Each rule is one file; `index.ts` lists them.
 */
export interface ConfigRule {
  readonly id: string;
  /** One line: what the rule guarantees. */
  readonly description: string;
  /**
   * The rule is about names two parts would share: while it fails, the constructs would report the same
   * clash again in other words (two scrape targets, two objects of one name), so their problems are left out.
   */
  readonly namesParts?: boolean;
  check(config: PlatformConfig): ConfigProblem[];
}
