import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import {
  Cluster,
  ClusterSpecResourcesLimits,
  ClusterSpecResourcesRequests,
  Pooler,
  PoolerSpecPgbouncerPoolMode,
  PoolerSpecType,
  ScheduledBackup,
  ScheduledBackupSpecBackupOwnerReference,
  ScheduledBackupSpecMethod,
} from '../../imports/cnpg-postgresql.cnpg.io.js';
import { DNS_LABEL, imageFieldProblem } from '../formats.js';
import { cnpgScheduleProblem } from './cnpg-schedule.js';
import { databaseNameProblem, databaseOwnerProblem } from './database-names.js';
import { reserveOperatorSecret } from '../secrets/secret-reference.js';
import { ComponentNames, componentSelector, platformLabels } from '../labels.js';
import { apiServerProblems, type ApiServerEndpoint, type ClusterNetwork } from '../network/cluster-network.js';
import { PodNetworkPolicy, type PodPeer } from '../workloads/pod-network-policy.js';
import {
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDir,
  type ContainerResources,
} from '../workloads/pod-spec.js';
import { embeddingDimensions, type EmbeddingModel } from './embedding-models.js';
import { loadMigrations, MAX_VECTOR_INDEX_DIMENSIONS, migrationScript } from './schema.js';
import { PropsError, throwIfProblems } from '../validation/problems.js';

/**
 * CloudNativePG's "standard" operand image: PostgreSQL from the PGDG packages plus pgvector (and PGAudit,
 * failover slots). Pinned to a minor version; CloudNativePG rolls minor updates one instance at a time. Only the
 * minors listed in cloudnative-pg/postgres-containers' docker-bake.hcl are rebuilt each week (17.11 there since
 * 2026-08-13), so an older minor stops getting security fixes: Renovate keeps this current.
 */
export const DEFAULT_POSTGRES_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie';

/** UID and GID of the postgres user in CloudNativePG's images (the migration Job runs psql as it). */
const POSTGRES_UID = 26;
const POSTGRES_PORT = 5432;
/** The instance manager's status port, which the operator and the other instances call. */
const INSTANCE_STATUS_PORT = 8000;
/** CloudNativePG's built-in Prometheus exporter. */
export const POSTGRES_METRICS_PORT = 9187;

/** The persistent volume of each PostgreSQL instance. */
export interface DatabaseStorage {
  /** PVC size per instance, e.g. "10Gi". */
  readonly size: string;
  /** Storage class. @default the cluster's default class */
  readonly storageClass?: string;
}

/** Volume snapshot backups on a schedule (the CSI driver must support snapshots). */
export interface DatabaseBackup {
  /** Six-field cron, seconds first, as CloudNativePG reads it, e.g. "0 0 3 * * *" (03:00 daily). */
  readonly schedule: string;
  /** VolumeSnapshotClass to snapshot with. @default the cluster's default class */
  readonly snapshotClass?: string;
  /** Take the first backup as soon as the ScheduledBackup exists. @default true */
  readonly immediate?: boolean;
}

/** PgBouncer in front of the primary, for clients that open many short connections. */
export interface DatabasePooler {
  /** PgBouncer pods. @default 2 */
  readonly instances?: number;
  /** @default "transaction" (the discovery service holds no session state between statements) */
  readonly poolMode?: 'session' | 'transaction';
}

