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
    expect(validator.validate(root.application!)).toEqual([]);
  });

  it('allows the project no cluster-scoped resources and only the named namespaces plus Argo CD', () => {
    let root!: ArgoCdRoot;
    synthStack((stack) => (root = new ArgoCdRoot(stack, 'root', props)));
    expect(root.project.spec.clusterResourceWhitelist).toEqual([]);
    expect(root.project.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(['argocd', 'mcp-system']);
  });
});

describe('ArgoCdRoot with an ApplicationSet', () => {
  const withSet = { ...props, applicationSet: { path: 'apps/mcp', exclude: ['argocd'], applicationPrefix: 'lab', destinationNamespace: 'mcp-system' } };

  it('installs the project and the ApplicationSet instead of the root Application', () => {
    let root!: ArgoCdRoot;
    const { tf } = synthStack((stack) => (root = new ArgoCdRoot(stack, 'root', withSet)));
    const values = JSON.parse(resourcesOf(tf, 'helm_release')[0].values[0]);
    expect(Object.keys(values).sort()).toEqual(['applicationsets', 'projects']);
    expect(root.application).toBeUndefined();
    expect(new SchemaValidator().validate(root.applicationSet!)).toEqual([]);
    expect(values.applicationsets['lab-mcp-platform'].generators[0].git.directories).toEqual([{ path: 'apps/mcp/*' }, { path: 'apps/mcp/argocd', exclude: true }]);
  });

  it('gives the argocd-apps chart only keys its 2.0.4 applicationsets template renders', () => {
    const { tf } = synthStack((stack) => new ArgoCdRoot(stack, 'root', withSet));
    const entry = JSON.parse(resourcesOf(tf, 'helm_release')[0].values[0]).applicationsets['lab-mcp-platform'];
    // argoproj/argo-helm argocd-apps-2.0.4, charts/argocd-apps/templates/applicationsets.yaml.
    const rendered = ['additionalAnnotations', 'additionalLabels', 'namespace', 'finalizers', 'goTemplate', 'goTemplateOptions', 'generators', 'ignoreApplicationDifferences', 'strategy', 'syncPolicy', 'template', 'templatePatch'];
    expect(Object.keys(entry).filter((k) => !rendered.includes(k))).toEqual([]);
    expect(Object.keys(entry.template.metadata).filter((k) => !['annotations', 'labels', 'name', 'namespace'].includes(k))).toEqual([]);
    expect(Object.keys(entry.template.spec).filter((k) => !['project', 'source', 'sources', 'destination', 'syncPolicy', 'ignoreDifferences', 'info'].includes(k))).toEqual([]);
  });
});
