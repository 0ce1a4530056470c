import { describe, expect, it } from '@jest/globals';
import { ArgoCdProject } from '../../../constructs/argocd/argocd-project.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';

describe('ArgoCdProject', () => {
  it('allows one repository, the named namespaces plus the Argo CD one, and no cluster resources', () => {
    const chart = testChart('argocd');
    new ArgoCdProject(chart, 'project', { name: 'mcp-platform', repoUrl: 'https://github.com/me/gitops.git', namespaces: ['mcp-system'] });
    const project = only(render(chart), 'AppProject');
    expect(project.spec.sourceRepos).toEqual(['https://github.com/me/gitops.git']);
    expect(project.spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      { server: 'https://kubernetes.default.svc', namespace: 'mcp-system' },
    ]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
  });

  it('allows the named namespaces of another cluster, and the Argo CD namespace of its own for the child Applications', () => {
    for (const destination of [{ name: 'monitoring' }, { server: 'https://10.0.0.5:6443' }]) {
      const chart = testChart('argocd');
      new ArgoCdProject(chart, 'project', { name: 'p', repoUrl: 'https://github.com/me/gitops.git', namespaces: ['mcp-system', 'apps'], destination });
      const project = only(render(chart), 'AppProject');
      expect(project.spec.destinations).toEqual([
        { ...destination, namespace: 'apps' },
        { ...destination, namespace: 'mcp-system' },
        { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      ]);
      expect(new SchemaValidator().validate(project)).toEqual([]);
    }
  });

  it('treats Argo CD\'s in-cluster by name as the cluster it runs in', () => {
    const chart = testChart('argocd');
    new ArgoCdProject(chart, 'project', { name: 'p', repoUrl: 'https://github.com/me/gitops.git', namespaces: ['mcp-system'], destination: { name: 'in-cluster' } });
    expect(only(render(chart), 'AppProject').spec.destinations).toEqual([
      { name: 'in-cluster', namespace: 'argocd' },
      { name: 'in-cluster', namespace: 'mcp-system' },
    ]);
  });

  it('refuses Argo CD\'s own default project and a name that is no AppProject name', () => {
    const build = (name: string) => () => new ArgoCdProject(testChart('argocd'), 'project', { name, repoUrl: 'https://github.com/me/gitops.git', namespaces: ['mcp-system'] });
    expect(build('default')).toThrow(
      'ArgoCdProject project:\n  - name "default" must not be "default": that is Argo CD\'s own project, which every Application without a project uses; the platform would narrow it to its one repository and namespaces, and it cannot be deleted. Use a name of its own such as "mcp-platform"',
    );
    expect(build('My Project')).toThrow('ArgoCdProject project:\n  - name "My Project" must be an AppProject name: a DNS-1123 subdomain such as "mcp-platform"');
    expect(build('defaults')).not.toThrow();
    expect(() => new ArgoCdProject(testChart('argocd'), 'project', { name: 'p', repoUrl: 'https://u:p@github.com/me/gitops.git', namespaces: ['mcp-system'] })).toThrow(
      "ArgoCdProject project:\n  - repoUrl must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is: Argo CD reads the repository's credentials from its repository Secret",
    );
  });

  it('allows only the cluster-scoped kinds it is given', () => {
    const chart = testChart('argocd');
    new ArgoCdProject(chart, 'project', {
      name: 'mcp-platform',
      repoUrl: 'https://github.com/me/gitops.git',
      namespaces: ['mcp-system'],
      clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
    });
    const project = only(render(chart), 'AppProject');
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }]);
    expect(new SchemaValidator().validate(project)).toEqual([]);
  });

  it('lives in the Argo CD namespace it is given, and is valid against the Argo CD CRD', () => {
    const chart = testChart('gitops');
    new ArgoCdProject(chart, 'project', { name: 'p', argocdNamespace: 'gitops', repoUrl: 'git@github.com:me/gitops.git', namespaces: ['gitops', 'a'] });
    const project = only(render(chart), 'AppProject');
    expect(project.metadata.namespace).toBe('gitops');
    expect(project.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(['a', 'gitops']);
    expect(new SchemaValidator().validate(project)).toEqual([]);
  });
});
