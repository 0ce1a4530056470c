import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';
import { existingNamespaces } from './existing-namespaces.js';
import { gatewayModels } from './gateway-models.js';
import { gatewayRoutes } from './gateway-routes.js';
import { gpuVendor } from './gpu-vendor.js';
import { kmcpWholeSecrets } from './kmcp-whole-secrets.js';
import { operatorObjectNames } from './operator-object-names.js';
import { outsideHosts } from './outside-hosts.js';
import { partNames } from './part-names.js';
import { reservedServerNames } from './reserved-server-names.js';
import type { ConfigRule } from './rule.js';
import { triageAddress } from './triage-address.js';
import { uniqueNamespaces } from './unique-namespaces.js';

/** Every config rule, run on the loaded config before anything renders. */
export const CONFIG_RULES: readonly ConfigRule[] = [uniqueNamespaces, existingNamespaces, reservedServerNames, operatorObjectNames, partNames, gatewayRoutes, gatewayModels, gpuVendor, outsideHosts, triageAddress, kmcpWholeSecrets];

/** The problems of every rule, in rule order; `namesParts` when a rule about shared names found some. */
export function configRuleProblems(config: PlatformConfig, rules: readonly ConfigRule[] = CONFIG_RULES): ConfigProblem[] & { namesParts?: boolean } {
  const problems: ConfigProblem[] & { namesParts?: boolean } = [];
  for (const rule of rules) {
    const found = rule.check(config);
    problems.push(...found);
    if (found.length && rule.namesParts) problems.namesParts = true;
  }
  return problems;
}
