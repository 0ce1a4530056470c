import { Construct } from 'constructs';
import { clusterScoped } from '../cluster-scoped.js';
import { IPV4_CIDR } from '../network/ipv4.js';
import { k8s } from 'cdk8s-plus-33';
import { PgvectorDatabase } from '../database/pgvector-database.js';
import { DEFAULT_SERVER_FILE_IMPORT, SERVER_FILE_IMPORT_RULE, DNS_LABEL, DNS_SUBDOMAIN, httpUrl, REPO_PATH, SERVER_FILE_IMPORT, imageFieldProblem, urlCredentialsProblem } from '../formats.js';
import { ComponentMetricsPorts, ComponentNames, componentSelector, NAME_LABEL, platformLabels } from '../labels.js';
import { DEFAULT_ANNOTATION_PREFIX } from '../mcp/discovery-metadata.js';
import { SecretReference, type SecretSource } from '../secrets/secret-reference.js';
import { throwIfProblems } from '../validation/problems.js';
import { apiServerProblems, outsideHostProblem, urlEgress, type ApiServerEndpoint, type ClusterNetwork } from '../network/cluster-network.js';
import { PodNetworkPolicy, type Peer, type PeerPorts } from '../workloads/pod-network-policy.js';
import {
  envVars,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDir,
  type ContainerResources,
} from '../workloads/pod-spec.js';

/** The discovery service's image, pinned. */
export const DEFAULT_DISCOVERY_IMAGE = 'ghcr.io/mcp-platform/mcp-discovery:0.1.0';
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
/** The HTTP API, health and `/metrics` (monitoring scrapes it by this name and number). */
export const DISCOVERY_PORT = ComponentMetricsPorts.discovery.port;
/** Where the service keeps its state (the embedded PostgreSQL when no database is given). */
export const DISCOVERY_STATE_DIR = '/var/lib/mcp-discovery';
const GITHUB_KEY_DIR = '/etc/mcp-discovery/github';
const GITHUB_KEY_FILE = 'private-key.pem';
const DISCOVERY_UID = 10001;
const DEFAULT_RESOURCES: ContainerResources = { requestsCpu: '50m', requestsMemory: '192Mi', limitsMemory: '512Mi' };

/** A personal access token or fine-grained token with contents and pull-requests write on the repository. */
export interface GitHubTokenAuth {
  readonly token: SecretSource;
}

/** A GitHub App installed on the repository: the service signs its own installation tokens with the key. */
export interface GitHubAppAuth {
  /** The App's id, e.g. "123456". */
  readonly appId: string;
  readonly installationId: number;
  /** The App's private key (PEM), mounted as a file. */
  readonly privateKey: SecretSource;
}

export interface DiscoveryGitHub {
  /** REST API base URL; for GitHub Enterprise e.g. "https://github.example.com/api/v3". @default DEFAULT_GITHUB_API_URL */
  readonly apiUrl?: string;
  readonly auth: GitHubTokenAuth | GitHubAppAuth;
  /** The API's addresses (GitHub Enterprise on the LAN). @default the internet, private ranges excluded */
  readonly egressCidrs?: readonly string[];
}

/** A PostgreSQL database by URL, and the pods behind it (for the egress policy). */
export interface DiscoveryDatabase {
  /** A postgres:// URL, by reference. */
  readonly url: SecretSource;
  /** Labels of the PostgreSQL pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Their namespace. @default the service's namespace */
  readonly namespace?: string;
  /** @default 5432 */
  readonly port?: number;
}

