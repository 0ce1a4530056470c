import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { DNS_SUBDOMAIN, extendedResourceProblem, gib, imageFieldProblem, parseQuantity } from '../formats.js';
import { ComponentNames, componentSelector } from '../labels.js';
import type { ModelEndpoint } from './triage-llm.js';
import { SecretReference, type SecretSource } from '../secrets/secret-reference.js';
import { PRIVATE_IPV4_RANGES, type PodPeer } from '../workloads/pod-network-policy.js';
import {
  envVars,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDir,
  type ContainerResources,
} from '../workloads/pod-spec.js';
import { checkpointGiB, estimateGpuSizing, KNOWN_MODELS, misfitMessage, type GpuSizing, type GpuSizingInput, type KvCacheDtype, type ModelDtype, type ModelShape } from './gpu-sizing.js';
import { ModelServerWorkload, modelStorageProblem, type ModelStorage } from './model-server-workload.js';
import { throwIfProblems } from '../validation/problems.js';
import { literalArgCredentialReasons } from '../secrets/credential-shape.js';

/** vLLM's OpenAI-compatible server image, pinned. */
export const DEFAULT_VLLM_IMAGE = 'vllm/vllm-openai:v0.15.1';
export const VLLM_PORT = 8000;
/** The taint the NVIDIA GPU operator (and most GPU node setups) put on GPU nodes. */
export const GPU_TAINT_KEY = 'nvidia.com/gpu';

/**
 * The taint key of the nodes that offer a GPU resource: the vendor's `<vendor>/gpu` (a MIG slice such as
 * `nvidia.com/mig-3g.20gb` still lives on a node tainted `nvidia.com/gpu`). The policy pack's GPU-toleration
 * rule pairs the same keys with the same vendor prefixes.
 */
export function gpuTaintKey(resourceName: string): string {
  const vendor = resourceName.includes('/') ? resourceName.slice(0, resourceName.indexOf('/')) : undefined;
  return vendor ? `${vendor}/gpu` : resourceName;
}

/** The default /dev/shm: 2Gi, or a quarter of a memory limit of 8Gi or less (it is charged to that limit). */
export function defaultShmSize(limitsMemory: string): string {
  let limit: number;
  try {
    limit = parseQuantity(limitsMemory);
  } catch {
    return '2Gi'; // the limit itself is reported by the props check
  }
  const quarterMi = Math.floor(limit / 4 / 2 ** 20);
  return quarterMi >= 2048 ? '2Gi' : `${Math.max(1, quarterMi)}Mi`;
}
const VLLM_UID = 1000;