/** Where the CloudNativePG operator runs (it calls every instance's status port). */
export interface CnpgOperatorRef {
  /** Namespace of the operator's pods. */
  readonly namespace: string;
  /** @default { "app.kubernetes.io/name": "cloudnative-pg" } (the operator chart's pod labels) */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Props of a PgvectorDatabase: the CloudNativePG cluster, its schema's embedding model, and who may connect. */
export interface PgvectorDatabaseProps {
  /** Namespace of the database cluster and its Secrets. */
  readonly namespace: string;
  /** Name of the CloudNativePG Cluster (and prefix of its Services and Secrets). @default "mcp-postgres" */
  readonly name?: string;
  /** PostgreSQL instances: one primary, the rest streaming replicas. @default 1 */
  readonly instances?: number;
  /** Operand image; must carry pgvector and a version tag. @default DEFAULT_POSTGRES_IMAGE */
  readonly imageName?: string;
  /** Volume of each instance. */
  readonly storage: DatabaseStorage;
  /** Per instance. @default 250m CPU, 512Mi requested, 1Gi limit */
  readonly resources?: ContainerResources;
  /** Application database. @default "mcp" */
  readonly database?: string;
  /** Its owner; CloudNativePG generates the password into the `<name>-app` Secret. @default "mcp" */
  readonly owner?: string;
  /** The model whose vectors the query history and app contexts store. */
  readonly embedding: EmbeddingModel;
  /** Scheduled volume snapshot backups. @default none */
  readonly backup?: DatabaseBackup;
  /** A PgBouncer pooler. @default none */
  readonly pooler?: DatabasePooler;
  /** Pods that may connect (the gateway, the discovery service). @default none */
  readonly clients?: readonly PodPeer[];
  /** The CloudNativePG operator, which the instances' NetworkPolicy admits. */
  readonly operator: CnpgOperatorRef;
  /**
   * The API server, which each instance manager watches. Its addresses are required unless the network is Cilium.
   * @default none: refused off Cilium; on Cilium the kube-apiserver entity on 6443
   */
  readonly apiServer?: ApiServerEndpoint;
  /** The cluster's network. @default { cni: "other" } */
  readonly network?: ClusterNetwork;
}

const DEFAULT_RESOURCES: ContainerResources = { requestsCpu: '250m', requestsMemory: '512Mi', limitsMemory: '1Gi' };

/**
 * PostgreSQL with pgvector on CloudNativePG, with the platform's schema: the MCP server registry, the
 * query history and the app contexts (vector columns sized for the configured embedding model, HNSW
 * indexes). The schema is applied by a Job after every Argo CD sync; the script is idempotent and takes
 * an advisory lock, so a re-run, or the discovery service applying the same migrations, is harmless.
 *
 * Consumers reference the Secret CloudNativePG creates (`appSecretName`: keys username, password, host,
 * port, dbname, uri); no credential passes through this construct.
 */
export class PgvectorDatabase extends Construct {
  readonly cluster: Cluster;
  readonly clusterName: string;
  /** The Secret CloudNativePG writes the owner's credentials to. */
  readonly appSecretName: string;
  /** Service of the primary (read-write). */
  readonly host: string;
  readonly port = POSTGRES_PORT;
  readonly databaseName: string;
  /** Vector length of the embedding columns. */
  readonly embeddingDimensions: number;
  /** Labels of the PostgreSQL instance pods (for PodMonitors and NetworkPolicies). */
  readonly instancePodLabels: Readonly<Record<string, string>>;
  readonly migrationJob: k8s.KubeJob;
  readonly scheduledBackup?: ScheduledBackup;
  readonly pooler?: Pooler;

