import { describe, expect, it } from '@jest/globals';
import { ArgoCdRoot } from '../../../constructs/bootstrap/argocd-root.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { resourcesOf, synthStack } from '../../support/terraform.js';

const props = { project: 'mcp-platform', name: 'lab-mcp-platform', repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp/argocd', namespaces: ['mcp-system'] };

describe('ArgoCdRoot', () => {
  it('installs the project and the app-of-apps through argocd-apps, keyed by name as chart 2.x expects', () => {
    const { tf } = synthStack((stack) => new ArgoCdRoot(stack, 'root', props));
    const release = resourcesOf(tf, 'helm_release')[0];
    expect(release).toMatchObject({ chart: 'argocd-apps', version: '2.0.4', namespace: 'argocd', repository: 'https://argoproj.github.io/argo-helm' });
    const values = JSON.parse(release.values[0]);
    expect(values.applications['lab-mcp-platform']).toMatchObject({ project: 'mcp-platform', source: { path: 'apps/mcp/argocd', targetRevision: 'main' } });
    expect(values.projects['mcp-platform'].sourceRepos).toEqual(['https://github.com/me/gitops.git']);
  });

  it('renders objects that are valid against the Argo CD CRDs', () => {
    let root!: ArgoCdRoot;
    synthStack((stack) => (root = new ArgoCdRoot(stack, 'root', props)));
    const validator = new SchemaValidator();
    expect(validator.validate(root.project)).toEqual([]);
    expect(validator.validate(root.application)).toEqual([]);
  });

  it('allows the project no cluster-scoped resources and only the named namespaces plus Argo CD', () => {
    let root!: ArgoCdRoot;
    synthStack((stack) => (root = new ArgoCdRoot(stack, 'root', props)));
    expect(root.project.spec.clusterResourceWhitelist).toEqual([]);
    expect(root.project.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(['argocd', 'mcp-system']);
  });
});