/** The GPU nodes vLLM is scheduled on, and the GPUs they offer. */
export interface GpuNodes {
  /** Memory of one GPU in GiB (a 12 GB card: 12). */
  readonly memoryGiB: number;
  /** Labels of the nodes with GPUs. @default { "nvidia.com/gpu.present": "true" } (set by GPU feature discovery) */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** RuntimeClass that exposes the GPU to containers (e.g. "nvidia" on Talos). @default none (the node's default runtime) */
  readonly runtimeClassName?: string;
  /** Extended resource name. @default "nvidia.com/gpu" */
  readonly resourceName?: string;
}

/** Props of a VllmDeployment: the model, its sizing, the GPU nodes and who may call it. */
export interface VllmDeploymentProps {
  /** Namespace of the Deployment and Service. */
  readonly namespace: string;
  /** Name of the Deployment and Service. @default "vllm" */
  readonly name?: string;
  /** `app.kubernetes.io/name` of the pods. @default "vllm" */
  readonly componentName?: string;
  /** @default DEFAULT_VLLM_IMAGE */
  readonly image?: string;
  /** Hugging Face model id, e.g. "Qwen/Qwen2.5-7B-Instruct-AWQ". */
  readonly model: string;
  /** Shape for the sizing check, for a model outside the catalogue in gpu-sizing.ts. @default KNOWN_MODELS[model] (a model outside it fails the sizing check) */
  readonly modelShape?: ModelShape;
  /** Name clients ask for. @default the model id */
  readonly servedModelName?: string;
  /** @default "auto" */
  readonly dtype?: ModelDtype;
  /** @default "auto" */
  readonly kvCacheDtype?: KvCacheDtype;
  /** Longest context (prompt + answer) in tokens. */
  readonly maxModelLen: number;
  /** Sequences served at once, each at full length. @default 4 */
  readonly maxNumSeqs?: number;
  /** Share of GPU memory vLLM may take. @default 0.9 */
  readonly gpuMemoryUtilization?: number;
  /** GPUs per pod (tensor parallel size). @default 1 */
  readonly tensorParallelSize?: number;
  /** The GPU nodes, and the memory of one GPU for the sizing check. */
  readonly gpu: GpuNodes;
  /** Size of /dev/shm (memory-backed; NCCL and the tokenizer workers use it). @default "2Gi", or a quarter of resources.limitsMemory when that is under 8Gi */
  readonly shmSize?: string;
  /**
   * Hugging Face cache (weights) on a PVC: it must hold the checkpoint (checkpointGiB of the model's shape) plus
   * MODEL_STORAGE_HEADROOM; unchecked for a model without a shape, which the sizing check refuses anyway.
   */
  readonly cache: ModelStorage;
  /** Token for gated models, by reference. @default none */
  readonly huggingFaceToken?: SecretSource;
  /** CPU and memory of the pod (host memory, not GPU memory). @default 2 CPU, 8Gi requested, 16Gi limit */
  readonly resources?: ContainerResources;
  /** Longest time to download and load the model before the pod counts as failed. @default 1800 s */
  readonly startupTimeoutSeconds?: number;
  /** Download weights from Hugging Face (egress to the internet on 443). Off: weights must already be in the cache. @default true */
  readonly download?: boolean;
  /** Pods that call the server. @default none */
  readonly clients?: readonly PodPeer[];
  /** More `vllm serve` flags. @default none */
  readonly extraArgs?: readonly string[];
}

const DEFAULT_RESOURCES: ContainerResources = { requestsCpu: '2', requestsMemory: '8Gi', limitsMemory: '16Gi' };
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/**
 * The endpoint a VllmDeployment with these props serves, without rendering it (the gateway, in another app, is
 * rendered first); the deployment takes its url from here.
 */
export function vllmEndpoint(props: Pick<VllmDeploymentProps, 'namespace' | 'name' | 'model' | 'servedModelName' | 'componentName'>): ModelEndpoint {
  const name = props.name ?? 'vllm';
  return {
    url: `http://${name}.${props.namespace}.svc:${VLLM_PORT}/v1`,
    model: props.servedModelName ?? props.model,
    reach: { peers: [{ podLabels: componentSelector(props.componentName ?? ComponentNames.vllm) }], ports: [VLLM_PORT] },
  };
}

/**
 * vLLM serving one model on GPU nodes. The pod tolerates the GPU taint and requests GPUs, so it is the
 * only kind of pod that lands there; it runs non-root with every cache path on a volume, and synth
 * fails when the model (weights plus KV cache for maxNumSeqs × maxModelLen) cannot fit the GPU memory.
 */
export class VllmDeployment extends Construct {
  readonly workload: ModelServerWorkload;
  readonly sizing: GpuSizing;
  /** In-cluster base URL of the OpenAI-compatible API (ends in /v1). */
  readonly url: string;
  readonly servedModelName: string;
  readonly port = VLLM_PORT;

