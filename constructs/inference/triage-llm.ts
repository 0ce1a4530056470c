import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { DNS_LABEL, DNS_SUBDOMAIN, gib, imageFieldProblem, parseQuantity } from '../formats.js';
import { ComponentNames, platformLabels } from '../labels.js';
import { PRIVATE_IPV4_RANGES, type PodPeer } from '../workloads/pod-network-policy.js';
import {
  envVars,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDir,
  type ContainerResources,
} from '../workloads/pod-spec.js';
import { ClientEgress, ModelServerWorkload, type ModelStorage } from './model-server-workload.js';
import { VllmDeployment, type VllmDeploymentProps } from './vllm-deployment.js';
import { throwIfProblems } from '../validation/problems.js';

/** Ollama's server image, pinned. */
export const DEFAULT_OLLAMA_IMAGE = 'ollama/ollama:0.21.0';
export const OLLAMA_PORT = 11434;
const OLLAMA_UID = 1000;

/**
 * Download sizes (GB, the default Q4_K_M quantisation) of small instruct models on the Ollama library:
 * the memory a CPU server needs starts here.
 */
export const OLLAMA_MODEL_SIZES_GB: Readonly<Record<string, number>> = {
  'qwen2.5:0.5b-instruct': 0.4,
  'qwen2.5:1.5b-instruct': 0.99,
  'qwen2.5:3b-instruct': 1.9,
  'qwen2.5:7b-instruct': 4.7,
  'llama3.2:1b': 1.3,
  'llama3.2:3b': 2.0,
  'phi3.5:3.8b': 2.2,
  'gemma2:2b': 1.6,
  'llama3.1:8b': 4.9,
};

/** Runtime, KV cache for a few thousand tokens and the server itself, on top of the weights. */
const OLLAMA_OVERHEAD_BYTES = 1.5 * 2 ** 30;
/**
 * An Ollama model name, `[host/][namespace/]model[:tag]` as Ollama's own parser reads it (ollama/ollama
 * types/model/name.go @12734c10: at most 128 characters; letters, digits, "_", "." and "-" in each part, no
 * "." in the namespace, no ".."). So "qwen2.5:3b-instruct", "library/qwen2.5" and Hugging Face GGUF
 * repositories such as "hf.co/bartowski/Qwen2.5-3B-Instruct-GGUF:Q4_K_M".
 */
const OLLAMA_MODEL = /^(?=.{1,128}$)(?!.*\.\.)(?:[A-Za-z0-9_.-]+\/[A-Za-z0-9_-]+\/|[A-Za-z0-9_-]+\/)?[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)?$/;

export interface OllamaTriage {
  readonly provider: 'ollama';
  /** @default DEFAULT_OLLAMA_IMAGE */
  readonly image?: string;
  /** Ollama model tag. @default "qwen2.5:3b-instruct" */
  readonly model?: string;
  /** Download size in GB, for a model outside OLLAMA_MODEL_SIZES_GB (sizes its memory). */
  readonly modelSizeGB?: number;
  /** Context window. @default 4096 */
  readonly contextLength?: number;
  /** @default { size: "10Gi" } */
  readonly storage?: ModelStorage;
  /** @default 1 CPU requested; memory = model size + 1.5 GiB, rounded up to 512Mi, requested and limited alike */
  readonly resources?: ContainerResources;
  /** Pull the model in an init container (egress to the internet on 443). Off: it must already be on the PVC. @default true */
  readonly pullModel?: boolean;
}

export interface VllmTriage extends Omit<VllmDeploymentProps, 'namespace' | 'clients' | 'name' | 'componentName'> {
  readonly provider: 'vllm';
}

/** An OpenAI-compatible server outside the cluster, e.g. a GPU workstation on the LAN. */
export interface ExternalTriage {
  readonly provider: 'external';
  /** IPv4 address (a selector-less Service with an EndpointSlice) or DNS name (an ExternalName Service). */
  readonly address: string;
  readonly port: number;
  /** Where `address` resolves to, for the clients' egress policy; required for a DNS name. @default address/32 */
  readonly egressCidrs?: readonly string[];
  /** Model name to ask for. */
  readonly model: string;
}

export type TriageBackend = OllamaTriage | VllmTriage | ExternalTriage;

export interface TriageLlmProps {
  readonly namespace: string;
  /** Name of the Service clients use. @default "triage-llm" */
  readonly name?: string;
  readonly backend: TriageBackend;
  /** Pods that call the model (the gateway and the discovery service). */
  readonly clients: readonly PodPeer[];
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
    this.url = `http://${name}.${props.namespace}.svc:${this.port}/v1`;
  }
}

function renderOllama(scope: Construct, name: string, namespace: string, o: OllamaTriage, clients: readonly PodPeer[], where: string) {
  const model = o.model ?? 'qwen2.5:3b-instruct';
  const contextLength = o.contextLength ?? 4096;
  const problems: string[] = [];
  if (!OLLAMA_MODEL.test(model)) problems.push(`model "${model}" must be an Ollama model tag such as "qwen2.5:3b-instruct"`);
  if (!Number.isInteger(contextLength) || contextLength < 512) problems.push(`contextLength must be a whole number of at least 512, got ${contextLength}`);
  const sizeGB = o.modelSizeGB ?? OLLAMA_MODEL_SIZES_GB[model];
  if (sizeGB === undefined && !o.resources) {
    problems.push(`model "${model}" is not in the size catalogue: set modelSizeGB (its download size) or resources, so the pod gets the memory the model needs`);
  }
  const needed = sizeGB === undefined ? undefined : sizeGB * 1e9 + OLLAMA_OVERHEAD_BYTES;
  const resources = o.resources ?? defaultOllamaResources(needed ?? 0);
  if (needed !== undefined && o.resources) {
    try {
      const limit = parseQuantity(o.resources.limitsMemory);
      if (limit < needed) {
        problems.push(
          `resources.limitsMemory ${o.resources.limitsMemory} (${gib(limit)}) cannot hold ${model}: its weights (${sizeGB} GB) plus runtime need about ${gib(needed)}; ` +
            `raise the limit or pick a smaller model`,
        );
      }
    } catch (error) {
      problems.push(`resources.limitsMemory: ${(error as Error).message}`);
    }
  }
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
    storage: o.storage ?? { size: '10Gi' },
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

function renderExternal(scope: Construct, name: string, namespace: string, e: ExternalTriage, clients: readonly PodPeer[], where: string): void {
  const problems: string[] = [];
  const isIp = IPV4.test(e.address);
  // Only digits and dots is a mistyped address (999.1.1.1), not a DNS name.
  if (!isIp && (!DNS_SUBDOMAIN.test(e.address) || /^[\d.]+$/.test(e.address))) problems.push(`address "${e.address}" must be an IPv4 address or a DNS name`);
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) problems.push(`port must be 1-65535, got ${e.port}`);
  if (!isIp && !e.egressCidrs?.length) {
    problems.push(`egressCidrs is required for the DNS name "${e.address}": the addresses it resolves to, so the clients' NetworkPolicy can allow them`);
  }
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
