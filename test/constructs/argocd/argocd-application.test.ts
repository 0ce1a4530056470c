import { describe, expect, it } from '@jest/globals';
import { ArgoCdApplication } from '../../../constructs/argocd/argocd-application.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';

const required = { name: 'lab-platform', project: 'mcp-platform', repoUrl: 'https://github.com/me/gitops.git', path: 'apps/platform', destinationNamespace: 'mcp-system' };

describe('ArgoCdApplication', () => {
  it('applies its documented defaults: argocd namespace, main, wave 0, automated prune and self-heal', () => {
    const chart = testChart('argocd');
    new ArgoCdApplication(chart, 'app', required);
    const app = only(render(chart), 'Application');
    expect(app.metadata.namespace).toBe('argocd');
    expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
    expect(app.spec.source).toEqual({ repoURL: 'https://github.com/me/gitops.git', targetRevision: 'main', path: 'apps/platform' });
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('deploys to the cluster Argo CD runs in by default, or to a registered cluster by name or server', () => {
    const destinationOf = (destination?: { name: string } | { server: string }) => {
      const chart = testChart('argocd');
      new ArgoCdApplication(chart, 'app', { ...required, ...(destination ? { destination } : {}) });
      const app = only(render(chart), 'Application');
      expect(new SchemaValidator().validate(app)).toEqual([]);
      return app.spec.destination;
    };
    expect(destinationOf()).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'mcp-system' });
    expect(destinationOf({ name: 'monitoring' })).toEqual({ name: 'monitoring', namespace: 'mcp-system' });
    expect(destinationOf({ server: 'https://10.0.0.5:6443' })).toEqual({ server: 'https://10.0.0.5:6443', namespace: 'mcp-system' });
  });

  it('refuses a repository URL with a credential in it', () => {
    expect(() => new ArgoCdApplication(testChart('argocd'), 'app', { ...required, repoUrl: 'https://me:ghp_abc@github.com/me/gitops.git' })).toThrow(
      "ArgoCdApplication app:\n  - repoUrl must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is: Argo CD reads the repository's credentials from its repository Secret",
    );
    expect(() => new ArgoCdApplication(testChart('argocd'), 'app', { ...required, repoUrl: 'ssh://git@github.com/me/gitops.git' })).not.toThrow();
  });

  it('never creates namespaces (the bootstrap layer owns them) and deletes what it synced', () => {
    const chart = testChart('argocd');
    new ArgoCdApplication(chart, 'app', required);
    const app = only(render(chart), 'Application');
    expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=false');
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  it('syncs manually when autoSync is false, and is valid against the Argo CD CRD', () => {
    const chart = testChart('argocd');
    new ArgoCdApplication(chart, 'app', { ...required, autoSync: false, syncWave: 5, revision: 'v1.0.0' });
    const app = only(render(chart), 'Application');
    expect(app.spec.syncPolicy.automated).toBeUndefined();
    expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('5');
    expect(new SchemaValidator().validate(app)).toEqual([]);
  });
});
