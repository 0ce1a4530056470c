import { describe, expect, it } from '@jest/globals';
import { MODEL_STORAGE_HEADROOM } from '../../../constructs/inference/model-server-workload.js';
import { DEFAULT_OLLAMA_IMAGE, OLLAMA_MODEL_SIZES_GB, OLLAMA_MODELS, ollamaKvCacheBytesPerToken, TriageLlm, type TriageBackend } from '../../../constructs/inference/triage-llm.js';
import { parseQuantity } from '../../../constructs/formats.js';
import { componentSelector } from '../../../constructs/labels.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { PRIVATE_IPV4_RANGES } from '../../../constructs/workloads/pod-network-policy.js';
import { only, render, testChart } from '../../support/charts.js';

const GATEWAY = { podLabels: componentSelector('mcp-gateway') };
const DISCOVERY = { podLabels: componentSelector('mcp-discovery') };
const CLIENTS = [GATEWAY, DISCOVERY];
const TRIAGE_PODS = componentSelector('triage-llm');
const IN_NAMESPACE = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-system' } } };
/** What Ollama needs on top of the weights and the KV cache (runtime, server), as documented on the construct. */
const OVERHEAD_BYTES = 1.5 * 2 ** 30;
/** llama3.1:8b's KV cache per token in f16: 2 (K and V) × 32 layers × 8 KV heads × 128 × 2 bytes = 128 KiB. */
const LLAMA31_8B_KV_PER_TOKEN = 2 * 32 * 8 * 128 * 2;
const VLLM_BACKEND: TriageBackend = { provider: 'vllm', model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', maxModelLen: 8192, gpu: { memoryGiB: 12 }, cache: { size: '50Gi' } };

function renderTriage(backend: TriageBackend, clients = CLIENTS) {
  const chart = testChart();
  const triage = new TriageLlm(chart, 'triage', { namespace: 'mcp-system', backend, clients });
  return { chart, triage, objects: render(chart) };
}

const podSpecOf = (objects: Manifest[]): Manifest => only(objects, 'Deployment', 'triage-llm').spec.template.spec;
const envOf = (container: Manifest): Record<string, string> => Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value]));

function expectNoFindings(chart: ReturnType<typeof testChart>, objects: Manifest[]): void {
  const validator = new SchemaValidator();
  expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
  expect(checkPolicies(apiObjectsOf(chart))).toEqual({ findings: [], suppressed: [] });
}

