import { describe, expect, it } from '@jest/globals';
import { diffTrees, HIDDEN, HIDDEN_CHANGED, isEmptyDiff, yamlPathAt, type ObjectChange } from '../../../stacks/diff/manifest-diff.js';
import { formatDiffMarkdown, formatDiffText, summaryLine } from '../../../stacks/diff/format-diff.js';
import { objectKey, type RenderedTree } from '../../../stacks/diff/rendered-tree.js';

type Manifest = Record<string, any>;

const tree = (apps: Record<string, Manifest[]>): RenderedTree => new Map(Object.entries(apps).map(([app, objects]) => [app, new Map(objects.map((o) => [objectKey(o), o]))]));

const deployment = (overrides: { image?: string; replicas?: number; namespace?: string; name?: string } = {}): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: overrides.name ?? 'web', namespace: overrides.namespace ?? 'mcp', labels: { app: 'web' } },
  spec: {
    replicas: overrides.replicas ?? 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'sidecar', image: 'busybox:1.37', args: ['sleep', 'infinity'] },
          { name: 'mcp-server', image: overrides.image ?? 'node:24.19.0-alpine3.24', args: ['a', 'b', 'c', 'd', 'e'], ports: [{ name: 'mcp', containerPort: 3000 }] },
        ],
      },
    },
  },
});
const configMap = (data: Record<string, string>, namespace = 'mcp'): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace }, data });
const secret = (data: Record<string, string>): Manifest => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'mcp' }, type: 'Opaque', data });

const only = (changes: readonly ObjectChange[]) => {
  expect(changes).toHaveLength(1);
  return changes[0];
};

describe('objectKey', () => {
  it('names an object by API group, kind, namespace and name, without the version', () => {
    expect(objectKey(deployment())).toBe('apps/Deployment mcp/web');
    expect(objectKey(configMap({}))).toBe('ConfigMap mcp/settings');
    expect(objectKey({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } })).toBe('rbac.authorization.k8s.io/ClusterRole reader');
  });
});

