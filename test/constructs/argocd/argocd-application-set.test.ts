import { describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { ArgoCdApplication } from '../../../constructs/argocd/argocd-application.js';
import { ArgoCdApplicationSet, goTemplateLiteral } from '../../../constructs/argocd/argocd-application-set.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';

const required = {
  name: 'lab-mcp-platform',
  project: 'mcp-platform',
  repoUrl: 'https://github.com/me/gitops.git',
  path: 'apps/mcp',
  applicationPrefix: 'lab',
  destinationNamespace: 'mcp-system',
};

function applicationSet(props: Partial<typeof required> & Record<string, unknown> = {}) {
  const chart = testChart('argocd');
  new ArgoCdApplicationSet(chart, 'apps', { ...required, ...props });
  return only(render(chart), 'ApplicationSet');
}

/**
 * The Application the generator makes for one folder, with the two parameters the template uses put in the
 * way Argo CD's git directory generator (v3.5.1 applicationset/generators/git.go) sets them: `.path.path` the
 * folder's path, `.path.basename` its last part. Not Argo CD's renderer: a substitution of exactly those two.
 */
function generated(set: Record<string, any>, folder: string): Record<string, any> {
  const fill = (value: unknown): unknown =>
    typeof value === 'string'
      ? value.replaceAll('{{.path.path}}', folder).replaceAll('{{.path.basename}}', folder.split('/').pop()!)
      : Array.isArray(value)
        ? value.map(fill)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]))
          : value;
  const app = fill(set.spec.template) as Record<string, any>;
  const patch = parseYaml(set.spec.templatePatch) as Record<string, any>;
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...app, metadata: { ...app.metadata, ...patch.metadata, namespace: set.metadata.namespace } };
}

describe('ArgoCdApplicationSet', () => {
  it('is valid against the ApplicationSet CRD of Argo CD v3.5.1', () => {
    expect(new SchemaValidator().validate(applicationSet())).toEqual([]);
    expect(new SchemaValidator().validate(applicationSet({ destination: { name: 'monitoring' }, exclude: ['argocd'], autoSync: false, revision: 'v1' }))).toEqual([]);
  });

  it('generates from the folders under path with go templates that fail on a missing parameter', () => {
    const set = applicationSet({ exclude: ['argocd'] });
    expect(set.metadata).toMatchObject({ name: 'lab-mcp-platform', namespace: 'argocd' });
    expect(set.spec.goTemplate).toBe(true);
    expect(set.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(set.spec.generators).toEqual([
      {
        git: {
          repoURL: 'https://github.com/me/gitops.git',
          revision: 'main',
          directories: [{ path: 'apps/mcp/*' }, { path: 'apps/mcp/argocd', exclude: true }],
        },
      },
    ]);
  });

  it('makes for each folder the Application app of apps renders for it, finalizer and sync policy included', () => {
    const set = applicationSet();
    const chart = testChart('argocd');
    new ArgoCdApplication(chart, 'database', { ...required, name: 'lab-database', path: 'apps/mcp/database' });
    const appOfApps = only(render(chart), 'Application');
    const made = generated(set, 'apps/mcp/database');
    expect(new SchemaValidator().validate(made)).toEqual([]);
    expect(made.metadata.name).toBe('lab-database');
    expect(made.metadata.finalizers).toEqual(appOfApps.metadata.finalizers);
    expect(made.spec).toEqual({ ...appOfApps.spec, source: { ...appOfApps.spec.source, repoURL: 'https://github.com/me/gitops.git' } });
    // The one difference: no sync wave, since the generator makes them all at once.
    expect(made.metadata.annotations).toBeUndefined();
  });

  it('deploys to the cluster Argo CD runs in by default, or to a registered one', () => {
    expect(applicationSet().spec.template.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'mcp-system' });
    expect(applicationSet({ destination: { server: 'https://10.0.0.5:6443' } }).spec.template.spec.destination).toEqual({ server: 'https://10.0.0.5:6443', namespace: 'mcp-system' });
  });

  it('syncs automatically by default, and only when asked otherwise', () => {
    expect(applicationSet().spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(applicationSet({ autoSync: false }).spec.template.spec.syncPolicy.automated).toBeUndefined();
  });

  it('escapes "{{" in its own strings, which the controller would read as a template, and leaves the two parameters', () => {
    expect(goTemplateLiteral('release-{{x}}')).toBe('release-{{"{{"}}x}}');
    expect(goTemplateLiteral('a }} b')).toBe('a }} b');
    const set = applicationSet({ revision: 'release-{{x}}', destination: { server: 'https://{{host}}:6443' } });
    expect(set.spec.template.spec.source).toEqual({ repoURL: 'https://github.com/me/gitops.git', targetRevision: 'release-{{"{{"}}x}}', path: '{{.path.path}}' });
    expect(set.spec.template.spec.destination.server).toBe('https://{{"{{"}}host}}:6443');
    // The generator's own fields are not templates: the revision it reads goes in as written.
    expect(set.spec.generators[0].git.revision).toBe('release-{{x}}');
  });

  it('refuses credentials in the repository URL', () => {
    expect(() => applicationSet({ repoUrl: 'https://me:hunter2@github.com/me/gitops.git' })).toThrow(
      "ArgoCdApplicationSet apps:\n  - repoUrl must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is: Argo CD reads the repository's credentials from its repository Secret",
    );
  });
});