describe('TriageLlm with Ollama', () => {
  it('serves qwen2.5:3b-instruct from the pinned image with memory sized from the catalogue by default', () => {
    // GIVEN the ollama backend with no other props WHEN rendered
    const { triage, objects } = renderTriage({ provider: 'ollama' });
    const server = podSpecOf(objects).containers[0];
    // THEN the documented defaults apply
    expect(triage.model).toBe('qwen2.5:3b-instruct');
    expect(server.image).toBe(DEFAULT_OLLAMA_IMAGE);
    expect(DEFAULT_OLLAMA_IMAGE).toBe('ollama/ollama:0.21.0');
    expect(envOf(server)).toMatchObject({ OLLAMA_CONTEXT_LENGTH: '4096', OLLAMA_MODEL: 'qwen2.5:3b-instruct', OLLAMA_MODELS: '/models', OLLAMA_KEEP_ALIVE: '-1' });
    expect(only(objects, 'PersistentVolumeClaim', 'triage-llm-models').spec.resources.requests.storage).toBe('10Gi');
    // 1.9 GB of weights + 4096 tokens × 36 KiB of KV cache (144 MiB) + 1.5 GiB, rounded up to 512Mi, requested and limited alike
    expect(OLLAMA_MODEL_SIZES_GB['qwen2.5:3b-instruct']).toBe(1.9);
    expect(ollamaKvCacheBytesPerToken(OLLAMA_MODELS['qwen2.5:3b-instruct'])).toBe(2 * 36 * 2 * 128 * 2);
    expect(server.resources).toEqual({ requests: { cpu: '1', memory: '3584Mi' }, limits: { memory: '3584Mi' } });
    expect(parseQuantity(server.resources.limits.memory)).toBeGreaterThanOrEqual(1.9e9 + 4096 * 36 * 2 ** 10 + OVERHEAD_BYTES);
    expect(triage.url).toBe('http://triage-llm.mcp-system.svc:11434/v1');
    expect(triage.port).toBe(11434);
  });

  it('sizes memory from modelSizeGB for a model outside the catalogue', () => {
    const server = podSpecOf(renderTriage({ provider: 'ollama', model: 'mistral:7b', modelSizeGB: 4.1 }).objects).containers[0];
    // 4.1 GB + 1.5 GiB = 5.32 GiB → 5.5 GiB
    expect(server.resources).toEqual({ requests: { cpu: '1', memory: '5632Mi' }, limits: { memory: '5632Mi' } });
  });

  it("adds the KV cache of contextLength to the memory, from the model's shape in f16", () => {
    // GIVEN llama3.1:8b (4.9 GB) at the default context and at its longest, 131072 tokens
    const serverAt = (contextLength?: number) => podSpecOf(renderTriage({ provider: 'ollama', model: 'llama3.1:8b', contextLength }).objects).containers[0];
    const short = serverAt();
    const long = serverAt(131072);
    // THEN the KV cache is 128 KiB a token: 4.9 GB + 0.5 GiB + 1.5 GiB → 7168Mi, and 4.9 GB + 16 GiB + 1.5 GiB → 23040Mi
    expect(ollamaKvCacheBytesPerToken(OLLAMA_MODELS['llama3.1:8b'])).toBe(LLAMA31_8B_KV_PER_TOKEN);
    expect(LLAMA31_8B_KV_PER_TOKEN).toBe(128 * 2 ** 10);
    expect(short.resources).toEqual({ requests: { cpu: '1', memory: '7168Mi' }, limits: { memory: '7168Mi' } });
    expect(long.resources).toEqual({ requests: { cpu: '1', memory: '23040Mi' }, limits: { memory: '23040Mi' } });
    expect(parseQuantity(long.resources.limits.memory)).toBeGreaterThanOrEqual(4.9e9 + 131072 * LLAMA31_8B_KV_PER_TOKEN + OVERHEAD_BYTES);
    // and the server gets that context and keeps Ollama's default f16 cache, which the sizing assumes
    expect(envOf(long).OLLAMA_CONTEXT_LENGTH).toBe('131072');
    expect(envOf(long)).not.toHaveProperty('OLLAMA_KV_CACHE_TYPE');
    expect(envOf(long).OLLAMA_NUM_PARALLEL).toBe('1');
  });

  it('renders every catalogued model with the default context and storage', () => {
    for (const model of Object.keys(OLLAMA_MODELS)) expect(() => renderTriage({ provider: 'ollama', model })).not.toThrow();
  });

  it('rejects a contextLength longer than the model supports', () => {
    expect(() => renderTriage({ provider: 'ollama', model: 'llama3.1:8b', contextLength: 262144 })).toThrow(
      new Error('TriageLlm triage:\n  - contextLength 262144 is longer than llama3.1:8b supports (131072): set it to at most 131072'),
    );
    expect(() => renderTriage({ provider: 'ollama', model: 'gemma2:2b', contextLength: 8193 })).toThrow(
      new Error('TriageLlm triage:\n  - contextLength 8193 is longer than gemma2:2b supports (8192): set it to at most 8192'),
    );
  });

  it('rejects a memory limit that holds the weights but not the KV cache of contextLength', () => {
    const backend: TriageBackend = { provider: 'ollama', model: 'llama3.1:8b', contextLength: 131072, resources: { requestsCpu: '1', requestsMemory: '8Gi', limitsMemory: '8Gi' } };
    expect(() => renderTriage(backend)).toThrow(
      new Error(
        'TriageLlm triage:\n  - resources.limitsMemory 8Gi (8.0 GiB) cannot hold llama3.1:8b at contextLength 131072: its weights (4.9 GB), KV cache (16.0 GiB) and runtime need about 22.1 GiB; ' +
          'raise the limit, lower contextLength or pick a smaller model',
      ),
    );
    expect(() => renderTriage({ ...backend, resources: { requestsCpu: '1', requestsMemory: '8Gi', limitsMemory: '23040Mi' } })).not.toThrow();
  });

  it('sizes a model outside the catalogue up to 4096 tokens from modelSizeGB, and needs resources above that', () => {
    expect(() => renderTriage({ provider: 'ollama', model: 'mistral:7b', modelSizeGB: 4.1, contextLength: 4096 })).not.toThrow();
    expect(() => renderTriage({ provider: 'ollama', model: 'mistral:7b', modelSizeGB: 4.1, contextLength: 8192 })).toThrow(
      new Error(
        'TriageLlm triage:\n  - contextLength 8192 cannot be sized for "mistral:7b", which is not in the catalogue (its KV cache depends on the model\'s layers and attention heads): ' +
          'set resources, with a memory limit for the weights plus 2 × layers × KV heads × head size × 2 bytes per token of context, or keep contextLength at 4096 or less',
      ),
    );
    const sized = { requestsCpu: '1', requestsMemory: '8Gi', limitsMemory: '8Gi' };
    expect(() => renderTriage({ provider: 'ollama', model: 'mistral:7b', modelSizeGB: 4.1, contextLength: 8192, resources: sized })).not.toThrow();
  });

  it('rejects storage smaller than the download plus 20 %, naming storage.size and the size that holds it', () => {
    expect(MODEL_STORAGE_HEADROOM).toBe(0.2);
    // 4.9 GB × 1.2 = 5.5 GiB → 6Gi
    expect(() => renderTriage({ provider: 'ollama', model: 'llama3.1:8b', storage: { size: '1Gi' } })).toThrow(
      new Error(
        "TriageLlm triage:\n  - storage.size 1Gi is smaller than the model llama3.1:8b (4.9 GB to download): use at least 6Gi (20 % more, for the file system's reserve and metadata)",
      ),
    );
    expect(() => renderTriage({ provider: 'ollama', model: 'llama3.1:8b', storage: { size: '5Gi' } })).toThrow(/storage\.size 5Gi is smaller than the model llama3\.1:8b/);
    const { objects } = renderTriage({ provider: 'ollama', model: 'llama3.1:8b', storage: { size: '6Gi' } });
    expect(only(objects, 'PersistentVolumeClaim', 'triage-llm-models').spec.resources.requests.storage).toBe('6Gi');
    // also when the model is not pulled: it must already be on the volume
    expect(() => renderTriage({ provider: 'ollama', model: 'llama3.1:8b', pullModel: false, storage: { size: '1Gi' } })).toThrow(/storage\.size 1Gi/);
  });

  it('checks storage against modelSizeGB for a model outside the catalogue, and leaves it unchecked when no size is known', () => {
    expect(() => renderTriage({ provider: 'ollama', model: 'mistral:7b', modelSizeGB: 4.1, storage: { size: '2Gi' } })).toThrow(
      new Error(
        "TriageLlm triage:\n  - storage.size 2Gi is smaller than the model mistral:7b (4.1 GB to download): use at least 5Gi (20 % more, for the file system's reserve and metadata)",
      ),
    );
    // sized by resources alone, the download is unknown: nothing to check storage against
    const resources = { requestsCpu: '1', requestsMemory: '6Gi', limitsMemory: '6Gi' };
    expect(() => renderTriage({ provider: 'ollama', model: 'mistral:7b', resources, storage: { size: '2Gi' } })).not.toThrow();
  });

  it('pulls the model in an init container that reads the model name from the environment', () => {
    const pull = (model: string) => podSpecOf(renderTriage({ provider: 'ollama', model }).objects).initContainers;
    const [init] = pull('llama3.2:3b');
    expect(init.name).toBe('pull-model');
    expect(init.command).toEqual(['/bin/sh', '-c']);
    expect(envOf(init).OLLAMA_MODEL).toBe('llama3.2:3b');
    expect(init.args[0]).toContain('ollama pull "$OLLAMA_MODEL"');
    expect(init.args[0]).not.toContain('llama3.2');
    // the shell script is the same whatever the model: nothing of the model name is spliced into it
    expect(pull('qwen2.5:0.5b-instruct')[0].args).toEqual(init.args);
    expect(init.volumeMounts).toContainEqual({ name: 'models', mountPath: '/models' });
  });

  it('is ready only after a real generation at startup, with cheap readiness and liveness checks after that', () => {
    const server = podSpecOf(renderTriage({ provider: 'ollama', model: 'llama3.2:3b' }).objects).containers[0];
    expect(server.startupProbe.exec.command).toEqual(['ollama', 'run', 'llama3.2:3b', 'Reply with the single word OK.']);
    expect(server.readinessProbe.exec.command).toEqual(['ollama', 'show', 'llama3.2:3b']);
    expect(server.livenessProbe.httpGet).toEqual({ path: '/api/version', port: 'http' });
    expect(server.readinessProbe.exec.command).not.toContain('run');
  });

  it('may reach the internet on 443 only while it pulls the model, never the private ranges', () => {
    const pulling = renderTriage({ provider: 'ollama' }).objects;
    expect(only(pulling, 'NetworkPolicy', 'triage-llm').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(PRIVATE_IPV4_RANGES).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);

    const offline = renderTriage({ provider: 'ollama', pullModel: false }).objects;
    expect(only(offline, 'NetworkPolicy', 'triage-llm').spec.egress).toEqual([]);
    expect(podSpecOf(offline).initContainers ?? []).toEqual([]);
  });

  it('admits only its clients on 11434 and renders an egress policy for each client', () => {
    const { objects } = renderTriage({ provider: 'ollama' });
    const policy = only(objects, 'NetworkPolicy', 'triage-llm').spec;
    expect(policy.podSelector).toEqual({ matchLabels: TRIAGE_PODS });
    expect(policy.ingress).toEqual([
      {
        from: [
          { ...IN_NAMESPACE, podSelector: { matchLabels: GATEWAY.podLabels } },
          { ...IN_NAMESPACE, podSelector: { matchLabels: DISCOVERY.podLabels } },
        ],
        ports: [{ protocol: 'TCP', port: 11434 }],
      },
    ]);
    const toTriage = [{ to: [{ ...IN_NAMESPACE, podSelector: { matchLabels: TRIAGE_PODS } }], ports: [{ protocol: 'TCP', port: 11434 }] }];
    expect(only(objects, 'NetworkPolicy', 'mcp-gateway-to-triage-llm').spec).toMatchObject({ podSelector: { matchLabels: GATEWAY.podLabels }, egress: toTriage });
    expect(only(objects, 'NetworkPolicy', 'mcp-discovery-to-triage-llm').spec).toMatchObject({ podSelector: { matchLabels: DISCOVERY.podLabels }, egress: toTriage });
  });

  it('rejects a memory limit too small for the model, naming resources.limitsMemory and the model', () => {
    const backend: TriageBackend = { provider: 'ollama', resources: { requestsCpu: '1', requestsMemory: '2Gi', limitsMemory: '2Gi' } };
    expect(() => renderTriage(backend)).toThrow(
      new Error(
        'TriageLlm triage:\n  - resources.limitsMemory 2Gi (2.0 GiB) cannot hold qwen2.5:3b-instruct at contextLength 4096: its weights (1.9 GB), KV cache (0.1 GiB) and runtime need about 3.4 GiB; ' +
          'raise the limit, lower contextLength or pick a smaller model',
      ),
    );
  });

  it('rejects a model outside the catalogue without modelSizeGB or resources', () => {
    expect(() => renderTriage({ provider: 'ollama', model: 'mistral:7b' })).toThrow(
      new Error(
        'TriageLlm triage:\n  - model "mistral:7b" is not in the size catalogue: set modelSizeGB (its download size) or resources, so the pod gets the memory the model needs',
      ),
    );
  });

  it.each<[string, TriageBackend]>([
    ['the defaults', { provider: 'ollama' }],
    ['no pull', { provider: 'ollama', pullModel: false }],
  ])('renders objects that pass the schemas and the policy pack with %s', (_case, backend) => {
    const { chart, objects } = renderTriage(backend);
    expectNoFindings(chart, objects);
  });
});