export interface DiscoveryServiceProps {
  readonly namespace: string;
  /** @default DEFAULT_DISCOVERY_IMAGE */
  readonly image?: string;
  /** The platform repository pull requests go to, "owner/name". */
  readonly repo: string;
  /** Branch the servers folder is read from and pull requests target. @default "main" */
  readonly baseBranch?: string;
  /** The servers folder, as a path from the repository's root. @default "stacks/servers" */
  readonly serversDir?: string;
  /**
   * The module the generated server files import `defineMcpServer` from, relative to `serversDir`.
   * @default DEFAULT_SERVER_FILE_IMPORT ("../servers.js", right for "stacks/servers")
   */
  readonly serverFileImport?: string;
  /**
   * Namespaces to watch: each gets a Role, so the service reads nothing else.
   * @default every namespace, through a ClusterRole
   */
  readonly watchNamespaces?: readonly string[];
  /** Prefix of the MCP annotations it reads. @default DEFAULT_ANNOTATION_PREFIX */
  readonly annotationPrefix?: string;
  readonly github: DiscoveryGitHub;
  /**
   * The registry's database: PgvectorDatabase (its `<cluster>-app` Secret, key `uri`, and its instance pods)
   * or any PostgreSQL by URL.
   * @default the embedded PostgreSQL (PGlite) in the state folder, an emptyDir: rebuilt from the cluster after a restart
   */
  readonly database?: PgvectorDatabase | DiscoveryDatabase;
  /** The bearer token the write endpoints (POST /api/v1/...) require. */
  readonly apiToken: SecretSource;
  /** Limits of one MCP probe. @default { timeoutMs: 10000, concurrency: 4 } */
  readonly probe?: { readonly timeoutMs?: number; readonly concurrency?: number };
  /** Most discovery pull requests open at once. @default 5 */
  readonly maxOpenPullRequests?: number;
  /** Most tools one gateway endpoint should expose (pull requests show a server's count against it). @default 40 */
  readonly toolBudget?: number;
  /**
   * Where the gateway runs and the Argo CD application that syncs it, named in pull-request bodies.
   * @default { namespace: the service's namespace }, no application named
   */
  readonly gateway?: { readonly namespace?: string; readonly application?: string };
  /** Seconds between full reconciles (the watch reacts to changes in between). @default 300 */
  readonly reconcileIntervalSeconds?: number;
  /** @default 50m CPU, 192Mi requested, 512Mi limit */
  readonly resources?: ContainerResources;
  /** The API server the service lists and watches. Its addresses are required unless the network is Cilium. */
  readonly apiServer?: ApiServerEndpoint;
  /** The cluster's network: on Cilium the API server is reached as its entity and GitHub by name. @default { cni: "other" } */
  readonly network?: ClusterNetwork;
  /**
   * Who may call the HTTP API on its port. @default none: Prometheus is admitted by PlatformMonitoring's scrape
   * policy, and `kubectl port-forward` reaches the pod without passing a NetworkPolicy
   */
  readonly allowFrom?: readonly Peer[];
}

const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/**
 * The largest values the discovery service takes (services/discovery/src/settings.ts refuses more at start-up,
 * and the pod would crash-loop); a test holds the two in step.
 */
