import { App, Chart } from 'cdk8s';
import { ArgoCdApplication } from '../constructs/argocd/argocd-application.js';
import { PgvectorDatabase, POSTGRES_METRICS_PORT } from '../constructs/database/pgvector-database.js';
import { DiscoveryService } from '../constructs/discovery/discovery-service.js';
import { TriageLlm, type TriageBackend } from '../constructs/inference/triage-llm.js';
import { VllmDeployment } from '../constructs/inference/vllm-deployment.js';
import { ComponentMetricsPorts, ComponentNames, componentSelector } from '../constructs/labels.js';
import { PlatformMonitoring, type ScrapeTarget } from '../constructs/monitoring/platform-monitoring.js';
import { McpGateway } from '../constructs/gateway/mcp-gateway.js';
import { McpServer } from '../constructs/mcp/mcp-server.js';
import { CiliumLoadBalancer } from '../constructs/network/cilium-load-balancer.js';
import type { ClusterNetwork } from '../constructs/network/cluster-network.js';
import { NamespaceGuardrails } from '../constructs/workloads/namespace-guardrails.js';
import type { PodPeer } from '../constructs/workloads/pod-network-policy.js';
import { ciliumSettings, type PlatformConfig } from './config.js';

/** The folder (and chart) that holds the Argo CD Applications of every other folder. */
export const ARGOCD_APP = 'argocd';
/** The folder of cluster-scoped network objects (Cilium's LoadBalancer pools and L2 announcements). */
export const CLUSTER_NETWORK_APP = 'cluster-network';

/** The config's cluster profile as the constructs take it. */
export function clusterNetwork(config: PlatformConfig): ClusterNetwork {
  return { cni: config.cluster.cni, fqdnEgress: config.cluster.cilium?.fqdnEgress ?? true };
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

/** The workloads layer: a cdk8s app with one chart per Argo CD application. */
export class Workloads {
  readonly app: App;
  readonly apps: readonly PlatformApp[];
  readonly argocd: Chart;

  constructor(
    readonly config: PlatformConfig,
    options: WorkloadsOptions = {},
  ) {
    this.app = new App();
    const apps: PlatformApp[] = [];
    const addApp = (name: string, syncWave: number) => {
      const chart = new Chart(this.app, name, { namespace: config.namespace, disableResourceNameHashes: true });
      apps.push({ name, chart, syncWave });
      return chart;
    };

    const network = clusterNetwork(config);
    new NamespaceGuardrails(addApp('platform', -10), 'guardrails', {
      namespace: config.namespace,
      allowDnsEgress: config.guardrails.allowDnsEgress,
      resourceQuota: config.guardrails.resourceQuota,
      containerDefaults: config.guardrails.limitRange,
    });

    // Cluster-scoped, and needed before any LoadBalancer Service gets its address: the first sync wave.
    const cilium = ciliumSettings(config);
    if (cilium?.loadBalancerIPPools) {
      const chart = new Chart(this.app, CLUSTER_NETWORK_APP, { disableResourceNameHashes: true });
      apps.push({ name: CLUSTER_NETWORK_APP, chart, syncWave: -20 });
      new CiliumLoadBalancer(chart, 'load-balancer', {
        pools: cilium.loadBalancerIPPools,
        l2Announcements: cilium.l2Announcements && { name: `${config.name}-l2`, ...cilium.l2Announcements },
      });
    }


    // The gateway and the discovery service are the only callers of the database and the models.
    const clients: PodPeer[] = [ComponentNames.gateway, ComponentNames.discovery].map((name) => ({ podLabels: componentSelector(name) }));
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
      database = new PgvectorDatabase(addApp('database', -5), 'database', {
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
      });
      scrapeTargets.push({
        name: `${db.name}-postgres`,
        via: 'pod',
        selector: database.instancePodLabels,
        podLabels: database.instancePodLabels,
        portName: 'metrics',
        port: POSTGRES_METRICS_PORT,
      });
    }

    if (config.mcpServers.length || config.gateway.enabled) {
      const chart = addApp('mcp-servers', 0);
      for (const server of config.mcpServers) {
        new McpServer(chart, server.name, {
          ...server,
          namespace: config.namespace,
          clients,
          apiServer: config.kubernetes.apiServer,
          network,
          annotationPrefix: config.mcp.annotationPrefix,
          packageRegistry: config.mcp.packageRegistry,
        });
      }
      // After the servers: the gateway routes to every server of its chart.
      if (config.gateway.enabled) {
        const { enabled: _enabled, ...gateway } = config.gateway;
        new McpGateway(chart, 'gateway', { ...gateway, namespace: config.namespace, knownTools: options.knownTools, network });
      }
    }

    if (config.discovery.enabled) {
      const d = config.discovery;
      // parsePlatformConfig requires repo, github and apiToken when discovery is enabled, and the database for "platform".
      new DiscoveryService(addApp('discovery', 0), 'discovery', {
        namespace: config.namespace,
        image: d.image,
        repo: d.repo!,
        baseBranch: d.baseBranch,
        serversDir: d.serversDir,
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
      });
    }

    if (config.triageLlm.enabled) {
      const { enabled: _enabled, ...backend } = config.triageLlm;
      const triage = new TriageLlm(addApp('triage-llm', 0), 'triage', { namespace: config.namespace, backend: backend as TriageBackend, clients });
      if (triage.vllm) scrapeTargets.push(serviceTarget('triage-llm', ComponentNames.triageLlm, triage.port));
    }

    if (config.gpuInference.enabled) {
      const { enabled: _enabled, name, ...vllm } = config.gpuInference;
      const deployment = new VllmDeployment(addApp('gpu-inference', 0), 'vllm', { ...vllm, namespace: config.namespace, name, clients });
      scrapeTargets.push(serviceTarget(name, ComponentNames.vllm, deployment.port));
    }

    if (config.monitoring.prometheusOperator) {
      const m = config.monitoring;
      new PlatformMonitoring(addApp('monitoring', 5), 'monitoring', {
        namespace: config.namespace,
        prometheus: { namespace: m.namespace, podLabels: m.prometheusPodLabels, selectorLabels: m.selectorLabels },
        targets: scrapeTargets,
        thresholds: m.alerts,
        databaseCluster: database?.clusterName,
        dashboard: m.dashboard,
        dashboardLabels: m.dashboardLabels,
      });
    }

    this.apps = apps;
    this.argocd = new Chart(this.app, ARGOCD_APP, { namespace: config.argocd.namespace, disableResourceNameHashes: true });
    for (const { name, syncWave } of apps) {
      new ArgoCdApplication(this.argocd, name, {
        name: `${config.name}-${name}`,
        argocdNamespace: config.argocd.namespace,
        project: config.argocd.project,
        repoUrl: config.gitops.repoUrl,
        revision: config.gitops.revision,
        path: `${config.gitops.path}/${name}`,
        destinationNamespace: config.namespace,
        syncWave,
        autoSync: config.argocd.autoSync,
      });
    }
  }

  /** Every chart, the Argo CD one last, keyed by its output folder. */
  get charts(): ReadonlyMap<string, Chart> {
    return new Map([...this.apps.map((a) => [a.name, a.chart] as const), [ARGOCD_APP, this.argocd]]);
  }
}
