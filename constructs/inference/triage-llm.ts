import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { DNS_LABEL, DNS_SUBDOMAIN, gib, imageFieldProblem, parseQuantity } from '../formats.js';
import { ComponentNames, componentSelector, platformLabels } from '../labels.js';
import { PRIVATE_IPV4_RANGES, type PeerPorts, type PodPeer } from '../workloads/pod-network-policy.js';
import {
  envVars,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDir,
  type ContainerResources,
} from '../workloads/pod-spec.js';
import { ClientEgress, ModelServerWorkload, modelStorageProblem, type ModelStorage } from './model-server-workload.js';
import { VLLM_PORT, VllmDeployment, type VllmDeploymentProps } from './vllm-deployment.js';
import { throwIfProblems } from '../validation/problems.js';
import { isServiceHost } from '../network/cluster-network.js';
import { cidrRange, IPV4_ADDRESS, IPV4_CIDR, rangeContains } from '../network/ipv4.js';

/** Ollama's server image, pinned. */
export const DEFAULT_OLLAMA_IMAGE = 'ollama/ollama:0.21.0';
export const OLLAMA_PORT = 11434;
const OLLAMA_UID = 1000;

/** What the platform knows of a model on the Ollama library: its download and the shape of its KV cache. */
export interface OllamaModelFacts {
  /** Download size in GB of the default (Q4_K_M) quantisation, as the Ollama library lists it. */
  readonly downloadGB: number;
  /** `num_hidden_layers` of the base model's config.json (Ollama's `<arch>.block_count`). */
  readonly layers: number;
  /** `num_key_value_heads` (Ollama's `<arch>.attention.head_count_kv`). */
  readonly kvHeads: number;
  /** `head_dim`, or `hidden_size / num_attention_heads` (Ollama's `<arch>.attention.key_length`). */
  readonly headDim: number;
  /** `max_position_embeddings` (Ollama's `<arch>.context_length`): Ollama cuts a longer num_ctx down to it. */
  readonly maxContextLength: number;
}

/**
 * Small instruct models on the Ollama library. Shapes are the base models' Hugging Face config.json, checked
 * against copies of those files (the repository's own config.json was not reachable from here):
 * Qwen2.5 0.5B/1.5B/3B/7B (Qwen/Qwen2.5-*-Instruct; 3B and 7B as in gpu-sizing.ts KNOWN_MODELS), Llama 3.2 1B/3B
 * (meta-llama/Llama-3.2-*-Instruct; 1B has head_dim 64), Phi-3.5-mini (microsoft/Phi-3.5-mini-instruct: no
 * grouped-query attention, 32 KV heads of 96 = 3072 / 32), Gemma 2 2B (google/gemma-2-2b-it: head_dim 256,
 * sliding-window layers counted at full length, an upper bound) and Llama 3.1 8B (meta-llama/Llama-3.1-8B-Instruct).
 */
export const OLLAMA_MODELS: Readonly<Record<string, OllamaModelFacts>> = {
  'qwen2.5:0.5b-instruct': { downloadGB: 0.4, layers: 24, kvHeads: 2, headDim: 64, maxContextLength: 32768 },
  'qwen2.5:1.5b-instruct': { downloadGB: 0.99, layers: 28, kvHeads: 2, headDim: 128, maxContextLength: 32768 },
  'qwen2.5:3b-instruct': { downloadGB: 1.9, layers: 36, kvHeads: 2, headDim: 128, maxContextLength: 32768 },
  'qwen2.5:7b-instruct': { downloadGB: 4.7, layers: 28, kvHeads: 4, headDim: 128, maxContextLength: 32768 },
  'llama3.2:1b': { downloadGB: 1.3, layers: 16, kvHeads: 8, headDim: 64, maxContextLength: 131072 },
  'llama3.2:3b': { downloadGB: 2.0, layers: 28, kvHeads: 8, headDim: 128, maxContextLength: 131072 },
  'phi3.5:3.8b': { downloadGB: 2.2, layers: 32, kvHeads: 32, headDim: 96, maxContextLength: 131072 },
  'gemma2:2b': { downloadGB: 1.6, layers: 26, kvHeads: 4, headDim: 256, maxContextLength: 8192 },
  'llama3.1:8b': { downloadGB: 4.9, layers: 32, kvHeads: 8, headDim: 128, maxContextLength: 131072 },
};

