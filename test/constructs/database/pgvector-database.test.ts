import { describe, expect, it } from '@jest/globals';
import { DEFAULT_POSTGRES_IMAGE, PgvectorDatabase, type PgvectorDatabaseProps } from '../../../constructs/database/pgvector-database.js';
import { loadMigrations, migrationScript } from '../../../constructs/database/schema.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { selectorMatches } from '../../../constructs/policy/workload.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { only, render, testChart } from '../../support/charts.js';

/** The least a caller must say; each test overrides what it is about. */
const REQUIRED: PgvectorDatabaseProps = {
  namespace: 'mcp-system',
  storage: { size: '10Gi' },
  embedding: { model: 'nomic-embed-text' },
  operator: { namespace: 'cnpg-system' },
  apiServer: { cidrs: ['192.168.10.5/32'] },
};

function build(overrides: Partial<PgvectorDatabaseProps> = {}) {
  const chart = testChart();
  const database = new PgvectorDatabase(chart, 'db', { ...REQUIRED, ...overrides });
  return { chart, database, objects: render(chart) };
}

const create = (overrides: Partial<PgvectorDatabaseProps>) => () => new PgvectorDatabase(testChart(), 'db', { ...REQUIRED, ...overrides });

/** A peer in the shape PodNetworkPolicy renders it. */
const pods = (podLabels: Record<string, string>, namespace = 'mcp-system') => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  podSelector: { matchLabels: podLabels },
});
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));

const INSTANCES = { 'cnpg.io/cluster': 'mcp-postgres', 'cnpg.io/podRole': 'instance' };
const MIGRATIONS = { 'app.kubernetes.io/name': 'database-migrations', 'app.kubernetes.io/part-of': 'mcp-platform', 'mcp-platform.dev/database': 'mcp-postgres' };
const OPERATOR = pods({ 'app.kubernetes.io/name': 'cloudnative-pg' }, 'cnpg-system');
const GATEWAY = { 'app.kubernetes.io/name': 'mcp-gateway' };

