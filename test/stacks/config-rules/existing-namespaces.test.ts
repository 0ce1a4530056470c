import { describe, expect, it } from '@jest/globals';
import { existingNamespaces } from '../../../stacks/config-rules/existing-namespaces.js';
import { CONFIG_RULES } from '../../../stacks/config-rules/index.js';
import { configOf, minimal } from './support.js';

describe('config rule existing-namespaces', () => {
  it('is one of the rules synth runs', () => {
    expect(CONFIG_RULES).toContain(existingNamespaces);
  });

  it('passes the defaults', () => {
    expect(existingNamespaces.check(configOf(minimal))).toEqual([]);
  });

  it('refuses the platform in the default namespace, naming the field and the default to use', () => {
    expect(existingNamespaces.check(configOf({ ...minimal, namespace: 'default' }))).toEqual([
      {
        path: 'namespace',
        message:
          '"default" is the namespace every cluster starts with, which exists before the bootstrap runs: Terraform creates this namespace itself, so its apply would fail ' +
          '(and its destroy would delete the namespace); use a namespace of its own, such as "mcp-system"',
      },
    ]);
  });

  it.each(['kube-system', 'kube-public', 'kube-node-lease'])('refuses an operator in %s', (namespace) => {
    const problems = existingNamespaces.check(configOf({ ...minimal, operators: { toolhive: { namespace } } }));
    expect(problems.map((p) => p.path)).toEqual(['operators.toolhive.namespace']);
    expect(problems[0].message).toMatch(new RegExp(`^"${namespace}" is .*such as "toolhive-system"$`));
  });

  it('refuses an installed Argo CD in kube-system, and lets an Argo CD that already runs there be', () => {
    expect(existingNamespaces.check(configOf({ ...minimal, argocd: { install: true, namespace: 'kube-system' } })).map((p) => p.path)).toEqual(['argocd.namespace']);
    expect(existingNamespaces.check(configOf({ ...minimal, argocd: { namespace: 'kube-system' } }))).toEqual([]);
  });

  it("refuses the namespace Prometheus runs in only when the config says Prometheus runs", () => {
    const withPrometheus = existingNamespaces.check(configOf({ ...minimal, namespace: 'monitoring', monitoring: { prometheusOperator: true } }));
    expect(withPrometheus).toHaveLength(1);
    expect(withPrometheus[0].message).toMatch(/^"monitoring" is the namespace Prometheus runs in \(monitoring\.namespace\)/);
    // The suggestion is never the namespace it refuses.
    const inDefault = existingNamespaces.check(configOf({ ...minimal, monitoring: { prometheusOperator: true, namespace: 'mcp-system' } }));
    expect(inDefault[0].message).toMatch(/such as "mcp-system-2"$/);
    expect(existingNamespaces.check(configOf({ ...minimal, namespace: 'monitoring' }))).toEqual([]);
  });

  it('ignores a disabled operator, whose namespace is not created', () => {
    expect(existingNamespaces.check(configOf({ ...minimal, operators: { nvidiaGpu: { namespace: 'kube-system' } } }))).toEqual([]);
  });
});
