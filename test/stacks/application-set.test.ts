/**
 * argocd.applicationSet: the bootstrap installs one ApplicationSet over the folders of gitops.path instead of
 * the root Application, and synth writes no folder of Applications.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { synthesize } from '../../stacks/synth.js';
import { tempDir } from '../support/files.js';

const knownTools = (config: ReturnType<typeof parsePlatformConfig>) => Object.fromEntries(config.mcpServers.map((s) => [s.name, ['a-tool']]));

function synthWith(argocd: Partial<PlatformConfigInput['argocd']>) {
  const config = parsePlatformConfig({ ...defaultConfig, argocd: { ...defaultConfig.argocd, ...argocd } }, 'test');
  const root = tempDir();
  const report = synthesize(config, { manifestsDir: join(root, 'dist'), terraformDir: join(root, 'cdktf.out'), knownTools: knownTools(config) });
  const tf = JSON.parse(readFileSync(join(root, 'cdktf.out', 'stacks', 'bootstrap', 'cdk.tf.json'), 'utf8'));
  const root_ = Object.values(tf.resource.helm_release as Record<string, any>).find((r) => r.chart === 'argocd-apps');
  return { config, report, folders: readdirSync(join(root, 'dist')).sort(), values: JSON.parse(root_.values[0]) };
}

describe('argocd.applicationSet', () => {
  it('is off by default: the root Application syncs the folder of Applications', () => {
    const { folders, values } = synthWith({});
    expect(folders).toContain('argocd');
    expect(Object.keys(values).sort()).toEqual(['applications', 'projects']);
  });

  it('renders the ApplicationSet instead, checked by synth like every object, and no argocd folder', () => {
    const { config, folders, values, report } = synthWith({ applicationSet: true });
    expect(folders).not.toContain('argocd');
    expect(folders).toEqual(['cluster-network', 'database', 'discovery', 'gpu-inference', 'mcp-servers', 'monitoring', 'platform', 'triage-llm']);
    expect(report).toMatchObject({ schemaErrors: [], policy: { findings: [] } });
    expect(Object.keys(values).sort()).toEqual(['applicationsets', 'projects']);
    const set = values.applicationsets[`${config.name}-mcp-platform`];
    expect(set.generators[0].git).toEqual({
      repoURL: config.gitops.repoUrl,
      revision: config.gitops.revision,
      directories: [{ path: `${config.gitops.path}/*` }, { path: `${config.gitops.path}/argocd`, exclude: true }],
    });
    // The names app of apps gives them: "<platform>-<folder>".
    expect(set.template.metadata.name).toBe(`${config.name}-{{.path.basename}}`);
    expect(set.template.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: config.namespace });
    expect(set.template.spec.project).toBe(config.argocd.project);
  });

  it('points the generated Applications at the environment\'s cluster', () => {
    const { values, config } = synthWith({ applicationSet: true, destination: { name: 'monitoring' }, kubernetes: { context: 'admin@production' } });
    expect(values.applicationsets[`${config.name}-mcp-platform`].template.spec.destination).toEqual({ name: 'monitoring', namespace: config.namespace });
  });

  it('refuses a non-boolean with the field named', () => {
    expect(() => parsePlatformConfig({ ...defaultConfig, argocd: { ...defaultConfig.argocd, applicationSet: 'yes' as unknown as boolean } }, 'test')).toThrow(
      'argocd.applicationSet: must be a boolean, got "yes"',
    );
  });
});
