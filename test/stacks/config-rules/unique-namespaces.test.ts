import { describe, expect, it } from '@jest/globals';
import { uniqueNamespaces } from '../../../stacks/config-rules/unique-namespaces.js';
import { configOf, minimal } from './support.js';

describe('config rule unique-namespaces', () => {
  it('passes the defaults: the platform, Argo CD and each operator in a namespace of its own', () => {
    expect(uniqueNamespaces.check(configOf(minimal))).toEqual([]);
  });

  it('refuses two operators in one namespace, naming the second and the first', () => {
    expect(uniqueNamespaces.check(configOf({ ...minimal, operators: { kmcp: { namespace: 'mcp-operators' }, toolhive: { namespace: 'mcp-operators' } } }))).toEqual([
      {
        path: 'operators.toolhive.namespace',
        message:
          '"mcp-operators" is also the kmcp operator\'s namespace (operators.kmcp.namespace): the bootstrap layer creates the toolhive operator\'s namespace itself, ' +
          'so Terraform would create one namespace twice; give it a namespace of its own',
      },
    ]);
  });

  it('refuses an operator in the platform namespace and one in the namespace of the running Argo CD', () => {
    const problems = uniqueNamespaces.check(configOf({ ...minimal, operators: { kmcp: { namespace: 'mcp-system' }, toolhive: { namespace: 'argocd' } } }));
    expect(problems.map((p) => p.path)).toEqual(['operators.kmcp.namespace', 'operators.toolhive.namespace']);
    expect(problems[0].message).toMatch(/^"mcp-system" is also the platform namespace \(namespace\)/);
    expect(problems[1].message).toMatch(/^"argocd" is also the namespace of the Argo CD that already runs \(argocd\.namespace\)/);
  });

  it('refuses the platform in the Argo CD namespace, and says Argo CD\'s namespace when it installs Argo CD', () => {
    expect(uniqueNamespaces.check(configOf({ ...minimal, namespace: 'argocd' })).map((p) => p.path)).toEqual(['argocd.namespace']);
    const installed = uniqueNamespaces.check(configOf({ ...minimal, argocd: { install: true }, operators: { kmcp: { namespace: 'argocd' } } }));
    expect(installed[0].message).toMatch(/^"argocd" is also Argo CD's namespace/);
  });

  it('ignores a disabled operator', () => {
    expect(uniqueNamespaces.check(configOf({ ...minimal, operators: { kmcp: { enabled: false, namespace: 'toolhive-system' } } }))).toEqual([]);
  });
});
