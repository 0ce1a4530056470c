import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { literalCredentialReason } from '../../constructs/secrets/credential-shape.js';
import { ConfigError, parsePlatformConfig, type PlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { loadConfigFile } from '../../stacks/load-config.js';
import defaultConfig from '../../stacks/platform.config.js';
import { synthesize } from '../../stacks/synth.js';
import { readTree, tempDir } from '../support/files.js';

/** Shapes of real credentials: if any of these appears in output, a value leaked. */
const CREDENTIAL_SHAPES: Readonly<Record<string, RegExp>> = {
  'Hugging Face token': /\bhf_[A-Za-z0-9]{30,}\b/,
  'GitHub token': /\b(?:ghp|gho|ghs|ghu)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{50,}\b/,
  'OpenAI-style key': /\bsk-[A-Za-z0-9_-]{20,}\b/,
  'AWS access key': /\bAKIA[0-9A-Z]{16}\b/,
  'private key': /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  JWT: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./,
};
const CREDENTIAL_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** Synthesizes a config and returns every rendered object of dist/. */
function renderAll(config: PlatformConfig): { files: Record<string, string>; objects: Record<string, any>[] } {
  const root = tempDir();
  synthesize(config, { manifestsDir: join(root, 'dist'), terraformDir: join(root, 'cdktf.out') });
  const files = { ...readTree(join(root, 'dist')), ...readTree(join(root, 'cdktf.out')) };
  const objects = Object.entries(files)
    .filter(([file]) => file.endsWith('.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()));
  return { files, objects };
}

/** Every env entry of every container of every pod template, wherever it sits in the object. */
function envEntries(value: unknown, found: Record<string, any>[] = []): Record<string, any>[] {
  if (Array.isArray(value)) value.forEach((v) => envEntries(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'env' && Array.isArray(child)) found.push(...child);
      else envEntries(child, found);
    }
  }
  return found;
}

function expectNoSecretValues(rendered: ReturnType<typeof renderAll>): void {
  // No Secret object at all: every credential arrives through an operator or already exists.
  expect(rendered.objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toEqual([]);
  for (const [file, text] of Object.entries(rendered.files)) {
    for (const [shape, pattern] of Object.entries(CREDENTIAL_SHAPES)) {
      if (pattern.test(text)) throw new Error(`${file} contains something shaped like a ${shape}`);
    }
  }
  const credentialEnv = envEntries(rendered.objects).filter((e) => CREDENTIAL_ENV.test(e.name));
  for (const env of credentialEnv) {
    expect(env.value).toBeUndefined();
    expect(env.valueFrom?.secretKeyRef).toEqual({ name: expect.any(String), key: expect.any(String) });
  }
  // And by shape: no literal value anywhere reads as a credential, whatever its variable is called.
  const literals = envEntries(rendered.objects).filter((e) => typeof e.value === 'string' && literalCredentialReason(e.name, e.value));
  expect(literals.map((e) => e.name)).toEqual([]);
}

describe('secrets in the rendered output', () => {
  it('the default platform renders no secret value anywhere, and reads its credentials by reference', async () => {
    // The shipped config with its servers folder, as npm run synth loads it.
    const rendered = renderAll(await loadConfigFile('stacks/platform.config.ts'));
    expectNoSecretValues(rendered);
    // The references are there: the vLLM and discovery tokens through Infisical, the database password from CloudNativePG's Secret.
    const credentialEnv = envEntries(rendered.objects).filter((e) => CREDENTIAL_ENV.test(e.name));
    expect(credentialEnv.map((e) => `${e.name}<-${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`).sort()).toEqual([
      'DISCOVERY_API_TOKEN<-mcp-discovery-api-token/DISCOVERY_API_TOKEN',
      'GITHUB_TOKEN<-mcp-discovery-github-token/GITHUB_TOKEN',
      'HF_TOKEN<-huggingface-token/HF_TOKEN',
      'PGPASSWORD<-mcp-postgres-app/password',
    ]);
    expect(rendered.objects.filter((o) => o.kind === 'InfisicalSecret').map((o) => o.metadata.name).sort()).toEqual([
      'adguard-password',
      'adguard-username',
      'github-token',
      'huggingface-token',
      'kubernetes-monitoring-kubeconfig',
      'llm-provider-keys',
      'mcp-discovery-api-token',
      'mcp-discovery-github-token',
      'opnsense-api-key',
      'opnsense-api-secret',
      'proxmox-pve1-token-id',
      'proxmox-pve1-token-secret',
      'proxmox-pve2-token-id',
      'proxmox-pve2-token-secret',
      'talos-talosconfig',
      'unifi-password',
      'unifi-username',
    ]);
    // kmcp takes credentials as whole Secrets, ToolHive as (Secret, key, env) triples: neither carries a value.
    const github = rendered.objects.find((o) => o.kind === 'MCPServer' && o.metadata.name === 'github');
    expect(github!.spec.deployment.secretRefs).toEqual([{ name: 'github-token' }]);
    const adguard = rendered.objects.find((o) => o.kind === 'MCPServer' && o.metadata.name === 'adguard');
    expect(adguard!.spec.secrets).toEqual([
      { name: 'adguard-password', key: 'ADGUARD_PASSWORD', targetEnvName: 'ADGUARD_PASSWORD' },
      { name: 'adguard-username', key: 'ADGUARD_USERNAME', targetEnvName: 'ADGUARD_USERNAME' },
    ]);
  });

  it('renders every kind of reference without a value: existing Secret, ExternalSecret, InfisicalSecret', () => {
    const raw: PlatformConfigInput = {
      ...defaultConfig,
      triageLlm: { enabled: true, provider: 'vllm', model: 'Qwen/Qwen2.5-3B-Instruct', maxModelLen: 4096, huggingFaceToken: { from: 'secret', name: 'hf-existing', key: 'token' } },
      gpuInference: {
        ...defaultConfig.gpuInference,
        huggingFaceToken: { from: 'externalSecret', name: 'hf-from-vault', key: 'HF_TOKEN', store: { name: 'vault' }, remoteKey: 'ai/huggingface', remoteProperty: 'token' },
      },
    };
    const rendered = renderAll(parsePlatformConfig(raw, 'test'));
    expectNoSecretValues(rendered);
    const refs = envEntries(rendered.objects)
      .filter((e) => e.name === 'HF_TOKEN')
      .map((e) => `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`)
      .sort();
    expect(refs).toEqual(['hf-existing/token', 'hf-from-vault/HF_TOKEN']);
    expect(rendered.objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec.data)).toEqual([
      [{ secretKey: 'HF_TOKEN', remoteRef: { key: 'ai/huggingface', property: 'token' } }],
    ]);
  });

  it('refuses a config that carries a secret value, naming the field without echoing the value', () => {
    const raw = {
      ...defaultConfig,
      gpuInference: { ...defaultConfig.gpuInference, huggingFaceToken: { from: 'secret', name: 'hf', key: 'token', value: 'hf_abcdefghijklmnopqrstuvwxyz0123456789' } },
    };
    let error: unknown;
    try {
      parsePlatformConfig(raw, 'test');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^gpuInference\.huggingFaceToken: secret values are never accepted/)]);
    expect((error as ConfigError).message).not.toContain('hf_abcdefghijklmnopqrstuvwxyz0123456789');
  });

  it('the scan itself catches a planted credential (negative control)', () => {
    const rendered = renderAll(parsePlatformConfig(defaultConfig, 'test'));
    const planted = { ...rendered, files: { ...rendered.files, 'gpu-inference/leak.yaml': 'token: hf_abcdefghijklmnopqrstuvwxyz0123456789\n' } };
    expect(() => expectNoSecretValues(planted)).toThrow('gpu-inference/leak.yaml contains something shaped like a Hugging Face token');
  });
});
