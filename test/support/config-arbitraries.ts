/**
 * fast-check arbitraries of raw platform configs (what a config file holds, `PlatformConfigInput`), for the
 * property tests of test/stacks/config-properties.test.ts.
 *
 * - `validConfig`: configs the schema (stacks/config.ts) and the README describe as valid, across every
 *   option: cluster profiles with Cilium pools, operators sharing namespaces (with each other and with the
 *   platform namespace), the database, the gateway, every triage backend, vLLM on NVIDIA and AMD GPUs, discovery,
 *   and 0-6 MCP servers of every flavour and transport, with names such as "1password" or "gateway".
 * - `invalidConfig`: a valid config with exactly one deliberate mistake, and the config path the error must name.
 *
 * Each is built from an independent "model" (plain choices) by one `build` function that resolves the cross
 * references (secret picks, routes, the gateway's pool address, the API server a part needs), so shrinking
 * works on the choices and every shrunk value is still valid. Generation is deterministic for a seed (no
 * Math.random, no clock) and bounded (at most 6 servers, 4 secrets, 3 pools, 4 watched namespaces).
 */
import fc from 'fast-check';
import { EMBEDDING_MODELS } from '../../constructs/database/embedding-models.js';
import { parseQuantity } from '../../constructs/formats.js';
import { estimateGpuSizing, KNOWN_MODELS, type ModelShape } from '../../constructs/inference/gpu-sizing.js';
import { OLLAMA_MODEL_SIZES_GB, OLLAMA_MODELS, ollamaKvCacheBytesPerToken } from '../../constructs/inference/triage-llm.js';
import type { PlatformConfigInput } from '../../stacks/config.js';

// ---------------------------------------------------------------------------------------------------------
// Loose shapes: the config's input type is full of zod preprocess/unknown types, so the parts are built as
// plain JSON objects and typed as PlatformConfigInput only at the end.

type Json = Record<string, any>;
type SecretRef = Json & { from: 'secret' | 'externalSecret' | 'infisical'; name: string; key: string };

/** A raw config with one deliberate mistake, and the config path the error must name. */
export interface InvalidCase {
  readonly raw: PlatformConfigInput;
  /** The config path a problem line must start with (or name), e.g. "gateway.service.loadBalancerIP". */
  readonly field: string;
  /** Other paths that name the same mistake just as well (e.g. the env side of an env/secretEnv clash). */
  readonly alternatives?: readonly string[];
  /** Which mistake this is (for reports). */
  readonly mistake: string;
}

/** Drops keys whose value is undefined, so the raw config reads like a file someone wrote. */
function compact<T extends Json>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

const opt = <T>(arb: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq });
/**
 * Mostly `common`, now and then `edge`: an edge case the config refuses (contestedFields) comes up rarely enough
 * that most generated configs still render, so the output properties are checked on many of them.
 */
const rarely = <T>(common: fc.Arbitrary<T>, edge: fc.Arbitrary<T>, weight = 40): fc.Arbitrary<T> =>
  fc.oneof({ weight, arbitrary: common }, { weight: 1, arbitrary: edge });

// ---------------------------------------------------------------------------------------------------------
// Names

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const charOf = (alphabet: string) => fc.constantFrom(...alphabet.split(''));

/** A DNS-1123 label of `minLength`..`maxLength` characters (may start with a digit). */
export function dnsLabel(maxLength = 63, minLength = 1): fc.Arbitrary<string> {
  return fc
    .string({ unit: charOf(LOWER + DIGITS + '-'), minLength, maxLength })
    .map((s) => s.replace(/^-/, 'a').replace(/-$/, '0'));
}

/** A DNS-1035 label (a DNS-1123 label that starts with a letter), as Service names must be. */
export function dns1035Label(maxLength = 63): fc.Arbitrary<string> {
  return fc.tuple(charOf(LOWER), dnsLabel(maxLength - 1, 0)).map(([a, rest]) => (rest === '' ? a : `${a}${rest}`.slice(0, maxLength).replace(/-$/, '0')));
}

/** A DNS-1123 label of `min`..`max` characters, starting with a letter (fast-check's default sizes rarely reach long ones). */
function longDnsLabel(max: number, min = max - 8): fc.Arbitrary<string> {
  return fc
    .tuple(charOf(LOWER), fc.string({ unit: charOf(LOWER + DIGITS + '-'), minLength: min - 2, maxLength: max - 2 }), charOf(LOWER + DIGITS))
    .map(([a, m, b]) => `${a}${m}${b}`);
}

/** Names of the platform's own parts (and other awkward ones) that an MCP server may also be called. */
export const EDGE_SERVER_NAMES = [
  'github',
  'constructor',
  '1password',
  'gateway',
  'postgres',
  'discovery',
  'vllm',
  'triage',
  'mcp-gateway',
  'mcp-discovery',
  'triage-llm',
  'mcp-postgres',
  'mcp-postgres-rw',
  'kubernetes',
  'default',
  '0',
  '9to5',
  'a'.repeat(50),
] as const;

/** The names of platform parts (and "default", the ServiceAccount every namespace has): a server may or may not take them. */
const PART_NAMES: ReadonlySet<string> = new Set([
  'gateway',
  'postgres',
  'discovery',
  'vllm',
  'triage',
  'mcp-gateway',
  'mcp-discovery',
  'triage-llm',
  'mcp-postgres',
  'mcp-postgres-rw',
  'default',
]);

/** Mostly ordinary names; some are the awkward ones (a digit first, a platform part's name, 50 characters). */
const serverName = fc.oneof(
  { weight: 60, arbitrary: dns1035Label(50) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_SERVER_NAMES) },
  { weight: 1, arbitrary: dnsLabel(50) },
  { weight: 2, arbitrary: longDnsLabel(50).filter((name) => /^[a-z]/.test(name)) },
);

/** Platform names up to 40 characters (config.ts's limit), a few longer ones (up to the DNS label's 63). */
const platformName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('homelab', 'lab', '1lab') },
  { weight: 8, arbitrary: dnsLabel(35) },
  { weight: 4, arbitrary: longDnsLabel(35, 30) },
  { weight: 1, arbitrary: rarely(longDnsLabel(35, 30), longDnsLabel(63, 36), 2) },
);

/** A namespace choice, resolved against the platform namespace by `build`. */
const PLATFORM_NS = '$platform';
const resolveNs = (choice: string, platform: string) => (choice === PLATFORM_NS ? platform : choice);

// ---------------------------------------------------------------------------------------------------------
// Small values

const cidr32 = fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map(([a, b, c]) => `10.${a}.${b}.${c}/32`);
const cidr24 = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `172.${16 + (a % 16)}.${b}.0/24`);
const cidr = fc.oneof(cidr32, cidr24, fc.constantFrom('192.168.0.0/16', '10.0.0.0/8', '0.0.0.0/0'));
const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((o) => o.join('.'));
/** An address the API server takes in an EndpointSlice: not loopback (127/8) or link-local (169.254/16). */
const endpointIpv4 = ipv4.filter((a) => !a.startsWith('127.') && !a.startsWith('169.254.'));
const anyPort = fc.oneof(fc.constantFrom(443, 80, 22, 53, 6443, 8006, 8443), fc.integer({ min: 1, max: 65535 }));
const workloadPort = fc.oneof(fc.constant(8080), fc.constantFrom(1024, 3000, 8000, 9090, 65535), fc.integer({ min: 1024, max: 65535 }));
const hostName = fc.oneof(
  fc.constantFrom('api.github.com', 'registry.npmjs.org', 'proxmox.lan', 'api.example.com', 'unifi.home.arpa'),
  fc.tuple(dnsLabel(20), fc.constantFrom('lan', 'example.com', 'internal')).map(([a, b]) => `${a}.${b}`),
);

const CPU = ['50m', '100m', '250m', '500m', '1', '2'] as const;
const MEMORY = ['64Mi', '128Mi', '192Mi', '256Mi', '500M', '512Mi', '1Gi', '1.5Gi', '2Gi', '4Gi'] as const;
const BIG_MEMORY = ['4Gi', '8Gi', '12Gi', '16Gi', '32Gi'] as const;

/** Container resources with the memory request at most the limit. */
function resourcesOf(memory: readonly string[]): fc.Arbitrary<Json> {
  return fc.tuple(fc.constantFrom(...CPU), fc.constantFrom(...memory), fc.constantFrom(...memory)).map(([cpu, a, b]) => {
    const [request, limit] = parseQuantity(a) <= parseQuantity(b) ? [a, b] : [b, a];
    return { requestsCpu: cpu, requestsMemory: request, limitsMemory: limit };
  });
}
const resources = resourcesOf(MEMORY);

/** A Kubernetes label value: empty, or up to 63 of [A-Za-z0-9._-], alphanumeric at both ends. */
const labelValue = fc.oneof(
  fc.constantFrom('', 'true', 'lan', 'kube-prometheus-stack', 'v1.2.3', 'A_b.c-9'),
  fc.string({ unit: charOf(LOWER + DIGITS + 'ABC._-'), minLength: 1, maxLength: 63 }).map((s) => s.replace(/^[._-]/, 'a').replace(/[._-]$/, 'z')),
);
/** A qualified label key: an optional DNS-subdomain prefix and a name. */
const labelKey = fc.oneof(
  fc.constantFrom('team', 'example.com/tier', 'cost-center', 'app.kubernetes.io/version', 'homelab.lan/owner', 'Tier_1'),
  fc.tuple(opt(fc.tuple(dnsLabel(15), fc.constantFrom('lan', 'example.com')).map(([a, b]) => `${a}.${b}`)), dnsLabel(30)).map(([prefix, name]) =>
    prefix ? `${prefix}/${name}` : name,
  ),
);
// "constructor" is a label key cdk8s cannot render, which the config refuses (an invalid case below).
const labels = fc.uniqueArray(fc.tuple(labelKey.filter((key) => key !== 'constructor'), labelValue), { maxLength: 3, selector: ([k]) => k }).map((entries) => Object.fromEntries(entries));

// ---------------------------------------------------------------------------------------------------------
// Secrets by reference

const ENV_SECRET_KEYS = ['GITHUB_TOKEN', 'API_TOKEN', 'PVE_TOKEN_SECRET', 'UNIFI_API_KEY', 'DB_PASSWORD', 'token'] as const;

