import { ApiObject, App, Chart } from 'cdk8s';
import { ArgoCdApplication } from '../constructs/argocd/argocd-application.js';
import { PgvectorDatabase, POSTGRES_METRICS_PORT } from '../constructs/database/pgvector-database.js';
import { DiscoveryService } from '../constructs/discovery/discovery-service.js';
import { TriageLlm, type TriageBackend } from '../constructs/inference/triage-llm.js';
import { VllmDeployment } from '../constructs/inference/vllm-deployment.js';
import { ComponentMetricsPorts, ComponentNames, componentSelector } from '../constructs/labels.js';
import { PlatformMonitoring, type ScrapeTarget } from '../constructs/monitoring/platform-monitoring.js';
import { McpGateway } from '../constructs/gateway/mcp-gateway.js';
import { gatewayModelsOf, pricedModelsOf } from './gateway-llm.js';
import { McpServer } from '../constructs/mcp/mcp-server.js';
import { CiliumLoadBalancer } from '../constructs/network/cilium-load-balancer.js';
import { NamespaceGuardrails } from '../constructs/workloads/namespace-guardrails.js';
import type { PodPeer } from '../constructs/workloads/pod-network-policy.js';
import type { AppFolder } from './app-folders.js';
import { allowedKeysAt, ciliumSettings, clusterNetwork, type PlatformConfig } from './config.js';
import { problemLinesOf, serverLabel, serverPath, splitField, type ConfigProblem } from './config-problems.js';

/** The folder (and chart) that holds the Argo CD Applications of every other folder. */
export const ARGOCD_APP = 'argocd';
/** The folder of cluster-scoped network objects (Cilium's LoadBalancer pools and L2 announcements). */
export const CLUSTER_NETWORK_APP: AppFolder = 'cluster-network';

/** Where a part comes from in the config. */
interface PartPath {
  /** Its config path: "gateway", "mcpServers[2]", or a server file. */
  readonly path: string;
  /** How problems without a field name it, e.g. 'mcpServers[2] (server "github")'. @default path */
  readonly label?: string;
  /** Its path as segments of the config schema, for the names of its fields. */
  readonly segments: readonly (string | number)[];
  /** Construct props whose config field is named otherwise. @default none */
  readonly renames?: Readonly<Record<string, string>>;
}

function serverPart(config: PlatformConfig, index: number): PartPath {
  return { path: serverPath(config, index), label: serverLabel(config, index), segments: ['mcpServers', index] };
}

/** `field` of a part: "gateway.routes", "mcpServers[2].port", or "stacks/servers/github.ts: port". */
function fieldPath(part: PartPath, field: string): string {
  return part.path.startsWith('mcpServers[') || !part.path.includes('/') ? `${part.path}.${field}` : `${part.path}: ${field}`;
}

/**
 * A server's construct id: its name, except for names the constructs library cannot hold as a child id
 * (it keeps children in a plain object, so "constructor" is taken). Ids with capitals are no server name.
 */
function serverConstructId(name: string): string {
  return name in Object.prototype ? `Server-${name}` : name;
}

/** One Argo CD application: a chart rendered into `dist/<name>/`. */
export interface PlatformApp {
  readonly name: string;
  readonly chart: Chart;
  /** Argo CD sync wave: the namespace guardrails before the database, before the servers, models and discovery service. */
  readonly syncWave: number;
}

export interface WorkloadsOptions {
  /** Tools per MCP server from the last preflight, for servers that declare none (the gateway's tool budget). */
  readonly knownTools?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The workloads layer: a cdk8s app with one chart per Argo CD application.
 *
 * Each part is built from one place in the config. A part whose props are wrong does not stop the others:
 * its problems are collected in `problems` under that config path (see stacks/config-problems.ts), and
 * `partPaths` maps each part's construct path to its config path, for problems found after construction.
 */
export class Workloads {
  readonly app: App;
  readonly apps: readonly PlatformApp[];
  readonly argocd: Chart;
  /** What the constructs refused, by config path; empty when every part was built. */
  readonly problems: ConfigProblem[] = [];
  /** Construct path of each part (e.g. "mcp-servers/github") to the config path it was built from. */
  readonly partPaths = new Map<string, string>();
  /** Construct path of each part to where it is in the config, for problems found after construction. */
  private readonly parts = new Map<string, PartPath>();

