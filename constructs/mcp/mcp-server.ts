import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { clusterScoped } from '../cluster-scoped.js';
import { SecretReference } from '../secrets/secret-reference.js';
import { apiServerProblems, HOST_NAME, outsideHostProblem, type ApiServerEndpoint, type ClusterNetwork } from '../network/cluster-network.js';
import { PodNetworkPolicy, type HostPorts, type PeerPorts, type PodPeer } from '../workloads/pod-network-policy.js';
import type { ContainerResources } from '../workloads/pod-spec.js';
import { DEFAULT_ANNOTATION_PREFIX, discoveryAnnotations } from './discovery-metadata.js';
import type { FlavourContext, FlavourResult } from './flavour.js';
import { renderKmcp } from './kmcp-flavour.js';
import {
  DEFAULT_MCP_PORT,
  defaultPath,
  isNpmSource,
  isWorkloadServer,
  mcpServerProblems,
  packageRegistryProblems,
  servedTransport,
  serverLabels,
  type McpServerSpec,
  type PackageRegistry,
  type ServiceSource,
} from './mcp-server-props.js';
import { renderStandalone } from './standalone-flavour.js';
import { renderToolhive } from './toolhive-flavour.js';
import { throwIfProblems } from '../validation/problems.js';

/** Props of an McpServer: its spec, and where on the cluster it runs and who may call it. */
export interface McpServerProps extends McpServerSpec {
  /** Namespace the server's objects are rendered in. */
  readonly namespace: string;
  /** Pods that call the server: the gateway and the discovery service's probe. */
  readonly clients: readonly PodPeer[];
  /**
   * The API server, for servers with kubernetesAccess and for ToolHive's proxy (addresses required unless the network is Cilium).
   * @default none: a server that needs the API server off Cilium is refused without its `cidrs`; on Cilium it is reached as the kube-apiserver entity on 6443
   */
  readonly apiServer?: ApiServerEndpoint;
  /** The cluster's network: on Cilium the API server is reached as its entity and the npm registry by name. @default { cni: "other" } */
  readonly network?: ClusterNetwork;
  /** Prefix of the discovery annotations. @default DEFAULT_ANNOTATION_PREFIX */
  readonly annotationPrefix?: string;
  /**
   * Where npm packages come from: a private mirror, which npm and npx in every container of an npm server use
   * (npm_config_registry) and which alone they may reach. @default the public registry (registry.npmjs.org on 443:
   * by name on Cilium, else the internet)
   */
  readonly packageRegistry?: PackageRegistry;
}

/** Where clients reach a server. */
export interface McpEndpoint {
  /** Name of the Service clients call. */
  readonly serviceName: string;
  /** Namespace of that Service. */
  readonly namespace: string;
  /** The Service port clients call. */
  readonly port: number;
  /** HTTP path of the MCP endpoint. */
  readonly path: string;
  /** What clients speak to it (stdio servers are bridged to Streamable HTTP). */
  readonly transport: 'streamable-http' | 'sse';
}

/** The public npm registry: package metadata and tarballs both come from this host. */
export const PUBLIC_NPM_REGISTRY_HOST = 'registry.npmjs.org';

const DEFAULT_RESOURCES: ContainerResources = { requestsCpu: '50m', requestsMemory: '128Mi', limitsMemory: '256Mi' };
const NPM_RESOURCES: ContainerResources = { requestsCpu: '50m', requestsMemory: '192Mi', limitsMemory: '512Mi' };

/**
 * One MCP server, in any flavour (kmcp, ToolHive, standalone), reachable by the gateway and findable by
 * the discovery service. Around the flavour's objects it renders what the operators do not: a read-only
 * ClusterRole when the server inspects Kubernetes, a NetworkPolicy that admits only the gateway and the
 * discovery probe and lets the server reach only its upstream, and a PodDisruptionBudget from two replicas.
 *
 * An `external` server, deployed by something else, renders nothing: its endpoint is the given Service, and
 * clients reach its pods in that namespace on the Service's target port (whose owner must admit them).
 */