function secretRef(name: fc.Arbitrary<string>, key: fc.Arbitrary<string> = fc.constantFrom(...ENV_SECRET_KEYS)): fc.Arbitrary<SecretRef> {
  return fc.oneof(
    fc.record({ from: fc.constant('secret' as const), name, key }),
    fc
      .record({
        from: fc.constant('externalSecret' as const),
        name,
        key,
        store: fc.record({ name: fc.constantFrom('vault', 'onepassword'), kind: opt(fc.constantFrom('ClusterSecretStore', 'SecretStore')) }).map(compact),
        remoteKey: fc.constantFrom('homelab/mcp', 'ai/huggingface'),
        remoteProperty: opt(fc.constantFrom('token', 'password')),
        refreshInterval: opt(fc.constantFrom('1h', '15m')),
      })
      .map(compact),
    fc
      .record({
        from: fc.constant('infisical' as const),
        name,
        key,
        projectSlug: fc.constant('homelab'),
        environment: fc.constantFrom('prod', 'dev'),
        path: opt(fc.constantFrom('/', '/mcp-servers')),
        credentials: fc.record({ name: fc.constant('infisical-machine-identity'), namespace: opt(fc.constant('infisical')) }).map(compact),
        hostApi: opt(fc.constant('https://infisical.lan/api')),
        resyncInterval: opt(fc.constantFrom(60, 300)),
      })
      // The key is read through the template {{ .NAME.Value }}: one that is no Infisical name needs a remoteName.
      .map((s) => compact({ ...s, remoteName: /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.key) ? undefined : 'GITHUB_APP_PRIVATE_KEY' })),
  ) as fc.Arbitrary<SecretRef>;
}

/** The credentials servers pick from: distinct Secret names, so two picks of one name are one and the same reference. */
const serverSecretPool = fc.uniqueArray(
  secretRef(fc.constantFrom('github-token', 'pve-credentials', 'shared-api', 'mcp-creds', '1password-token', 'unifi.api')),
  { minLength: 1, maxLength: 4, selector: (s) => s.name },
);

// ---------------------------------------------------------------------------------------------------------
// MCP servers

const HARMLESS_ENV = ['LOG_LEVEL', 'BASE_URL', 'READ_ONLY', 'TZ', 'MCP_MODE', 'UPSTREAM_HOST', 'REGION', 'FEATURE_FLAGS'] as const;
const HARMLESS_VALUES = ['info', 'https://proxmox.lan:8006', 'true', '', '42', 'Europe/Berlin', 'read-only', 'a b c'] as const;
const MCP_CAPABILITIES = ['tools', 'resources', 'prompts', 'logging', 'completions', 'sampling', 'elicitation', 'roots'] as const;

const npmSource = fc
  .record({
    package: fc.constantFrom('@modelcontextprotocol/server-everything', 'kubernetes-mcp-server', '@yawlabs/caddy-mcp', 'mcp-server-1', 'a'),
    version: fc.constantFrom('2026.8.31', '0.0.67', '1.2.3', '2.4.4-beta.1'),
    bin: opt(fc.constantFrom('mcp-server-everything', 'caddy-mcp', 'serve')),
  })
  .map((npm) => ({ npm: compact(npm) }));
const imageSource = fc
  .record({
    image: fc.constantFrom(
      'ghcr.io/github/github-mcp-server:v2.0.2',
      'ghcr.io/samik081/mcp-pve:0.5.0',
      'registry.lan:5000/tools/mcp-x:1.0',
      `ghcr.io/acme/mcp@sha256:${'a1'.repeat(32)}`,
    ),
    command: opt(fc.constantFrom('/server/github-mcp-server', 'mcp-pve', '/app/run')),
  })
  .map(compact);
const serviceSource = fc
  .record({
    name: dns1035Label(40),
    namespace: fc.oneof(fc.constantFrom('tools', 'default', 'adguard'), dnsLabel(30)),
    targetPort: opt(fc.oneof(anyPort, fc.constantFrom('http', 'mcp', 'web-8080'))),
  })
  .map(compact);

const kubernetesAccess = fc
  .record({
    rules: fc.uniqueArray(
      fc.constantFrom<{ apiGroups: string[]; resources: string[] }>(
        { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'events'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'] },
        { apiGroups: ['batch'], resources: ['jobs'] },
        { apiGroups: [''], resources: ['secrets'] },
        { apiGroups: ['apps'], resources: ['*'] },
        { apiGroups: ['*'], resources: ['*'] },
      ),
      { minLength: 1, maxLength: 3, selector: (r) => JSON.stringify(r) },
    ),
    secrets: opt(fc.boolean()),
  })
  .map(({ rules, secrets }) => {
    const wildcard = rules.some((r) => r.apiGroups.includes('*') || r.resources.includes('*'));
    const readsSecrets = rules.some((r) => r.resources.includes('secrets') || (r.resources.includes('*') && (r.apiGroups.includes('') || r.apiGroups.includes('*'))));
    return compact({
      rules: rules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources] })),
      secrets: readsSecrets ? true : secrets,
      wildcardReason: wildcard ? 'inspects every resource kind of the cluster for the on-call runbooks' : undefined,
    });
  });

const egressRule = fc.oneof(
  fc.record({ cidrs: fc.uniqueArray(cidr, { minLength: 1, maxLength: 2 }), ports: fc.uniqueArray(anyPort, { minLength: 1, maxLength: 2 }) }),
  fc.record({ hosts: fc.uniqueArray(hostName, { minLength: 1, maxLength: 2 }), ports: fc.uniqueArray(anyPort, { minLength: 1, maxLength: 2 }) }),
);

const preflight = fc.oneof(
  fc.constant({ check: 'full' }),
  fc.constant({ check: 'startup', reason: 'needs the Proxmox API token to list its tools' }),
  fc.constant({ upstream: 'kubernetes-stub' }),
  fc.constant({ env: { UPSTREAM_HOST: '127.0.0.1' } }),
);

const serverModel = fc.record({
  name: serverName,
  flavour: fc.constantFrom('standalone', 'kmcp', 'toolhive', 'external'),
  transport: fc.constantFrom('stdio', 'streamable-http', 'sse'),
  useImage: fc.boolean(),
  npm: npmSource,
  image: imageSource,
  service: serviceSource,
  port: opt(workloadPort),
  externalPort: anyPort,
  path: opt(fc.constantFrom('/mcp', '/sse', '/api/mcp', '/v1/mcp/', '/')),
  args: opt(fc.array(fc.constantFrom('stdio', '--read-only', '--port', '8080', '--log-level=debug'), { maxLength: 3 })),
  env: fc.uniqueArray(fc.tuple(fc.constantFrom(...HARMLESS_ENV), fc.constantFrom(...HARMLESS_VALUES)), { maxLength: 3, selector: ([k]) => k }),
  secretEnv: fc.array(fc.record({ env: fc.constantFrom('GITHUB_PERSONAL_ACCESS_TOKEN', 'API_KEY', 'PVE_TOKEN', 'PASSWORD', 'TOKEN'), ref: fc.nat(7) }), { maxLength: 3 }),
  secretFiles: fc.uniqueArray(fc.record({ path: fc.constantFrom('/etc/mcp/kubeconfig', '/etc/mcp/talosconfig', '/var/run/mcp/token'), ref: fc.nat(7) }), {
    maxLength: 2,
    selector: (f) => f.path,
  }),
  resources: opt(resources),
  replicas: opt(fc.integer({ min: 1, max: 3 })),
  kubernetesAccess: opt(kubernetesAccess, 3),
  egress: opt(fc.array(egressRule, { minLength: 1, maxLength: 2 })),
  tools: opt(fc.uniqueArray(fc.constantFrom('list_pods', 'get_status', 'search', 'create_issue', 'read_file', 'restart'), { maxLength: 6 })),
  capabilities: opt(fc.subarray([...MCP_CAPABILITIES], { minLength: 1 })),
  labels: opt(labels),
  preflight: opt(preflight, 3),
  toolhivePermissionProfile: opt(fc.constantFrom('none', 'network'), 3),
});
type ServerModel = typeof serverModel extends fc.Arbitrary<infer T> ? T : never;

