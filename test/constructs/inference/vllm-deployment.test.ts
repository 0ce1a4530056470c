import { describe, expect, it } from '@jest/globals';
import { estimateGpuSizing } from '../../../constructs/inference/gpu-sizing.js';
import { DEFAULT_VLLM_IMAGE, defaultShmSize, gpuTaintKey, VllmDeployment, type VllmDeploymentProps } from '../../../constructs/inference/vllm-deployment.js';
import { componentSelector } from '../../../constructs/labels.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { PRIVATE_IPV4_RANGES } from '../../../constructs/workloads/pod-network-policy.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';

const QWEN_AWQ = 'Qwen/Qwen2.5-7B-Instruct-AWQ';
/** Only the required props: a 7B AWQ model at 8k context on one 12 GiB card. */
const REQUIRED: VllmDeploymentProps = { namespace: 'mcp-system', model: QWEN_AWQ, maxModelLen: 8192, gpu: { memoryGiB: 12 }, cache: { size: '50Gi' } };
const GATEWAY = { podLabels: componentSelector('mcp-gateway') };

function renderVllm(props: Partial<VllmDeploymentProps> = {}) {
  const chart = testChart();
  const vllm = new VllmDeployment(chart, 'vllm', { ...REQUIRED, ...props });
  return { chart, vllm, objects: render(chart) };
}

const podSpecOf = (objects: Manifest[], name = 'vllm'): Manifest => only(objects, 'Deployment', name).spec.template.spec;
const containerOf = (objects: Manifest[]): Manifest => podSpecOf(objects).containers[0];
const envOf = (container: Manifest): Record<string, Manifest> => Object.fromEntries(container.env.map((e: Manifest) => [e.name, e]));
/** The value following `flag` in an argument list. */
const flag = (args: string[], name: string): string | undefined => args[args.indexOf(name) + 1];
const isUnder = (path: string, mount: string): boolean => path === mount || path.startsWith(`${mount}/`);

