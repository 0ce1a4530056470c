import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ApiObject } from 'cdk8s';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { parsePlatformConfig } from '../../../stacks/config.js';
import defaultConfig from '../../../stacks/platform.config.js';
import { renderPlatformInMemory, SynthError, synthesize } from '../../../stacks/synth.js';
import { tempDir } from '../../support/files.js';
import { compliantDeployment } from '../../support/manifests.js';

const config = parsePlatformConfig(defaultConfig, 'stacks/platform.config.ts');
const isBuiltIn = (apiVersion: string) => !apiVersion.includes('.') || apiVersion.split('/')[0]!.endsWith('.k8s.io');

describe('strict built-in schemas in the platform synth', () => {
  it('GIVEN the default platform THEN every built-in object it renders has no schema problem', () => {
    const validator = new SchemaValidator();
    const objects = renderPlatformInMemory(config).apps.flatMap((app) => app.objects.map((o) => o.manifest));
    const builtIns = objects.filter((o) => isBuiltIn(o.apiVersion));
    expect(builtIns.flatMap((o) => validator.validate(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`))).toEqual([]);
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'NetworkPolicy', 'ServiceAccount', 'ClusterRole']) expect(builtIns.map((o) => o.kind)).toContain(kind);
  });

  it('GIVEN a Deployment with spec.replicaz WHEN the platform is synthesized THEN synth fails naming the object and the field, and writes nothing', () => {
    const root = tempDir();
    const manifestsDir = join(root, 'dist');
    const bad = compliantDeployment();
    let error: unknown;
    try {
      synthesize(config, {
        manifestsDir,
        terraformDir: join(root, 'cdktf.out'),
        extend: (workloads) => new ApiObject(workloads.apps[0]!.chart, 'extra', { ...bad, spec: { ...bad.spec, replicaz: 2 } }),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).report.schemaErrors).toEqual(['Deployment mcp-system/demo: /spec/replicaz is not a field of DeploymentSpec']);
    expect(existsSync(manifestsDir)).toBe(false);
  });
});
