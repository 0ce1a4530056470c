import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { fingerprint, imageFieldProblem } from '../formats.js';
import { ComponentMetricsPorts, ComponentNames, componentSelector, gatewayLabels } from '../labels.js';
import { McpServer } from '../mcp/mcp-server.js';
import { SecretReference } from '../secrets/secret-reference.js';
import type { ClusterNetwork } from '../network/cluster-network.js';
import { jwksEgress, jwksHostProblem, jwksOptionProblems, type JwksPods } from './jwks-egress.js';
import { LlmTokenLimiter } from './llm-token-limiter.js';
import { DEFAULT_MODELS_PORT, gatewayModelsProblems, MODELS_GATEWAY_NAME, renderModels, type GatewayModels } from './gateway-models.js';
import { PodNetworkPolicy, PRIVATE_IPV4_RANGES, type PodPeer } from '../workloads/pod-network-policy.js';
import {
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDir,
  type ContainerResources,
} from '../workloads/pod-spec.js';
import {
  AGENTGATEWAY_GATEWAY_NAME,
  agentgatewayConfig,
  DEFAULT_PER_SERVER_PREFIX,
  validateAgentgatewayConfig,
  type GatewayAuth,
} from './agentgateway-config.js';
import { throwIfProblems } from '../validation/problems.js';

/** agentgateway's image, pinned. Its release workflow pushes `v<version>` and `latest` only (no bare `1.4.1`). */
export const DEFAULT_AGENTGATEWAY_IMAGE = 'ghcr.io/agentgateway/agentgateway:v1.4.1';
export const GATEWAY_PORT = 8080;
/** agentgateway's readiness server; `/healthz/ready` answers once the config is loaded. */
const READINESS_PORT = 15021;
const GATEWAY_UID = 10001;

/** Annotations the tool-budget policy rule reads from the gateway's ConfigMap. */
export const TOOL_BUDGET_ANNOTATION = 'mcp-platform.dev/tool-budget';
export const ENDPOINT_TOOLS_ANNOTATION = 'mcp-platform.dev/endpoint-tools';
/** Per endpoint, the servers whose tools nobody knows (declared none, no preflight record); set only when some are. */
export const ENDPOINT_UNKNOWN_TOOLS_ANNOTATION = 'mcp-platform.dev/endpoint-unknown-tools';

/**
 * The gateway's pods as a caller: give it in an McpServer's `clients`, so the server's NetworkPolicy lets the
 * gateway in. The servers are created before the gateway (it routes to those it finds), hence a constant.
 */
export const GATEWAY_PODS: PodPeer = { podLabels: componentSelector(ComponentNames.gateway) };

/** Props of the McpGateway: where it runs, which servers it routes to, and who may call it. */
export interface McpGatewayProps {
  /** Namespace the gateway's objects are rendered in. */
  readonly namespace: string;
  /** @default "mcp-gateway" */
  readonly name?: string;
  /** @default DEFAULT_AGENTGATEWAY_IMAGE */
  readonly image?: string;
  /** @default 2 */
  readonly replicas?: number;
  /** Servers to route to, by name. @default every McpServer under the gateway's chart */
  readonly routes?: readonly string[];
  /** ClusterIP by default; LoadBalancer (with a fixed address when given) for clients outside the cluster. @default { type: "ClusterIP" } */
  readonly service?: { readonly type: 'ClusterIP' } | { readonly type: 'LoadBalancer'; readonly loadBalancerIP?: string };
  /** Who may call the gateway. @default the private IPv4 ranges (the LAN and the cluster), not the internet */
  readonly allowFrom?: readonly string[];
  /** JWT validation of every request: the token's issuer and audiences, and where the signing keys are. @default none: requests need no token */
  readonly auth?: GatewayAuth;
  /**
   * The addresses of `auth.jwksUrl`'s host, for an identity provider on the LAN when the cluster cannot allow
   * hosts by name (not Cilium). @default by name on Cilium; the URL's own address when it names one; else the
   * internet on its port, private ranges excluded
   */
  readonly jwksCidrs?: readonly string[];
  /**
   * The identity provider's pods, when `auth.jwksUrl` is a Service inside the cluster ("http://idp.auth.svc:9000/..."):
   * the policy reaches them on the port they listen on. Their own namespace's policy must admit the gateway.
   * @default none: a Service JWKS URL is refused without it
   */
  readonly jwksPods?: JwksPods;
  /** Requests a client may make per minute on each route of each replica (agentgateway's local limit). @default none: no rate limit */
  readonly rateLimit?: { readonly requestsPerMinute: number };
  /** Most tools one endpoint should expose before the synth report warns. @default 40 */
  readonly toolBudget?: number;
  /** Tools per server that did not declare them, e.g. from the last preflight. @default none */
  readonly knownTools?: Readonly<Record<string, readonly string[]>>;
  /** @default 100m CPU, 128Mi requested, 256Mi limit */
  readonly resources?: ContainerResources;
  /** The cluster's network: on Cilium the JWKS host is reached by name. @default { cni: "other" } */
  readonly network?: ClusterNetwork;
  /**
   * Models the gateway serves on a listener of their own (`/v1/chat/completions`), local and hosted, with the
   * provider keys mounted from Secrets and `auth` applying to it as to MCP. @default none: no model routes
   */
  readonly models?: GatewayModels;
}

