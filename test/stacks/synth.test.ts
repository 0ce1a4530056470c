import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ApiObject } from 'cdk8s';
import { RuleIds } from '../../constructs/policy/rule-ids.js';
import { suppressPolicy } from '../../constructs/policy/suppressions.js';
import { parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { SynthError, synthesize, type SynthOptions } from '../../stacks/synth.js';
import type { Workloads } from '../../stacks/workloads.js';
import { readTree, tempDir } from '../support/files.js';
import { compliantDeployment, type KubeObject } from '../support/manifests.js';

const config = parsePlatformConfig(defaultConfig, 'stacks/platform.config.ts');

function outputs(root = tempDir()): SynthOptions & { root: string } {
  return { root, manifestsDir: join(root, 'dist'), terraformDir: join(root, 'cdktf.out') };
}

/** Adds a Deployment to the platform app (a user's own object, checked like the rest). */
const addDeployment = (manifest: KubeObject) => (workloads: Workloads) => {
  new ApiObject(workloads.apps[0].chart, 'extra', manifest);
};

/** Runs a synth that must fail validation; returns its error. */
function failingSynth(options: SynthOptions): SynthError {
  try {
    synthesize(config, options);
  } catch (error) {
    if (error instanceof SynthError) return error;
    throw error;
  }
  throw new Error('expected synth to fail validation');
}

/** Leaves a marker in both output folders, as a previous synth would have. */
function previousOutput(out: ReturnType<typeof outputs>) {
  for (const dir of [out.manifestsDir, out.terraformDir]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'previous.txt'), 'from the last good synth');
  }
}

/** A tool list for every server, as a complete preflight record would give: the tool budget can be checked. */
const everyToolListKnown = () => Object.fromEntries(config.mcpServers.map((s) => [s.name, ['a-tool']]));

describe('synth of the default platform', () => {
  it('writes the Terraform stack and one folder per Argo CD application, with zero findings', () => {
    const out = outputs();
    const report = synthesize(config, { ...out, knownTools: everyToolListKnown() });
    expect(existsSync(join(out.terraformDir, 'stacks', 'bootstrap', 'cdk.tf.json'))).toBe(true);
    expect(readdirSync(out.manifestsDir).sort()).toEqual(['argocd', 'cluster-network', 'database', 'discovery', 'gpu-inference', 'mcp-servers', 'monitoring', 'platform', 'triage-llm']);
    expect(report).toMatchObject({ schemaErrors: [], policy: { findings: [], suppressed: [] }, objectsPerApp: { 'cluster-network': 2, platform: 4, argocd: 8 } });
  });

  it('warns, as its only finding, that the tool budget cannot be checked while servers have no tool list', () => {
    const report = synthesize(config, outputs());
    const undeclared = config.mcpServers.filter((s) => s.tools === undefined).map((s) => s.name).sort();
    expect(undeclared.length).toBeGreaterThan(0);
    expect(report.policy.findings).toEqual([
      {
        ruleId: RuleIds.toolBudget,
        level: 'warning',
        object: 'ConfigMap mcp-system/mcp-gateway-config',
        path: 'mcp-servers/Gateway/Config',
        reasons: [expect.stringMatching(new RegExp(`^endpoint /mcp: the budget of 40 cannot be checked, the tools of ${undeclared.join(', ')} are unknown \\(\\d+ known\\)$`))],
      },
    ]);
  });

  it('says what changed against the output it replaced, and that there was none the first time', () => {
    const out = outputs();
    expect(synthesize(config, out).changes).toBe('first output: nothing to compare with');
    expect(synthesize(config, out).changes).toMatch(/^no change: 9 apps and \d+ objects unchanged$/);
    // The budget sits on the gateway's ConfigMap and in the discovery service's env: one object in each of two apps.
    const budget = { ...config, gateway: { ...config.gateway, toolBudget: 41 } };
    expect(synthesize(budget, out).changes).toMatch(/^2 apps change: 0 objects added, 0 removed, 2 changed; 7 apps and \d+ objects unchanged$/);
  });

  it('points every rendered Argo CD Application at a folder it rendered', () => {
    const out = outputs();
    synthesize(config, out);
    const tree = readTree(out.manifestsDir);
    const paths = Object.entries(tree)
      .filter(([file]) => file.startsWith('argocd/'))
      .map(([, yaml]) => /path: (\S+)/.exec(yaml)![1]);
    const apps = ['cluster-network', 'database', 'discovery', 'gpu-inference', 'mcp-servers', 'monitoring', 'platform', 'triage-llm'];
    expect(paths.sort()).toEqual(apps.map((app) => `clusters/homelab/mcp-platform/${app}`));
    for (const app of apps) expect(Object.keys(tree).some((file) => file.startsWith(`${app}/`))).toBe(true);
  });

  it('is deterministic: two runs write byte-identical files', () => {
    const [a, b] = [outputs(), outputs()];
    synthesize(config, a);
    synthesize(config, b);
    expect(readTree(a.root)).toEqual(readTree(b.root));
  });

  it('replaces the previous output and leaves no staging folders behind', () => {
    const out = outputs();
    previousOutput(out);
    synthesize(config, out);
    expect(existsSync(join(out.manifestsDir, 'previous.txt'))).toBe(false);
    expect(readdirSync(out.root).sort()).toEqual(['cdktf.out', 'dist']);
  });

  it('writes only the layer a CLI asks for', () => {
    const out = outputs();
    synthesize(config, { ...out, layers: ['workloads'] });
    expect(readdirSync(out.root)).toEqual(['dist']);
  });
});

