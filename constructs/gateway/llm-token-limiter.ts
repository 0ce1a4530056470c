/**
 * Per-client token budgets for the gateway's models. agentgateway v1.4.1 limits LLM tokens per client only
 * through `llm.policies.remoteRateLimit` (its `localRateLimit` there is one bucket for every caller): it asks an
 * Envoy rate limit service (gRPC `envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit`) before each
 * request and reports the tokens the request used after it. This renders that service, envoyproxy/ratelimit,
 * with the Redis it keeps its counters in, beside the gateway; llm-routes.ts renders the gateway's side.
 *
 * How agentgateway counts, and where each fact was read (agentgateway v1.4.1, envoyproxy/ratelimit and the
 * images), is in docs/design/agentgateway-llm-v1.4.1.md, section 7.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { fingerprint, imageFieldProblem } from '../formats.js';
import { componentSelector, platformLabels, NAME_LABEL } from '../labels.js';
import type { ClusterNetwork } from '../network/cluster-network.js';
import { throwIfProblems } from '../validation/problems.js';
import { PodNetworkPolicy, type PeerPorts, type PodPeer } from '../workloads/pod-network-policy.js';
import { envVars, resourceRequirements, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchDir } from '../workloads/pod-spec.js';

/**
 * envoyproxy/ratelimit publishes no versioned image since v1.4.0 (2020): its main workflow pushes one tag per
 * commit, the commit's 8-character sha (.github/workflows/main.yaml, Makefile `VERSION`). This one is commit
 * 1e50889b on its main branch, the image Envoy Gateway v1.8.3 pins (api/v1alpha1/shared_types.go); it honours
 * the per-descriptor hits_addend agentgateway sends (added in 38500fe).
 */
export const DEFAULT_RATELIMIT_IMAGE = 'envoyproxy/ratelimit:1e50889b';
/**
 * The Docker official Redis image, alpine variant: library/redis in docker-library/official-images (37079fb)
 * builds 8.10.1-alpine from redis/docker-library-redis at v8.10.1. Its entrypoint drops privileges only when it
 * starts as root, so it runs as the pod's user as it is.
 */
export const DEFAULT_REDIS_IMAGE = 'redis:8.10.1-alpine';

/** The rate limit domain agentgateway sends and the service's config declares. */
export const TOKEN_LIMIT_DOMAIN = 'mcp-platform-llm-tokens';
/** The descriptor key agentgateway sends the client's name under. */
export const CLIENT_DESCRIPTOR_KEY = 'client';
/**
 * Who the request is from, as a CEL expression agentgateway evaluates after authentication: a client key's name
 * (its `metadata.client`, which agentgateway flattens into `apiKey`), else the JWT's subject. A descriptor whose
 * expression fails is dropped and the request goes unlimited, so the last resort is one shared name.
 */
export const CLIENT_EXPRESSION = 'coalesce(apiKey.client, jwt.sub, "anonymous")';
/** The shared budget of requests that carry neither a client key nor a JWT subject. */
export const ANONYMOUS_CLIENT = 'anonymous';

/** envoyproxy/ratelimit's ports: gRPC (ShouldRateLimit), and HTTP for /healthcheck (src/settings/settings.go). */
export const RATELIMIT_GRPC_PORT = 8081;
const RATELIMIT_HTTP_PORT = 8080;
const REDIS_PORT = 6379;
/** The distroless nonroot user envoyproxy/ratelimit's image runs as (its Dockerfile and README). */
const RATELIMIT_UID = 65532;
/** The `redis` user and group of the alpine image (its Dockerfile: adduser -u 999, addgroup -g 1000); /data is an emptyDir the group owns. */
const REDIS_UID = 999;
const REDIS_GID = 1000;
/** A counter of envoyproxy/ratelimit is a uint32 (`requests_per_unit`). */
export const MAX_TOKENS_PER_UNIT = 4_294_967_295;