  constructor(scope: Construct, id: string, props: PgvectorDatabaseProps) {
    super(scope, id);
    const name = props.name ?? 'mcp-postgres';
    const instances = props.instances ?? 1;
    const imageName = props.imageName ?? DEFAULT_POSTGRES_IMAGE;
    const database = props.database ?? 'mcp';
    const owner = props.owner ?? 'mcp';
    validate(id, { name, instances, imageName, database, owner, backup: props.backup, apiServer: props.apiServer, network: props.network });

    try {
      this.embeddingDimensions = embeddingDimensions(props.embedding, 'embedding');
    } catch (error) {
      throw new PropsError(`PgvectorDatabase ${id}`, [(error as Error).message]);
    }
    if (this.embeddingDimensions > MAX_VECTOR_INDEX_DIMENSIONS) {
      throw new PropsError(`PgvectorDatabase ${id}`, [
        `embedding.model ${props.embedding.model} gives ${this.embeddingDimensions}-dimensional vectors, but pgvector indexes (HNSW) ` +
          `take at most ${MAX_VECTOR_INDEX_DIMENSIONS}: set embedding.dimensions to ${MAX_VECTOR_INDEX_DIMENSIONS} or less if the model can shorten its vectors, or pick another model.`,
      ]);
    }
    const script = migrationScript(loadMigrations({ embeddingDimensions: this.embeddingDimensions }), {
      embeddingDimensions: this.embeddingDimensions,
    });

    this.clusterName = name;
    this.appSecretName = `${name}-app`;
    // The Secrets CloudNativePG writes for the cluster (api/v1/cluster_types.go at a95a534: -app, -superuser,
    // -replication, -ca, -server): no sync object may write them too.
    for (const suffix of ['-app', '-superuser', '-replication', '-ca', '-server']) {
      reserveOperatorSecret(this, props.namespace, `${name}${suffix}`, `CloudNativePG for the database cluster "${name}"`);
    }
    this.host = `${name}-rw`;
    this.databaseName = database;
    // The pooler's pods carry cnpg.io/cluster too; podRole tells the instances apart (pkg/specs/pods.go and
    // pgbouncer/deployments.go at v1.30.0: "instance" and "pooler").
    this.instancePodLabels = { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' };
    const labels = platformLabels('database');
    const metadata = (objectName: string) => ({ name: objectName, namespace: props.namespace, labels });

    this.cluster = new Cluster(this, 'Cluster', {
      metadata: metadata(name),
      spec: {
        instances,
        imageName,
        storage: { size: props.storage.size, ...(props.storage.storageClass ? { storageClass: props.storage.storageClass } : {}) },
        resources: cnpgResources(props.resources ?? DEFAULT_RESOURCES),
        enableSuperuserAccess: false,
        bootstrap: {
          initdb: {
            database,
            owner,
            // pgvector is not a trusted extension: only a superuser can create it, so it is created at
            // bootstrap (as postgres) and the migrations' CREATE EXTENSION IF NOT EXISTS is then a no-op.
            postInitApplicationSql: ['CREATE EXTENSION IF NOT EXISTS vector'],
          },
        },
        ...(props.backup ? { backup: { volumeSnapshot: props.backup.snapshotClass ? { className: props.backup.snapshotClass } : {} } } : {}),
      },
    });

    if (props.backup) {
      this.scheduledBackup = new ScheduledBackup(this, 'ScheduledBackup', {
        metadata: metadata(`${name}-daily`),
        spec: {
          cluster: { name },
          schedule: props.backup.schedule,
          method: ScheduledBackupSpecMethod.VOLUME_SNAPSHOT,
          immediate: props.backup.immediate ?? true,
          backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
        },
      });
    }

    // Tied to this cluster, so two databases in one namespace do not admit each other's migration Jobs.
    const migrationPods = { ...componentSelector(ComponentNames.databaseMigrations), 'mcp-platform.dev/database': name };
    const migrationLabels = { ...labels, ...migrationPods };
    const clients: PodPeer[] = [...(props.clients ?? []), { podLabels: migrationPods }];

    if (props.pooler) {
      const poolerName = `${name}-pooler-rw`;
      this.pooler = new Pooler(this, 'Pooler', {
        metadata: metadata(poolerName),
        spec: {
          cluster: { name },
          instances: props.pooler.instances ?? 2,
          type: PoolerSpecType.RW,
          pgbouncer: {
            poolMode: props.pooler.poolMode === 'session' ? PoolerSpecPgbouncerPoolMode.SESSION : PoolerSpecPgbouncerPoolMode.TRANSACTION,
          },
        },
      });
      const poolerPods = { 'cnpg.io/poolerName': poolerName };
      new PodNetworkPolicy(this, 'PoolerNetworkPolicy', {
        name: `${poolerName}`,
        namespace: props.namespace,
        component: 'database',
        pods: poolerPods,
        ingress: [{ peers: clients, ports: [POSTGRES_PORT] }, operatorAccess(props.operator, [INSTANCE_STATUS_PORT])],
        egress: [{ peers: [{ podLabels: this.instancePodLabels }], ports: [POSTGRES_PORT] }],
        apiServer: props.apiServer ?? {},
        network: props.network,
      });
      clients.push({ podLabels: poolerPods });
    }

    new PodNetworkPolicy(this, 'NetworkPolicy', {
      name,
      namespace: props.namespace,
      component: 'database',
      pods: this.instancePodLabels,
      ingress: [
        { peers: clients, ports: [POSTGRES_PORT] },
        // Replication and the instance managers' status calls between the instances themselves.
        { peers: [{ podLabels: this.instancePodLabels }], ports: [POSTGRES_PORT, INSTANCE_STATUS_PORT] },
        operatorAccess(props.operator, [POSTGRES_PORT, INSTANCE_STATUS_PORT]),
      ],
      egress: [{ peers: [{ podLabels: this.instancePodLabels }], ports: [POSTGRES_PORT, INSTANCE_STATUS_PORT] }],
      apiServer: props.apiServer ?? {},
      network: props.network,
    });

    // The schema: a ConfigMap with the migration script and a Job that runs it through psql as the owner.
    const schemaConfigMap = new k8s.KubeConfigMap(this, 'Schema', {
      metadata: metadata(`${name}-schema`),
      data: { 'migrate.sql': script },
    });
    const serviceAccount = new k8s.KubeServiceAccount(this, 'MigrationServiceAccount', {
      metadata: metadata(`${name}-migrate`),
      automountServiceAccountToken: false,
    });
    const tmp = scratchDir('tmp', '/tmp', { sizeLimit: '16Mi' });
    const fromSecret = (envName: string, key: string): k8s.EnvVar => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: this.appSecretName, key } },
    });
    this.migrationJob = new k8s.KubeJob(this, 'Migrate', {
      metadata: {
        ...metadata(`${name}-migrate`),
        annotations: {
          // After every sync, once the Cluster is healthy; the previous run's Job is replaced, not kept.
          'argocd.argoproj.io/hook': 'PostSync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        },
      },
      spec: {
        // The Secret appears only once the cluster has bootstrapped; retries cover that window.
        backoffLimit: 10,
        template: {
          metadata: { labels: migrationLabels },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            restartPolicy: 'Never',
            securityContext: restrictedPodSecurityContext(POSTGRES_UID),
            volumes: [{ name: 'schema', configMap: { name: schemaConfigMap.name } }, tmp.volume],
            containers: [
              {
                name: 'migrate',
                image: imageName,
                command: ['psql', '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-f', '/schema/migrate.sql'],
                env: [
                  fromSecret('PGHOST', 'host'),
                  fromSecret('PGPORT', 'port'),
                  fromSecret('PGDATABASE', 'dbname'),
                  fromSecret('PGUSER', 'username'),
                  fromSecret('PGPASSWORD', 'password'),
                  { name: 'PGSSLMODE', value: 'require' },
                  { name: 'PGCONNECT_TIMEOUT', value: '10' },
                  { name: 'HOME', value: '/tmp' },
                ],
                resources: resourceRequirements({ requestsCpu: '50m', requestsMemory: '64Mi', limitsMemory: '128Mi' }),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'schema', mountPath: '/schema', readOnly: true }, tmp.mount],
              },
            ],
          },
        },
      },
    });
    new PodNetworkPolicy(this, 'MigrationNetworkPolicy', {
      name: `${name}-migrate`,
      namespace: props.namespace,
      component: 'database',
      pods: migrationPods,
      egress: [{ peers: [{ podLabels: this.instancePodLabels }], ports: [POSTGRES_PORT] }],
    });
  }
}