describe('synth that fails validation', () => {
  it('stops on a policy error, reports it and leaves the previous output untouched', () => {
    const out = outputs();
    previousOutput(out);
    const extend = addDeployment(compliantDeployment({ container: { image: 'nginx:latest' } }));
    const error = failingSynth({ ...out, extend, knownTools: everyToolListKnown() });
    expect(error.report.policy.findings).toEqual([
      expect.objectContaining({ ruleId: RuleIds.pinnedImage, object: 'Deployment mcp-system/demo', reasons: ['container "app" image "nginx:latest" uses the latest tag'] }),
    ]);
    expect(readTree(out.root)).toEqual({ 'cdktf.out/previous.txt': 'from the last good synth', 'dist/previous.txt': 'from the last good synth' });
  });

  it('stops on a schema error, naming the object and the field', () => {
    const out = outputs();
    const extend = addDeployment(compliantDeployment({ container: { ports: [{ name: 'http', containerPort: 'eighty' }] } }));
    expect(failingSynth({ ...out, extend }).report.schemaErrors).toEqual([
      'Deployment mcp-system/demo: /spec/template/spec/containers/0/ports/0/containerPort must be integer',
    ]);
    expect(existsSync(out.manifestsDir)).toBe(false);
  });

  it('passes with a suppressed finding and lists the suppression in the report', () => {
    const out = outputs();
    const report = synthesize(config, {
      ...out,
      extend: (workloads) => {
        addDeployment(compliantDeployment({ container: { image: 'nginx:latest' } }))(workloads);
        suppressPolicy(workloads.apps[0].chart, RuleIds.pinnedImage, 'test image, replaced by a pinned one before any release');
      },
    });
    expect(report.policy.suppressed.map((s) => [s.ruleId, s.suppressionReason])).toEqual([
      [RuleIds.pinnedImage, 'test image, replaced by a pinned one before any release'],
    ]);
    expect(existsSync(join(out.manifestsDir, 'platform', 'deployment-demo.yaml'))).toBe(true);
  });

  // The triage model and the GPU model both sync the same Hugging Face token from Infisical.
  const token = { from: 'infisical' as const, name: 'huggingface-token', key: 'HF_TOKEN', projectSlug: 'homelab', environment: 'prod', credentials: { name: 'infisical-machine-identity' } };
  const sharingToken = (gpuToken: object) =>
    parsePlatformConfig(
      {
        ...defaultConfig,
        triageLlm: { enabled: true, provider: 'vllm', model: 'Qwen/Qwen2.5-3B-Instruct', maxModelLen: 4096, huggingFaceToken: token },
        gpuInference: { ...defaultConfig.gpuInference, huggingFaceToken: gpuToken },
      } as PlatformConfigInput,
      'test',
    );

  it('renders a Secret that two applications reference once, in the first, so it has one writer', () => {
    const out = outputs();
    synthesize(sharingToken(token), out);
    expect(existsSync(join(out.manifestsDir, 'triage-llm', 'infisicalsecret-huggingface-token.yaml'))).toBe(true);
    expect(existsSync(join(out.manifestsDir, 'gpu-inference', 'infisicalsecret-huggingface-token.yaml'))).toBe(false);
    // Both pods read it by name.
    const gpu = readFileSync(join(out.manifestsDir, 'gpu-inference', 'deployment-vllm.yaml'), 'utf8');
    expect(gpu).toContain('name: huggingface-token');
  });

  it('refuses one Secret synced with other settings by another application, naming both config paths, and writes nothing', () => {
    const out = outputs();
    previousOutput(out);
    expect(() => synthesize(sharingToken({ ...token, environment: 'staging' }), out)).toThrow(
      'gpuInference: Secret "huggingface-token" is already synced by triageLlm with other settings (environment "prod" there, "staging" here): ' +
        'one Secret has one sync object, so give every reference to it the same settings',
    );
    expect(readTree(out.manifestsDir)).toEqual({ 'previous.txt': 'from the last good synth' });
  });

  it('fails synth, naming the model and the GPU, when the model cannot fit', () => {
    const out = outputs();
    const tooBig = parsePlatformConfig({ ...defaultConfig, gpuInference: { ...defaultConfig.gpuInference, model: 'meta-llama/Llama-2-13b-chat-hf', maxModelLen: 4096 } }, 'test');
    expect(() => synthesize(tooBig, out)).toThrow(/\n  - gpuInference: meta-llama\/Llama-2-13b-chat-hf on 1 × 12 GiB GPU: Weights alone need 24\.3 GiB/);
    expect(existsSync(out.manifestsDir)).toBe(false);
  });
});