export const DISCOVERY_SETTING_LIMITS = {
  'probe.timeoutMs': { min: 100, max: 300_000 },
  'probe.concurrency': { min: 1, max: 256 },
  maxOpenPullRequests: { min: 1, max: 1000 },
  toolBudget: { min: 1, max: 10_000 },
  reconcileIntervalSeconds: { min: 5, max: 86_400 },
} as const;
const BRANCH = /^(?!\/|.*(?:\.\.|\/\/|@\{|\.lock$|\/$|\.$))[A-Za-z0-9._/-]+$/;

/**
 * The discovery service: watches the cluster for MCP servers the platform does not declare, probes them over
 * MCP, records them in PostgreSQL and opens one pull request per new server on the platform repository.
 * One replica (it serialises its GitHub writes), its own ServiceAccount with get, list and watch on Services
 * and both MCPServer kinds only (a Role per watched namespace, or a ClusterRole for all), a restricted pod
 * with a read-only root filesystem, a ClusterIP Service for the API and metrics, and a NetworkPolicy that lets
 * it reach only the API server, its database, the MCP servers of the watched namespaces and GitHub.
 */
export class DiscoveryService extends Construct {
  readonly deployment: k8s.KubeDeployment;
  readonly service: k8s.KubeService;
  readonly serviceAccount: k8s.KubeServiceAccount;
  /** The ClusterRole (all namespaces) or one Role per watched namespace. */
  readonly roles: readonly (k8s.KubeClusterRole | k8s.KubeRole)[];
  readonly networkPolicy: PodNetworkPolicy;
  readonly podLabels: Readonly<Record<string, string>>;
  /** In-cluster base URL of the HTTP API. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DiscoveryServiceProps) {
    super(scope, id);
    const image = props.image ?? DEFAULT_DISCOVERY_IMAGE;
    const baseBranch = props.baseBranch ?? 'main';
    const serversDir = props.serversDir ?? 'stacks/servers';
    const serverFileImport = props.serverFileImport ?? DEFAULT_SERVER_FILE_IMPORT;
    const annotationPrefix = props.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX;
    const apiUrl = props.github.apiUrl ?? DEFAULT_GITHUB_API_URL;
    const timeoutMs = props.probe?.timeoutMs ?? 10_000;
    const concurrency = props.probe?.concurrency ?? 4;
    const maxOpenPullRequests = props.maxOpenPullRequests ?? 5;
    const toolBudget = props.toolBudget ?? 40;
    const reconcileIntervalSeconds = props.reconcileIntervalSeconds ?? 300;
    const database = props.database instanceof PgvectorDatabase ? databaseOf(props.database) : props.database;
    throwIfProblems(`DiscoveryService ${id}`, [
      ...[imageFieldProblem('image', image)].filter((fault) => fault !== undefined),
      ...(REPO.test(props.repo ?? '') ? [] : [`repo ${JSON.stringify(props.repo)} must be "owner/name", e.g. "homelab/platform"`]),
      ...(BRANCH.test(baseBranch) ? [] : [`baseBranch ${JSON.stringify(baseBranch)} must be a branch name such as "main"`]),
      ...(REPO_PATH.test(serversDir) ? [] : [`serversDir ${JSON.stringify(serversDir)} must be a path inside the repository, e.g. "stacks/servers" (no leading or trailing "/", no "//", "." or ".." part)`]),
      ...(SERVER_FILE_IMPORT.test(serverFileImport) ? [] : [`serverFileImport ${JSON.stringify(serverFileImport)} ${SERVER_FILE_IMPORT_RULE}`]),
      ...watchProblems(props.watchNamespaces),
      ...(DNS_SUBDOMAIN.test(annotationPrefix) ? [] : [`annotationPrefix ${JSON.stringify(annotationPrefix)} must be a DNS subdomain such as "mcp-platform.dev"`]),
      ...githubProblems(props.github, apiUrl, props.network),
      ...withinLimits('probe.timeoutMs', timeoutMs),
      ...withinLimits('probe.concurrency', concurrency),
      ...withinLimits('maxOpenPullRequests', maxOpenPullRequests),
      ...withinLimits('toolBudget', toolBudget),
      ...withinLimits('reconcileIntervalSeconds', reconcileIntervalSeconds),
      ...apiServerProblems(props.apiServer, props.network, 'the service lists and watches the Kubernetes API'),
    ]);

    const name = ComponentNames.discovery;
    const component = ComponentNames.discovery;
    const labels = { ...platformLabels(component), [NAME_LABEL]: name };
    this.podLabels = componentSelector(name);
    const metadata = { name, namespace: props.namespace, labels };
    this.url = `http://${name}.${props.namespace}.svc:${DISCOVERY_PORT}`;

    // It calls the Kubernetes API, so it gets a token, for its own account only.
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: true });
    this.roles = this.renderReadAccess(props.namespace, props.watchNamespaces, labels);

    const secret = (refId: string, source: SecretSource) => new SecretReference(this, refId, { namespace: props.namespace, source, component });
    const secretEnv: k8s.EnvVar[] = [secret('ApiToken', props.apiToken).envVar('DISCOVERY_API_TOKEN')];
    if (database) secretEnv.push(secret('DatabaseUrl', database.url).envVar('DATABASE_URL'));
    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    const auth = props.github.auth;
    const githubEnv: Record<string, string> = {};
    if ('token' in auth) {
      secretEnv.push(secret('GitHubToken', auth.token).envVar('GITHUB_TOKEN'));
    } else {
      const key = secret('GitHubAppKey', auth.privateKey);
      volumes.push({ name: 'github-app-key', secret: { secretName: key.secretName, items: [{ key: key.key, path: GITHUB_KEY_FILE }], defaultMode: 0o440 } });
      mounts.push({ name: 'github-app-key', mountPath: GITHUB_KEY_DIR, readOnly: true });
      Object.assign(githubEnv, {
        GITHUB_APP_ID: auth.appId,
        GITHUB_APP_INSTALLATION_ID: String(auth.installationId),
        GITHUB_APP_PRIVATE_KEY_FILE: `${GITHUB_KEY_DIR}/${GITHUB_KEY_FILE}`,
      });
    }
    const env = envVars({
      ...githubEnv,
      GITHUB_REPOSITORY: props.repo,
      GITHUB_BASE_BRANCH: baseBranch,
      GITHUB_API_URL: apiUrl,
      MCP_ANNOTATION_PREFIX: annotationPrefix,
      ...(props.watchNamespaces ? { DISCOVERY_NAMESPACES: [...props.watchNamespaces].sort().join(',') } : {}),
      DISCOVERY_SERVERS_DIR: serversDir,
      DISCOVERY_SERVER_FILE_IMPORT: serverFileImport,
      PROBE_TIMEOUT_MS: String(timeoutMs),
      PROBE_CONCURRENCY: String(concurrency),
      MAX_OPEN_PULL_REQUESTS: String(maxOpenPullRequests),
      TOOL_BUDGET: String(toolBudget),
      PLATFORM_NAMESPACE: props.gateway?.namespace ?? props.namespace,
      ...(props.gateway?.application ? { GATEWAY_ARGOCD_APPLICATION: props.gateway.application } : {}),
      RECONCILE_INTERVAL_SECONDS: String(reconcileIntervalSeconds),
      DISCOVERY_STATE_DIR,
      PORT: String(DISCOVERY_PORT),
      LOG_LEVEL: 'info',
    });

    const tmp = scratchDir('tmp', '/tmp', { sizeLimit: '64Mi' });
    const state = scratchDir('state', DISCOVERY_STATE_DIR, { sizeLimit: '1Gi' });
    const probe = (path: string, periodSeconds: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      periodSeconds,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: 1,
        // Never two at once: one writer to GitHub, and the cap on open pull requests holds.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: { labels: { ...labels, ...this.podLabels } },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: true,
            securityContext: restrictedPodSecurityContext(DISCOVERY_UID),
            containers: [
              {
                name: 'discovery',
                image,
                args: ['serve'],
                ports: [{ name: ComponentMetricsPorts.discovery.portName, containerPort: DISCOVERY_PORT, protocol: 'TCP' }],
                env: [...env, ...secretEnv],
                resources: resourceRequirements(props.resources ?? DEFAULT_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [tmp.mount, state.mount, ...mounts],
                // Liveness ignores the database (a restart would not bring it back); readiness does not.
                livenessProbe: probe('/healthz', 15),
                readinessProbe: probe('/readyz', 5),
              },
            ],
            volumes: [tmp.volume, state.volume, ...volumes],
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: this.podLabels,
        ports: [
          {
            name: ComponentMetricsPorts.discovery.portName,
            port: DISCOVERY_PORT,
            targetPort: k8s.IntOrString.fromString(ComponentMetricsPorts.discovery.portName),
            protocol: 'TCP',
          },
        ],
      },
    });

    const github = urlEgress(apiUrl, props.github.egressCidrs);
    const egress: PeerPorts[] = [
      ...(database ? [{ peers: [{ podLabels: database.podLabels, namespace: database.namespace }], ports: [database.port ?? 5432] }] : []),
      // Discovered servers listen on ports only known at run time: the bound is the watched namespaces, over TCP.
      {
        peers: props.watchNamespaces ? props.watchNamespaces.map((namespace) => ({ namespace })) : [{ allNamespaces: true as const }],
        ports: [{ from: 1, to: 65535 }],
      },
      ...(github.peers.length ? [{ peers: github.peers, ports: [github.port] }] : []),
    ];
    this.networkPolicy = new PodNetworkPolicy(this, 'NetworkPolicy', {
      name,
      namespace: props.namespace,
      component,
      pods: this.podLabels,
      ingress: props.allowFrom?.length ? [{ peers: props.allowFrom, ports: [DISCOVERY_PORT] }] : [],
      egress,
      apiServer: props.apiServer ?? {},
      // GitHub by name (api.github.com, or the Enterprise host of github.apiUrl), unless its addresses are given or it is one.
      hosts: github.host ? [{ names: [github.host], ports: [github.port] }] : [],
      network: props.network,
    });
  }

  /** get, list and watch on Services and both MCPServer kinds: cluster-wide, or a Role in each watched namespace. */
  private renderReadAccess(namespace: string, watchNamespaces: readonly string[] | undefined, labels: Record<string, string>) {
    const name = `${ComponentNames.discovery}-read`;
    const verbs = ['get', 'list', 'watch'];
    const rules: k8s.PolicyRule[] = [
      { apiGroups: [''], resources: ['services'], verbs },
      { apiGroups: ['kagent.dev'], resources: ['mcpservers'], verbs },
      { apiGroups: ['toolhive.stacklok.dev'], resources: ['mcpservers'], verbs },
    ];
    const subjects = [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace }];
    if (!watchNamespaces) {
      const role = clusterScoped(new k8s.KubeClusterRole(this, 'ClusterRole', { metadata: { name, labels }, rules }));
      clusterScoped(
        new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
          metadata: { name, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
          subjects,
        }),
      );
      return [role];
    }
    return [...watchNamespaces].sort().map((watched) => {
      const role = new k8s.KubeRole(this, `Role-${watched}`, { metadata: { name, namespace: watched, labels }, rules });
      new k8s.KubeRoleBinding(this, `RoleBinding-${watched}`, {
        metadata: { name, namespace: watched, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects,
      });
      return role;
    });
  }
}