describe('VllmDeployment', () => {
  it('applies every documented default', () => {
    // GIVEN only the required props WHEN rendered
    const { vllm, objects } = renderVllm();
    const pod = podSpecOf(objects);
    const container = pod.containers[0];
    // THEN name, component, image, served name, flags, shm, resources, startup timeout and download are the documented defaults
    expect(only(objects, 'Deployment').metadata.name).toBe('vllm');
    expect(only(objects, 'Service').metadata.name).toBe('vllm');
    expect(only(objects, 'Deployment').spec.template.metadata.labels['app.kubernetes.io/name']).toBe('vllm');
    expect(container.image).toBe(DEFAULT_VLLM_IMAGE);
    expect(DEFAULT_VLLM_IMAGE).toBe('vllm/vllm-openai:v0.15.1');
    expect(container.command).toEqual(['vllm', 'serve']);
    expect(container.args).toEqual([
      QWEN_AWQ,
      '--host', '0.0.0.0',
      '--port', '8000',
      '--served-model-name', QWEN_AWQ,
      '--max-model-len', '8192',
      '--max-num-seqs', '4',
      '--gpu-memory-utilization', '0.9',
      '--tensor-parallel-size', '1',
      '--dtype', 'auto',
      '--kv-cache-dtype', 'auto',
    ]);
    expect(vllm.servedModelName).toBe(QWEN_AWQ);
    expect(vllm.url).toBe('http://vllm.mcp-system.svc:8000/v1');
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(pod).not.toHaveProperty('runtimeClassName');
    expect(pod.volumes.find((v: Manifest) => v.name === 'shm').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '2Gi' });
    expect(container.resources).toEqual({ requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': 1 }, limits: { memory: '16Gi', 'nvidia.com/gpu': 1 } });
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(1800);
    expect(envOf(container)).not.toHaveProperty('HF_TOKEN');
    expect(envOf(container)).not.toHaveProperty('HF_HUB_OFFLINE');
    expect(only(objects, 'NetworkPolicy', 'vllm').spec.egress).toHaveLength(1);
    // no clients: nothing is admitted and no client egress is rendered
    expect(only(objects, 'NetworkPolicy', 'vllm').spec.ingress).toEqual([]);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['vllm']);
    expect(only(objects, 'PersistentVolumeClaim').spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } });
  });

  it('tolerates exactly the GPU taint and requests and limits one GPU per tensor-parallel rank', () => {
    const one = renderVllm().objects;
    expect(podSpecOf(one).tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);

    const two = containerOf(renderVllm({ tensorParallelSize: 2 }).objects);
    expect(two.resources.requests['nvidia.com/gpu']).toBe(2);
    expect(two.resources.limits['nvidia.com/gpu']).toBe(2);
    expect(flag(two.args, '--tensor-parallel-size')).toBe('2');
  });

  it("tolerates the taint of the GPU's vendor and requests its resource, so the GPU-toleration rule passes for AMD too", () => {
    expect(gpuTaintKey('nvidia.com/gpu')).toBe('nvidia.com/gpu');
    expect(gpuTaintKey('nvidia.com/mig-3g.20gb')).toBe('nvidia.com/gpu');
    expect(gpuTaintKey('amd.com/gpu')).toBe('amd.com/gpu');
    const { chart, objects } = renderVllm({ gpu: { memoryGiB: 16, resourceName: 'amd.com/gpu', nodeSelector: { 'amd.com/gpu.present': 'true' } } });
    expect(podSpecOf(objects).tolerations).toEqual([{ key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(containerOf(objects).resources.limits['amd.com/gpu']).toBe(1);
    expect(checkPolicies(apiObjectsOf(chart)).findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it('defaults /dev/shm to 2Gi, or a quarter of a memory limit under 8Gi (it is charged to the limit)', () => {
    expect(defaultShmSize('16Gi')).toBe('2Gi');
    expect(defaultShmSize('8Gi')).toBe('2Gi');
    expect(defaultShmSize('4Gi')).toBe('1024Mi');
    expect(defaultShmSize('1Gi')).toBe('256Mi');
    const shmOf = (objects: Manifest[]) => podSpecOf(objects).volumes.find((v: Manifest) => v.emptyDir?.medium === 'Memory').emptyDir.sizeLimit;
    expect(shmOf(renderVllm().objects)).toBe('2Gi');
    expect(shmOf(renderVllm({ resources: { requestsCpu: '1', requestsMemory: '4Gi', limitsMemory: '4Gi' } }).objects)).toBe('1024Mi');
  });

  it('selects the given GPU nodes and runtime class', () => {
    const { objects } = renderVllm({ gpu: { memoryGiB: 12, nodeSelector: { 'node.kubernetes.io/gpu': 'rtx3060' }, runtimeClassName: 'nvidia' } });
    const pod = podSpecOf(objects);
    expect(pod.nodeSelector).toEqual({ 'node.kubernetes.io/gpu': 'rtx3060' });
    expect(pod.runtimeClassName).toBe('nvidia');
  });

  it('mounts /dev/shm as a memory-backed emptyDir of shmSize', () => {
    const { objects } = renderVllm({ shmSize: '4Gi' });
    const pod = podSpecOf(objects);
    const mount = pod.containers[0].volumeMounts.find((m: Manifest) => m.mountPath === '/dev/shm');
    expect(pod.volumes.find((v: Manifest) => v.name === mount.name)).toEqual({ name: mount.name, emptyDir: { medium: 'Memory', sizeLimit: '4Gi' } });
  });

  it('runs non-root on a read-only root filesystem with every cache path on a mounted volume', () => {
    const pod = podSpecOf(renderVllm().objects);
    const container = pod.containers[0];
    const env = envOf(container);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });

    // The Hugging Face cache is on the PVC, so a restart does not download the weights again
    const pvcVolume = pod.volumes.find((v: Manifest) => v.persistentVolumeClaim?.claimName === 'vllm-models');
    const pvcMount = container.volumeMounts.find((m: Manifest) => m.name === pvcVolume.name);
    expect(isUnder(env.HF_HOME.value, pvcMount.mountPath)).toBe(true);
    for (const name of ['VLLM_CACHE_ROOT', 'TRITON_CACHE_DIR', 'TORCHINDUCTOR_CACHE_DIR']) expect(isUnder(env[name].value, pvcMount.mountPath)).toBe(true);

    // Every path-valued variable lies under a volume mount: nothing writes to the read-only root
    const mounts: string[] = container.volumeMounts.map((m: Manifest) => m.mountPath);
    const paths = container.env.filter((e: Manifest) => typeof e.value === 'string' && e.value.startsWith('/'));
    expect(paths.map((e: Manifest) => e.name).sort()).toEqual(
      ['HF_HOME', 'HOME', 'NUMBA_CACHE_DIR', 'OUTLINES_CACHE_DIR', 'TORCHINDUCTOR_CACHE_DIR', 'TRITON_CACHE_DIR', 'VLLM_CACHE_ROOT', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME'],
    );
    expect(paths.filter((e: Manifest) => !mounts.some((mount) => isUnder(e.value, mount)))).toEqual([]);
    // and each mount is a volume of the pod that is writable: an emptyDir or the PVC
    for (const mount of container.volumeMounts) {
      const volume = pod.volumes.find((v: Manifest) => v.name === mount.name);
      expect(volume.emptyDir ?? volume.persistentVolumeClaim).toBeDefined();
      expect(mount.readOnly).toBeUndefined();
    }
  });

  it('passes the given serving limits to vllm serve', () => {
    const { objects } = renderVllm({ maxModelLen: 4096, maxNumSeqs: 2, gpuMemoryUtilization: 0.85, servedModelName: 'qwen-7b', extraArgs: ['--enable-prefix-caching'] });
    const args: string[] = containerOf(objects).args;
    expect(args[0]).toBe(QWEN_AWQ);
    expect(flag(args, '--max-model-len')).toBe('4096');
    expect(flag(args, '--max-num-seqs')).toBe('2');
    expect(flag(args, '--gpu-memory-utilization')).toBe('0.85');
    expect(flag(args, '--tensor-parallel-size')).toBe('1');
    expect(flag(args, '--served-model-name')).toBe('qwen-7b');
    expect(args[args.length - 1]).toBe('--enable-prefix-caching');
  });

  it('gives the startup probe at least startupTimeoutSeconds and checks /health after that', () => {
    const container = containerOf(renderVllm({ startupTimeoutSeconds: 605 }).objects);
    const health = { httpGet: { path: '/health', port: 'http' } };
    expect(container.startupProbe).toMatchObject(health);
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(605);
    expect(container.livenessProbe).toMatchObject(health);
    expect(container.readinessProbe).toMatchObject(health);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
  });

  it('reads a Hugging Face token from an existing Secret only by reference', () => {
    const { objects } = renderVllm({ huggingFaceToken: { from: 'secret', name: 'hf', key: 'token' } });
    expect(envOf(containerOf(objects)).HF_TOKEN).toEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('renders the InfisicalSecret or ExternalSecret that syncs the token', () => {
    const infisical = renderVllm({
      huggingFaceToken: { from: 'infisical', name: 'huggingface-token', key: 'HF_TOKEN', projectSlug: 'homelab', environment: 'prod', credentials: { name: 'infisical-machine-identity' } },
    }).objects;
    expect(only(infisical, 'InfisicalSecret', 'huggingface-token').spec.managedKubeSecretReferences[0]).toMatchObject({ secretName: 'huggingface-token', secretNamespace: 'mcp-system' });
    expect(envOf(containerOf(infisical)).HF_TOKEN.valueFrom).toEqual({ secretKeyRef: { name: 'huggingface-token', key: 'HF_TOKEN' } });

    const external = renderVllm({
      huggingFaceToken: { from: 'externalSecret', name: 'hf-token', key: 'token', store: { name: 'vault' }, remoteKey: 'mcp/huggingface' },
    }).objects;
    expect(only(external, 'ExternalSecret', 'hf-token').spec.data).toEqual([{ secretKey: 'token', remoteRef: { key: 'mcp/huggingface' } }]);
    expect(envOf(containerOf(external)).HF_TOKEN.valueFrom).toEqual({ secretKeyRef: { name: 'hf-token', key: 'token' } });
  });

  it('downloads over 443 to the internet only, and with download off runs offline without egress', () => {
    const online = only(renderVllm().objects, 'NetworkPolicy', 'vllm').spec.egress;
    expect(online).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] } }], ports: [{ protocol: 'TCP', port: 443 }] }]);

    const { objects } = renderVllm({ download: false });
    expect(envOf(containerOf(objects)).HF_HUB_OFFLINE).toEqual({ name: 'HF_HUB_OFFLINE', value: '1' });
    expect(only(objects, 'NetworkPolicy', 'vllm').spec.egress).toEqual([]);
  });

  it('admits only its clients on the serving port and lets them reach it', () => {
    const { objects } = renderVllm({ clients: [GATEWAY] });
    const selfSelector = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-system' } } };
    expect(only(objects, 'NetworkPolicy', 'vllm').spec.ingress).toEqual([
      { from: [{ ...selfSelector, podSelector: { matchLabels: GATEWAY.podLabels } }], ports: [{ protocol: 'TCP', port: 8000 }] },
    ]);
    const clientEgress = only(objects, 'NetworkPolicy', 'mcp-gateway-to-vllm').spec;
    expect(clientEgress.podSelector).toEqual({ matchLabels: GATEWAY.podLabels });
    expect(clientEgress.egress).toEqual([{ to: [{ ...selfSelector, podSelector: { matchLabels: componentSelector('vllm') } }], ports: [{ protocol: 'TCP', port: 8000 }] }]);
  });

  it('fails synth when the weights of Llama-2-13b-chat-hf cannot fit a 12 GiB card', () => {
    const message = errorOf(() => renderVllm({ model: 'meta-llama/Llama-2-13b-chat-hf', maxModelLen: 4096 }));
    expect(message).toMatch(/VllmDeployment vllm: meta-llama\/Llama-2-13b-chat-hf on 1 × 12 GiB GPU: Weights alone need 24\.3 GiB per GPU/);
  });

  it('fits Qwen2.5-7B-Instruct-AWQ at 8192 tokens on 12 GiB and records the sizing on the Deployment', () => {
    const { vllm, objects } = renderVllm();
    expect(vllm.sizing.fits).toBe(true);
    expect(vllm.sizing).toEqual(estimateGpuSizing({ model: QWEN_AWQ, maxModelLen: 8192, maxNumSeqs: 4, gpuMemoryGiB: 12, gpuCount: 1, gpuMemoryUtilization: 0.9 }));
    expect(only(objects, 'Deployment').metadata.annotations).toEqual({
      'mcp-platform.dev/gpu-sizing': 'weights 5.2 GiB + KV cache 1.8 GiB of 4.1 GiB free per GPU (budget 10.8 GiB)',
    });
  });

  it.each<[string, Partial<VllmDeploymentProps>, string]>([
    ['an unpinned image', { image: 'vllm/vllm-openai:latest' }, 'image "vllm/vllm-openai:latest" must not use the latest tag: pin a version so every node runs the same code'],
    ['an image without a tag', { image: 'vllm/vllm-openai' }, 'image "vllm/vllm-openai" must be pinned to a version tag or digest, e.g. "ghcr.io/org/app:1.2.0"'],
    ['an image kubelet cannot parse', { image: 'vllm/vLLM-openai:v0.15.1' }, `image "vllm/vLLM-openai:v0.15.1" is not an image reference kubelet accepts: an optional registry host, then a lowercase repository path (letters a-z, digits, ".", "_" and "-"), then ":tag" or "@sha256:<digest>", e.g. "ghcr.io/org/app:1.2.0"`],
    [
      'a /dev/shm of half the memory limit',
      { shmSize: '8Gi' },
      'shmSize 8Gi (8.0 GiB) must be under half of resources.limitsMemory 16Gi: /dev/shm counts against the memory limit',
    ],
    ['no GPU', { tensorParallelSize: 0 }, 'tensorParallelSize must be a positive whole number, got 0'],
    ['a model that is not a Hugging Face id', { model: 'qwen 7b' }, 'model "qwen 7b" must be a Hugging Face id such as "Qwen/Qwen2.5-7B-Instruct-AWQ"'],
    ['a startup timeout too short for a model load', { startupTimeoutSeconds: 30 }, 'startupTimeoutSeconds must be at least 60 (a model load takes minutes), got 30'],
    [
      'a flag in extraArgs the platform sets',
      { extraArgs: ['--enable-auto-tool-choice', '--port=9000'] },
      'extraArgs[1] sets --port, which the platform sets itself (vLLM takes the last value, so the port, probes or sizing would no longer match): use the field for it, or leave it out',
    ],
    [
      'float32 for an AWQ model, which its kernels cannot compute in',
      { dtype: 'float32' },
      'dtype "float32" cannot run Qwen/Qwen2.5-7B-Instruct-AWQ, whose weights are awq: vLLM\'s AWQ kernels compute in float16 (or bfloat16); leave dtype at "auto" or set "float16"',
    ],
    [
      'a platform flag in extraArgs with underscores, which vLLM reads as dashes',
      { extraArgs: ['--max_model_len', '32768'] },
      'extraArgs[0] sets --max-model-len (as --max_model_len), which the platform sets itself (vLLM takes the last value, so the port, probes or sizing would no longer match): use the field for it, or leave it out',
    ],
    [
      'a platform flag in extraArgs with underscores and a value',
      { extraArgs: ['--gpu_memory_utilization=0.5'] },
      'extraArgs[0] sets --gpu-memory-utilization (as --gpu_memory_utilization), which the platform sets itself (vLLM takes the last value, so the port, probes or sizing would no longer match): use the field for it, or leave it out',
    ],
    [
      "vLLM's short flag for the tensor parallel size",
      { extraArgs: ['-tp', '2'] },
      'extraArgs[0] sets --tensor-parallel-size (as -tp), which the platform sets itself (vLLM takes the last value, so the port, probes or sizing would no longer match): use the field for it, or leave it out',
    ],
    [
      'a data-parallel size, by its short flag',
      { extraArgs: ['-dp', '2'] },
      'extraArgs[0] sets --data-parallel-size (as -dp), which makes vLLM use more GPUs than the pod requests (it requests tensorParallelSize): use tensorParallelSize to spread the model over GPUs',
    ],
    [
      'a pipeline-parallel size',
      { extraArgs: ['--pipeline-parallel-size=2'] },
      'extraArgs[0] sets --pipeline-parallel-size, which makes vLLM use more GPUs than the pod requests (it requests tensorParallelSize): use tensorParallelSize to spread the model over GPUs',
    ],
    [
      'a literal token in extraArgs',
      { extraArgs: ['--enable-auto-tool-choice', '--hf-token', 'hf_abcdefghijklmnopqrstuvwxyz012345'] },
      'extraArgs[2] holds a Hugging Face token (hf_…): remove it (the config is committed to git); the Hugging Face token goes in huggingFaceToken, by reference',
    ],
    [
      'a GPU resource without a vendor domain',
      { gpu: { memoryGiB: 12, resourceName: 'gpu' } },
      'gpu.resourceName "gpu" must be an extended resource name with the vendor\'s domain, such as "nvidia.com/gpu" or "amd.com/gpu"',
    ],
    [
      'a cache too small for the weights',
      { cache: { size: '1Gi' } },
      "cache.size 1Gi is smaller than the model Qwen/Qwen2.5-7B-Instruct-AWQ (5.2 GiB of weights to download): use at least 7Gi (20 % more, for the file system's reserve and metadata)",
    ],
    [
      'a cache that holds the weights but not the headroom',
      { model: 'meta-llama/Llama-3.1-8B-Instruct', maxModelLen: 4096, maxNumSeqs: 1, gpu: { memoryGiB: 24 }, cache: { size: '15Gi' } },
      "cache.size 15Gi is smaller than the model meta-llama/Llama-3.1-8B-Instruct (15.0 GiB of weights to download): use at least 18Gi (20 % more, for the file system's reserve and metadata)",
    ],
    [
      'a RuntimeClass name that is no object name',
      { gpu: { memoryGiB: 12, runtimeClassName: 'NVIDIA' } },
      'gpu.runtimeClassName "NVIDIA" must be the name of a RuntimeClass (a DNS-1123 subdomain), such as "nvidia"',
    ],
  ])('rejects %s, naming the prop', (_case, props, problem) => {
    expect(() => renderVllm(props)).toThrow(new Error(`VllmDeployment vllm:\n  - ${problem}`));
  });

  it.each<[string, Partial<VllmDeploymentProps>]>([
    ['the defaults', {}],
    [
      'clients, a token from Infisical, a runtime class and two GPUs',
      {
        clients: [GATEWAY],
        tensorParallelSize: 2,
        gpu: { memoryGiB: 12, runtimeClassName: 'nvidia' },
        huggingFaceToken: { from: 'infisical', name: 'huggingface-token', key: 'HF_TOKEN', projectSlug: 'homelab', environment: 'prod', credentials: { name: 'infisical-machine-identity' } },
      },
    ],
    ['a MIG slice as the GPU resource', { gpu: { memoryGiB: 20, resourceName: 'nvidia.com/mig-3g.20gb' } }],
    ['an ExternalSecret token and no download', { download: false, huggingFaceToken: { from: 'externalSecret', name: 'hf-token', key: 'token', store: { name: 'vault' }, remoteKey: 'hf' } }],
  ])('renders objects that pass the schemas and the policy pack with %s', (_case, props) => {
    const { chart, objects } = renderVllm(props);
    const validator = new SchemaValidator();
    expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
    expect(checkPolicies(apiObjectsOf(chart))).toEqual({ findings: [], suppressed: [] });
  });
});