/** Download sizes (GB) of the catalogued models: the memory and the storage a server needs start here. */
export const OLLAMA_MODEL_SIZES_GB: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(OLLAMA_MODELS).map(([model, facts]) => [model, facts.downloadGB]));

/** Runtime, compute buffers and the server itself, on top of the weights and the KV cache. */
const OLLAMA_OVERHEAD_BYTES = 1.5 * 2 ** 30;
/**
 * Bytes of one KV cache element. Ollama keeps the cache in f16 unless OLLAMA_KV_CACHE_TYPE says otherwise, and
 * the server here does not set it (ollama/ollama v0.21.0: envconfig KvCacheType "default: f16",
 * fs/ggml/ggml.go kvCacheBytesPerElement, runner/ollamarunner/cache.go kvCacheTypeFromStr).
 */
const OLLAMA_KV_BYTES_PER_ELEMENT = 2;
/**
 * The longest context a model outside the catalogue is sized for without its shape: the overhead is then all
 * there is for the KV cache, which holds a short context of a small model and no more.
 */
const UNSIZED_CONTEXT_LENGTH = 4096;

/** KV cache bytes per token of context: K and V, for every layer and KV head (one sequence: OLLAMA_NUM_PARALLEL is 1). */
export function ollamaKvCacheBytesPerToken(facts: OllamaModelFacts): number {
  return 2 * facts.layers * facts.kvHeads * facts.headDim * OLLAMA_KV_BYTES_PER_ELEMENT;
}
/**
 * An Ollama model name, `[host/][namespace/]model[:tag]` as Ollama's own parser reads it (ollama/ollama
 * types/model/name.go @12734c10: at most 128 characters; letters, digits, "_", "." and "-" in each part, no
 * "." in the namespace, no ".."). So "qwen2.5:3b-instruct", "library/qwen2.5" and Hugging Face GGUF
 * repositories such as "hf.co/bartowski/Qwen2.5-3B-Instruct-GGUF:Q4_K_M".
 */
const OLLAMA_MODEL = /^(?=.{1,128}$)(?!.*\.\.)(?:[A-Za-z0-9_.-]+\/[A-Za-z0-9_-]+\/|[A-Za-z0-9_-]+\/)?[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)?$/;

/** Ollama on the CPU, pulling a small model onto a PVC. */
export interface OllamaTriage {
  /** Selects this backend. */
  readonly provider: 'ollama';
  /** @default DEFAULT_OLLAMA_IMAGE */
  readonly image?: string;
  /** Ollama model tag. @default "qwen2.5:3b-instruct" */
  readonly model?: string;
  /**
   * Download size in GB, for a model outside OLLAMA_MODELS (sizes its memory and checks storage.size).
   * @default the model's size in OLLAMA_MODELS; for a model outside it, none (resources must then be set)
   */
  readonly modelSizeGB?: number;
  /**
   * Context window (OLLAMA_CONTEXT_LENGTH), at most the model's own (OLLAMA_MODELS maxContextLength). Its KV cache
   * is part of the memory; a model outside the catalogue needs resources above 4096 tokens. @default 4096
   */
  readonly contextLength?: number;
  /** Must hold the download plus MODEL_STORAGE_HEADROOM; unchecked when the download size is unknown. @default { size: "10Gi" } */
  readonly storage?: ModelStorage;
  /**
   * @default 1 CPU requested; memory = weights + KV cache for contextLength (f16) + 1.5 GiB, rounded up to 512Mi,
   * requested and limited alike
   */
  readonly resources?: ContainerResources;
  /** Pull the model in an init container (egress to the internet on 443). Off: it must already be on the PVC. @default true */
  readonly pullModel?: boolean;
}

/** vLLM on the GPU nodes: a VllmDeployment under the triage Service's name. */
export interface VllmTriage extends Omit<VllmDeploymentProps, 'namespace' | 'clients' | 'name' | 'componentName'> {
  /** Selects this backend. */
  readonly provider: 'vllm';
}