/** The windows envoyproxy/ratelimit counts in: fixed calendar windows, a new one at each minute, hour or day (UTC). */
export const TOKEN_LIMIT_UNITS = ['minute', 'hour', 'day'] as const;
/** One of {@link TOKEN_LIMIT_UNITS}: the window a budget is counted in. */
export type TokenLimitUnit = (typeof TOKEN_LIMIT_UNITS)[number];

/** A budget of LLM tokens (input and output together) per window. */
export interface TokenLimit {
  /** Tokens per window, 1 to MAX_TOKENS_PER_UNIT. */
  readonly tokens: number;
  /** The window: a new one starts each minute, hour or day (UTC). */
  readonly per: TokenLimitUnit;
}

/** The token budgets of the gateway's clients. */
export interface TokenLimits {
  /** Every client's budget, unless `clients` gives it its own. */
  readonly perClient: TokenLimit;
  /** Budgets of named clients: a client key's name or a JWT's subject ("anonymous": requests with neither). @default none */
  readonly clients?: Readonly<Record<string, TokenLimit>>;
  /**
   * What a model request gets while the limiter cannot answer: "refuse" (agentgateway answers 500) or "allow"
   * (unlimited until it is back). @default "refuse"
   */
  readonly whenUnavailable?: 'refuse' | 'allow';
}

/** The problems of the limits, each naming its field under `at`; `clientNames` are the known clients, when only keys identify them. */
export function tokenLimitsProblems(at: string, limits: TokenLimits, clientNames?: readonly string[]): string[] {
  const problems: string[] = [];
  const limitProblems = (field: string, limit: TokenLimit) => {
    if (!Number.isInteger(limit.tokens) || limit.tokens < 1 || limit.tokens > MAX_TOKENS_PER_UNIT) {
      problems.push(`${field}.tokens must be a whole number from 1 to ${MAX_TOKENS_PER_UNIT}, got ${limit.tokens}`);
    }
    if (!(TOKEN_LIMIT_UNITS as readonly string[]).includes(limit.per)) problems.push(`${field}.per must be ${TOKEN_LIMIT_UNITS.map((u) => `"${u}"`).join(', ')}, got ${JSON.stringify(limit.per)}`);
  };
  limitProblems(`${at}.perClient`, limits.perClient);
  for (const [name, limit] of Object.entries(limits.clients ?? {})) {
    // As the config's own messages write a record key: dotted when it is an identifier, quoted otherwise.
    const field = `${at}.clients${/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}`;
    // A name is sent as a gRPC string and matched as given: only the characters a key name or subject is made of.
    if (!/^[\x21-\x7e]{1,256}$/.test(name)) problems.push(`${field}: a client's name must be 1 to 256 printable characters without spaces`);
    else if (clientNames && name !== ANONYMOUS_CLIENT && !clientNames.includes(name)) {
      problems.push(`${field}: "${name}" is not a client: clients are ${clientNames.map((n) => `"${n}"`).join(', ') || 'none'} (client keys' names), or "${ANONYMOUS_CLIENT}"`);
    }
    limitProblems(field, limit);
  }
  if (limits.whenUnavailable !== undefined && limits.whenUnavailable !== 'refuse' && limits.whenUnavailable !== 'allow') {
    problems.push(`${at}.whenUnavailable must be "refuse" or "allow", got ${JSON.stringify(limits.whenUnavailable)}`);
  }
  return problems;
}

/** envoyproxy/ratelimit's config file: a budget for every client value, and the named clients' own (the most specific match wins). */
export function tokenLimiterConfig(limits: TokenLimits): Record<string, unknown> {
  const rateLimit = (limit: TokenLimit) => ({ unit: limit.per, requests_per_unit: limit.tokens });
  return {
    domain: TOKEN_LIMIT_DOMAIN,
    descriptors: [
      { key: CLIENT_DESCRIPTOR_KEY, rate_limit: rateLimit(limits.perClient) },
      ...Object.keys(limits.clients ?? {})
        .sort()
        .map((name) => ({ key: CLIENT_DESCRIPTOR_KEY, value: name, rate_limit: rateLimit(limits.clients![name]!) })),
    ],
  };
}