describe('VllmDeployment cache size', () => {
  it('accepts a cache of the checkpoint plus 20 %, whatever the GPUs or dtype', () => {
    // 5.19 GiB × 1.2 = 6.2 GiB: 7Gi holds it, split over two GPUs or not
    expect(() => renderVllm({ cache: { size: '7Gi' } })).not.toThrow();
    expect(() => renderVllm({ cache: { size: '7Gi' }, tensorParallelSize: 2 })).not.toThrow();
    // the bfloat16 checkpoint is on disk at 2 bytes even when served in float32
    expect(() => renderVllm({ model: 'Qwen/Qwen2.5-3B-Instruct', dtype: 'float32', maxModelLen: 2048, gpu: { memoryGiB: 24 }, cache: { size: '7Gi' } })).not.toThrow();
  });

  it('leaves the cache unchecked for a model without a shape, which the sizing check reports', () => {
    const message = errorOf(() => renderVllm({ model: 'acme/unknown-7b', cache: { size: '1Gi' } }));
    expect(message).toMatch(/modelShape is required/);
    expect(message).not.toMatch(/cache\.size/);
  });
});

describe('VllmDeployment dtype against the weights', () => {
  it('runs an AWQ model in float16 or auto, and an unquantised one in float32', () => {
    expect(() => renderVllm({ dtype: 'float16' })).not.toThrow();
    expect(() => renderVllm({ dtype: 'auto' })).not.toThrow();
    expect(() => renderVllm({ model: 'Qwen/Qwen2.5-3B-Instruct', dtype: 'float32', maxModelLen: 2048, gpu: { memoryGiB: 24 } })).not.toThrow();
  });
});