/** An OpenAI-compatible server outside the cluster, e.g. a GPU workstation on the LAN. */
export interface ExternalTriage {
  /** Selects this backend. */
  readonly provider: 'external';
  /** IPv4 address (a selector-less Service with an EndpointSlice) or DNS name (an ExternalName Service). */
  readonly address: string;
  /** Port its OpenAI-compatible API listens on; the Service exposes the same port. */
  readonly port: number;
  /** Where `address` resolves to, for the clients' egress policy; required for a DNS name. @default address/32 */
  readonly egressCidrs?: readonly string[];
  /** Model name to ask for. */
  readonly model: string;
}

/** Where the triage model runs: Ollama on the CPU, vLLM on the GPU nodes, or a server outside the cluster. */
export type TriageBackend = OllamaTriage | VllmTriage | ExternalTriage;

/** Props of the TriageLlm: its Service, its backend and who may call it. */
export interface TriageLlmProps {
  /** Namespace of the Service and the backend's objects. */
  readonly namespace: string;
  /** Name of the Service clients use. @default "triage-llm" */
  readonly name?: string;
  /** Where the model runs. */
  readonly backend: TriageBackend;
  /** Pods that call the model (the gateway and the discovery service). */
  readonly clients: readonly PodPeer[];
}

/** Where a caller reaches a model server and what it asks for: what the gateway's model routes need. */
export interface ModelEndpoint {
  /** Base URL of the OpenAI-compatible API, ending in /v1. */
  readonly url: string;
  /** The model name to send. */
  readonly model: string;
  /** What the caller's egress must allow: the server's pods, or its addresses outside the cluster, on its port. */
  readonly reach: PeerPorts;
}

/** The default Ollama model of the triage LLM. */
export const DEFAULT_TRIAGE_MODEL = 'qwen2.5:3b-instruct';

/**
 * The endpoint a TriageLlm with these props serves, without rendering it: the gateway is rendered in another
 * app, before the triage LLM. The TriageLlm itself takes its url, port and model from here.
 */