describe('TriageLlm with vLLM', () => {
  it('renders a VllmDeployment under the triage service name and component', () => {
    const { triage, objects } = renderTriage(VLLM_BACKEND);
    const deployment = only(objects, 'Deployment', 'triage-llm');
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('triage-llm');
    expect(deployment.spec.template.spec.containers[0].image).toBe('vllm/vllm-openai:v0.15.1');
    expect(only(objects, 'Service').metadata.name).toBe('triage-llm');
    expect(triage.vllm?.workload).toBe(triage.workload);
    expect(triage.model).toBe('Qwen/Qwen2.5-7B-Instruct-AWQ');
    expect(triage.url).toBe('http://triage-llm.mcp-system.svc:8000/v1');
    expect(only(objects, 'NetworkPolicy', 'triage-llm').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8000 }]);
  });

  it('renders objects that pass the schemas and the policy pack', () => {
    const { chart, objects } = renderTriage(VLLM_BACKEND);
    expectNoFindings(chart, objects);
  });
});

describe('TriageLlm with an external server', () => {
  it('points a selector-less Service at an IP address through an EndpointSlice and lets clients reach it', () => {
    const { triage, objects } = renderTriage({ provider: 'external', address: '192.168.10.20', port: 8080, model: 'qwen2.5:7b' }, [GATEWAY]);
    const service = only(objects, 'Service', 'triage-llm');
    expect(service.spec).toEqual({ type: 'ClusterIP', ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }] });
    const slice = only(objects, 'EndpointSlice');
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe('triage-llm');
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints).toEqual([{ addresses: ['192.168.10.20'], conditions: { ready: true } }]);
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(only(objects, 'NetworkPolicy', 'mcp-gateway-to-triage-llm').spec).toMatchObject({
      podSelector: { matchLabels: GATEWAY.podLabels },
      egress: [{ to: [{ ipBlock: { cidr: '192.168.10.20/32' } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    expect(triage.url).toBe('http://triage-llm.mcp-system.svc:8080/v1');
    expect(triage.model).toBe('qwen2.5:7b');
  });

  it('uses an ExternalName Service for a DNS name, with egress to the given CIDRs', () => {
    const { objects } = renderTriage(
      { provider: 'external', address: 'gpu-workstation.lan', port: 11434, egressCidrs: ['192.168.10.30/32'], model: 'qwen2.5:7b' },
      [GATEWAY],
    );
    expect(only(objects, 'Service', 'triage-llm').spec).toEqual({ type: 'ExternalName', externalName: 'gpu-workstation.lan', ports: [{ name: 'http', port: 11434, protocol: 'TCP' }] });
    expect(objects.filter((o) => o.kind === 'EndpointSlice')).toEqual([]);
    expect(only(objects, 'NetworkPolicy', 'mcp-gateway-to-triage-llm').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '192.168.10.30/32' } }], ports: [{ protocol: 'TCP', port: 11434 }] }]);
  });

  it('requires egressCidrs for a DNS name', () => {
    expect(() => renderTriage({ provider: 'external', address: 'gpu-workstation.lan', port: 11434, model: 'qwen2.5:7b' })).toThrow(
      new Error(
        'TriageLlm triage:\n  - egressCidrs is required for the DNS name "gpu-workstation.lan": the addresses it resolves to, so the clients\' NetworkPolicy can allow them',
      ),
    );
  });

  it('refuses, as the config does, an address the API server or the clients\' policy would refuse, naming the field', () => {
    expect(() => renderTriage({ provider: 'external', address: '127.0.0.1', port: 8000, model: 'm' })).toThrow(
      new Error('TriageLlm triage:\n  - address "127.0.0.1" is in the loopback range (127.0.0.0/8), which the API server refuses as an EndpointSlice address: use the server\'s own address on the LAN'),
    );
    expect(() => renderTriage({ provider: 'external', address: '10.0.0.5', port: 8000, egressCidrs: ['192.168.0.0/16'], model: 'm' })).toThrow(
      new Error(
        'TriageLlm triage:\n  - egressCidrs does not hold the address "10.0.0.5": the clients\' NetworkPolicy would allow only these addresses, never the server; add "10.0.0.5/32", or leave egressCidrs out to allow the address alone',
      ),
    );
  });

  it.each<[string, TriageBackend]>([
    ['an IP address', { provider: 'external', address: '192.168.10.20', port: 8080, model: 'qwen2.5:7b' }],
    ['a DNS name', { provider: 'external', address: 'gpu-workstation.lan', port: 8080, egressCidrs: ['192.168.10.30/32'], model: 'qwen2.5:7b' }],
  ])('renders objects that pass the schemas and the policy pack for %s', (_case, backend) => {
    const { chart, objects } = renderTriage(backend);
    expectNoFindings(chart, objects);
  });
});