/**
 * The MCP gateway: agentgateway in front of every MCP server of its chart (found through the construct tree),
 * with one aggregated endpoint at /mcp that keeps serving when a backend is down, and one endpoint per server
 * at /mcp/<name>. Two replicas with a PodDisruptionBudget, a Service (ClusterIP, or LoadBalancer with a fixed
 * address), and NetworkPolicies that admit the allowed clients and let the gateway reach only its servers.
 */
export class McpGateway extends Construct {
  readonly config: Record<string, unknown>;
  readonly deployment: k8s.KubeDeployment;
  readonly service: k8s.KubeService;
  readonly configMap: k8s.KubeConfigMap;
  /** Known tools per endpoint path, as counted for the budget. */
  readonly endpointTools: Readonly<Record<string, number>>;
  /**
   * Per endpoint path, the servers behind it whose tools are unknown (they declare none and preflight has
   * recorded none): such an endpoint's count is a lower bound and the budget cannot be checked.
   */
  readonly endpointUnknownTools: Readonly<Record<string, readonly string[]>>;
  private readonly props: McpGatewayProps;

  constructor(scope: Construct, id: string, props: McpGatewayProps) {
    super(scope, id);
    this.props = props;
    const name = props.name ?? 'mcp-gateway';
    const replicas = props.replicas ?? 2;
    const image = props.image ?? DEFAULT_AGENTGATEWAY_IMAGE;
    const problems: string[] = [];
    const imageFault = imageFieldProblem('image', image);
    if (imageFault) problems.push(imageFault);
    if (!Number.isInteger(replicas) || replicas < 1) problems.push(`replicas must be a positive whole number, got ${replicas}`);
    if (props.toolBudget !== undefined && (!Number.isInteger(props.toolBudget) || props.toolBudget < 1)) problems.push(`toolBudget must be a positive whole number, got ${props.toolBudget}`);
    problems.push(...jwksEgressProblems(props));
    if (props.models) {
      problems.push(...gatewayModelsProblems(props.models, props.network, props.auth !== undefined));
      const taken = [GATEWAY_PORT, ComponentMetricsPorts.gateway.port, READINESS_PORT];
      const modelsPort = props.models.port ?? DEFAULT_MODELS_PORT;
      if (taken.includes(modelsPort)) problems.push(`models.port ${modelsPort} is taken by the gateway's MCP, metrics or readiness port (${taken.join(', ')}): choose another`);
    }
    throwIfProblems(`McpGateway ${id}`, problems);

    // The servers of the chart, as the construct tree holds them now; a server added later is caught at synth.
    const chart = Chart.of(this);
    const servers = McpServer.allIn(chart);
    const routed = this.routedServers(servers);
    this.node.addValidation({
      validate: () => {
        const now = McpServer.allIn(chart);
        const late = now.filter((s) => !servers.includes(s)).map((s) => s.node.path);
        return [
          ...this.routeProblems(now),
          ...(late.length ? [`MCP servers created after the gateway are not routed: ${late.join(', ')}; create the servers first`] : []),
        ];
      },
    });

    const labels = gatewayLabels();
    const podLabels = GATEWAY_PODS.podLabels;
    const metadata = { name, namespace: props.namespace, labels };

    this.config = agentgatewayConfig({
      port: GATEWAY_PORT,
      statsPort: ComponentMetricsPorts.gateway.port,
      targets: routed.map((server) => ({
        name: server.spec.name,
        host: `${server.endpoint.serviceName}.${server.endpoint.namespace}.svc.cluster.local`,
        port: server.endpoint.port,
        path: server.endpoint.path,
        transport: server.endpoint.transport,
      })),
      auth: props.auth,
      rateLimit: props.rateLimit,
    });
    (this.config.config as Record<string, unknown>).readinessAddr = `0.0.0.0:${READINESS_PORT}`;
    // Each key by reference: for an Infisical or External Secrets source this renders its sync object, in the gateway's app.
    const keySecret = (index: number) =>
      new SecretReference(this, `ModelKey${index}`, { namespace: props.namespace, source: props.models!.models[index]!.apiKey!, component: ComponentNames.gateway });
    // The token budgets' service, beside the gateway in its namespace; only the gateway's pods may ask it.
    const limiter = props.models?.tokenLimits
      ? new LlmTokenLimiter(this, 'TokenLimiter', { namespace: props.namespace, limits: props.models.tokenLimits, gatewayPods: GATEWAY_PODS, network: props.network })
      : undefined;
    const models = props.models ? renderModels(props.models, props.network, keySecret, limiter && { host: limiter.host, egress: limiter.gatewayEgress }) : undefined;
    if (models) {
      const gateways = this.config.gateways as Record<string, Record<string, unknown>>;
      // Clients authenticate to the model listener as to the MCP one, unless they have keys of their own (both
      // read the Authorization header, and the listener's check runs first); only the gateway holds provider keys.
      const { jwtAuth } = gateways[AGENTGATEWAY_GATEWAY_NAME]!;
      gateways[MODELS_GATEWAY_NAME] = { port: models.port, ...(jwtAuth && !props.models!.clientKeys?.length ? { jwtAuth } : {}) };
      this.config.llm = models.config.llm;
      if (models.config.modelCatalog) (this.config.config as Record<string, unknown>).modelCatalog = models.config.modelCatalog;
    }
    const configProblems = validateAgentgatewayConfig(this.config);
    if (configProblems.length) throw new Error(`McpGateway ${id}: the generated agentgateway config does not match its schema:\n  - ${configProblems.join('\n  - ')}`);
    const configJson = `${JSON.stringify(this.config, null, 2)}\n`;
    this.endpointTools = this.countTools(routed);
    this.endpointUnknownTools = this.unknownTools(routed);

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: {
        ...metadata,
        name: `${name}-config`,
        annotations: {
          [TOOL_BUDGET_ANNOTATION]: String(props.toolBudget ?? 40),
          [ENDPOINT_TOOLS_ANNOTATION]: JSON.stringify(this.endpointTools),
          ...(Object.keys(this.endpointUnknownTools).length ? { [ENDPOINT_UNKNOWN_TOOLS_ANNOTATION]: JSON.stringify(this.endpointUnknownTools) } : {}),
        },
      },
      data: { 'config.json': configJson },
    });

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    const tmp = scratchDir('tmp', '/tmp', { sizeLimit: '64Mi' });
    const probe = (path: string, port: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromNumber(port) },
      periodSeconds,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas,
        selector: { matchLabels: podLabels },
        template: {
          // agentgateway reads its config at start: a changed config rolls the pods.
          metadata: { labels: { ...labels, ...podLabels }, annotations: { 'mcp-platform.dev/config-hash': fingerprint(configJson) } },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(GATEWAY_UID),
            // Spread the replicas, so losing a node does not take the gateway down.
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: podLabels } },
            ],
            containers: [
              {
                name: 'agentgateway',
                image,
                args: ['-f', '/config/config.json'],
                ports: [
                  { name: 'mcp', containerPort: GATEWAY_PORT, protocol: 'TCP' },
                  { name: ComponentMetricsPorts.gateway.portName, containerPort: ComponentMetricsPorts.gateway.port, protocol: 'TCP' },
                  { name: 'readiness', containerPort: READINESS_PORT, protocol: 'TCP' },
                  ...(models ? [{ name: 'llm', containerPort: models.port, protocol: 'TCP' }] : []),
                ],
                resources: resourceRequirements(props.resources ?? { requestsCpu: '100m', requestsMemory: '128Mi', limitsMemory: '256Mi' }),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'config', mountPath: '/config', readOnly: true }, tmp.mount, ...(models?.mount ? [models.mount] : [])],
                readinessProbe: probe('/healthz/ready', READINESS_PORT, 5),
                livenessProbe: probe('/healthz/ready', READINESS_PORT, 15),
              },
            ],
            volumes: [{ name: 'config', configMap: { name: this.configMap.name } }, tmp.volume, ...(models?.volume ? [models.volume] : [])],
          },
        },
      },
    });

    const service = props.service ?? { type: 'ClusterIP' as const };
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: service.type,
        ...(service.type === 'LoadBalancer' && service.loadBalancerIP ? { loadBalancerIp: service.loadBalancerIP } : {}),
        selector: podLabels,
        ports: [
          { name: 'mcp', port: GATEWAY_PORT, targetPort: k8s.IntOrString.fromString('mcp'), protocol: 'TCP', appProtocol: 'agentgateway.dev/mcp' },
          ...(models ? [{ name: 'llm', port: models.port, targetPort: k8s.IntOrString.fromString('llm'), protocol: 'TCP', appProtocol: 'http' }] : []),
          {
            name: ComponentMetricsPorts.gateway.portName,
            port: ComponentMetricsPorts.gateway.port,
            targetPort: k8s.IntOrString.fromString(ComponentMetricsPorts.gateway.portName),
            protocol: 'TCP',
          },
        ],
      },
    });

    if (replicas >= 2) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: podLabels } },
      });
    }

    const allowFrom = props.allowFrom ?? PRIVATE_IPV4_RANGES;
    const jwks = props.auth ? jwksEgress({ jwksUrl: props.auth.jwksUrl, jwksCidrs: props.jwksCidrs, jwksPods: props.jwksPods }) : { rules: [], hosts: [] };
    new PodNetworkPolicy(this, 'NetworkPolicy', {
      name,
      namespace: props.namespace,
      component: ComponentNames.gateway,
      pods: podLabels,
      ingress: [{ peers: allowFrom.map((cidr) => ({ cidr })), ports: [GATEWAY_PORT, ...(models ? [models.port] : [])] }],
      // Each routed server's pods on their serving port, the JWKS host when tokens are checked, and each model's
      // server: a local one's pods or addresses, a hosted provider's API host on 443.
      egress: [...routed.map((server) => server.clientEgress), ...jwks.rules, ...(models?.egress ?? [])],
      hosts: [...jwks.hosts, ...(models?.hosts ?? [])],
      network: props.network,
    });
  }

  /** The servers the gateway routes to: the named ones, or all. */
  private routedServers(all: McpServer[]): McpServer[] {
    const wanted = this.props.routes;
    // One server per name: a second one with the same name is reported by the validation, naming both paths.
    const chosen = (wanted ? all.filter((s) => wanted.includes(s.spec.name)) : all).filter((s, i, list) => list.findIndex((o) => o.spec.name === s.spec.name) === i);
    return [...chosen].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }

  /** A route to a server that is not in the app, or two servers with one name. */
  private routeProblems(all: McpServer[]): string[] {
    const problems: string[] = [];
    const byName = new Map<string, McpServer[]>();
    for (const server of all) byName.set(server.spec.name, [...(byName.get(server.spec.name) ?? []), server]);
    for (const [serverName, list] of byName) {
      if (list.length > 1) {
        problems.push(`two MCP servers are named "${serverName}": ${list.map((s) => s.node.path).join(' and ')}; names must be unique (they name the Service and the route)`);
      }
    }
    const known = [...byName.keys()].sort();
    for (const route of this.props.routes ?? []) {
      if (!byName.has(route)) {
        problems.push(`route "${route}" names no MCP server in this app${known.length ? ` (servers: ${known.join(', ')})` : ' (it has no servers)'}`);
      }
    }
    return problems;
  }

  /** Tools behind each endpoint: every routed server's on the aggregate, each server's on its own. */
  private countTools(routed: McpServer[]): Record<string, number> {
    const tools = (s: McpServer) => (this.toolsOf(s) ?? []).length;
    return {
      '/mcp': routed.reduce((sum, s) => sum + tools(s), 0),
      ...Object.fromEntries(routed.map((s) => [`${DEFAULT_PER_SERVER_PREFIX}${s.spec.name}`, tools(s)])),
    };
  }

  /** Declared tools, else the last preflight's; undefined when neither knows. */
  private toolsOf(server: McpServer): readonly string[] | undefined {
    return server.spec.tools ?? this.props.knownTools?.[server.spec.name];
  }

  private unknownTools(routed: McpServer[]): Record<string, string[]> {
    const unknown = routed.filter((s) => this.toolsOf(s) === undefined).map((s) => s.spec.name);
    if (!unknown.length) return {};
    return { '/mcp': unknown, ...Object.fromEntries(unknown.map((name) => [`${DEFAULT_PER_SERVER_PREFIX}${name}`, [name]])) };
  }
}


/** Whether the gateway's policy can let it fetch the signing keys: the options valid, and the JWKS host reachable as configured. */
function jwksEgressProblems(props: McpGatewayProps): string[] {
  const problems = jwksOptionProblems(props, props.auth !== undefined);
  if (!props.auth || problems.length) return problems;
  const problem = jwksHostProblem({ jwksUrl: props.auth.jwksUrl, jwksCidrs: props.jwksCidrs, jwksPods: props.jwksPods }, props.network, { cidrs: 'jwksCidrs', pods: 'jwksPods' });
  return problem ? [`auth.jwksUrl: ${problem}`] : [];
}
