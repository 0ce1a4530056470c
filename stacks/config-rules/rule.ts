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
  check(config: PlatformConfig): ConfigProblem[];
}