describe('diffTrees', () => {
  it('is empty for equal trees, whatever the key order', () => {
    const reordered = { kind: 'ConfigMap', data: { b: '2', a: '1' }, metadata: { namespace: 'mcp', name: 'settings' }, apiVersion: 'v1' };
    const diff = diffTrees(tree({ app: [configMap({ a: '1', b: '2' })] }), tree({ app: [reordered] }));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff.unchanged).toBe(1);
    expect(diff.apps[0].status).toBe('unchanged');
    expect(summaryLine(diff)).toBe('no change: 1 app and 1 object unchanged');
  });

  it('lists added, removed and changed objects per application', () => {
    const base = tree({ web: [deployment(), configMap({ a: '1' })], old: [configMap({ x: '1' }, 'legacy')] });
    const head = tree({ web: [deployment({ replicas: 3 }), { ...configMap({}), metadata: { name: 'extra', namespace: 'mcp' } }], fresh: [configMap({ y: '1' })] });
    const diff = diffTrees(base, head);
    expect(diff.apps.map((a) => [a.app, a.status])).toEqual([['web', 'changed'], ['fresh', 'added'], ['old', 'removed']]);
    const web = diff.apps[0];
    expect(web.objects.map((o) => [o.change, o.key])).toEqual([
      ['changed', 'apps/Deployment mcp/web'],
      ['added', 'ConfigMap mcp/extra'],
      ['removed', 'ConfigMap mcp/settings'],
    ]);
    expect([diff.added, diff.removed, diff.changed, diff.unchanged]).toEqual([2, 2, 1, 0]);
    expect(summaryLine(diff)).toBe('3 apps change: 2 objects added, 2 removed, 1 changed; 0 apps and 0 objects unchanged');
  });

  it('shows a changed field with its neighbours and folds the unchanged rest', () => {
    const diff = diffTrees(tree({ web: [deployment()] }), tree({ web: [deployment({ image: 'node:24.20.0-alpine3.24' })] }));
    const change = only(diff.apps[0].objects);
    expect(change.change).toBe('changed');
    expect(change.hunks).toHaveLength(1);
    const [hunk] = change.hunks!;
    expect(hunk.path).toBe('spec.template.spec.containers[name=mcp-server]');
    expect(hunk.lines.filter((l) => !l.startsWith(' '))).toEqual(['-          image: node:24.19.0-alpine3.24', '+          image: node:24.20.0-alpine3.24']);
    expect(hunk.lines.filter((l) => l.startsWith(' '))).toHaveLength(6);
    const total = hunk.foldedBefore + hunk.lines.filter((l) => !l.startsWith('+')).length + change.foldedAfter!;
    const yamlLines = formatDiffText(diffTrees(tree({}), tree({ web: [deployment()] })), 'x').split('\n').filter((l) => l.startsWith('      + ')).length;
    expect(total).toBe(yamlLines);
    expect(hunk.foldedBefore).toBeGreaterThan(0);
    expect(change.foldedAfter).toBeGreaterThan(0);
  });

  it('gives each separate change its own hunk and path', () => {
    const diff = diffTrees(tree({ web: [deployment()] }), tree({ web: [deployment({ image: 'node:24.20.0-alpine3.24', replicas: 5 }).valueOf() as Manifest] }));
    const paths = only(diff.apps[0].objects).hunks!.map((h) => h.path);
    expect(paths).toEqual(['spec', 'spec.template.spec.containers[name=mcp-server]']);
  });

  it('counts an API version change as a change of the same object', () => {
    const v1beta1 = { ...deployment(), apiVersion: 'apps/v1beta1' };
    const diff = diffTrees(tree({ web: [v1beta1] }), tree({ web: [deployment()] }));
    const change = only(diff.apps[0].objects);
    expect(change.change).toBe('changed');
    expect(change.hunks![0].lines.filter((l) => !l.startsWith(' '))).toEqual(['-apiVersion: apps/v1beta1', '+apiVersion: apps/v1']);
    expect(change.hunks![0].path).toBe('');
  });

  it('pairs an object that moved namespace, and says Argo CD recreates it', () => {
    const diff = diffTrees(tree({ web: [deployment({ namespace: 'mcp-system' })] }), tree({ web: [deployment({ namespace: 'mcp-platform' })] }));
    const change = only(diff.apps[0].objects);
    expect(change).toMatchObject({ change: 'changed', key: 'apps/Deployment mcp-platform/web', note: 'moved from namespace mcp-system: Argo CD creates it anew and prunes the old one' });
    expect(change.hunks![0].path).toBe('metadata');
    expect(change.hunks![0].lines.filter((l) => !l.startsWith(' '))).toEqual(['-  namespace: mcp-system', '+  namespace: mcp-platform']);
  });

  it('does not guess when two objects of one name could have moved', () => {
    const base = tree({ web: [deployment({ namespace: 'a' }), deployment({ namespace: 'b' })] });
    const head = tree({ web: [deployment({ namespace: 'c' })] });
    expect(diffTrees(base, head).apps[0].objects.map((o) => o.change)).toEqual(['added', 'removed', 'removed']);
  });

  it('counts without details for the synth report', () => {
    const diff = diffTrees(tree({ web: [deployment()] }), tree({ web: [deployment({ replicas: 1 }), configMap({})] }), { details: false });
    expect(diff.apps[0].objects).toEqual([{ key: 'apps/Deployment mcp/web', change: 'changed' }, { key: 'ConfigMap mcp/settings', change: 'added' }]);
  });
});