describe('PgvectorDatabase', () => {
  describe('the Cluster', () => {
    it('renders one instance of the pinned standard image with the mcp database and owner by default', () => {
      // GIVEN only the required props WHEN rendered
      const { objects, database } = build();
      const cluster = only(objects, 'Cluster');
      // THEN the documented defaults apply
      expect(cluster.metadata.name).toBe('mcp-postgres');
      expect(cluster.spec.instances).toBe(1);
      expect(cluster.spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie');
      expect(DEFAULT_POSTGRES_IMAGE).toBe(cluster.spec.imageName);
      expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'mcp', owner: 'mcp', postInitApplicationSQL: ['CREATE EXTENSION IF NOT EXISTS vector'] });
      expect(cluster.spec.enableSuperuserAccess).toBe(false);
      expect(cluster.spec.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } });
      expect(cluster.spec.storage).toEqual({ size: '10Gi' });
      expect(cluster.spec.backup).toBeUndefined();
      // AND the construct exposes how to reach it
      expect([database.clusterName, database.appSecretName, database.host, database.port, database.databaseName]).toEqual([
        'mcp-postgres',
        'mcp-postgres-app',
        'mcp-postgres-rw',
        5432,
        'mcp',
      ]);
      expect(database.instancePodLabels).toEqual(INSTANCES);
    });

    it('takes name, instances, image, database, owner, storage class and resources from props', () => {
      const { objects } = build({
        name: 'vectors',
        instances: 3,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:16.10-standard-bookworm',
        database: 'registry',
        owner: 'registry_owner',
        storage: { size: '50Gi', storageClass: 'fast-ssd' },
        resources: { requestsCpu: '1', requestsMemory: '2Gi', limitsMemory: '4Gi' },
      });
      const spec = only(objects, 'Cluster', 'vectors').spec;
      expect(spec.instances).toBe(3);
      expect(spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:16.10-standard-bookworm');
      expect(spec.bootstrap.initdb.database).toBe('registry');
      expect(spec.bootstrap.initdb.owner).toBe('registry_owner');
      expect(spec.storage).toEqual({ size: '50Gi', storageClass: 'fast-ssd' });
      expect(spec.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } });
    });
  });

  describe('the schema', () => {
    it('ships the migration script for nomic-embed-text with 768-dimensional vectors', () => {
      // GIVEN the default embedding model WHEN rendered
      const { objects, database } = build();
      const script = only(objects, 'ConfigMap', 'mcp-postgres-schema').data['migrate.sql'];
      // THEN the ConfigMap holds exactly the script schema.ts renders for 768 dimensions
      expect(database.embeddingDimensions).toBe(768);
      expect(script).toBe(migrationScript(loadMigrations({ embeddingDimensions: 768 }), { embeddingDimensions: 768 }));
      expect(script).toContain('vector(768)');
    });

    it('sizes the vector columns for another embedding model', () => {
      // GIVEN bge-m3 (1024 dimensions) WHEN rendered
      const script = only(build({ embedding: { model: 'bge-m3' } }).objects, 'ConfigMap').data['migrate.sql'];
      // THEN the script changes with it
      expect(script).toBe(migrationScript(loadMigrations({ embeddingDimensions: 1024 }), { embeddingDimensions: 1024 }));
      expect(script).toContain('vector(1024)');
      expect(script).not.toContain('vector(768)');
    });

    it('accepts a shortened length for a model that can shorten its vectors', () => {
      // GIVEN text-embedding-3-large shortened to 1536 WHEN rendered THEN the columns take 1536
      const { database, objects } = build({ embedding: { model: 'text-embedding-3-large', dimensions: 1536 } });
      expect(database.embeddingDimensions).toBe(1536);
      expect(only(objects, 'ConfigMap').data['migrate.sql']).toContain('vector(1536)');
    });
  });

  describe('the migration Job', () => {
    it('runs after every Argo CD sync and replaces the previous run', () => {
      const job = only(build().objects, 'Job', 'mcp-postgres-migrate');
      expect(job.metadata.annotations).toEqual({
        'argocd.argoproj.io/hook': 'PostSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      });
    });

    it('runs the mounted script through psql, stopping at the first error', () => {
      const pod = only(build().objects, 'Job').spec.template.spec;
      const container = pod.containers[0];
      expect(container.image).toBe(DEFAULT_POSTGRES_IMAGE);
      expect(container.command).toEqual(['psql', '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-f', '/schema/migrate.sql']);
      expect(container.volumeMounts).toContainEqual({ name: 'schema', mountPath: '/schema', readOnly: true });
      expect(pod.volumes).toContainEqual({ name: 'schema', configMap: { name: 'mcp-postgres-schema' } });
      expect(pod.restartPolicy).toBe('Never');
    });

    it('reads every connection setting from the app Secret, never a literal', () => {
      const env: Manifest[] = only(build().objects, 'Job').spec.template.spec.containers[0].env;
      const fromSecret = Object.fromEntries(env.filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom.secretKeyRef]));
      expect(fromSecret).toEqual({
        PGHOST: { name: 'mcp-postgres-app', key: 'host' },
        PGPORT: { name: 'mcp-postgres-app', key: 'port' },
        PGDATABASE: { name: 'mcp-postgres-app', key: 'dbname' },
        PGUSER: { name: 'mcp-postgres-app', key: 'username' },
        PGPASSWORD: { name: 'mcp-postgres-app', key: 'password' },
      });
      // The literals are settings, not credentials or addresses.
      expect(env.filter((e) => 'value' in e)).toEqual([
        { name: 'PGSSLMODE', value: 'require' },
        { name: 'PGCONNECT_TIMEOUT', value: '10' },
        { name: 'HOME', value: '/tmp' },
      ]);
    });

    it('runs as its own ServiceAccount without an API token', () => {
      const { objects } = build();
      const pod = only(objects, 'Job').spec.template.spec;
      expect(pod.serviceAccountName).toBe('mcp-postgres-migrate');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(only(objects, 'ServiceAccount', 'mcp-postgres-migrate').automountServiceAccountToken).toBe(false);
    });
  });

  describe('backups and pooler', () => {
    it('renders neither a ScheduledBackup nor a Pooler unless asked', () => {
      const kinds = build().objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(kinds.sort()).toEqual([
        'ConfigMap/mcp-postgres-schema',
        'Cluster/mcp-postgres',
        'Job/mcp-postgres-migrate',
        'NetworkPolicy/mcp-postgres',
        'NetworkPolicy/mcp-postgres-migrate',
        'ServiceAccount/mcp-postgres-migrate',
      ].sort());
    });

    it('schedules volume snapshot backups, immediate by default', () => {
      // GIVEN a six-field schedule and a snapshot class WHEN rendered
      const { objects } = build({ backup: { schedule: '0 0 3 * * *', snapshotClass: 'csi-snapclass' } });
      // THEN the Cluster snapshots with that class and a ScheduledBackup runs on the schedule
      expect(only(objects, 'Cluster').spec.backup).toEqual({ volumeSnapshot: { className: 'csi-snapclass' } });
      expect(only(objects, 'ScheduledBackup', 'mcp-postgres-daily').spec).toEqual({
        cluster: { name: 'mcp-postgres' },
        schedule: '0 0 3 * * *',
        method: 'volumeSnapshot',
        immediate: true,
        backupOwnerReference: 'self',
      });
    });

    it('uses the default snapshot class and waits for the schedule when asked', () => {
      const { objects } = build({ backup: { schedule: '0 30 2 * * 0', immediate: false } });
      expect(only(objects, 'Cluster').spec.backup).toEqual({ volumeSnapshot: {} });
      expect(only(objects, 'ScheduledBackup').spec.immediate).toBe(false);
    });

    it('rejects a five-field cron, naming backup.schedule', () => {
      expect(create({ backup: { schedule: '0 3 * * *' } })).toThrow(
        'PgvectorDatabase db:\n  - backup.schedule "0 3 * * *" must have six fields, seconds first (CloudNativePG\'s cron), e.g. "0 0 3 * * *"; it has 5',
      );
    });

    it('puts a transaction-mode PgBouncer with two instances in front of the primary', () => {
      const { objects, database } = build({ pooler: {} });
      expect(only(objects, 'Pooler', 'mcp-postgres-pooler-rw').spec).toEqual({
        cluster: { name: 'mcp-postgres' },
        instances: 2,
        type: 'rw',
        pgbouncer: { poolMode: 'transaction' },
      });
      expect(database.pooler).toBeDefined();
    });

    it('takes the pooler size and session mode from props', () => {
      const spec = only(build({ pooler: { instances: 3, poolMode: 'session' } }).objects, 'Pooler').spec;
      expect([spec.instances, spec.pgbouncer.poolMode]).toEqual([3, 'session']);
    });
  });

  describe('network policies', () => {
    it('admits clients and migrations on 5432, the operator and the other instances on 5432 and 8000', () => {
      // GIVEN the gateway as a client WHEN rendered
      const spec = only(build({ clients: [{ podLabels: GATEWAY }] }).objects, 'NetworkPolicy', 'mcp-postgres').spec;
      // THEN the instance pods are selected and admit exactly these peers
      expect(spec.podSelector).toEqual({ matchLabels: INSTANCES });
      expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(spec.ingress).toEqual([
        { from: [pods(GATEWAY), pods(MIGRATIONS)], ports: tcp(5432) },
        { from: [pods(INSTANCES)], ports: tcp(5432, 8000) },
        { from: [OPERATOR], ports: tcp(5432, 8000) },
      ]);
    });

    it('lets the instances reach each other and the API server only', () => {
      const spec = only(build({ apiServer: { cidrs: ['10.0.0.10/32', '10.0.0.11/32'], port: 443 } }).objects, 'NetworkPolicy', 'mcp-postgres').spec;
      expect(spec.egress).toEqual([
        { to: [{ ipBlock: { cidr: '10.0.0.10/32' } }, { ipBlock: { cidr: '10.0.0.11/32' } }], ports: tcp(443) },
        { to: [pods(INSTANCES)], ports: tcp(5432, 8000) },
      ]);
    });

    it('finds the operator by the labels given', () => {
      const spec = only(build({ operator: { namespace: 'databases', podLabels: { app: 'cnpg' } } }).objects, 'NetworkPolicy', 'mcp-postgres').spec;
      expect(spec.ingress[2].from).toEqual([pods({ app: 'cnpg' }, 'databases')]);
    });

    it('lets the migration pods reach PostgreSQL on 5432 and nothing else', () => {
      const spec = only(build().objects, 'NetworkPolicy', 'mcp-postgres-migrate').spec;
      expect(spec.podSelector).toEqual({ matchLabels: MIGRATIONS });
      expect(spec.ingress).toEqual([]);
      expect(spec.egress).toEqual([{ to: [pods(INSTANCES)], ports: tcp(5432) }]);
    });

    it("selects only the instances, not the pooler's pods, which carry the cluster label too", () => {
      const objects = build({ pooler: {} }).objects;
      // The labels CloudNativePG v1.30.0 puts on each (pkg/specs/pods.go, pkg/specs/pgbouncer/deployments.go).
      const instancePod = { 'cnpg.io/cluster': 'mcp-postgres', 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceName': 'mcp-postgres-1' };
      const poolerPod = { 'cnpg.io/cluster': 'mcp-postgres', 'cnpg.io/podRole': 'pooler', 'cnpg.io/poolerName': 'mcp-postgres-pooler-rw' };
      const selector = only(objects, 'NetworkPolicy', 'mcp-postgres').spec.podSelector;
      expect(selectorMatches(selector, instancePod)).toBe(true);
      expect(selectorMatches(selector, poolerPod)).toBe(false);
    });

    it('admits the pooler to the instances and clients to the pooler', () => {
      // GIVEN a pooler and the gateway as a client WHEN rendered
      const objects = build({ pooler: {}, clients: [{ podLabels: GATEWAY }] }).objects;
      const poolerPods = { 'cnpg.io/poolerName': 'mcp-postgres-pooler-rw' };
      // THEN the instances admit the pooler pods along with the clients
      expect(only(objects, 'NetworkPolicy', 'mcp-postgres').spec.ingress[0]).toEqual({ from: [pods(GATEWAY), pods(MIGRATIONS), pods(poolerPods)], ports: tcp(5432) });
      // AND the pooler admits the clients and the operator, and reaches the instances and the API server
      const pooler = only(objects, 'NetworkPolicy', 'mcp-postgres-pooler-rw').spec;
      expect(pooler.podSelector).toEqual({ matchLabels: poolerPods });
      expect(pooler.ingress).toEqual([
        { from: [pods(GATEWAY), pods(MIGRATIONS)], ports: tcp(5432) },
        { from: [OPERATOR], ports: tcp(8000) },
      ]);
      expect(pooler.egress).toEqual([
        { to: [{ ipBlock: { cidr: '192.168.10.5/32' } }], ports: tcp(6443) },
        { to: [pods(INSTANCES)], ports: tcp(5432) },
      ]);
    });
  });

  describe('validation', () => {
    it('rejects an embedding dimension the model does not return, naming both numbers and the fix', () => {
      expect(create({ embedding: { model: 'nomic-embed-text', dimensions: 1024 } })).toThrow(
        'PgvectorDatabase db:\n  - embedding.dimensions is 1024, but nomic-embed-text returns 768-dimensional vectors: ' +
          'remove embedding.dimensions or set it to 768, or configure the model your embeddings come from.',
      );
    });

    it('rejects an unknown model without dimensions', () => {
      expect(create({ embedding: { model: 'my-embedder' } })).toThrow(
        'PgvectorDatabase db:\n  - embedding.model "my-embedder" is not in the embedding model catalogue, so its vector length is unknown: set embedding.dimensions',
      );
    });

    it('accepts an unknown model with dimensions', () => {
      expect(build({ embedding: { model: 'my-embedder', dimensions: 512 } }).database.embeddingDimensions).toBe(512);
    });

    it('rejects text-embedding-3-large at its full 3072 dimensions, which pgvector cannot index', () => {
      expect(create({ embedding: { model: 'text-embedding-3-large' } })).toThrow(
        'PgvectorDatabase db:\n  - embedding.model text-embedding-3-large gives 3072-dimensional vectors, but pgvector indexes (HNSW) take at most 2000: set embedding.dimensions to 2000 or less',
      );
    });

    it.each([
      ['ghcr.io/cloudnative-pg/postgresql:latest', 'must not use the latest tag: pin a version so every node runs the same code'],
      ['ghcr.io/cloudnative-pg/postgresql', 'must be pinned to a version tag or digest, e.g. "ghcr.io/org/app:1.2.0"'],
      ['registry.lan:5000/postgresql', 'must be pinned to a version tag or digest, e.g. "ghcr.io/org/app:1.2.0"'],
    ])('rejects the unpinned image %s, naming imageName', (imageName, problem) => {
      expect(create({ imageName })).toThrow(`PgvectorDatabase db:\n  - imageName "${imageName}" ${problem} (CloudNativePG reads the PostgreSQL major version from the tag)`);
    });

    it('rejects an image kubelet cannot parse, naming imageName', () => {
      expect(create({ imageName: 'ghcr.io/CloudNative-PG/postgresql:17' })).toThrow(`imageName "ghcr.io/CloudNative-PG/postgresql:17" is not an image reference kubelet accepts: an optional registry host, then a lowercase repository path (letters a-z, digits, ".", "_" and "-"), then ":tag" or "@sha256:<digest>", e.g. "ghcr.io/org/app:1.2.0"`);
    });

    it('accepts an image pinned by digest', () => {
      const imageName = `ghcr.io/cloudnative-pg/postgresql@sha256:${'a'.repeat(64)}`;
      expect(only(build({ imageName }).objects, 'Cluster').spec.imageName).toBe(imageName);
    });

    it('rejects an API server without addresses, unless the network is Cilium', () => {
      expect(create({ apiServer: { cidrs: [] } })).toThrow(
        'PgvectorDatabase db:\n  - apiServer.cidrs must name the API server\'s addresses: the instance manager in every PostgreSQL pod watches the API server ' +
          "through the namespace's default deny, and a Kubernetes NetworkPolicy reaches it only by ipBlock " +
          '(on Cilium, network.cni "cilium", cluster.cni in the platform config, reaches it as the kube-apiserver entity instead)',
      );
      expect(create({ apiServer: undefined, network: { cni: 'cilium' } })).not.toThrow();
    });

    it('on Cilium reaches the API server as its kube-apiserver entity from the instances and the pooler', () => {
      const objects = build({ apiServer: undefined, network: { cni: 'cilium' }, pooler: {} }).objects;
      for (const name of ['mcp-postgres', 'mcp-postgres-pooler-rw']) {
        expect(only(objects, 'CiliumNetworkPolicy', name).spec.egress).toEqual([
          { toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] },
        ]);
      }
      // AND without addresses the NetworkPolicy names no ipBlock
      expect(JSON.stringify(only(objects, 'NetworkPolicy', 'mcp-postgres').spec.egress)).not.toContain('ipBlock');
    });

    it('refuses an existing database and a reserved owner, naming each', () => {
      expect(create({ database: 'postgres', owner: 'postgres' })).toThrow(
        [
          'PgvectorDatabase db:',
          '  - database "postgres" is a database every PostgreSQL instance already has: CloudNativePG would not create it for the owner, who then could not create the registry\'s tables in it; use a database of its own such as "mcp"',
          '  - owner "postgres" is the superuser: the discovery service would connect with full rights over the instance; use a role of its own such as "mcp"',
        ].join('\n'),
      );
    });

    it('lists every problem at once', () => {
      expect(create({ name: 'Bad_Name', instances: 0, owner: '1owner' })).toThrow(
        [
          'PgvectorDatabase db:',
          '  - name "Bad_Name" must be a DNS-1123 label of at most 50 characters (CloudNativePG appends suffixes such as "-rw" and "-1")',
          '  - instances must be a whole number from 1 to 9, got 0',
          '  - owner "1owner" must be a lowercase SQL identifier (letters, digits, "_"; not starting with a digit)',
        ].join('\n'),
      );
    });
  });

  describe('rendered output', () => {
    it.each([
      ['the defaults', {}],
      ['backups, a pooler and clients', { backup: { schedule: '0 0 3 * * *', snapshotClass: 'csi' }, pooler: { poolMode: 'session' as const }, clients: [{ podLabels: GATEWAY }] }],
    ])('passes the CRD and Kubernetes schemas and the policy pack with %s', (_case, overrides) => {
      const { chart, objects } = build(overrides);
      const validator = new SchemaValidator();
      expect(objects.flatMap((o) => validator.validate(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`))).toEqual([]);
      expect(checkPolicies(apiObjectsOf(chart))).toEqual({ findings: [], suppressed: [] });
    });
  });
});