/** PgvectorDatabase as the service's database: its app Secret's `uri` and its instance pods. */
function databaseOf(database: PgvectorDatabase): DiscoveryDatabase {
  return { url: { from: 'secret', name: database.appSecretName, key: 'uri' }, podLabels: database.instancePodLabels, port: database.port };
}

function watchProblems(namespaces: readonly string[] | undefined): string[] {
  if (namespaces === undefined) return [];
  if (namespaces.length === 0) return ['watchNamespaces must name at least one namespace; leave it out to watch all of them'];
  const problems = namespaces
    .filter((ns) => !DNS_LABEL.test(ns) || ns.length > 63)
    .map((ns) => `watchNamespaces: ${JSON.stringify(ns)} is not a namespace name (a DNS-1123 label)`);
  const repeated = namespaces.filter((ns, i) => namespaces.indexOf(ns) !== i);
  if (repeated.length) problems.push(`watchNamespaces names ${[...new Set(repeated)].join(', ')} more than once`);
  return problems;
}

function githubProblems(github: DiscoveryGitHub, apiUrl: string, network: ClusterNetwork | undefined): string[] {
  const problems: string[] = [];
  const url = httpUrl(apiUrl);
  if (!url) problems.push(`github.apiUrl ${JSON.stringify(apiUrl)} must be an http(s) URL such as "https://github.example.com/api/v3"`);
  else if (urlCredentialsProblem(apiUrl)) problems.push(`github.apiUrl ${urlCredentialsProblem(apiUrl)}: the service signs in with github.auth, by reference`);
  else if (url.search || url.hash || /[?#]/.test(apiUrl)) problems.push(`github.apiUrl ${JSON.stringify(apiUrl)} must have no query ("?") or fragment ("#"): the client adds each request's path after it`);
  const auth = github.auth as Partial<GitHubTokenAuth & GitHubAppAuth>;
  const isApp = auth.appId !== undefined || auth.installationId !== undefined || auth.privateKey !== undefined;
  if (auth.token && isApp) problems.push('github.auth must be either { token } or { appId, installationId, privateKey }, not both');
  else if (!auth.token && !isApp) problems.push('github.auth must be { token } (a token by reference) or { appId, installationId, privateKey } (a GitHub App)');
  else if (isApp) {
    if (!/^\d+$/.test(auth.appId ?? '')) problems.push(`github.auth.appId ${JSON.stringify(auth.appId)} must be the App's numeric id, e.g. "123456"`);
    if (!Number.isInteger(auth.installationId) || auth.installationId! < 1) problems.push(`github.auth.installationId must be a positive whole number, got ${auth.installationId}`);
    if (!auth.privateKey) problems.push('github.auth.privateKey is required with a GitHub App: the Secret key holding its PEM private key');
  }
  for (const cidr of github.egressCidrs ?? []) if (!IPV4_CIDR.test(cidr)) problems.push(`github.egressCidrs: ${JSON.stringify(cidr)} is not an IPv4 CIDR such as "192.168.10.20/32"`);
  const hostProblem = url && !github.egressCidrs?.length ? outsideHostProblem(url.hostname, network, 'github.egressCidrs') : undefined;
  if (hostProblem) problems.push(`github.apiUrl: ${hostProblem}`);
  return problems;
}

function withinLimits(field: keyof typeof DISCOVERY_SETTING_LIMITS, value: number): string[] {
  const { min, max } = DISCOVERY_SETTING_LIMITS[field];
  if (!Number.isInteger(value) || value < 1) return [`${field} must be a positive whole number, got ${value}`];
  if (value < min || value > max) return [`${field} must be from ${min} to ${max} (the discovery service refuses other values at start-up), got ${value}`];
  return [];
}