describe('secret values', () => {
  const values = ['c3VwZXItc2VjcmV0LTE=', 'c3VwZXItc2VjcmV0LTI=', 'bmV3LWtleQ=='];
  const base = tree({ app: [secret({ token: values[0], stays: 'c3RheXM=' })] });
  const head = tree({ app: [secret({ token: values[1], stays: 'c3RheXM=', added: values[2] })] });

  it('never appear in the text or Markdown diff of a changed Secret, which still shows what changed', () => {
    const diff = diffTrees(base, head);
    const text = formatDiffText(diff, 'against base');
    const markdown = formatDiffMarkdown(diff, { title: 'against base' });
    for (const output of [text, markdown]) {
      for (const value of [...values, 'c3RheXM=']) expect(output).not.toContain(value);
    }
    const lines = only(diff.apps[0].objects).hunks!.flatMap((h) => h.lines).filter((l) => !l.startsWith(' '));
    expect(lines).toEqual([`+  added: ${HIDDEN}`, `-  token: ${HIDDEN}`, `+  token: ${HIDDEN_CHANGED}`]);
  });

  it('never appear for an added Secret, in data or stringData', () => {
    const added = tree({ app: [{ ...secret({ token: values[0] }), stringData: { password: 'hunter2-literal' } }] });
    const diff = diffTrees(tree({}), added);
    const markdown = formatDiffMarkdown(diff, { title: 'x' });
    const text = formatDiffText(diff, 'x');
    for (const output of [text, markdown]) {
      expect(output).not.toContain(values[0]);
      expect(output).not.toContain('hunter2-literal');
      expect(output).toContain(`password: ${HIDDEN}`);
    }
  });

  it('leave a Secret that did not change out of the diff', () => {
    expect(isEmptyDiff(diffTrees(base, base))).toBe(true);
  });
});

describe('yamlPathAt', () => {
  const lines = ['spec:', '  ports:', '    - name: http', '      port: 80', '    - port: 443', '      protocol: TCP', '  type: ClusterIP'];
  it('names list items by their name field, else by position', () => {
    expect(yamlPathAt(lines, 3)).toBe('spec.ports[name=http]');
    expect(yamlPathAt(lines, 5)).toBe('spec.ports[1]');
    expect(yamlPathAt(lines, 6)).toBe('spec');
    expect(yamlPathAt(lines, 0)).toBe('');
  });

  it('brackets keys that are not plain words, and reads the JSON inside a block scalar by its keys', () => {
    const config = ['data:', '  config.json: |', '    {', '      "routes": [', '        {', '          "name": "a"'];
    expect(yamlPathAt(config, 5)).toBe('data["config.json"].routes');
    const annotations = ['metadata:', '  annotations:', '    mcp-platform.dev/tool-budget: "40"', '    x: y'];
    expect(yamlPathAt(annotations, 3)).toBe('metadata.annotations');
  });
});

describe('formatDiffMarkdown', () => {
  const base = tree({ web: [deployment()] });
  const head = tree({ web: [deployment({ image: 'node:24.20.0-alpine3.24' }), configMap({ 'script.md': 'a ```` fence' })] });

  it('has the summary, a table row per changed app, a diff block per changed object and a folded YAML block per added one', () => {
    const markdown = formatDiffMarkdown(diffTrees(base, head), { title: 'against `main`', marker: '<!-- marker -->' });
    const lines = markdown.split('\n');
    expect(lines.slice(0, 5)).toEqual(['<!-- marker -->', '### Rendered change against `main`', '', '1 app changes: 1 object added, 0 removed, 1 changed; 0 apps and 0 objects unchanged', '']);
    expect(markdown).toContain('| `web` | 1 | 0 | 1 | 0 |');
    expect(markdown).toContain('- ~ `apps/Deployment mcp/web` changed\n\n```diff\n⋯ ');
    expect(markdown).toContain('@@ spec.template.spec.containers[name=mcp-server] @@');
    expect(markdown).toContain('<details><summary>+ <code>ConfigMap mcp/settings</code> added</summary>\n\n`````yaml\n');
  });

  it('cuts object sections past the size limit with a note', () => {
    const many = tree({ web: Array.from({ length: 40 }, (_, i) => deployment({ name: `web-${i}` })) });
    const full = formatDiffMarkdown(diffTrees(tree({}), many), { title: 'x', maxChars: 1_000_000 });
    const cut = formatDiffMarkdown(diffTrees(tree({}), many), { title: 'x', maxChars: 5000 });
    expect(full).not.toContain('Cut to fit');
    expect(cut.length).toBeLessThanOrEqual(5000);
    const shown = (cut.match(/<details>/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(cut).toContain(`> **Cut to fit a comment:** ${40 - shown} objects not shown. Run \`npm run diff\` locally for the whole diff.`);
  });
});