  constructor(scope: Construct, id: string, props: VllmDeploymentProps) {
    super(scope, id);
    const name = props.name ?? 'vllm';
    const tensorParallelSize = props.tensorParallelSize ?? 1;
    const maxNumSeqs = props.maxNumSeqs ?? 4;
    const gpuMemoryUtilization = props.gpuMemoryUtilization ?? 0.9;
    const resources = props.resources ?? DEFAULT_RESOURCES;
    const shmSize = props.shmSize ?? defaultShmSize(resources.limitsMemory);
    const startupTimeout = props.startupTimeoutSeconds ?? 1800;
    const where = `VllmDeployment ${id}`;
    const shape = props.modelShape ?? KNOWN_MODELS[props.model];
    validate(where, { model: props.model, shape, dtype: props.dtype, tensorParallelSize, shmSize, resources, startupTimeout, image: props.image, gpu: props.gpu, extraArgs: props.extraArgs ?? [], cache: props.cache });

    const sizingInput: GpuSizingInput = {
      model: props.model,
      shape: props.modelShape,
      dtype: props.dtype,
      kvCacheDtype: props.kvCacheDtype,
      maxModelLen: props.maxModelLen,
      maxNumSeqs,
      gpuMemoryGiB: props.gpu.memoryGiB,
      gpuCount: tensorParallelSize,
      gpuMemoryUtilization,
    };
    this.sizing = estimateGpuSizing(sizingInput);
    // Whether the model fits depends on several props together, so it is a synth-time validation, not a constructor error.
    // A problem about one prop (maxModelLen, shape) names it first; one about the whole fit names the model and the GPUs.
    this.node.addValidation({
      validate: () =>
        this.sizing.fits
          ? []
          : this.sizing.problems.map((problem) =>
              /^(?:maxModelLen|shape|model|dtype|kvCacheDtype|gpuMemoryUtilization|maxNumSeqs)\b/.test(problem)
                ? `${where}: ${problem.replace(/^shape\b/, 'modelShape')}`
                : `${where}: ${misfitMessage({ ...sizingInput }, { ...this.sizing, problems: [problem] })}`,
            ),
    });
    this.servedModelName = props.servedModelName ?? props.model;
    this.url = vllmEndpoint(props).url;

    const token = props.huggingFaceToken
      ? new SecretReference(this, 'HuggingFaceToken', { namespace: props.namespace, source: props.huggingFaceToken, component: 'gpu-inference' })
      : undefined;
    const home = scratchDir('home', '/home/vllm', { sizeLimit: '1Gi' });
    const tmp = scratchDir('tmp', '/tmp', { sizeLimit: '4Gi' });
    const shm = scratchDir('shm', '/dev/shm', { medium: 'Memory', sizeLimit: shmSize });

    const flags: Record<PlatformFlag, string> = {
      '--host': '0.0.0.0',
      '--port': String(VLLM_PORT),
      '--served-model-name': this.servedModelName,
      '--max-model-len': String(props.maxModelLen),
      '--max-num-seqs': String(maxNumSeqs),
      '--gpu-memory-utilization': String(gpuMemoryUtilization),
      '--tensor-parallel-size': String(tensorParallelSize),
      '--dtype': props.dtype ?? 'auto',
      '--kv-cache-dtype': props.kvCacheDtype ?? 'auto',
    };
    const args = [props.model, ...PLATFORM_FLAGS.flatMap((flag) => [flag, flags[flag]]), ...(props.extraArgs ?? [])];
    const gpuResource = props.gpu.resourceName ?? GPU_TAINT_KEY;
    const probe = (periodSeconds: number, failureThreshold: number, timeoutSeconds: number): k8s.Probe => ({
      httpGet: { path: '/health', port: k8s.IntOrString.fromString('http') },
      periodSeconds,
      failureThreshold,
      timeoutSeconds,
    });

    this.workload = new ModelServerWorkload(this, 'Workload', {
      namespace: props.namespace,
      name,
      componentName: props.componentName ?? ComponentNames.vllm,
      port: VLLM_PORT,
      storage: props.cache,
      clients: props.clients ?? [],
      egress: props.download === false ? [] : [{ peers: [{ cidr: '0.0.0.0/0', except: PRIVATE_IPV4_RANGES }], ports: [443] }],
      annotations: { 'mcp-platform.dev/gpu-sizing': sizingSummary(this.sizing) },
      podSpec: {
        securityContext: restrictedPodSecurityContext(VLLM_UID),
        nodeSelector: { ...(props.gpu.nodeSelector ?? { 'nvidia.com/gpu.present': 'true' }) },
        ...(props.gpu.runtimeClassName ? { runtimeClassName: props.gpu.runtimeClassName } : {}),
        tolerations: [{ key: gpuTaintKey(gpuResource), operator: 'Exists', effect: 'NoSchedule' }],
        volumes: [home.volume, tmp.volume, shm.volume],
        containers: [
          {
            name: 'vllm',
            image: props.image ?? DEFAULT_VLLM_IMAGE,
            command: ['vllm', 'serve'],
            args,
            ports: [{ name: 'http', containerPort: VLLM_PORT, protocol: 'TCP' }],
            env: [
              ...envVars({
                HOME: '/home/vllm',
                HF_HOME: '/models/huggingface',
                VLLM_CACHE_ROOT: '/models/vllm',
                TRITON_CACHE_DIR: '/models/triton',
                TORCHINDUCTOR_CACHE_DIR: '/models/torchinductor',
                XDG_CACHE_HOME: '/tmp/cache',
                XDG_CONFIG_HOME: '/home/vllm/.config',
                NUMBA_CACHE_DIR: '/tmp/numba',
                OUTLINES_CACHE_DIR: '/tmp/outlines',
                VLLM_NO_USAGE_STATS: '1',
                DO_NOT_TRACK: '1',
                ...(props.download === false ? { HF_HUB_OFFLINE: '1' } : {}),
              }),
              ...(token ? [token.envVar('HF_TOKEN')] : []),
            ],
            resources: resourceRequirements(resources, { count: tensorParallelSize, resourceName: gpuResource }),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [{ name: ModelServerWorkload.MODEL_VOLUME, mountPath: '/models' }, home.mount, tmp.mount, shm.mount],
            // The server listens only once the weights are loaded; the download comes first, so allow for it here
            // and keep liveness and readiness short for a server that has started.
            startupProbe: probe(10, Math.ceil(startupTimeout / 10), 5),
            livenessProbe: probe(10, 3, 5),
            readinessProbe: probe(5, 3, 5),
          },
        ],
      },
    });
  }
}

function sizingSummary(s: GpuSizing): string {
  return `weights ${s.weightsGiB.toFixed(1)} GiB + KV cache ${s.kvCacheNeededGiB.toFixed(1)} GiB of ${s.freeForKvGiB.toFixed(1)} GiB free per GPU (budget ${s.budgetGiB.toFixed(1)} GiB)`;
}

/** The vLLM flags the platform sets from fields (the port, probes and GPU sizing depend on them). */
const PLATFORM_FLAGS = [
  '--host', '--port', '--served-model-name', '--max-model-len', '--max-num-seqs', '--gpu-memory-utilization', '--tensor-parallel-size', '--dtype', '--kv-cache-dtype',
] as const;
type PlatformFlag = (typeof PLATFORM_FLAGS)[number];
/** Flags extraArgs may not set: the platform's, and `--model` (the model is the first argument). */
const RESERVED_FLAGS: ReadonlySet<string> = new Set([...PLATFORM_FLAGS, '--model']);
/**
 * Flags that change how many GPUs vLLM uses, which the pod requests as tensorParallelSize: a pipeline or
 * data-parallel size over 1 waits for GPUs the pod does not have.
 */
const GPU_COUNT_FLAGS: ReadonlySet<string> = new Set(['--pipeline-parallel-size', '--data-parallel-size', '--data-parallel-size-local']);
/** vLLM's short spellings (EngineArgs.add_cli_args: `--tensor-parallel-size`, `-tp`, ...). */
const SHORT_FLAGS: Readonly<Record<string, string>> = { '-tp': '--tensor-parallel-size', '-pp': '--pipeline-parallel-size', '-dp': '--data-parallel-size', '-dpl': '--data-parallel-size-local' };

/**
 * The long flag an argument sets, as vLLM reads it: its FlexibleArgumentParser turns `--max_model_len` into
 * `--max-model-len`, and `-tp` is `--tensor-parallel-size`. Undefined for a value.
 */
function vllmFlag(arg: string): string | undefined {
  const short = /^(-[a-z]+)(?:=|$)/.exec(arg)?.[1];
  if (short !== undefined) return SHORT_FLAGS[short];
  return /^(--[a-z0-9_-]+)(?:=|$)/i.exec(arg)?.[1].toLowerCase().replace(/_/g, '-');
}

function validate(
  where: string,
  p: { model: string; shape?: ModelShape; dtype?: ModelDtype; tensorParallelSize: number; shmSize: string; resources: ContainerResources; startupTimeout: number; image?: string; gpu: GpuNodes; extraArgs: readonly string[]; cache: ModelStorage },
): void {
  const problems: string[] = [];
  // A shape too wrong to size a checkpoint (the sizing check names its fields) leaves the cache unchecked.
  const checkpoint = p.shape === undefined ? NaN : checkpointGiB(p.shape);
  if (Number.isFinite(checkpoint) && checkpoint > 0) {
    const cacheProblem = modelStorageProblem('cache.size', p.cache.size, `the model ${p.model} (${checkpoint.toFixed(1)} GiB of weights to download)`, checkpoint * 2 ** 30);
    if (cacheProblem) problems.push(cacheProblem);
  }
  for (const [index, arg] of p.extraArgs.entries()) {
    const flag = vllmFlag(arg);
    const spelled = flag === undefined || arg.startsWith(`${flag}`) ? '' : ` (as ${arg.split('=')[0]})`;
    if (flag && RESERVED_FLAGS.has(flag)) {
      problems.push(`extraArgs[${index}] sets ${flag}${spelled}, which the platform sets itself (vLLM takes the last value, so the port, probes or sizing would no longer match): use the field for it, or leave it out`);
    } else if (flag && GPU_COUNT_FLAGS.has(flag)) {
      problems.push(`extraArgs[${index}] sets ${flag}${spelled}, which makes vLLM use more GPUs than the pod requests (it requests tensorParallelSize): use tensorParallelSize to spread the model over GPUs`);
    }
  }
  for (const { index, reason } of literalArgCredentialReasons(p.extraArgs)) {
    problems.push(`extraArgs[${index}] ${reason}: remove it (the config is committed to git); the Hugging Face token goes in huggingFaceToken, by reference`);
  }
  const resourceProblem = p.gpu.resourceName === undefined ? undefined : extendedResourceProblem(p.gpu.resourceName);
  if (resourceProblem) problems.push(`gpu.resourceName "${p.gpu.resourceName}" ${resourceProblem}`);
  if (p.gpu.runtimeClassName !== undefined && !DNS_SUBDOMAIN.test(p.gpu.runtimeClassName)) {
    problems.push(`gpu.runtimeClassName "${p.gpu.runtimeClassName}" must be the name of a RuntimeClass (a DNS-1123 subdomain), such as "nvidia"`);
  }
  // vLLM's AWQ and GPTQ kernels compute in float16 (their Marlin variants also in bfloat16): float32 stops the load
  // ("torch.float32 is not supported for quantization method awq", get_supported_act_dtypes).
  const weights = p.shape?.weights;
  if (p.dtype === 'float32' && weights !== undefined && /^(?:awq|gptq-)/.test(weights)) {
    problems.push(`dtype "float32" cannot run ${p.model}, whose weights are ${weights}: vLLM's ${weights.startsWith('awq') ? 'AWQ' : 'GPTQ'} kernels compute in float16 (or bfloat16); leave dtype at "auto" or set "float16"`);
  }
  if (!MODEL_ID.test(p.model)) problems.push(`model "${p.model}" must be a Hugging Face id such as "Qwen/Qwen2.5-7B-Instruct-AWQ"`);
  if (!Number.isInteger(p.tensorParallelSize) || p.tensorParallelSize < 1) problems.push(`tensorParallelSize must be a positive whole number, got ${p.tensorParallelSize}`);
  if (!Number.isInteger(p.startupTimeout) || p.startupTimeout < 60) problems.push(`startupTimeoutSeconds must be at least 60 (a model load takes minutes), got ${p.startupTimeout}`);
  const imageFault = p.image === undefined ? undefined : imageFieldProblem('image', p.image);
  if (imageFault) problems.push(imageFault);
  try {
    // /dev/shm is tmpfs, charged to the container's memory limit: it must leave room for vLLM's own memory.
    const shm = parseQuantity(p.shmSize);
    const limit = parseQuantity(p.resources.limitsMemory);
    if (shm >= limit / 2) problems.push(`shmSize ${p.shmSize} (${gib(shm)}) must be under half of resources.limitsMemory ${p.resources.limitsMemory}: /dev/shm counts against the memory limit`);
  } catch (error) {
    problems.push((error as Error).message);
  }
  throwIfProblems(where, problems);
}