function buildServer(m: ServerModel, pool: readonly SecretRef[], platformNs: string): Json {
  if (m.flavour === 'external') {
    return compact({
      name: m.name,
      flavour: 'external',
      transport: m.transport === 'stdio' ? 'streamable-http' : m.transport,
      // Never the platform's namespace, whose default-deny policy shuts the server in (outside-hosts refuses it).
      source: { service: { ...m.service, namespace: m.service.namespace === platformNs ? 'tools' : m.service.namespace } },
      port: m.externalPort,
      path: m.path,
      tools: m.tools,
      capabilities: m.capabilities,
    });
  }
  const stdio = m.transport === 'stdio';
  let source: Json = m.useImage ? m.image : m.npm;
  // A standalone stdio server runs behind the node bridge: it comes from npm.
  if (m.flavour === 'standalone' && stdio) source = m.npm;
  // kmcp replaces an image's entrypoint for stdio: the command is required.
  if (m.flavour === 'kmcp' && stdio && 'image' in source && !source.command) source = { ...source, command: '/server/mcp' };
  // kmcp serves a stdio server at /mcp.
  const path = m.flavour === 'kmcp' && stdio ? (m.path === undefined ? undefined : '/mcp') : m.path;
  const pick = (i: number) => pool[i % pool.length];
  const secretEnv: Record<string, SecretRef> = {};
  for (const { env, ref } of m.secretEnv) {
    const source = pick(ref);
    // kmcp loads Secrets whole (envFrom): the env var is named like the key.
    const name = m.flavour === 'kmcp' ? source.key : env;
    if (!(name in secretEnv)) secretEnv[name] = source;
  }
  return compact({
    name: m.name,
    flavour: m.flavour,
    transport: m.transport,
    source,
    args: m.args,
    port: m.port,
    path,
    env: m.env.length ? Object.fromEntries(m.env) : undefined,
    secretEnv: Object.keys(secretEnv).length ? secretEnv : undefined,
    secretFiles: m.secretFiles.length ? m.secretFiles.map((f) => ({ secret: pick(f.ref), path: f.path })) : undefined,
    resources: m.resources,
    // ToolHive runs one proxy for a stdio server (an invalid case below).
    replicas: m.flavour === 'toolhive' && stdio && m.replicas !== undefined ? 1 : m.replicas,
    kubernetesAccess: m.kubernetesAccess,
    egress: m.egress,
    tools: m.tools,
    capabilities: m.capabilities,
    labels: m.labels,
    preflight: m.preflight,
    toolhivePermissionProfile: m.flavour === 'toolhive' ? m.toolhivePermissionProfile : undefined,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Models on GPUs (vLLM) and on CPU (Ollama)

const CUSTOM_MODEL = 'acme/tiny-chat-1b';
const CUSTOM_SHAPE: ModelShape = {
  parametersBillions: 1.2,
  layers: 16,
  kvHeads: 8,
  headDim: 64,
  hiddenSize: 2048,
  vocabSize: 32000,
  tiedEmbeddings: true,
  weights: 'bfloat16',
  maxPositionEmbeddings: 8192,
};
const GPU_MEMORY = [12, 16, 24, 48, 80] as const;

const vllmModel = fc.record({
  model: fc.constantFrom(...Object.keys(KNOWN_MODELS), CUSTOM_MODEL),
  maxModelLen: fc.constantFrom(2048, 4096, 8192, 1024, 16384, 32768),
  maxNumSeqs: fc.integer({ min: 1, max: 8 }),
  dtype: opt(fc.constantFrom('auto', 'float16', 'bfloat16')),
  kvCacheDtype: opt(fc.constantFrom('auto', 'fp8')),
  gpuMemoryUtilization: opt(fc.constantFrom(0.9, 0.8, 0.95, 1)),
  tensorParallelSize: fc.constantFrom(1, 2, 4),
  memoryGiB: fc.constantFrom(...GPU_MEMORY),
  resourceName: opt(fc.constantFrom('nvidia.com/gpu', 'amd.com/gpu')),
  /** For a GPU other than NVIDIA's: name the nodes and an image built for it (config.ts requires both), or not. */
  vendorSetup: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  nodeSelector: opt(fc.oneof(labels, fc.constant({ 'nvidia.com/gpu.present': 'true' }), fc.constant({ 'amd.com/gpu.present': 'true' }))),
  runtimeClassName: opt(fc.constant('nvidia')),
  shmSize: opt(fc.constantFrom('64Mi', '1Gi', '2Gi', '4Gi')),
  resources: opt(resourcesOf(BIG_MEMORY)),
  servedModelName: opt(fc.constantFrom('triage', 'chat')),
  cache: opt(fc.record({ size: fc.constantFrom('50Gi', '100Gi'), storageClass: opt(fc.constant('longhorn')) }).map(compact)),
  huggingFaceToken: opt(secretRef(fc.constantFrom('huggingface-token'), fc.constant('HF_TOKEN'))),
  startupTimeoutSeconds: opt(fc.constantFrom(60, 900, 3600)),
  download: opt(fc.boolean()),
  extraArgs: opt(fc.constantFrom(['--enable-prefix-caching'], [])),
  image: opt(fc.constant('vllm/vllm-openai:v0.15.1')),
});
type VllmModel = typeof vllmModel extends fc.Arbitrary<infer T> ? T : never;

/** vLLM fields that fit the GPU: the sizing check of gpu-sizing.ts decides, bigger cards and more GPUs first. */
function buildVllm(m: VllmModel, secretName: string): Json {
  const shape = m.model === CUSTOM_MODEL ? CUSTOM_SHAPE : KNOWN_MODELS[m.model];
  let maxModelLen = Math.min(m.maxModelLen, shape.maxPositionEmbeddings);
  let maxNumSeqs = m.maxNumSeqs;
  const fitsWith = (memoryGiB: number, gpuCount: number) =>
    estimateGpuSizing({
      model: m.model,
      shape,
      dtype: m.dtype,
      kvCacheDtype: m.kvCacheDtype,
      maxModelLen,
      maxNumSeqs,
      gpuMemoryGiB: memoryGiB,
      gpuCount,
      gpuMemoryUtilization: m.gpuMemoryUtilization ?? 0.9,
    }).fits;
  let memoryGiB: number = m.memoryGiB;
  let tensorParallelSize: number = m.tensorParallelSize;
  const search = () => {
    for (const count of [tensorParallelSize, 2, 4, 8].filter((c) => c >= tensorParallelSize)) {
      for (const memory of GPU_MEMORY.filter((g) => g >= memoryGiB)) {
        if (fitsWith(memory, count)) {
          memoryGiB = memory;
          tensorParallelSize = count;
          return true;
        }
      }
    }
    return false;
  };
  if (!search()) {
    maxNumSeqs = 1;
    maxModelLen = Math.min(2048, maxModelLen);
    if (!search()) throw new Error(`config-arbitraries: no GPU fits ${m.model}`);
  }
  const amd = m.resourceName === 'amd.com/gpu' && m.vendorSetup;
  const limit = parseQuantity(m.resources?.limitsMemory ?? '16Gi');
  const shmSize = m.shmSize !== undefined && parseQuantity(m.shmSize) < limit / 2 ? m.shmSize : m.shmSize === undefined ? undefined : '64Mi';
  return compact({
    image: amd ? 'rocm/vllm:rocm6.4.1_vllm_0.9.1_20250715' : m.image,
    model: m.model,
    modelShape: m.model === CUSTOM_MODEL ? { ...CUSTOM_SHAPE } : undefined,
    servedModelName: m.servedModelName,
    dtype: m.dtype,
    kvCacheDtype: m.kvCacheDtype,
    maxModelLen,
    maxNumSeqs,
    gpuMemoryUtilization: m.gpuMemoryUtilization,
    tensorParallelSize,
    gpu: compact({ memoryGiB, nodeSelector: amd ? { 'feature.node.kubernetes.io/amd-gpu': 'true' } : m.nodeSelector, runtimeClassName: m.runtimeClassName, resourceName: m.resourceName }),
    shmSize,
    cache: m.cache,
    huggingFaceToken: m.huggingFaceToken && { ...m.huggingFaceToken, name: secretName },
    resources: m.resources,
    startupTimeoutSeconds: m.startupTimeoutSeconds,
    download: m.download,
    extraArgs: m.extraArgs,
  });
}

const OLLAMA_CUSTOM = 'acme/triage-small:1b';
const ollamaModel = fc.record({
  model: opt(fc.constantFrom(...Object.keys(OLLAMA_MODEL_SIZES_GB), OLLAMA_CUSTOM)),
  modelSizeGB: opt(fc.constantFrom(0.5, 1.3, 4.7)),
  contextLength: opt(fc.constantFrom(512, 2048, 4096, 8192)),
  storage: opt(fc.record({ size: fc.constantFrom('10Gi', '20Gi'), storageClass: opt(fc.constant('longhorn')) }).map(compact)),
  resources: opt(resources),
  pullModel: opt(fc.boolean()),
  image: opt(fc.constant('ollama/ollama:0.21.0')),
});
type OllamaModel = typeof ollamaModel extends fc.Arbitrary<infer T> ? T : never;

function buildOllama(m: OllamaModel): Json {
  const model = m.model ?? 'qwen2.5:3b-instruct';
  const sizeGB = m.modelSizeGB ?? OLLAMA_MODEL_SIZES_GB[model] ?? 1.2;
  const modelSizeGB = m.modelSizeGB ?? (OLLAMA_MODEL_SIZES_GB[model] === undefined ? sizeGB : undefined);
  const facts = OLLAMA_MODELS[model];
  let res = m.resources;
  // A model outside the catalogue is sized up to 4096 tokens; past that it needs resources.
  const contextLength = !facts && !res && (m.contextLength ?? 4096) > 4096 ? 4096 : m.contextLength;
  if (res) {
    // The limit must hold the weights, the KV cache of the context and the runtime (1.5 GiB), as triage-llm.ts sizes it.
    const kvCache = facts ? (contextLength ?? 4096) * ollamaKvCacheBytesPerToken(facts) : 0;
    const needed = sizeGB * 1e9 + kvCache + 1.5 * 2 ** 30;
    if (parseQuantity(res.limitsMemory) < needed) res = { ...res, limitsMemory: `${Math.ceil(needed / 2 ** 29) * 512}Mi` };
  }
  return compact({ provider: 'ollama', image: m.image, model: m.model, modelSizeGB, contextLength, storage: m.storage, resources: res, pullModel: m.pullModel });
}

const externalTriage = fc.record({
  byName: fc.boolean(),
  address: endpointIpv4,
  host: hostName,
  port: anyPort,
  egressCidrs: opt(fc.uniqueArray(cidr32, { minLength: 1, maxLength: 2 })),
  model: fc.constantFrom('qwen2.5-7b', 'llama3.1:8b'),
});

// ---------------------------------------------------------------------------------------------------------
// The whole config

const poolModel = fc.record({
  name: fc.oneof(fc.constantFrom('homelab-lan', 'lan', 'pool-1'), dnsLabel(30)),
  blocks: fc.array(fc.record({ cidr: fc.boolean(), first: fc.integer({ min: 1, max: 200 }) }), { minLength: 1, maxLength: 2 }),
  serviceLabels: opt(
    fc.constantFrom<Record<string, string>>({ 'app.kubernetes.io/name': 'mcp-gateway' }, { 'app.kubernetes.io/part-of': 'mcp-platform' }, { 'lb-pool': 'other' }),
    3,
  ),
});
type PoolModel = typeof poolModel extends fc.Arbitrary<infer T> ? T : never;

/** Pool `p`, block `b`: its own /24 (10.<30+p>.<b>.0), so no two blocks overlap. */
function buildPool(m: PoolModel, p: number): Json {
  return compact({
    name: m.name,
    blocks: m.blocks.map((block, b) =>
      block.cidr ? { cidr: `10.${30 + p}.${b}.0/28` } : { start: `10.${30 + p}.${b}.${block.first}`, stop: `10.${30 + p}.${b}.${block.first + 9}` },
    ),
    serviceLabels: m.serviceLabels,
  });
}
const GATEWAY_SERVICE_LABELS: Record<string, string> = { 'app.kubernetes.io/name': 'mcp-gateway', 'app.kubernetes.io/part-of': 'mcp-platform' };
const selectsGateway = (serviceLabels?: Record<string, string>) => !serviceLabels || Object.entries(serviceLabels).every(([k, v]) => GATEWAY_SERVICE_LABELS[k] === v);

/** An address of a pool's block, away from its first and last address. */
function addressIn(pool: Json, block: number, offset: number): string {
  const b = pool.blocks[block % pool.blocks.length];
  if (b.cidr) return b.cidr.replace(/\.0\/28$/, `.${1 + (offset % 14)}`);
  const [a, c, d, first] = b.start.split('.');
  return `${a}.${c}.${d}.${Number(first) + (offset % 10)}`;
}

/** An operator; its namespace is mostly its own, sometimes shared with another operator's or the platform's. */
const operatorModel = (defaultNs: string) =>
  fc.record({
    enabled: opt(fc.boolean(), 1),
    namespace: opt(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(defaultNs, `${defaultNs}-2`) },
        { weight: 2, arbitrary: dnsLabel(20).map((ns) => `${defaultNs.split('-')[0]}-${ns}`) },
        { weight: 1, arbitrary: rarely(fc.constant(`${defaultNs}-3`), fc.constantFrom('operators', PLATFORM_NS, 'argocd'), 4) },
      ),
      1,
    ),
  });

const model = fc.record({
  name: platformName,
  namespace: opt(fc.oneof(fc.constantFrom('mcp-system', 'mcp', 'operators', 'default'), dnsLabel(40))),
  kubernetes: fc.record({
    configPath: opt(fc.constant('/etc/kube/config')),
    context: fc.constantFrom('admin@homelab', 'default'),
    apiServer: opt(fc.record({ cidrs: opt(fc.uniqueArray(cidr32, { minLength: 1, maxLength: 2 })), port: opt(fc.constantFrom(6443, 443, 16443)) })),
  }),
  cluster: fc.record({
    distribution: opt(fc.constantFrom('talos', 'k3s', 'generic')),
    cni: opt(fc.oneof({ weight: 3, arbitrary: fc.constant('cilium' as const) }, { weight: 1, arbitrary: fc.constantFrom('calico', 'flannel', 'other') })),
    cilium: opt(
      fc.record({
        fqdnEgress: opt(fc.boolean()),
        pools: opt(fc.uniqueArray(poolModel, { minLength: 1, maxLength: 3, selector: (p) => p.name })),
        l2Announcements: opt(
          fc.record({ interfaces: opt(fc.constant(['^eth[0-9]+', '^en.+'])), nodeLabels: opt(fc.constant({ 'node-role.kubernetes.io/worker': '' })) }).map(compact),
        ),
      }),
      1,
    ),
  }),
  gitops: fc.record({
    repoUrl: fc.constantFrom('https://github.com/homelab/gitops.git', 'git@github.com:me/gitops.git', 'ssh://git@git.lan/gitops.git'),
    path: fc.constantFrom('clusters/homelab/mcp-platform', 'apps', 'a/b.c/d_e'),
    revision: opt(fc.constantFrom('main', 'v1.2.3')),
  }),
  argocd: fc.record({
    namespace: opt(rarely(fc.constantFrom('argocd', 'gitops'), fc.constantFrom('operators', PLATFORM_NS), 20)),
    install: opt(fc.boolean()),
    // Not Argo CD's own "default" (an invalid case below).
    project: opt(fc.oneof(fc.constantFrom('mcp-platform', 'homelab'), dnsLabel(30).filter((name) => name !== 'default'))),
    autoSync: opt(fc.boolean()),
  }),
  operators: fc.record({
    cloudnativePg: operatorModel('cnpg-system'),
    cnpgValues: opt(fc.constant({ replicaCount: 2 }), 3),
    kmcp: operatorModel('kmcp-system'),
    toolhive: operatorModel('toolhive-system'),
    nvidiaGpu: operatorModel('gpu-operator'),
    gpuDriver: opt(fc.constantFrom('host', 'operator')),
    driverInstallDir: opt(fc.constantFrom('/usr/local', '/run/nvidia/driver')),
  }),
  guardrails: fc.record({
    allowDnsEgress: opt(fc.boolean(), 3),
    // Room for everything a config can render (6 servers of 3 replicas, two vLLMs, the database...).
    resourceQuota: opt(
      fc.record({ requestsCpu: fc.constantFrom('64', '128'), requestsMemory: fc.constantFrom('256Gi', '512Gi'), limitsMemory: fc.constantFrom('512Gi', '1Ti'), pods: fc.integer({ min: 100, max: 300 }) }),
    ),
    limitRange: opt(resourcesOf(['64Mi', '128Mi', '256Mi', '512Mi']).map((r) => ({ defaultRequestCpu: r.requestsCpu, defaultRequestMemory: r.requestsMemory, defaultLimitMemory: r.limitsMemory }))),
  }),
  database: fc.record({
    enabled: fc.boolean(),
    name: opt(rarely(fc.oneof(fc.constantFrom('mcp-postgres', 'postgres', 'pg'), dns1035Label(50), longDnsLabel(50).filter((name) => /^[a-z]/.test(name))), fc.constantFrom('1db', 'mcp-gateway'), 20)),
    instances: opt(fc.integer({ min: 1, max: 3 })),
    image: opt(fc.constant('ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie')),
    storage: opt(fc.record({ size: fc.constantFrom('10Gi', '20Gi'), storageClass: opt(fc.constant('longhorn')) }).map(compact)),
    resources: opt(resources),
    database: opt(fc.constantFrom('mcp', 'registry', '_mcp2')),
    owner: opt(fc.constantFrom('mcp', 'app_owner')),
    embedding: opt(fc.record({ model: fc.constantFrom(...Object.keys(EMBEDDING_MODELS), 'acme-embed'), dimensions: opt(fc.integer({ min: 1, max: 2000 })) })),
    backup: opt(fc.record({ schedule: opt(fc.constantFrom('0 0 3 * * *', '0 30 2 * * 0')), snapshotClass: opt(fc.constant('longhorn-snapshot')) }).map(compact)),
    pooler: opt(fc.record({ instances: opt(fc.integer({ min: 1, max: 3 })), poolMode: opt(fc.constantFrom('session', 'transaction')) }).map(compact)),
  }),
  gateway: fc.record({
    enabled: fc.boolean(),
    image: opt(fc.constant('ghcr.io/agentgateway/agentgateway:v1.4.1')),
    replicas: opt(fc.integer({ min: 1, max: 3 })),
    routes: opt(fc.array(fc.nat(9), { maxLength: 4 })),
    service: opt(fc.record({ loadBalancer: fc.boolean(), fixed: fc.boolean(), address: ipv4, pool: fc.nat(5), block: fc.nat(3), offset: fc.nat(20) })),
    allowFrom: opt(fc.uniqueArray(cidr, { minLength: 1, maxLength: 3 })),
    auth: opt(
      fc.record({
        issuer: fc.constantFrom('https://auth.lan/realms/homelab', 'homelab'),
        audiences: fc.constantFrom(['mcp'], ['mcp', 'agents']),
        jwksUrl: fc.constantFrom(
          'https://auth.lan/realms/homelab/protocol/openid-connect/certs',
          'https://keycloak.example.com:8443/jwks',
          'http://auth.lan/jwks',
          'http://keycloak.auth.svc.cluster.local/realms/homelab/protocol/openid-connect/certs',
        ),
      }).map((auth) =>
        // An identity provider inside the cluster is reached at its pods.
        auth.jwksUrl.includes('.svc.') ? { ...auth, jwksPods: { namespace: 'auth', podLabels: { 'app.kubernetes.io/name': 'keycloak' }, port: 8080 } } : auth,
      ),
    ),
    rateLimit: opt(fc.record({ requestsPerMinute: fc.integer({ min: 1, max: 6000 }) })),
    toolBudget: opt(fc.integer({ min: 1, max: 100 })),
  }),
  triage: fc.record({
    enabled: fc.boolean(),
    provider: opt(fc.constantFrom('ollama', 'vllm', 'external')),
    ollama: ollamaModel,
    vllm: vllmModel,
    external: externalTriage,
  }),
  gpuInference: fc.record({
    enabled: fc.boolean(),
    name: opt(rarely(fc.oneof(fc.constantFrom('vllm', 'gpu'), dns1035Label(40)), fc.constantFrom('triage-llm', 'mcp-gateway', '8b'), 20)),
    vllm: vllmModel,
  }),
  monitoring: fc.record({
    prometheusOperator: fc.boolean(),
    namespace: opt(fc.constantFrom('monitoring', 'observability', PLATFORM_NS)),
    prometheusPodLabels: opt(fc.oneof(fc.constant({ 'app.kubernetes.io/name': 'prometheus' }), labels.filter((l) => Object.keys(l).length > 0))),
    selectorLabels: opt(fc.oneof(fc.constant({ release: 'kube-prometheus-stack' }), labels)),
    dashboard: opt(fc.boolean()),
    dashboardLabels: opt(fc.oneof(fc.constant({ grafana_dashboard: '1' }), labels)),
    alerts: opt(
      fc
        .record({
          llmLatencySeconds: opt(fc.constantFrom(5, 20, 0.5)),
          databaseDiskFreeRatio: opt(fc.constantFrom(0.15, 0.5)),
          dailyCostLimit: opt(fc.constantFrom(0, 5, 100)),
          currency: opt(fc.constantFrom('USD', 'EUR')),
        })
        .map(compact),
    ),
  }),
  discovery: fc.record({
    enabled: fc.boolean(),
    image: opt(fc.constant('ghcr.io/mcp-platform/mcp-discovery:0.1.0')),
    repo: fc.constantFrom('homelab/platform', 'Me/my.repo_1'),
    baseBranch: opt(fc.constantFrom('main', 'release/1.x')),
    serversDir: opt(fc.constantFrom('stacks/servers', 'servers')),
    watchNamespaces: opt(fc.uniqueArray(fc.oneof(fc.constantFrom('tools', 'default', 'kube-system', PLATFORM_NS), dnsLabel(20)), { minLength: 1, maxLength: 4 })),
    apiUrl: opt(fc.constantFrom('https://github.example.com/api/v3', 'https://ghe.lan:8443/api/v3')),
    app: fc.boolean(),
    githubSecret: secretRef(fc.constant('mcp-discovery-github'), fc.constantFrom('token', 'GITHUB_TOKEN', 'private-key.pem')),
    egressCidrs: opt(fc.uniqueArray(cidr32, { minLength: 1, maxLength: 2 })),
    apiToken: secretRef(fc.constant('mcp-discovery-api'), fc.constantFrom('token', 'DISCOVERY_API_TOKEN')),
    database: opt(fc.constantFrom('platform', 'embedded')),
    probe: opt(fc.record({ timeoutMs: opt(fc.constantFrom(100, 10_000)), concurrency: opt(fc.constantFrom(1, 64)) }).map(compact)),
    maxOpenPullRequests: opt(fc.integer({ min: 1, max: 10 })),
    reconcileIntervalSeconds: opt(fc.constantFrom(10, 300)),
    resources: opt(resources),
    allowFrom: opt(fc.uniqueArray(cidr, { minLength: 1, maxLength: 2 })),
  }),
  mcp: fc.record({
    annotationPrefix: opt(fc.constantFrom('mcp-platform.dev', 'example.com', 'mcp.homelab.lan', '1.io')),
    // The URL npm installs from is on the mirror's first address and its port, as the construct requires.
    packageRegistry: opt(
      fc
        .record({ cidrs: fc.uniqueArray(cidr32, { minLength: 1, maxLength: 2 }), port: fc.constantFrom(4873, 443, 80) })
        .map((registry) => ({ url: `http://${registry.cidrs[0].split('/')[0]}:${registry.port}/`, ...registry })),
    ),
  }),
  secrets: serverSecretPool,
  servers: fc.uniqueArray(serverModel, { maxLength: 6, selector: (s) => s.name }),
});
type Model = typeof model extends fc.Arbitrary<infer T> ? T : never;

/** The generated names that resolve on the LAN (the generator makes no others). */
const isLanHost = (host: string) => /\.(lan|home\.arpa|internal)$/.test(host);

/**
 * Without Cilium's DNS-name rules a policy can allow only internet addresses by name, so every LAN host the
 * config calls is given by address: the JWKS host, GitHub Enterprise and MCP server upstreams.
 */
function byAddressOnTheLan(raw: Json): void {
  const auth = raw.gateway?.auth;
  if (auth && isLanHost(new URL(auth.jwksUrl).hostname)) auth.jwksCidrs = ['192.168.10.6/32'];
  const github = raw.discovery?.github;
  if (github?.apiUrl && isLanHost(new URL(github.apiUrl).hostname) && !github.egressCidrs) github.egressCidrs = ['192.168.10.20/32'];
  for (const server of raw.mcpServers ?? []) {
    if (!server.egress) continue;
    server.egress = server.egress.flatMap((rule: Json) => {
      if (!rule.hosts?.some(isLanHost)) return [rule];
      const internet = rule.hosts.filter((h: string) => !isLanHost(h));
      return [...(internet.length ? [{ ...rule, hosts: internet }] : []), { cidrs: ['192.168.10.60/32'], ports: rule.ports }];
    });
  }
}

/** Turns the independent choices into one valid raw config, resolving every cross reference. */
function build(m: Model): PlatformConfigInput {
  const namespace = m.namespace ?? 'mcp-system';
  const cni = m.cluster.cni ?? 'other';
  const distribution = m.cluster.distribution ?? 'generic';

  // Cilium settings only on Cilium; L2 announcements only with pools.
  let cilium: Json | undefined;
  if (cni === 'cilium' && m.cluster.cilium) {
    const pools = m.cluster.cilium.pools?.map(buildPool);
    cilium = compact({ fqdnEgress: m.cluster.cilium.fqdnEgress, loadBalancerIPPools: pools, l2Announcements: pools ? m.cluster.cilium.l2Announcements : undefined });
  }
  const pools: Json[] | undefined = cilium?.loadBalancerIPPools;

  const servers = m.servers.map((s) => buildServer(s, m.secrets, namespace));
  const names = servers.map((s) => s.name as string);

  // The gateway's Service; a fixed address lies in a pool whose serviceLabels the gateway's Service carries.
  let service: Json | undefined;
  if (m.gateway.service) {
    const s = m.gateway.service;
    if (!s.loadBalancer) service = { type: 'ClusterIP' };
    else if (!s.fixed) service = { type: 'LoadBalancer' };
    else if (pools) {
      let candidates = pools.map((p, i) => [p, i] as const).filter(([p]) => selectsGateway(p.serviceLabels));
      if (!candidates.length) {
        delete pools[0].serviceLabels;
        candidates = [[pools[0], 0]];
      }
      const [pool] = candidates[s.pool % candidates.length];
      service = { type: 'LoadBalancer', loadBalancerIP: addressIn(pool, s.block, s.offset) };
    } else service = { type: 'LoadBalancer', loadBalancerIP: s.address };
  }
  // An empty list is refused (the gateway would route nowhere): none picked means the default, every server.
  const picked = m.gateway.routes && [...new Set(m.gateway.routes.filter(() => names.length).map((i) => names[i % names.length]))];
  const routes = picked?.length ? picked : undefined;

  // Operators, with namespaces that may be shared (with each other, Argo CD's or the platform's).
  const operator = (o: { enabled?: boolean; namespace?: string }) => compact({ enabled: o.enabled, namespace: o.namespace && resolveNs(o.namespace, namespace) });
  const nvidiaGpu = compact({
    ...operator(m.operators.nvidiaGpu),
    // On Talos the driver comes from the system extensions: "host", or left to the default.
    driver: distribution === 'talos' && m.operators.gpuDriver === 'operator' ? 'host' : m.operators.gpuDriver,
    driverInstallDir: m.operators.gpuDriver === 'host' ? m.operators.driverInstallDir : undefined,
  });

  const db = m.database;
  let embedding: Json | undefined;
  if (db.embedding) {
    const known = EMBEDDING_MODELS[db.embedding.model];
    if (!known) embedding = { model: db.embedding.model, dimensions: db.embedding.dimensions ?? 384 };
    else if (known.shortenable) {
      const dimensions = db.embedding.dimensions ?? (known.dimensions > 2000 ? 1024 : undefined);
      embedding = compact({ model: db.embedding.model, dimensions: dimensions === undefined ? undefined : Math.min(dimensions, known.dimensions, 2000) });
    } else embedding = compact({ model: db.embedding.model, dimensions: db.embedding.dimensions === undefined ? undefined : known.dimensions });
  }
  const database = compact({ ...db, embedding });

  // Triage: each provider's fields are valid on their own, whatever `enabled` says.
  const provider = m.triage.provider ?? 'ollama';
  let triageLlm: Json;
  if (provider === 'vllm') triageLlm = { enabled: m.triage.enabled, provider: 'vllm', ...buildVllm(m.triage.vllm, 'triage-hf-token') };
  else if (provider === 'external') {
    const e = m.triage.external;
    triageLlm = compact({
      enabled: m.triage.enabled,
      provider: 'external',
      address: e.byName ? e.host : e.address,
      port: e.port,
      // An address's own CIDRs hold it: the clients' policy allows only them.
      egressCidrs: e.byName ? (e.egressCidrs ?? ['192.168.1.50/32']) : e.egressCidrs && [...new Set([`${e.address}/32`, ...e.egressCidrs])],
      model: e.model,
    });
  } else {
    const ollama = buildOllama(m.triage.ollama);
    // `provider` may be left out: Ollama is the default.
    if (m.triage.provider === undefined) delete ollama.provider;
    triageLlm = { enabled: m.triage.enabled, ...ollama };
  }

  const d = m.discovery;
  const discovery = compact({
    enabled: d.enabled,
    image: d.image,
    repo: d.repo,
    baseBranch: d.baseBranch,
    serversDir: d.serversDir,
    watchNamespaces: d.watchNamespaces && [...new Set(d.watchNamespaces.map((ns) => resolveNs(ns, namespace)))],
    github: compact({
      apiUrl: d.apiUrl,
      auth: d.app ? { appId: '123456', installationId: 7890, privateKey: d.githubSecret } : { token: d.githubSecret },
      egressCidrs: d.egressCidrs,
    }),
    apiToken: d.apiToken,
    database: d.database === 'platform' || d.database === undefined ? (db.enabled ? d.database : 'embedded') : d.database,
    probe: d.probe,
    maxOpenPullRequests: d.maxOpenPullRequests,
    reconcileIntervalSeconds: d.reconcileIntervalSeconds,
    resources: d.resources,
    allowFrom: d.allowFrom,
  });

  // Off Cilium, the API server's addresses are required by the parts that call it.
  const needsApi = db.enabled || d.enabled || servers.some((s) => s.kubernetesAccess || s.flavour === 'toolhive');
  let apiServer: Json | undefined = m.kubernetes.apiServer && compact(m.kubernetes.apiServer);
  if (cni !== 'cilium' && needsApi && !apiServer?.cidrs) apiServer = { ...apiServer, cidrs: ['192.168.10.5/32'] };

  const raw = compact({
    name: m.name,
    namespace: m.namespace,
    kubernetes: compact({ configPath: m.kubernetes.configPath, context: m.kubernetes.context, apiServer }),
    cluster: compact({ distribution: m.cluster.distribution, cni: m.cluster.cni, cilium }),
    gitops: compact(m.gitops),
    argocd: compact({ ...m.argocd, namespace: m.argocd.namespace && resolveNs(m.argocd.namespace, namespace) }),
    operators: {
      cloudnativePg: compact({ ...operator(m.operators.cloudnativePg), values: m.operators.cnpgValues }),
      kmcp: operator(m.operators.kmcp),
      toolhive: operator(m.operators.toolhive),
      nvidiaGpu,
    },
    // A quota on requests makes the API server refuse pods without them: the LimitRange gives the pods an
    // operator creates (ToolHive's proxy, PgBouncer) their defaults.
    guardrails: compact({
      ...m.guardrails,
      limitRange: m.guardrails.resourceQuota && !m.guardrails.limitRange ? { defaultRequestCpu: '50m', defaultRequestMemory: '64Mi', defaultLimitMemory: '256Mi' } : m.guardrails.limitRange,
    }),
    database,
    gateway: compact({ ...m.gateway, service, routes }),
    triageLlm,
    gpuInference: compact({ enabled: m.gpuInference.enabled, name: m.gpuInference.name, ...buildVllm(m.gpuInference.vllm, 'huggingface-token') }),
    monitoring: compact({ ...m.monitoring, namespace: m.monitoring.namespace && resolveNs(m.monitoring.namespace, namespace) }),
    discovery,
    mcp: compact(m.mcp),
    mcpServers: servers,
  });
  if (cni !== 'cilium' || m.cluster.cilium?.fqdnEgress === false) byAddressOnTheLan(raw);
  // Plain JSON, as a config file would hold: fast-check's records have no prototype, and undefined keys go.
  return JSON.parse(JSON.stringify(raw)) as PlatformConfigInput;
}

/**
 * Raw configs the docs say are valid: parsePlatformConfig and synthesize must accept every one, except that an
 * edge case of `contestedFields` may instead be refused by a ConfigError naming that field.
 */
export const validConfig: fc.Arbitrary<PlatformConfigInput> = model.map(build);

/**
 * The config paths of a valid config's edge cases that the platform may either support or refuse clearly (a
 * ConfigError whose every problem starts with one of these paths): a platform name over 30 characters, a server
 * named with a digit first, like a platform part (or "default") or with 45+ characters, a namespace that two owners share, a vLLM name that another part has, a database name with a digit
 * first or a server's name, a GPU other than NVIDIA's without its image and node labels. (A credential that servers share is no edge case: the
 * README allows it.)
 */
export function contestedFields(raw: PlatformConfigInput): string[] {
  const r = raw as unknown as Json;
  const fields: string[] = [];
  if (String(r.name).length > 35) fields.push('name');
  const servers: Json[] = r.mcpServers ?? [];
  const serverNames = new Set(servers.map((s) => s.name));
  servers.forEach((s, i) => {
    if (/^\d/.test(s.name) || PART_NAMES.has(s.name) || s.name.length >= 45) fields.push(`mcpServers[${i}].name`);
  });

  // A namespace that two of the parts that own one (the platform, Argo CD, an operator) share. (Monitoring in the
  // platform namespace, or discovery watching it, is ordinary.)
  const operators: Json = r.operators ?? {};
  const defaults: Record<string, [string, boolean]> = {
    cloudnativePg: ['cnpg-system', true],
    kmcp: ['kmcp-system', true],
    toolhive: ['toolhive-system', true],
    nvidiaGpu: ['gpu-operator', false],
  };
  const owners: [string, string][] = [
    ['namespace', r.namespace ?? 'mcp-system'],
    ['argocd.namespace', r.argocd?.namespace ?? 'argocd'],
    ...Object.entries(defaults)
      .filter(([name, [, enabled]]) => operators[name]?.enabled ?? enabled)
      .map(([name, [ns]]): [string, string] => [`operators.${name}.namespace`, operators[name]?.namespace ?? ns]),
  ];
  for (const [path, ns] of owners) if (owners.some(([other, n]) => other !== path && n === ns)) fields.push(path);
  // A namespace Terraform creates that exists already: one the cluster starts with, or the one Prometheus runs in.
  const existing = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', ...(r.monitoring?.prometheusOperator ? [r.monitoring?.namespace ?? 'monitoring'] : [])]);
  for (const [path, ns] of owners) if (existing.has(ns) && (path !== 'argocd.namespace' || r.argocd?.install)) fields.push(path);

  const gpuName = r.gpuInference?.name;
  if (gpuName !== undefined && (/^\d/.test(gpuName) || ['triage-llm', 'mcp-gateway', 'mcp-discovery'].includes(gpuName) || serverNames.has(gpuName))) fields.push('gpuInference.name');
  const dbName = r.database?.name;
  if (dbName !== undefined && (/^\d/.test(dbName) || ['mcp-gateway', 'mcp-discovery', 'triage-llm', 'database-migrations'].includes(dbName) || serverNames.has(dbName) || [...serverNames].some((n) => String(n).startsWith(dbName)))) fields.push('database.name');
  for (const part of ['gpuInference', 'triageLlm']) {
    const vllm = r[part];
    if (String(vllm?.gpu?.resourceName ?? '').startsWith('amd.com/') && (!vllm.image || !vllm.gpu.nodeSelector)) fields.push(`${part}.gpu`, `${part}.image`);
  }
  // A clash between a part's name and a server's is refused under the server (its name is the one to change).
  servers.forEach((srv, i) => {
    if (srv.name === gpuName || srv.name === dbName) fields.push(`mcpServers[${i}].name`);
  });
  return [...new Set(fields)];
}

// ---------------------------------------------------------------------------------------------------------
// Invalid configs: one deliberate mistake each

type Mutable = Json & { mcpServers: Json[] };
type Mistake = { readonly name: string; readonly apply: (raw: Mutable) => { field: string; alternatives?: string[] } };

const clone = (raw: PlatformConfigInput): Mutable => {
  // JSON, not structuredClone: under jest's VM, structuredClone's objects come from another realm, and
  // fast-check then prints them as [object Object].
  const copy = JSON.parse(JSON.stringify(raw)) as Json;
  copy.mcpServers ??= [];
  return copy as Mutable;
};

/** A name no server of the config has. */
function freshName(raw: Mutable, base: string): string {
  const taken = new Set(raw.mcpServers.map((s) => s.name));
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

/** Appends a valid standalone server (an image serving HTTP) with `patch` applied; returns its index. */
function addServer(raw: Mutable, patch: Json = {}, base = 'bad-server'): number {
  raw.mcpServers.push({
    name: freshName(raw, base),
    flavour: 'standalone',
    transport: 'streamable-http',
    source: { image: 'ghcr.io/acme/mcp-x:1.0.0' },
    ...patch,
  });
  return raw.mcpServers.length - 1;
}

/** Makes the API server reachable for a part that calls it (not itself a mistake). */
function ensureApiServer(raw: Mutable): void {
  if (raw.cluster?.cni !== 'cilium' && !raw.kubernetes.apiServer?.cidrs) raw.kubernetes.apiServer = { ...raw.kubernetes.apiServer, cidrs: ['192.168.10.5/32'] };
}

const vllmBase = { enabled: true, model: 'Qwen/Qwen2.5-7B-Instruct-AWQ', maxModelLen: 8192, maxNumSeqs: 4, gpu: { memoryGiB: 12 } };

/** Cilium with one pool (10.99.0.0/28) for the LoadBalancer mistakes. */
function ciliumWithPools(raw: Mutable, pools: Json[]): void {
  raw.cluster = { ...raw.cluster, cni: 'cilium', cilium: { ...(raw.cluster?.cni === 'cilium' ? raw.cluster.cilium : {}), loadBalancerIPPools: pools } };
  delete raw.cluster.cilium.l2Announcements;
  if (raw.gateway?.service?.loadBalancerIP) raw.gateway.service = { type: 'LoadBalancer' };
}

const server = (i: number, rest = '') => `mcpServers[${i}]${rest}`;

export const MISTAKES: readonly Mistake[] = [
  // --- caught by the schema today (stay caught) ---
  { name: 'loadBalancerIP not an IP', apply: (r) => ((r.gateway = { ...r.gateway, enabled: true, service: { type: 'LoadBalancer', loadBalancerIP: 'not-an-ip' } }), { field: 'gateway.service.loadBalancerIP' }) },
  {
    name: 'loadBalancerIP outside every pool',
    apply: (r) => {
      ciliumWithPools(r, [{ name: 'lan', blocks: [{ cidr: '10.99.0.0/28' }] }]);
      r.gateway = { ...r.gateway, enabled: true, service: { type: 'LoadBalancer', loadBalancerIP: '10.250.250.250' } };
      return { field: 'gateway.service.loadBalancerIP' };
    },
  },
  { name: 'duplicate server names', apply: (r) => (addServer(r, {}, 'twin'), r.mcpServers.push({ ...r.mcpServers.at(-1)! }), { field: server(r.mcpServers.length - 1, '.name') }) },
  { name: 'server port 0', apply: (r) => ({ field: server(addServer(r, { port: 0 }), '.port') }) },
  { name: 'server name too long', apply: (r) => ({ field: server(addServer(r, { name: 'x'.repeat(51) }), '.name') }) },
  { name: 'external server with env', apply: (r) => ({ field: server(addServer(r, { flavour: 'external', source: { service: { name: 'svc', namespace: 'tools' } }, port: 80, env: { LOG_LEVEL: 'info' } }), '.env') }) },
  { name: 'external stdio server', apply: (r) => ({ field: server(addServer(r, { flavour: 'external', transport: 'stdio', source: { service: { name: 'svc', namespace: 'tools' } }, port: 80 }), '.transport') }) },
  { name: 'secret value in secretEnv', apply: (r) => ({ field: server(addServer(r, { secretEnv: { API_TOKEN: { from: 'secret', name: 'x', key: 'k', value: 'hunter2' } } }), '.secretEnv.API_TOKEN') }) },
  { name: 'egress host in uppercase', apply: (r) => ({ field: server(addServer(r, { egress: [{ hosts: ['API.GITHUB.COM'], ports: [443] }] }), '.egress') }) },
  { name: 'discovery without repo', apply: (r) => (ensureApiServer(r), (r.discovery = { enabled: true, database: 'embedded', github: { auth: { token: { from: 'secret', name: 'gh', key: 'token' } } }, apiToken: { from: 'secret', name: 'api', key: 'token' } }), { field: 'discovery.repo' }) },
  { name: 'discovery on the platform database while it is off', apply: (r) => (ensureApiServer(r), (r.database = { ...r.database, enabled: false }), (r.discovery = { enabled: true, repo: 'a/b', database: 'platform', github: { auth: { token: { from: 'secret', name: 'gh', key: 'token' } } }, apiToken: { from: 'secret', name: 'api', key: 'token' } }), { field: 'discovery.database' }) },
  { name: 'GPU driver "operator" on Talos', apply: (r) => ((r.cluster = { ...r.cluster, distribution: 'talos' }), (r.operators = { ...r.operators, nvidiaGpu: { enabled: true, driver: 'operator' } }), { field: 'operators.nvidiaGpu.driver' }) },
  { name: 'cilium settings on another CNI', apply: (r) => ((r.cluster = { ...r.cluster, cni: 'calico', cilium: { fqdnEgress: true } }), { field: 'cluster.cilium' }) },
  { name: 'gateway replicas 0', apply: (r) => ((r.gateway = { ...r.gateway, replicas: 0 }), { field: 'gateway.replicas' }) },
  { name: 'annotation prefix not a DNS name', apply: (r) => ((r.mcp = { ...r.mcp, annotationPrefix: 'Bad_Prefix' }), { field: 'mcp.annotationPrefix' }) },
  { name: 'cloudnative-pg values of the wrong type', apply: (r) => ((r.operators = { ...r.operators, cloudnativePg: { ...r.operators?.cloudnativePg, values: { replicaCount: 'two' } } }), { field: 'operators.cloudnativePg.values' }) },
  { name: 'ToolHive stdio server with two replicas', apply: (r) => ({ field: server(addServer(r, { flavour: 'toolhive', transport: 'stdio', source: { npm: { package: 'mcp-x', version: '1.0.0' } }, replicas: 2 }), '.replicas') }) },
  { name: 'ToolHive server named mcpserver', apply: (r) => ({ field: server(addServer(r, { flavour: 'toolhive' }, 'mcpserver'), '.name') }) },
  { name: 'ToolHive server without the API server off Cilium', apply: (r) => ((r.cluster = { ...r.cluster, cni: 'calico' }), delete r.cluster.cilium, delete r.kubernetes.apiServer, addServer(r, { flavour: 'toolhive' }), { field: 'kubernetes.apiServer' }) },
  { name: 'quantity with a space', apply: (r) => ({ field: server(addServer(r, { resources: { requestsCpu: '100m', requestsMemory: '1 GB', limitsMemory: '2Gi' } }), '.resources.requestsMemory') }) },
  { name: 'triage external port 0', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'external', address: '192.168.1.50', port: 0, model: 'm' }), { field: 'triageLlm.port' }) },

  // --- only the constructs notice these today, or nothing does ---
  { name: 'workload server port below 1024', apply: (r) => ({ field: server(addServer(r, { port: 80 }), '.port') }) },
  { name: 'label key with a space', apply: (r) => ({ field: server(addServer(r, { labels: { 'my label': 'x' } }), '.labels') }) },
  { name: 'label key cdk8s cannot render', apply: (r) => ({ field: server(addServer(r, { labels: { constructor: 'x' } }), '.labels') }) },
  { name: 'Argo CD default project', apply: (r) => ((r.argocd = { ...r.argocd, project: 'default' }), { field: 'argocd.project' }) },
  { name: 'server label the platform sets', apply: (r) => ({ field: server(addServer(r, { labels: { 'app.kubernetes.io/component': 'x' } }), '.labels') }) },
  { name: 'label value of 64 characters', apply: (r) => ({ field: server(addServer(r, { labels: { team: 'x'.repeat(64) } }), '.labels') }) },
  { name: 'Prometheus pod labels empty', apply: (r) => ((r.monitoring = { ...r.monitoring, prometheusOperator: true, prometheusPodLabels: {} }), { field: 'monitoring.prometheusPodLabels' }) },
  { name: 'monitoring selector label the platform sets', apply: (r) => ((r.monitoring = { ...r.monitoring, prometheusOperator: true, selectorLabels: { 'app.kubernetes.io/managed-by': 'Helm' } }), { field: 'monitoring.selectorLabels' }) },
  { name: 'expected tool listed twice', apply: (r) => ({ field: server(addServer(r, { tools: ['get', 'get'] }), '.tools[1]') }) },
  { name: 'external Service name starting with a digit', apply: (r) => ({ field: server(addServer(r, { flavour: 'external', port: 3000, source: { service: { name: '1svc', namespace: 'tools' } } }), '.source.service.name') }) },
  { name: 'server label ToolHive selects on', apply: (r) => ({ field: server(addServer(r, { labels: { 'toolhive-name': 'th1' } }), '.labels') }) },
  { name: 'secretFiles path with "//"', apply: (r) => ({ field: server(addServer(r, { secretFiles: [{ secret: { from: 'secret', name: 'kc', key: 'config' }, path: '//tmp/config' }] }), '.secretFiles[0].path') }) },
  { name: 'triage external address outside its egressCidrs', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'external', address: '10.0.0.5', port: 8000, model: 'm', egressCidrs: ['192.168.0.0/16'] }), { field: 'triageLlm.egressCidrs' }) },
  { name: 'triage external loopback address', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'external', address: '127.0.0.1', port: 8000, model: 'm' }), { field: 'triageLlm.address' }) },
  { name: 'triage external cluster Service name', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'external', address: 'ollama.ai.svc', port: 8000, model: 'm', egressCidrs: ['10.1.0.0/16'] }), { field: 'triageLlm.address' }) },
  { name: 'monitoring selector label key invalid', apply: (r) => ((r.monitoring = { ...r.monitoring, prometheusOperator: true, selectorLabels: { 'bad key!': 'x' } }), { field: 'monitoring.selectorLabels' }) },
  { name: 'GPU node selector label key invalid', apply: (r) => ((r.gpuInference = { ...vllmBase, gpu: { memoryGiB: 12, nodeSelector: { 'nvidia.com/gpu present': 'true' } } }), { field: 'gpuInference.gpu.nodeSelector' }) },
  { name: 'server memory request above limit', apply: (r) => ({ field: server(addServer(r, { resources: { requestsCpu: '100m', requestsMemory: '1Gi', limitsMemory: '512Mi' } }), '.resources') }) },
  { name: 'database that every instance has', apply: (r) => (ensureApiServer(r), (r.database = { ...r.database, enabled: true, database: 'postgres' }), { field: 'database.database' }) },
  { name: 'database owner the superuser', apply: (r) => (ensureApiServer(r), (r.database = { ...r.database, enabled: true, owner: 'postgres' }), { field: 'database.owner' }) },
  { name: 'database memory request above limit', apply: (r) => (ensureApiServer(r), (r.database = { ...r.database, enabled: true, resources: { requestsCpu: '250m', requestsMemory: '2Gi', limitsMemory: '1Gi' } }), { field: 'database.resources' }) },
  { name: 'vLLM memory request above limit', apply: (r) => ((r.gpuInference = { ...vllmBase, resources: { requestsCpu: '2', requestsMemory: '16Gi', limitsMemory: '8Gi' } }), { field: 'gpuInference.resources' }) },
  {
    name: 'resourceQuota too small for the platform',
    apply: (r) => (
      addServer(r, { replicas: 3, resources: { requestsCpu: '2', requestsMemory: '1Gi', limitsMemory: '2Gi' } }),
      (r.guardrails = { ...r.guardrails, resourceQuota: { requestsCpu: '1', requestsMemory: '1Gi', limitsMemory: '2Gi', pods: 2 }, limitRange: { defaultRequestCpu: '50m', defaultRequestMemory: '64Mi', defaultLimitMemory: '128Mi' } }),
      { field: 'guardrails.resourceQuota' }
    ),
  },
  { name: 'limitRange default request above default limit', apply: (r) => ((r.guardrails = { ...r.guardrails, limitRange: { defaultRequestCpu: '50m', defaultRequestMemory: '512Mi', defaultLimitMemory: '256Mi' } }), { field: 'guardrails.limitRange' }) },
  { name: 'triage external address 999.1.1.1', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'external', address: '999.1.1.1', port: 8000, model: 'qwen2.5-7b' }), { field: 'triageLlm.address' }) },
  { name: 'triage external DNS name without egressCidrs', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'external', address: 'gpu.lan', port: 8000, model: 'qwen2.5-7b' }), { field: 'triageLlm.egressCidrs' }) },
  {
    name: "external server in the platform's namespace",
    apply: (r) => ({
      field: server(addServer(r, { flavour: 'external', port: 3000, source: { service: { name: 'legacy-svc', namespace: r.namespace ?? 'mcp-system' } } }), '.source.service.namespace'),
    }),
  },
  { name: 'unknown discovery capability', apply: (r) => ({ field: server(addServer(r, { capabilities: ['tools', 'teleport'] }), '.capabilities') }) },
  { name: 'route to a missing server', apply: (r) => ((r.gateway = { ...r.gateway, enabled: true, routes: [...r.mcpServers.map((s) => s.name).slice(0, 2), 'no-such-server'] }), { field: 'gateway.routes' }) },
  { name: 'wildcard resources without wildcardReason', apply: (r) => (ensureApiServer(r), { field: server(addServer(r, { kubernetesAccess: { rules: [{ apiGroups: ['apps'], resources: ['*'] }] } }), '.kubernetesAccess') }) },
  { name: 'wildcardReason too short', apply: (r) => (ensureApiServer(r), { field: server(addServer(r, { kubernetesAccess: { rules: [{ apiGroups: ['apps'], resources: ['*'] }], wildcardReason: 'because' } }), '.kubernetesAccess.wildcardReason') }) },
  { name: 'reads secrets without secrets: true', apply: (r) => (ensureApiServer(r), { field: server(addServer(r, { kubernetesAccess: { rules: [{ apiGroups: [''], resources: ['secrets'] }] } }), '.kubernetesAccess') }) },
  {
    name: 'env and secretEnv name the same variable',
    apply: (r) => {
      const i = addServer(r, { env: { UPSTREAM_HOST: 'proxmox.lan' }, secretEnv: { UPSTREAM_HOST: { from: 'secret', name: 'upstream', key: 'host' } } });
      return { field: server(i, '.secretEnv.UPSTREAM_HOST'), alternatives: [server(i, '.env.UPSTREAM_HOST'), server(i, '.env'), server(i, '.secretEnv')] };
    },
  },
  { name: 'unknown Ollama model without modelSizeGB', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'ollama', model: 'acme-unknown:1b' }), { field: 'triageLlm.modelSizeGB', alternatives: ['triageLlm.model'] }) },
  { name: 'Ollama memory limit below the model', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'ollama', model: 'qwen2.5:7b-instruct', resources: { requestsCpu: '1', requestsMemory: '1Gi', limitsMemory: '2Gi' } }), { field: 'triageLlm.resources.limitsMemory', alternatives: ['triageLlm.resources'] }) },
  { name: 'Ollama model tag invalid', apply: (r) => ((r.triageLlm = { enabled: true, provider: 'ollama', model: 'Qwen 2.5', modelSizeGB: 2 }), { field: 'triageLlm.model' }) },
  { name: 'vLLM model that does not fit the GPU', apply: (r) => ((r.gpuInference = { ...vllmBase, model: 'meta-llama/Llama-2-13b-chat-hf', maxModelLen: 4096 }), { field: 'gpuInference' }) },
  { name: 'vLLM maxModelLen above the model', apply: (r) => ((r.gpuInference = { ...vllmBase, model: 'TheBloke/Llama-2-7B-Chat-AWQ', maxModelLen: 8192, maxNumSeqs: 1, gpu: { memoryGiB: 24 } }), { field: 'gpuInference.maxModelLen' }) },
  { name: 'vLLM unknown model without modelShape', apply: (r) => ((r.gpuInference = { ...vllmBase, model: 'acme/unknown-7b' }), { field: 'gpuInference.modelShape', alternatives: ['gpuInference.model'] }) },
  { name: 'vLLM model id invalid', apply: (r) => ((r.gpuInference = { ...vllmBase, model: 'not a model' }), { field: 'gpuInference.model' }) },
  { name: 'vLLM shmSize over half the memory limit', apply: (r) => ((r.gpuInference = { ...vllmBase, shmSize: '8Gi' }), { field: 'gpuInference.shmSize' }) },
  { name: 'triage vLLM that does not fit', apply: (r) => ((r.triageLlm = { provider: 'vllm', ...vllmBase, model: 'meta-llama/Llama-2-13b-chat-hf', maxModelLen: 4096 }), { field: 'triageLlm' }) },
  ...(['DATABASE_URL=postgres://u:pw@h/db', 'AZURE_STORAGE_KEY=dGhpcyBpcyBub3QgYSByZWFsIGtleQ==', 'API_BEARER=eyJhbGciOiJIUzI1NiJ9.e30.abc', 'GITHUB_TOKEN=ghp_abc123'] as const).map(
    (pair): Mistake => {
      const [key, value] = pair.split(/=(.*)/s);
      return { name: `literal credential in env ${key}`, apply: (r) => ({ field: server(addServer(r, { env: { [key]: value } }), `.env.${key}`), alternatives: [] }) };
    },
  ),
  { name: 'standalone stdio server from an image', apply: (r) => ({ field: server(addServer(r, { transport: 'stdio' }), '.source'), alternatives: [server(r.mcpServers.length - 1, '.flavour'), server(r.mcpServers.length - 1, '.transport')] }) },
  { name: 'kmcp stdio image without command', apply: (r) => ({ field: server(addServer(r, { flavour: 'kmcp', transport: 'stdio' }), '.source.command'), alternatives: [server(r.mcpServers.length - 1, '.source')] }) },
  { name: 'kmcp env name other than the Secret key', apply: (r) => ({ field: server(addServer(r, { flavour: 'kmcp', secretEnv: { API_TOKEN: { from: 'secret', name: 'tok', key: 'token' } } }), '.secretEnv.API_TOKEN') }) },
  { name: 'kmcp stdio server on another path', apply: (r) => ({ field: server(addServer(r, { flavour: 'kmcp', transport: 'stdio', source: { npm: { package: 'a', version: '1.0.0' } }, path: '/custom' }), '.path') }) },
  { name: 'path with ".."', apply: (r) => ({ field: server(addServer(r, { path: '/mcp/../admin' }), '.path') }) },
  { name: 'npm package name invalid', apply: (r) => ({ field: server(addServer(r, { source: { npm: { package: 'My Package', version: '1.0.0' } } }), '.source.npm.package') }) },
  { name: 'preflight startup without reason', apply: (r) => ({ field: server(addServer(r, { preflight: { check: 'startup' } }), '.preflight.reason') }) },
  { name: 'preflight env with a credential', apply: (r) => ({ field: server(addServer(r, { preflight: { env: { API_TOKEN: 'x' } } }), '.preflight.env.API_TOKEN') }) },
  { name: 'secretFiles path ending in "/"', apply: (r) => ({ field: server(addServer(r, { secretFiles: [{ secret: { from: 'secret', name: 'kc', key: 'config' }, path: '/etc/mcp/' }] }), '.secretFiles[0].path') }) },
  { name: 'two secretFiles on one path', apply: (r) => ({ field: server(addServer(r, { secretFiles: [0, 1].map((i) => ({ secret: { from: 'secret', name: `kc${i}`, key: 'config' }, path: '/etc/mcp/config' })) }), '.secretFiles[1].path') }) },
  { name: 'ExternalSecret refreshInterval not a Go duration', apply: (r) => ({ field: server(addServer(r, { secretEnv: { API_TOKEN: { from: 'externalSecret', name: 'tok', key: 'token', store: { name: 'vault' }, remoteKey: 'mcp/tok', refreshInterval: 'hourly' } } }), '.secretEnv.API_TOKEN.refreshInterval') }) },
  { name: 'Infisical API URL not http(s)', apply: (r) => ({ field: server(addServer(r, { secretEnv: { API_TOKEN: { from: 'infisical', name: 'tok', key: 'TOKEN', projectSlug: 'lab', environment: 'prod', credentials: { name: 'mi' }, hostApi: 'ftp://infisical.lan' } } }), '.secretEnv.API_TOKEN.hostApi') }) },
  { name: 'secret key with a space', apply: (r) => ({ field: server(addServer(r, { secretEnv: { API_TOKEN: { from: 'secret', name: 'tok', key: 'my key' } } }), '.secretEnv.API_TOKEN.key') }) },
  {
    name: 'Infisical key that is no Infisical name, without remoteName',
    apply: (r) => ({
      field: server(addServer(r, { secretFiles: [{ secret: { from: 'infisical', name: 'tls', key: 'tls.crt', projectSlug: 'homelab', environment: 'prod', credentials: { name: 'infisical-machine-identity' } }, path: '/etc/tls/tls.crt' }] }), '.secretFiles[0].secret.remoteName'),
      alternatives: [server(r.mcpServers.length - 1, '.secretFiles[0].secret.key'), server(r.mcpServers.length - 1, '.secretFiles[0].secret')],
    }),
  },
  { name: 'external server targetPort name invalid', apply: (r) => ({ field: server(addServer(r, { flavour: 'external', source: { service: { name: 'svc', namespace: 'tools', targetPort: 'HTTP_PORT' } }, port: 80 }), '.source.service.targetPort') }) },
  { name: 'overlapping load-balancer pools', apply: (r) => (ciliumWithPools(r, [{ name: 'a', blocks: [{ cidr: '10.99.0.0/28' }] }, { name: 'b', blocks: [{ start: '10.99.0.5', stop: '10.99.0.9' }] }]), { field: 'cluster.cilium.loadBalancerIPPools' }) },
  { name: 'load-balancer range running backwards', apply: (r) => (ciliumWithPools(r, [{ name: 'a', blocks: [{ start: '10.99.0.9', stop: '10.99.0.1' }] }]), { field: 'cluster.cilium.loadBalancerIPPools[0].blocks[0]' }) },
  { name: 'two load-balancer pools with one name', apply: (r) => (ciliumWithPools(r, [{ name: 'a', blocks: [{ cidr: '10.99.0.0/28' }] }, { name: 'a', blocks: [{ cidr: '10.99.1.0/28' }] }]), { field: 'cluster.cilium.loadBalancerIPPools' }) },
  {
    name: 'gateway address in a pool that does not select the gateway',
    apply: (r) => {
      ciliumWithPools(r, [{ name: 'other', blocks: [{ cidr: '10.99.0.0/28' }], serviceLabels: { 'lb-pool': 'other' } }]);
      r.gateway = { ...r.gateway, enabled: true, service: { type: 'LoadBalancer', loadBalancerIP: '10.99.0.5' } };
      return { field: 'gateway.service.loadBalancerIP' };
    },
  },
  {
    name: 'discovery watchNamespaces twice the same',
    apply: (r) => (ensureApiServer(r), (r.discovery = { enabled: true, repo: 'a/b', database: 'embedded', watchNamespaces: ['tools', 'tools'], github: { auth: { token: { from: 'secret', name: 'gh', key: 'token' } } }, apiToken: { from: 'secret', name: 'api', key: 'token' } }), { field: 'discovery.watchNamespaces' }),
  },
  { name: 'discovery GitHub API URL not http(s)', apply: (r) => (ensureApiServer(r), (r.discovery = { enabled: true, repo: 'a/b', database: 'embedded', github: { apiUrl: 'ftp://github.lan/api', auth: { token: { from: 'secret', name: 'gh', key: 'token' } } }, apiToken: { from: 'secret', name: 'api', key: 'token' } }), { field: 'discovery.github.apiUrl' }) },
  { name: 'embedding model unknown without dimensions', apply: (r) => (ensureApiServer(r), (r.database = { ...r.database, enabled: true, embedding: { model: 'acme-embed' } }), { field: 'database.embedding.dimensions', alternatives: ['database.embedding.model', 'database.embedding'] }) },
  { name: 'embedding dimensions contradict the model', apply: (r) => (ensureApiServer(r), (r.database = { ...r.database, enabled: true, embedding: { model: 'nomic-embed-text', dimensions: 1024 } }), { field: 'database.embedding.dimensions' }) },
  { name: 'backup schedule of five fields', apply: (r) => (ensureApiServer(r), (r.database = { ...r.database, enabled: true, backup: { schedule: '0 3 * * *' } }), { field: 'database.backup.schedule' }) },
  { name: 'gateway JWKS URL on the LAN off Cilium without its addresses', apply: (r) => ((r.cluster = { ...r.cluster, cni: 'calico' }), delete r.cluster.cilium, ensureApiServer(r), (r.gateway = { ...r.gateway, enabled: true, auth: { issuer: 'x', audiences: ['mcp'], jwksUrl: 'https://keycloak.lan/jwks' } }), { field: 'gateway.auth.jwksUrl' }) },
  { name: 'gateway jwksPods for a JWKS URL outside the cluster', apply: (r) => ((r.gateway = { ...r.gateway, enabled: true, auth: { issuer: 'x', audiences: ['mcp'], jwksUrl: 'https://auth.example.com/jwks', jwksPods: { namespace: 'auth', podLabels: { app: 'idp' }, port: 8080 } } }), { field: 'gateway.auth.jwksUrl' }) },
  { name: 'gateway JWKS URL on a cluster Service', apply: (r) => ((r.gateway = { ...r.gateway, enabled: true, auth: { issuer: 'x', audiences: ['mcp'], jwksUrl: 'http://keycloak.auth.svc.cluster.local/jwks' } }), { field: 'gateway.auth.jwksUrl' }) },
  { name: 'egress host that is an address', apply: (r) => ({ field: server(addServer(r, { egress: [{ hosts: ['192.168.10.3'], ports: [443] }] }), '.egress') }) },
  { name: 'gateway JWKS URL not http(s)', apply: (r) => ((r.gateway = { ...r.gateway, enabled: true, auth: { issuer: 'x', audiences: ['mcp'], jwksUrl: 'ftp://auth.lan/jwks' } }), { field: 'gateway.auth.jwksUrl' }) },
];

/** Valid configs without the edge cases of `contestedFields`: a refused edge case would hide the mistake's own error. */
export const uncontestedValidConfig: fc.Arbitrary<PlatformConfigInput> = validConfig.filter((raw) => contestedFields(raw).length === 0);

/** A valid config with exactly one mistake from MISTAKES, and the config path its error must name. */
export const invalidConfig: fc.Arbitrary<InvalidCase> = fc.tuple(uncontestedValidConfig, fc.nat(MISTAKES.length - 1)).map(([valid, index]) => {
  const raw = clone(valid);
  const mistake = MISTAKES[index];
  const { field, alternatives } = mistake.apply(raw);
  return { raw: raw as unknown as PlatformConfigInput, field, alternatives, mistake: mistake.name };
});
