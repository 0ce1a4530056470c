import { describe, expect, it } from '@jest/globals';
import { PlatformNamespace } from '../../../constructs/bootstrap/platform-namespace.js';
import { NamespaceV1 } from '../../../constructs/terraform.js';
import { expectTerraform, resourcesOf, synthStack } from '../../support/terraform.js';

describe('PlatformNamespace', () => {
  it('enforces Pod Security "restricted" by default, with audit and warn', () => {
    const { json } = synthStack((stack) => new PlatformNamespace(stack, 'ns', { name: 'mcp-system' }));
    expectTerraform(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: {
        name: 'mcp-system',
        labels: expect.objectContaining({
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        }),
      },
    });
  });

  it('keeps audit and warn at restricted when enforce is looser, and labels the managing Argo CD', () => {
    const { tf } = synthStack((stack) => new PlatformNamespace(stack, 'ns', { name: 'gpu', podSecurity: 'privileged', managedByArgoCd: 'argocd' }));
    const labels = resourcesOf(tf, 'kubernetes_namespace_v1')[0].metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(labels['argocd.argoproj.io/managed-by']).toBe('argocd');
  });

  it('adds no Argo CD label unless asked', () => {
    const { tf } = synthStack((stack) => new PlatformNamespace(stack, 'ns', { name: 'mcp-system' }));
    expect(resourcesOf(tf, 'kubernetes_namespace_v1')[0].metadata.labels).not.toHaveProperty('argocd.argoproj.io/managed-by');
  });
});
