import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/**
 * The bootstrap layer creates the platform namespace and one namespace per enabled operator (and Argo CD's
 * when it installs Argo CD), each as its own Terraform resource with its own Pod Security level. Two of
 * them with one name would be created twice (Terraform's apply fails on the second), and an operator in
 * the platform namespace would sit behind the platform's default-deny policies and quota. An Argo CD that
 * is already running owns its namespace, which Terraform must not create again.
 */
export const uniqueNamespaces: ConfigRule = {
  id: 'unique-namespaces',
  description: 'The platform, each enabled operator and Argo CD have namespaces of their own.',
  check(config: PlatformConfig): ConfigProblem[] {
    const owners: { path: string; what: string; namespace: string }[] = [
      { path: 'namespace', what: 'the platform namespace', namespace: config.namespace },
      { path: 'argocd.namespace', what: config.argocd.install ? "Argo CD's namespace" : "the namespace of the Argo CD that already runs", namespace: config.argocd.namespace },
    ];
    for (const name of Object.keys(config.operators) as (keyof PlatformConfig['operators'])[]) {
      const operator = config.operators[name];
      if (operator.enabled) owners.push({ path: `operators.${name}.namespace`, what: `the ${name} operator's namespace`, namespace: operator.namespace });
    }
    const problems: ConfigProblem[] = [];
    const first = new Map<string, (typeof owners)[number]>();
    for (const owner of owners) {
      const earlier = first.get(owner.namespace);
      if (!earlier) {
        first.set(owner.namespace, owner);
        continue;
      }
      problems.push({
        path: owner.path,
        message:
          `"${owner.namespace}" is also ${earlier.what} (${earlier.path}): the bootstrap layer creates ${owner.what} itself, ` +
          'so Terraform would create one namespace twice; give it a namespace of its own',
      });
    }
    return problems;
  },
};