export interface LlmTokenLimiterProps {
  /** The gateway's namespace. */
  readonly namespace: string;
  readonly limits: TokenLimits;
  /** The gateway's pods, the only ones that may ask. */
  readonly gatewayPods: PodPeer;
  readonly network?: ClusterNetwork;
  /** @default DEFAULT_RATELIMIT_IMAGE */
  readonly image?: string;
  /** @default DEFAULT_REDIS_IMAGE */
  readonly redisImage?: string;
  /** Replicas of the limiter: while none answers, every model request is refused (or let through). @default 2 */
  readonly replicas?: number;
}

/** The limit service and its counter store, each reachable only by the pods that use it. */
export class LlmTokenLimiter extends Construct {
  /** What agentgateway dials: the limiter's Service, "name.namespace.svc.cluster.local:port" (plaintext gRPC). */
  readonly host: string;
  /** The gateway's egress to the limiter. */
  readonly gatewayEgress: PeerPorts;
  readonly deployment: k8s.KubeDeployment;
  readonly store: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: LlmTokenLimiterProps) {
    super(scope, id);
    const image = props.image ?? DEFAULT_RATELIMIT_IMAGE;
    const redisImage = props.redisImage ?? DEFAULT_REDIS_IMAGE;
    const replicas = props.replicas ?? 2;
    const problems = tokenLimitsProblems('limits', props.limits);
    for (const [field, value] of [['image', image], ['redisImage', redisImage]] as const) {
      const problem = imageFieldProblem(field, value);
      if (problem) problems.push(problem);
    }
    if (!Number.isInteger(replicas) || replicas < 1) problems.push(`replicas must be a positive whole number, got ${replicas}`);
    throwIfProblems(`LlmTokenLimiter ${id}`, problems);

    const limiterName = 'llm-token-limiter';
    const storeName = 'llm-token-store';
    const limiterPods = componentSelector(limiterName);
    const storePods = componentSelector(storeName);
    const metadataOf = (name: string) => ({ name, namespace: props.namespace, labels: { ...platformLabels(name), [NAME_LABEL]: name } });
    this.host = `${limiterName}.${props.namespace}.svc.cluster.local:${RATELIMIT_GRPC_PORT}`;
    this.gatewayEgress = { peers: [{ podLabels: limiterPods }], ports: [RATELIMIT_GRPC_PORT] };

    // JSON is YAML: the service reads the file with a YAML parser.
    const configText = `${JSON.stringify(tokenLimiterConfig(props.limits), null, 2)}\n`;
    const config = new k8s.KubeConfigMap(this, 'Config', { metadata: { ...metadataOf(limiterName), name: `${limiterName}-config` }, data: { 'config.yaml': configText } });

    const limiterAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: metadataOf(limiterName), automountServiceAccountToken: false });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadataOf(limiterName),
      spec: {
        replicas,
        selector: { matchLabels: limiterPods },
        template: {
          // The config is read at start (the watch is off: a ConfigMap volume changes through symlinks): a change rolls the pods.
          metadata: { labels: { ...metadataOf(limiterName).labels, ...limiterPods }, annotations: { 'mcp-platform.dev/config-hash': fingerprint(configText) } },
          spec: {
            serviceAccountName: limiterAccount.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(RATELIMIT_UID),
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: limiterPods } }],
            containers: [
              {
                name: 'ratelimit',
                image,
                // envoyproxy/ratelimit's settings (src/settings/settings.go); the layout Envoy Gateway runs it with.
                env: envVars({
                  BACKEND_TYPE: 'redis',
                  REDIS_SOCKET_TYPE: 'tcp',
                  REDIS_URL: `${storeName}.${props.namespace}.svc.cluster.local:${REDIS_PORT}`,
                  RUNTIME_ROOT: '/data',
                  RUNTIME_SUBDIRECTORY: 'ratelimit',
                  RUNTIME_IGNOREDOTFILES: 'true',
                  RUNTIME_WATCH_ROOT: 'false',
                  // Its default sends statsd to localhost:8125, which nothing listens on.
                  USE_STATSD: 'false',
                  // RateLimit-Limit, -Remaining and -Reset on answers: for a token budget they count tokens.
                  LIMIT_RESPONSE_HEADERS_ENABLED: 'true',
                  LOG_LEVEL: 'warn',
                }),
                ports: [
                  { name: 'grpc', containerPort: RATELIMIT_GRPC_PORT, protocol: 'TCP' },
                  { name: 'http', containerPort: RATELIMIT_HTTP_PORT, protocol: 'TCP' },
                ],
                resources: resourceRequirements({ requestsCpu: '50m', requestsMemory: '64Mi', limitsMemory: '256Mi' }),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'config', mountPath: '/data/ratelimit/config', readOnly: true }],
                readinessProbe: { httpGet: { path: '/healthcheck', port: k8s.IntOrString.fromString('http') }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
                livenessProbe: { httpGet: { path: '/healthcheck', port: k8s.IntOrString.fromString('http') }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
              },
            ],
            volumes: [{ name: 'config', configMap: { name: config.name } }],
          },
        },
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: metadataOf(limiterName),
      spec: {
        selector: limiterPods,
        ports: [{ name: 'grpc', port: RATELIMIT_GRPC_PORT, targetPort: k8s.IntOrString.fromString('grpc'), protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }],
      },
    });
    if (replicas >= 2) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', { metadata: metadataOf(limiterName), spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: limiterPods } } });
    }

    const data = scratchDir('data', '/data', { sizeLimit: '64Mi' });
    const storeAccount = new k8s.KubeServiceAccount(this, 'StoreServiceAccount', { metadata: metadataOf(storeName), automountServiceAccountToken: false });
    this.store = new k8s.KubeDeployment(this, 'Store', {
      metadata: metadataOf(storeName),
      spec: {
        replicas: 1,
        // Two stores would each count half: the old one goes before the new one starts.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: storePods },
        template: {
          metadata: { labels: { ...metadataOf(storeName).labels, ...storePods } },
          spec: {
            serviceAccountName: storeAccount.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(REDIS_UID, REDIS_GID),
            containers: [
              {
                name: 'redis',
                image: redisImage,
                // Counters of the current windows only: nothing to keep on disk, so a restart starts the windows afresh.
                // Every key the limiter writes expires with its window, so under memory pressure those go first.
                args: ['redis-server', '--save', '', '--appendonly', 'no', '--maxmemory', '48mb', '--maxmemory-policy', 'volatile-lru'],
                ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
                resources: resourceRequirements({ requestsCpu: '50m', requestsMemory: '64Mi', limitsMemory: '128Mi' }),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [data.mount],
                readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
                livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
              },
            ],
            volumes: [data.volume],
          },
        },
      },
    });
    new k8s.KubeService(this, 'StoreService', {
      metadata: metadataOf(storeName),
      spec: { selector: storePods, ports: [{ name: 'redis', port: REDIS_PORT, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' }] },
    });

    new PodNetworkPolicy(this, 'NetworkPolicy', {
      name: limiterName,
      namespace: props.namespace,
      component: limiterName,
      pods: limiterPods,
      ingress: [{ peers: [props.gatewayPods], ports: [RATELIMIT_GRPC_PORT] }],
      egress: [{ peers: [{ podLabels: storePods }], ports: [REDIS_PORT] }],
      network: props.network,
    });
    // The store has no password: only the limiter reaches it, and it holds nothing but counters.
    new PodNetworkPolicy(this, 'StoreNetworkPolicy', {
      name: storeName,
      namespace: props.namespace,
      component: storeName,
      pods: storePods,
      ingress: [{ peers: [{ podLabels: limiterPods }], ports: [REDIS_PORT] }],
      network: props.network,
    });
  }
}