export class McpServer extends Construct {
  readonly spec: McpServerSpec;
  readonly endpoint: McpEndpoint;
  /** Labels of the server's pods; undefined for an external server, whose pods the platform does not label. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** What a client's NetworkPolicy must allow to reach the server's pods (after the Service has forwarded to them). */
  readonly clientEgress: PeerPorts;

  /** Every McpServer under `scope`, in construct-tree order. */
  static allIn(scope: Construct): McpServer[] {
    return scope.node.findAll().filter((c): c is McpServer => c instanceof McpServer);
  }

  constructor(scope: Construct, id: string, props: McpServerProps) {
    super(scope, id);
    const { namespace, clients, apiServer, network, annotationPrefix, packageRegistry, ...spec } = props;
    const problems = mcpServerProblems(spec);
    if (packageRegistry) problems.push(...packageRegistryProblems(packageRegistry, spec));
    if (spec.flavour === 'kmcp' && spec.transport === 'stdio' && spec.path !== undefined && spec.path !== '/mcp') {
      problems.push('path: kmcp serves a stdio server at "/mcp"; leave path out');
    }
    const needsApi = spec.kubernetesAccess !== undefined || spec.flavour === 'toolhive';
    if (needsApi) problems.push(...apiServerProblems(apiServer, network, `${spec.kubernetesAccess ? 'kubernetesAccess' : "ToolHive's proxy"} calls the Kubernetes API`));
    for (const [i, egress] of (spec.egress ?? []).entries()) {
      for (const host of (egress.hosts ?? []).filter((h) => HOST_NAME.test(h))) {
        const problem = outsideHostProblem(host, network, `egress[${i}] as { cidrs: [...], ports: [...] } instead`);
        if (problem) problems.push(`egress[${i}].hosts: ${problem}`);
      }
    }
    throwIfProblems(`McpServer ${spec.name ?? id}`, problems);

    this.spec = spec;
    if (!isWorkloadServer(spec)) {
      const { service } = spec.source as ServiceSource;
      const port = spec.port!;
      this.endpoint = { serviceName: service.name, namespace: service.namespace, port, path: spec.path ?? defaultPath(spec.transport), transport: servedTransport(spec.transport) };
      // Any pod of that namespace: its pods' labels are not ours to know, and the port keeps the rule narrow.
      this.clientEgress = { peers: [{ namespace: service.namespace }], ports: [service.targetPort ?? port] };
      return;
    }
    const port = spec.port ?? DEFAULT_MCP_PORT;
    const path = spec.path ?? defaultPath(spec.transport);
    const transport = servedTransport(spec.transport);
    const labels = serverLabels(spec);
    const component = 'mcp-server';

    const secretEnv = Object.keys(spec.secretEnv ?? {})
      .sort()
      .map((env) => {
        const ref = new SecretReference(this, `Secret-${env}`, { namespace, source: spec.secretEnv![env], component });
        return { env, secretName: ref.secretName, key: ref.key };
      });
    const secretFiles = (spec.secretFiles ?? []).map((file, i) => {
      const ref = new SecretReference(this, `File${i}`, { namespace, source: file.secret, component });
      const name = `secret-file-${i}`;
      const fileName = file.path.slice(file.path.lastIndexOf('/') + 1);
      return {
        volume: { name, secret: { secretName: ref.secretName, items: [{ key: ref.key, path: fileName }], defaultMode: 0o440 } } as k8s.Volume,
        mount: { name, mountPath: file.path, subPath: fileName, readOnly: true } as k8s.VolumeMount,
      };
    });

    // Every flavour runs as the platform's own account (kmcp's would always mount a token).
    const serviceAccountName = spec.name;
    const ctx: FlavourContext = {
      spec,
      namespace,
      labels,
      annotations: discoveryAnnotations(
        { flavour: spec.flavour, transport, path, port, capabilities: spec.capabilities ?? ['tools'] },
        annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX,
      ),
      port,
      path,
      env: spec.env ?? {},
      secretEnv,
      secretFiles,
      resources: spec.resources ?? (isNpmSource(spec.source) ? NPM_RESOURCES : DEFAULT_RESOURCES),
      serviceAccountName,
      ...(packageRegistry && isNpmSource(spec.source) ? { npmRegistry: packageRegistry.url } : {}),
    };
    const result: FlavourResult =
      spec.flavour === 'kmcp' ? renderKmcp(this, ctx) : spec.flavour === 'toolhive' ? renderToolhive(this, ctx) : renderStandalone(this, ctx);
    this.podLabels = result.podLabels;
    this.endpoint = { serviceName: result.serviceName, namespace, port: result.servicePort, path: spec.flavour === 'kmcp' && spec.transport === 'stdio' ? '/mcp' : path, transport };
    this.clientEgress = { peers: [{ podLabels: result.podLabels }], ports: [result.servicePort] };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: serviceAccountName, namespace, labels },
      // Only a server that reads the Kubernetes API gets a token. ToolHive's proxy, which does call the API,
      // runs as the operator's own <name>-proxy-runner; this account is the server's.
      automountServiceAccountToken: spec.kubernetesAccess !== undefined,
    });
    if (spec.kubernetesAccess) this.renderReadOnlyAccess(namespace, serviceAccountName, labels);

    const npm = isNpmSource(spec.source);
    const npmEgress: PeerPorts[] = npm && packageRegistry ? [{ peers: packageRegistry.cidrs.map((cidr) => ({ cidr })), ports: [packageRegistry.port] }] : [];
    const npmHosts: HostPorts[] = npm && !packageRegistry ? [{ names: [PUBLIC_NPM_REGISTRY_HOST], ports: [443] }] : [];
    const upstream: PeerPorts[] = (spec.egress ?? []).filter((e) => e.cidrs?.length).map((e) => ({ peers: e.cidrs!.map((cidr) => ({ cidr })), ports: [...e.ports] }));
    const upstreamHosts: HostPorts[] = (spec.egress ?? []).filter((e) => e.hosts?.length).map((e) => ({ names: [...e.hosts!], ports: [...e.ports] }));
    const internal: PeerPorts[] = result.internalPorts.length ? [{ peers: [{ podLabels: result.podLabels }], ports: [...result.internalPorts] }] : [];
    new PodNetworkPolicy(this, 'NetworkPolicy', {
      name: `mcp-${spec.name}`,
      namespace,
      component,
      labels,
      pods: result.podLabels,
      ingress: [...(clients.length ? [{ peers: clients, ports: [...result.ingressPorts] }] : []), ...internal],
      egress: [...upstream, ...npmEgress, ...internal],
      apiServer: needsApi ? (apiServer ?? {}) : undefined,
      hosts: [...upstreamHosts, ...npmHosts],
      network,
    });

    if ((spec.replicas ?? 1) >= 2) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: `mcp-${spec.name}`, namespace, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...result.podLabels } } },
      });
    }
  }

  /** get/list/watch on the listed resources, cluster-wide, for the server's own ServiceAccount. */
  private renderReadOnlyAccess(namespace: string, serviceAccountName: string, labels: Record<string, string>): void {
    const access = this.spec.kubernetesAccess!;
    const name = `mcp-${this.spec.name}-read`;
    const role = clusterScoped(
      new k8s.KubeClusterRole(this, 'ClusterRole', {
        metadata: { name, labels },
        rules: access.rules.map((rule) => ({
          apiGroups: [...rule.apiGroups],
          resources: [...rule.resources],
          verbs: ['get', 'list', 'watch'],
        })),
      }),
    );
    clusterScoped(
      new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace }],
      }),
    );
  }
}