  constructor(
    readonly config: PlatformConfig,
    options: WorkloadsOptions = {},
  ) {
    this.app = new App();
    const apps: PlatformApp[] = [];
    const addApp = (name: AppFolder, syncWave: number) => {
      const chart = new Chart(this.app, name, { namespace: config.namespace, disableResourceNameHashes: true });
      apps.push({ name, chart, syncWave });
      return chart;
    };
    /**
     * Builds one part; a construct error becomes problems under the part's config path, and the part is left
     * out. A problem that starts with one of the part's config fields is reported under that field.
     */
    const part = <T>(where: PartPath, chart: Chart, id: string, build: (scope: Chart, id: string) => T): T | undefined => {
      const path = where.label ?? where.path;
      this.partPaths.set(`${chart.node.path}/${id}`, path);
      this.parts.set(`${chart.node.path}/${id}`, where);
      try {
        return build(chart, id);
      } catch (error) {
        const fields = allowedKeysAt(where.segments);
        for (const line of problemLinesOf(error)) {
          const { field, rest } = splitField(this.inConfigTerms(line), fields, where.renames);
          this.problems.push(field ? { path: fieldPath(where, field), message: rest } : { path, message: this.inConfigTerms(line) });
        }
        return undefined;
      }
    };
    const at = (path: string, renames?: Readonly<Record<string, string>>): PartPath => ({ path, segments: path.split('.'), renames });

    const network = clusterNetwork(config);
    part(at('guardrails', { containerDefaults: 'limitRange' }), addApp('platform', -10), 'guardrails', (scope, id) =>
      new NamespaceGuardrails(scope, id, {
        namespace: config.namespace,
        allowDnsEgress: config.guardrails.allowDnsEgress,
        resourceQuota: config.guardrails.resourceQuota,
        containerDefaults: config.guardrails.limitRange,
      }),
    );

    // Cluster-scoped, and needed before any LoadBalancer Service gets its address: the first sync wave.
    const cilium = ciliumSettings(config);
    if (cilium?.loadBalancerIPPools) {
      const chart = new Chart(this.app, CLUSTER_NETWORK_APP, { disableResourceNameHashes: true });
      apps.push({ name: CLUSTER_NETWORK_APP, chart, syncWave: -20 });
      part(at('cluster.cilium', { pools: 'loadBalancerIPPools' }), chart, 'load-balancer', (scope, id) =>
        new CiliumLoadBalancer(scope, id, {
          pools: cilium.loadBalancerIPPools!,
          l2Announcements: cilium.l2Announcements && { name: `${config.name}-l2`, ...cilium.l2Announcements },
        }),
      );
    }


    // The gateway and the discovery service are the only callers of the database and the models: those of
    // them this config renders (a policy for a client that does not exist would select no pod).
    const clients: PodPeer[] = (['gateway', 'discovery'] as const)
      .filter((caller) => config[caller].enabled)
      .map((caller) => ({ podLabels: componentSelector(ComponentNames[caller]) }));
    const scrapeTargets: ScrapeTarget[] = [];
    const serviceTarget = (name: string, componentName: string, port: number, portName = 'http'): ScrapeTarget => ({
      name,
      via: 'service',
      selector: componentSelector(componentName),
      podLabels: componentSelector(componentName),
      portName,
      port,
    });
    // The gateway and the discovery service are rendered by their own apps; they are scraped by the
    // component labels and metrics ports they are bound to (constructs/labels.ts).
    for (const part of ['gateway', 'discovery'] as const) {
      if (config[part].enabled) {
        const { port, portName } = ComponentMetricsPorts[part];
        scrapeTargets.push(serviceTarget(ComponentNames[part], ComponentNames[part], port, portName));
      }
    }

    let database: PgvectorDatabase | undefined;
    if (config.database.enabled) {
      const db = config.database;
      database = part(at('database', { imageName: 'image' }), addApp('database', -5), 'database', (scope, id) => new PgvectorDatabase(scope, id, {
        namespace: config.namespace,
        name: db.name,
        instances: db.instances,
        imageName: db.image,
        storage: db.storage,
        resources: db.resources,
        database: db.database,
        owner: db.owner,
        embedding: db.embedding,
        backup: db.backup,
        pooler: db.pooler,
        clients,
        operator: { namespace: config.operators.cloudnativePg.namespace },
        apiServer: config.kubernetes.apiServer,
        network,
      }));
      if (database) {
        scrapeTargets.push({
          name: `${db.name}-postgres`,
          via: 'pod',
          selector: database.instancePodLabels,
          podLabels: database.instancePodLabels,
          portName: 'metrics',
          port: POSTGRES_METRICS_PORT,
        });
      }
    }

    if (config.mcpServers.length || config.gateway.enabled) {
      const chart = addApp('mcp-servers', 0);
      let serversBuilt = true;
      config.mcpServers.forEach((server, index) => {
        const built = part(serverPart(config, index), chart, serverConstructId(server.name), (scope, id) =>
          new McpServer(scope, id, {
            ...server,
            namespace: config.namespace,
            clients,
            apiServer: config.kubernetes.apiServer,
            network,
            annotationPrefix: config.mcp.annotationPrefix,
            packageRegistry: config.mcp.packageRegistry,
          }),
        );
        serversBuilt &&= built !== undefined;
      });
      // After the servers: the gateway routes to every server of its chart, so it waits for all of them. Its
      // construct id is not a DNS label, so no server name can take it.
      if (config.gateway.enabled && serversBuilt) {
        const { enabled: _enabled, ...gateway } = config.gateway;
        const { llm: _llm, ...mcp } = gateway;
        // The construct's `models` is the config's gateway.llm.
        part(at('gateway', { models: 'llm' }), chart, 'Gateway', (scope, id) =>
          new McpGateway(scope, id, { ...mcp, jwksCidrs: gateway.auth?.jwksCidrs, jwksPods: gateway.auth?.jwksPods, namespace: config.namespace, knownTools: options.knownTools, network, models: gatewayModelsOf(config) }),
        );
      }
    }

    // Without its database the discovery service has nothing to be built against: the database's problems say why.
    if (config.discovery.enabled && (config.discovery.database !== 'platform' || database)) {
      const d = config.discovery;
      // parsePlatformConfig requires repo, github and apiToken when discovery is enabled, and the database for "platform".
      part(at('discovery'), addApp('discovery', 0), 'discovery', (scope, id) => new DiscoveryService(scope, id, {
        namespace: config.namespace,
        image: d.image,
        repo: d.repo!,
        baseBranch: d.baseBranch,
        serversDir: d.serversDir,
        serverFileImport: d.serverFileImport,
        watchNamespaces: d.watchNamespaces,
        annotationPrefix: config.mcp.annotationPrefix,
        github: d.github!,
        database: d.database === 'platform' ? database : undefined,
        apiToken: d.apiToken!,
        probe: d.probe,
        maxOpenPullRequests: d.maxOpenPullRequests,
        toolBudget: config.gateway.toolBudget,
        gateway: { namespace: config.namespace, application: `${config.name}-mcp-servers` },
        reconcileIntervalSeconds: d.reconcileIntervalSeconds,
        resources: d.resources,
        apiServer: config.kubernetes.apiServer,
        network,
        allowFrom: d.allowFrom?.map((cidr) => ({ cidr })),
      }));
    }

    if (config.triageLlm.enabled) {
      const { enabled: _enabled, ...backend } = config.triageLlm;
      const triage = part(at('triageLlm'), addApp('triage-llm', 0), 'triage', (scope, id) =>
        new TriageLlm(scope, id, { namespace: config.namespace, backend: backend as TriageBackend, clients }),
      );
      if (triage?.vllm) scrapeTargets.push(serviceTarget('triage-llm', ComponentNames.triageLlm, triage.port));
    }

    if (config.gpuInference.enabled) {
      const { enabled: _enabled, name, ...vllm } = config.gpuInference;
      const deployment = part(at('gpuInference', { shape: 'modelShape' }), addApp('gpu-inference', 0), 'vllm', (scope, id) =>
        new VllmDeployment(scope, id, { ...vllm, namespace: config.namespace, name, clients }),
      );
      if (deployment) scrapeTargets.push(serviceTarget(name, ComponentNames.vllm, deployment.port));
    }

    if (config.monitoring.prometheusOperator) {
      const m = config.monitoring;
      part(at('monitoring'), addApp('monitoring', 5), 'monitoring', (scope, id) => new PlatformMonitoring(scope, id, {
        namespace: config.namespace,
        prometheus: { namespace: m.namespace, podLabels: m.prometheusPodLabels, selectorLabels: m.selectorLabels },
        targets: scrapeTargets,
        thresholds: m.alerts,
        databaseCluster: database?.clusterName,
        // Only a gateway that is rendered counts cost.
        pricedModels: config.gateway.enabled ? pricedModelsOf(config) : undefined,
        dashboard: m.dashboard,
        dashboardLabels: m.dashboardLabels,
      }));
    }

    // An application with nothing in it (only external servers, no gateway) would be an empty folder, which git
    // does not keep, and an Argo CD Application whose path does not exist: it is left out, Application and all.
    this.apps = apps.filter(({ chart }) => chart.node.findAll().some((c) => c instanceof ApiObject));
    this.argocd = new Chart(this.app, ARGOCD_APP, { namespace: config.argocd.namespace, disableResourceNameHashes: true });
    // With argocd.applicationSet the bootstrap's ApplicationSet makes the Applications from the folders.
    for (const { name, syncWave } of config.argocd.applicationSet ? [] : this.apps) {
      new ArgoCdApplication(this.argocd, name, {
        name: `${config.name}-${name}`,
        argocdNamespace: config.argocd.namespace,
        project: config.argocd.project,
        repoUrl: config.gitops.repoUrl,
        revision: config.gitops.revision,
        path: `${config.gitops.path}/${name}`,
        destinationNamespace: config.namespace,
        destination: config.argocd.destination,
        syncWave,
        autoSync: config.argocd.autoSync,
      });
    }
  }