function cnpgResources(resources: ContainerResources) {
  return {
    requests: { cpu: ClusterSpecResourcesRequests.fromString(resources.requestsCpu), memory: ClusterSpecResourcesRequests.fromString(resources.requestsMemory) },
    limits: { memory: ClusterSpecResourcesLimits.fromString(resources.limitsMemory) },
  };
}

function operatorAccess(operator: CnpgOperatorRef, ports: number[]) {
  return { peers: [{ namespace: operator.namespace, podLabels: operator.podLabels ?? { 'app.kubernetes.io/name': 'cloudnative-pg' } }], ports };
}

function validate(
  id: string,
  p: { name: string; instances: number; imageName: string; database: string; owner: string; backup?: DatabaseBackup; apiServer?: ApiServerEndpoint; network?: ClusterNetwork },
): void {
  const problems: string[] = [];
  if (!DNS_LABEL.test(p.name) || p.name.length > 50) {
    problems.push(`name "${p.name}" must be a DNS-1123 label of at most 50 characters (CloudNativePG appends suffixes such as "-rw" and "-1")`);
  }
  if (!Number.isInteger(p.instances) || p.instances < 1 || p.instances > 9) problems.push(`instances must be a whole number from 1 to 9, got ${p.instances}`);
  const imageFault = imageFieldProblem('imageName', p.imageName);
  if (imageFault) problems.push(`${imageFault} (CloudNativePG reads the PostgreSQL major version from the tag)`);
  for (const [field, fault] of [['database', databaseNameProblem(p.database)], ['owner', databaseOwnerProblem(p.owner)]] as const) {
    if (fault) problems.push(`${field} ${JSON.stringify(field === 'database' ? p.database : p.owner)} ${fault}`);
  }
  const schedule = p.backup && cnpgScheduleProblem(p.backup.schedule);
  if (schedule) problems.push(`backup.schedule ${JSON.stringify(p.backup!.schedule)} ${schedule}`);
  problems.push(...apiServerProblems(p.apiServer, p.network, 'the instance manager in every PostgreSQL pod watches the API server'));
  throwIfProblems(`PgvectorDatabase ${id}`, problems);
}