export function triageLlmEndpoint(namespace: string, backend: TriageBackend, name = 'triage-llm'): ModelEndpoint & { readonly port: number } {
  if (backend.provider === 'external') {
    const cidrs = backend.egressCidrs?.length ? backend.egressCidrs : [`${backend.address}/32`];
    return { url: `http://${name}.${namespace}.svc:${backend.port}/v1`, port: backend.port, model: backend.model, reach: { peers: cidrs.map((cidr) => ({ cidr })), ports: [backend.port] } };
  }
  const port = backend.provider === 'ollama' ? OLLAMA_PORT : VLLM_PORT;
  const model = backend.provider === 'ollama' ? (backend.model ?? DEFAULT_TRIAGE_MODEL) : (backend.servedModelName ?? backend.model);
  return { url: `http://${name}.${namespace}.svc:${port}/v1`, port, model, reach: { peers: [{ podLabels: componentSelector(ComponentNames.triageLlm) }], ports: [port] } };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * The small LLM that triages requests (which tool, which server) before anything larger runs. Whatever the
 * backend, clients use one stable name, `http://<name>.<namespace>.svc:<port>`, so moving the model from
 * the CPU to the GPU node or to a workstation outside the cluster changes no client.
 */
export class TriageLlm extends Construct {
  /** In-cluster base URL of the OpenAI-compatible API (ends in /v1; Ollama, vLLM and external servers all serve it there). */
  readonly url: string;
  readonly serviceName: string;
  readonly port: number;
  readonly model: string;
  /** The in-cluster server, when there is one. */
  readonly workload?: ModelServerWorkload;
  readonly vllm?: VllmDeployment;

  constructor(scope: Construct, id: string, props: TriageLlmProps) {
    super(scope, id);
    const name = props.name ?? 'triage-llm';
    if (!DNS_LABEL.test(name)) throw new Error(`TriageLlm ${id}: name "${name}" must be a DNS-1123 label.`);
    this.serviceName = name;
    const backend = props.backend;

    if (backend.provider === 'ollama') {
      const ollama = renderOllama(this, name, props.namespace, backend, props.clients, `TriageLlm ${id}`);
      this.workload = ollama.workload;
      this.port = OLLAMA_PORT;
      this.model = ollama.model;
    } else if (backend.provider === 'vllm') {
      const { provider: _provider, ...vllmProps } = backend;
      this.vllm = new VllmDeployment(this, 'Vllm', {
        ...vllmProps,
        namespace: props.namespace,
        name,
        componentName: ComponentNames.triageLlm,
        clients: props.clients,
      });
      this.workload = this.vllm.workload;
      this.port = this.vllm.port;
      this.model = this.vllm.servedModelName;
    } else if (backend.provider === 'external') {
      renderExternal(this, name, props.namespace, backend, props.clients, `TriageLlm ${id}`);
      this.port = backend.port;
      this.model = backend.model;
    } else {
      throw new Error(`TriageLlm ${id}: backend.provider must be "ollama", "vllm" or "external", got ${JSON.stringify((backend as { provider: unknown }).provider)}.`);
    }
    this.url = triageLlmEndpoint(props.namespace, backend, name).url;
  }
}

function renderOllama(scope: Construct, name: string, namespace: string, o: OllamaTriage, clients: readonly PodPeer[], where: string) {
  const model = o.model ?? DEFAULT_TRIAGE_MODEL;
  const contextLength = o.contextLength ?? 4096;
  const problems: string[] = [];
  if (!OLLAMA_MODEL.test(model)) problems.push(`model "${model}" must be an Ollama model tag such as "qwen2.5:3b-instruct"`);
  if (!Number.isInteger(contextLength) || contextLength < 512) problems.push(`contextLength must be a whole number of at least 512, got ${contextLength}`);
  const facts = Object.hasOwn(OLLAMA_MODELS, model) ? OLLAMA_MODELS[model] : undefined;
  const sizeGB = o.modelSizeGB ?? facts?.downloadGB;
  if (sizeGB === undefined && !o.resources) {
    problems.push(`model "${model}" is not in the size catalogue: set modelSizeGB (its download size) or resources, so the pod gets the memory the model needs`);
  }
  if (facts && contextLength > facts.maxContextLength) {
    problems.push(`contextLength ${contextLength} is longer than ${model} supports (${facts.maxContextLength}): set it to at most ${facts.maxContextLength}`);
  }
  if (!facts && sizeGB !== undefined && !o.resources && contextLength > UNSIZED_CONTEXT_LENGTH) {
    problems.push(
      `contextLength ${contextLength} cannot be sized for "${model}", which is not in the catalogue (its KV cache depends on the model's layers and attention heads): ` +
        `set resources, with a memory limit for the weights plus 2 × layers × KV heads × head size × 2 bytes per token of context, or keep contextLength at ${UNSIZED_CONTEXT_LENGTH} or less`,
    );
  }
  // A context past the model's own is refused above; it is sized at the model's, so that problem comes alone.
  const kvCacheBytes = facts ? Math.min(contextLength, facts.maxContextLength) * ollamaKvCacheBytesPerToken(facts) : undefined;
  const needed = sizeGB === undefined ? undefined : sizeGB * 1e9 + (kvCacheBytes ?? 0) + OLLAMA_OVERHEAD_BYTES;
  const resources = o.resources ?? defaultOllamaResources(needed ?? 0);
  if (needed !== undefined && o.resources) {
    try {
      const limit = parseQuantity(o.resources.limitsMemory);
      if (limit < needed) {
        problems.push(
          kvCacheBytes === undefined
            ? `resources.limitsMemory ${o.resources.limitsMemory} (${gib(limit)}) cannot hold ${model}: its weights (${sizeGB} GB) plus runtime need about ${gib(needed)}; ` +
                `raise the limit or pick a smaller model`
            : `resources.limitsMemory ${o.resources.limitsMemory} (${gib(limit)}) cannot hold ${model} at contextLength ${contextLength}: ` +
                `its weights (${sizeGB} GB), KV cache (${gib(kvCacheBytes)}) and runtime need about ${gib(needed)}; raise the limit, lower contextLength or pick a smaller model`,
        );
      }
    } catch (error) {
      problems.push(`resources.limitsMemory: ${(error as Error).message}`);
    }
  }
  const storage = o.storage ?? { size: '10Gi' };
  const storageProblem = sizeGB === undefined ? undefined : modelStorageProblem('storage.size', storage.size, `the model ${model} (${sizeGB} GB to download)`, sizeGB * 1e9);
  if (storageProblem) problems.push(storageProblem);
  const imageFault = o.image === undefined ? undefined : imageFieldProblem('image', o.image);
  if (imageFault) problems.push(imageFault);
  throwIfProblems(where, problems);

  const image = o.image ?? DEFAULT_OLLAMA_IMAGE;
  const pull = o.pullModel ?? true;
  const home = scratchDir('home', '/home/ollama', { sizeLimit: '64Mi' });
  const tmp = scratchDir('tmp', '/tmp', { sizeLimit: '256Mi' });
  const env = envVars({
    HOME: '/home/ollama',
    OLLAMA_MODELS: '/models',
    OLLAMA_HOST: `0.0.0.0:${OLLAMA_PORT}`,
    // Keep the model loaded: a triage call must not wait for a reload from disk.
    OLLAMA_KEEP_ALIVE: '-1',
    OLLAMA_CONTEXT_LENGTH: String(contextLength),
    OLLAMA_NUM_PARALLEL: '1',
    OLLAMA_MODEL: model,
  });
  const common = {
    image,
    env,
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [{ name: ModelServerWorkload.MODEL_VOLUME, mountPath: '/models' }, home.mount, tmp.mount],
  };
  const exec = (command: string[], periodSeconds: number, timeoutSeconds: number, failureThreshold: number): k8s.Probe => ({
    exec: { command },
    periodSeconds,
    timeoutSeconds,
    failureThreshold,
  });

  const workload = new ModelServerWorkload(scope, 'Ollama', {
    namespace,
    name,
    componentName: ComponentNames.triageLlm,
    port: OLLAMA_PORT,
    storage,
    clients,
    egress: pull ? [{ peers: [{ cidr: '0.0.0.0/0', except: PRIVATE_IPV4_RANGES }], ports: [443] }] : [],
    podSpec: {
      securityContext: restrictedPodSecurityContext(OLLAMA_UID),
      volumes: [home.volume, tmp.volume],
      initContainers: pull
        ? [
            {
              ...common,
              name: 'pull-model',
              // A throwaway server on localhost for `ollama pull`; the model name comes from the env, never spliced in.
              command: ['/bin/sh', '-c'],
              args: [
                'ollama serve >/tmp/pull-server.log 2>&1 & server=$!; ' +
                  'for i in $(seq 1 60); do ollama list >/dev/null 2>&1 && break; sleep 1; done; ' +
                  'ollama pull "$OLLAMA_MODEL"; status=$?; kill "$server"; exit "$status"',
              ],
              resources: resourceRequirements({ requestsCpu: '100m', requestsMemory: '256Mi', limitsMemory: '1Gi' }),
            },
          ]
        : [],
      containers: [
        {
          ...common,
          name: 'ollama',
          command: ['ollama', 'serve'],
          ports: [{ name: 'http', containerPort: OLLAMA_PORT, protocol: 'TCP' }],
          resources: resourceRequirements(resources),
          // Ready only once the model has answered: the startup probe runs a real generation (loading the model),
          // and Kubernetes holds readiness and liveness until it passes. After that, cheap checks suffice.
          startupProbe: exec(['ollama', 'run', model, 'Reply with the single word OK.'], 15, 120, 40),
          readinessProbe: exec(['ollama', 'show', model], 10, 10, 3),
          livenessProbe: { httpGet: { path: '/api/version', port: k8s.IntOrString.fromString('http') }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        },
      ],
    },
  });
  return { workload, model };
}

function defaultOllamaResources(neededBytes: number): ContainerResources {
  const halfGi = 2 ** 29;
  const memory = `${Math.max(1, Math.ceil(neededBytes / halfGi)) * 512}Mi`;
  // Requested and limited alike: an LLM's memory is not optional, and a pod over its request is evicted first.
  return { requestsCpu: '1', requestsMemory: memory, limitsMemory: memory };
}

/**
 * The address ranges Kubernetes refuses as an EndpointSlice address (ValidateEndpointIP in
 * pkg/apis/core/validation/validation.go): the selector-less Service would never get its endpoint.
 */
const REFUSED_ENDPOINT_RANGES: readonly { cidr: string; what: string }[] = [
  { cidr: '0.0.0.0/32', what: 'the unspecified address' },
  { cidr: '127.0.0.0/8', what: 'in the loopback range (127.0.0.0/8)' },
  { cidr: '169.254.0.0/16', what: 'in the link-local range (169.254.0.0/16)' },
  { cidr: '224.0.0.0/24', what: 'in the link-local multicast range (224.0.0.0/24)' },
];

/**
 * What the API server or the clients' NetworkPolicy would make of an external triage server's address, by
 * field; empty when the address is one the clients can reach. A mistyped address is the format check's.
 */
export function externalTriageAddressProblems(e: Pick<ExternalTriage, 'address' | 'egressCidrs'>): { field: 'address' | 'egressCidrs'; message: string }[] {
  const cidrs = (e.egressCidrs ?? []).filter((cidr) => IPV4_CIDR.test(cidr));
  if (IPV4_ADDRESS.test(e.address)) {
    const refused = REFUSED_ENDPOINT_RANGES.find((range) => rangeContains(cidrRange(range.cidr), e.address));
    if (refused) {
      return [{ field: 'address', message: `"${e.address}" is ${refused.what}, which the API server refuses as an EndpointSlice address: use the server's own address on the LAN` }];
    }
    if (cidrs.length && !cidrs.some((cidr) => rangeContains(cidrRange(cidr), e.address))) {
      return [
        {
          field: 'egressCidrs',
          message: `does not hold the address "${e.address}": the clients' NetworkPolicy would allow only these addresses, never the server; add "${e.address}/32", or leave egressCidrs out to allow the address alone`,
        },
      ];
    }
    return [];
  }
  const name = e.address.toLowerCase().replace(/\.$/, '');
  if (!DNS_SUBDOMAIN.test(name) || /^[\d.]+$/.test(name)) return [];
  if (isServiceHost(name)) {
    return [
      {
        field: 'address',
        message: `"${e.address}" is a Service inside the cluster: the clients' policy allows addresses outside it (egressCidrs), which never match the pod behind a Service; for a model server in the cluster use provider "ollama" or "vllm", else the server's address outside the cluster`,
      },
    ];
  }
  if (!name.includes('.')) {
    return [{ field: 'address', message: `"${e.address}" has no domain: the ExternalName Service answers with it as an absolute name, which does not resolve; use the full name, e.g. "${name}.lan"` }];
  }
  return [];
}

function renderExternal(scope: Construct, name: string, namespace: string, e: ExternalTriage, clients: readonly PodPeer[], where: string): void {
  const problems: string[] = [];
  const isIp = IPV4.test(e.address);
  // Only digits and dots is a mistyped address (999.1.1.1), not a DNS name.
  if (!isIp && (!DNS_SUBDOMAIN.test(e.address) || /^[\d.]+$/.test(e.address))) problems.push(`address "${e.address}" must be an IPv4 address or a DNS name`);
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) problems.push(`port must be 1-65535, got ${e.port}`);
  if (!isIp && !e.egressCidrs?.length) {
    problems.push(`egressCidrs is required for the DNS name "${e.address}": the addresses it resolves to, so the clients' NetworkPolicy can allow them`);
  }
  problems.push(...externalTriageAddressProblems(e).map((p) => `${p.field} ${p.message}`));
  throwIfProblems(where, problems);

  const labels = platformLabels(ComponentNames.triageLlm);
  if (isIp) {
    // No selector: the EndpointSlice below is the Service's only backend, so the name resolves in-cluster
    // and traffic goes to the external address.
    new k8s.KubeService(scope, 'Service', {
      metadata: { name, namespace, labels },
      spec: { type: 'ClusterIP', ports: [{ name: 'http', port: e.port, targetPort: k8s.IntOrString.fromNumber(e.port), protocol: 'TCP' }] },
    });
    new k8s.KubeEndpointSlice(scope, 'Endpoints', {
      metadata: { name: `${name}-external`, namespace, labels: { ...labels, 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [e.address], conditions: { ready: true } }],
      ports: [{ name: 'http', port: e.port, protocol: 'TCP' }],
    });
  } else {
    new k8s.KubeService(scope, 'Service', {
      metadata: { name, namespace, labels },
      spec: { type: 'ExternalName', externalName: e.address, ports: [{ name: 'http', port: e.port, protocol: 'TCP' }] },
    });
  }
  const cidrs = e.egressCidrs?.length ? e.egressCidrs : [`${e.address}/32`];
  new ClientEgress(scope, 'ClientEgress', {
    server: name,
    namespace,
    component: ComponentNames.triageLlm,
    clients,
    to: [{ peers: cidrs.map((cidr) => ({ cidr })), ports: [e.port] }],
  });
}