  /**
   * A problem a construct found after it was built (a cdk8s validation), as a config problem: under the part it
   * belongs to, and under the field it starts with when that is one of the part's fields.
   */
  problemAt(constructPath: string, message: string): ConfigProblem {
    let best: [string, PartPath] | undefined;
    for (const [prefix, part] of this.parts) {
      if ((constructPath === prefix || constructPath.startsWith(`${prefix}/`)) && (!best || prefix.length > best[0].length)) best = [prefix, part];
    }
    // "VllmDeployment vllm: ..." reads "gpuInference: ..." here: the config path replaces the construct's name.
    const text = this.inConfigTerms(message.replace(/^[A-Z][A-Za-z]+ [^\s:]+: /, ''));
    if (!best) return { path: constructPath, message: text };
    const part = best[1];
    const { field, rest } = splitField(text, allowedKeysAt(part.segments), part.renames);
    return field ? { path: fieldPath(part, field), message: rest } : { path: part.label ?? part.path, message: text };
  }

  /** A message with the construct paths of parts (e.g. "mcp-servers/github/Secret-TOKEN") named by their config paths. */
  inConfigTerms(message: string): string {
    let result = message;
    for (const [prefix, path] of [...this.partPaths].sort((a, b) => b[0].length - a[0].length)) {
      result = result.replace(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![-a-z0-9])(?:/[^\\s),;:]*)?`, 'g'), path);
    }
    return result;
  }

  /** Every chart, the Argo CD one last (none with argocd.applicationSet), keyed by its output folder. */
  get charts(): ReadonlyMap<string, Chart> {
    const argocd = this.config.argocd.applicationSet ? [] : [[ARGOCD_APP, this.argocd] as const];
    return new Map([...this.apps.map((a) => [a.name, a.chart] as const), ...argocd]);
  }
}
