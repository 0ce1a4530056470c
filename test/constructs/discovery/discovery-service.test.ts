import { describe, expect, it } from '@jest/globals';
import { PgvectorDatabase } from '../../../constructs/database/pgvector-database.js';
import { DEFAULT_DISCOVERY_IMAGE, DiscoveryService, type DiscoveryServiceProps } from '../../../constructs/discovery/discovery-service.js';
import { componentSelector } from '../../../constructs/labels.js';
import { apiObjectsOf, checkPolicies } from '../../../constructs/policy/policy-checker.js';
import type { Manifest } from '../../../constructs/policy/rule.js';
import { SchemaValidator } from '../../../constructs/validation/schema-validator.js';
import { PRIVATE_IPV4_RANGES } from '../../../constructs/workloads/pod-network-policy.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';

const API_SERVER = { cidrs: ['192.168.10.5/32'] };
const APP_AUTH = { appId: '123456', installationId: 42, privateKey: { from: 'secret', name: 'discovery-github-app', key: 'private-key.pem' } } as const;

/** Only the required props, on the embedded database. */
const REQUIRED: DiscoveryServiceProps = {
  namespace: 'mcp-system',
  repo: 'homelab/platform',
  github: { auth: { token: { from: 'secret', name: 'discovery-github', key: 'token' } } },
  apiToken: { from: 'secret', name: 'discovery-api', key: 'token' },
  apiServer: API_SERVER,
};

function renderDiscovery(props: Partial<DiscoveryServiceProps> = {}, withDatabase = false) {
  const chart = testChart();
  const database = withDatabase
    ? new PgvectorDatabase(chart, 'db', { namespace: 'mcp-system', storage: { size: '10Gi' }, embedding: { model: 'nomic-embed-text' }, operator: { namespace: 'cnpg-system' }, apiServer: API_SERVER })
    : undefined;
  const discovery = new DiscoveryService(chart, 'discovery', { ...REQUIRED, ...(database ? { database } : {}), ...props });
  return { chart, discovery, objects: render(chart) };
}

const podSpecOf = (objects: Manifest[]): Manifest => only(objects, 'Deployment', 'mcp-discovery').spec.template.spec;
const containerOf = (objects: Manifest[]): Manifest => podSpecOf(objects).containers[0];
const plainEnv = (objects: Manifest[]): Record<string, string> =>
  Object.fromEntries(containerOf(objects).env.filter((e: Manifest) => 'value' in e).map((e: Manifest) => [e.name, e.value]));
const secretEnv = (objects: Manifest[]): Record<string, string> =>
  Object.fromEntries(containerOf(objects).env.filter((e: Manifest) => e.valueFrom).map((e: Manifest) => [e.name, `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));
const policyOf = (objects: Manifest[]) => only(objects, 'NetworkPolicy', 'mcp-discovery').spec;

describe('DiscoveryService', () => {
  it('applies every documented default', () => {
    // GIVEN only the required props WHEN rendered
    const { objects } = renderDiscovery();
    // THEN the pinned image, the default settings in its env, every namespace and the embedded database (no DATABASE_URL)
    expect(containerOf(objects).image).toBe(DEFAULT_DISCOVERY_IMAGE);
    expect(DEFAULT_DISCOVERY_IMAGE).toBe('ghcr.io/mcp-platform/mcp-discovery:0.1.0');
    expect(plainEnv(objects)).toEqual({
      GITHUB_REPOSITORY: 'homelab/platform',
      GITHUB_BASE_BRANCH: 'main',
      GITHUB_API_URL: 'https://api.github.com',
      MCP_ANNOTATION_PREFIX: 'mcp-platform.dev',
      DISCOVERY_SERVERS_DIR: 'stacks/servers',
      DISCOVERY_SERVER_FILE_IMPORT: '../servers.js',
      PROBE_TIMEOUT_MS: '10000',
      PROBE_CONCURRENCY: '4',
      MAX_OPEN_PULL_REQUESTS: '5',
      TOOL_BUDGET: '40',
      PLATFORM_NAMESPACE: 'mcp-system',
      RECONCILE_INTERVAL_SECONDS: '300',
      DISCOVERY_STATE_DIR: '/var/lib/mcp-discovery',
      PORT: '8080',
      LOG_LEVEL: 'info',
    });
    expect(secretEnv(objects)).toEqual({ DISCOVERY_API_TOKEN: 'discovery-api/token', GITHUB_TOKEN: 'discovery-github/token' });
    expect(containerOf(objects).resources).toEqual({ requests: { cpu: '50m', memory: '192Mi' }, limits: { memory: '512Mi' } });
    expect(objects.filter((o) => o.kind === 'ClusterRole')).toHaveLength(1);
    expect(policyOf(objects).ingress).toEqual([]);
  });

  it('passes every setting through its env var', () => {
    const { objects } = renderDiscovery({
      image: 'ghcr.io/mcp-platform/mcp-discovery:0.2.0',
      baseBranch: 'trunk',
      serversDir: 'platform/servers',
      serverFileImport: '../../stacks/servers.js',
      watchNamespaces: ['tools', 'apps'],
      annotationPrefix: 'mcp.example.com',
      github: { apiUrl: 'https://github.example.com/api/v3', auth: REQUIRED.github.auth },
      probe: { timeoutMs: 5000, concurrency: 2 },
      maxOpenPullRequests: 3,
      toolBudget: 60,
      gateway: { namespace: 'mcp-gateway', application: 'homelab-mcp-servers' },
      reconcileIntervalSeconds: 120,
    });
    expect(plainEnv(objects)).toMatchObject({
      GITHUB_BASE_BRANCH: 'trunk',
      GITHUB_API_URL: 'https://github.example.com/api/v3',
      MCP_ANNOTATION_PREFIX: 'mcp.example.com',
      DISCOVERY_NAMESPACES: 'apps,tools',
      DISCOVERY_SERVERS_DIR: 'platform/servers',
      DISCOVERY_SERVER_FILE_IMPORT: '../../stacks/servers.js',
      PROBE_TIMEOUT_MS: '5000',
      PROBE_CONCURRENCY: '2',
      MAX_OPEN_PULL_REQUESTS: '3',
      TOOL_BUDGET: '60',
      PLATFORM_NAMESPACE: 'mcp-gateway',
      GATEWAY_ARGOCD_APPLICATION: 'homelab-mcp-servers',
      RECONCILE_INTERVAL_SECONDS: '120',
    });
    expect(containerOf(objects).image).toBe('ghcr.io/mcp-platform/mcp-discovery:0.2.0');
  });

  it('runs one restricted, read-only pod that serves its API, health and metrics on http 8080', () => {
    const { objects } = renderDiscovery();
    const deployment = only(objects, 'Deployment', 'mcp-discovery');
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(containerOf(objects)).toMatchObject({
      args: ['serve'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
      securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'state', mountPath: '/var/lib/mcp-discovery' },
      ],
    });
    expect(podSpecOf(objects)).toMatchObject({ serviceAccountName: 'mcp-discovery', automountServiceAccountToken: true, securityContext: { runAsUser: 10001 } });
    expect(only(objects, 'ServiceAccount', 'mcp-discovery').automountServiceAccountToken).toBe(true);
    // The Service monitoring's ServiceMonitor selects by the component labels, on the port named http.
    const service = only(objects, 'Service', 'mcp-discovery');
    expect(service.metadata.labels).toMatchObject(componentSelector('mcp-discovery'));
    expect(service.spec).toEqual({ type: 'ClusterIP', selector: componentSelector('mcp-discovery'), ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] });
  });

  it('reads only Services and both MCPServer kinds, cluster-wide by default', () => {
    const { objects } = renderDiscovery();
    const verbs = ['get', 'list', 'watch'];
    expect(only(objects, 'ClusterRole', 'mcp-discovery-read').rules).toEqual([
      { apiGroups: [''], resources: ['services'], verbs },
      { apiGroups: ['kagent.dev'], resources: ['mcpservers'], verbs },
      { apiGroups: ['toolhive.stacklok.dev'], resources: ['mcpservers'], verbs },
    ]);
    expect(only(objects, 'ClusterRoleBinding', 'mcp-discovery-read')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'mcp-discovery-read' },
      subjects: [{ kind: 'ServiceAccount', name: 'mcp-discovery', namespace: 'mcp-system' }],
    });
    // Cluster-scoped: no namespace, though the chart has one (the API server would drop it).
    expect(only(objects, 'ClusterRole', 'mcp-discovery-read').metadata).not.toHaveProperty('namespace');
    expect(only(objects, 'ClusterRoleBinding', 'mcp-discovery-read').metadata).not.toHaveProperty('namespace');
  });

  it('gets a Role in each watched namespace, and nothing cluster-wide, when namespaces are given', () => {
    const { objects } = renderDiscovery({ watchNamespaces: ['tools', 'apps'] });
    expect(objects.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace)).toEqual(['apps', 'tools']);
    expect(objects.filter((o) => o.kind === 'RoleBinding').map((o) => [o.metadata.namespace, o.roleRef.kind, o.subjects[0].namespace])).toEqual([
      ['apps', 'Role', 'mcp-system'],
      ['tools', 'Role', 'mcp-system'],
    ]);
  });

  it('reads the URL of the platform database from its app Secret, and may reach only its pods on 5432', () => {
    const { objects } = renderDiscovery({}, true);
    expect(secretEnv(objects).DATABASE_URL).toBe('mcp-postgres-app/uri');
    expect(policyOf(objects).egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-system' } }, podSelector: { matchLabels: { 'cnpg.io/cluster': 'mcp-postgres', 'cnpg.io/podRole': 'instance' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
  });

  it('takes any PostgreSQL by URL, with the labels of its pods', () => {
    const { objects } = renderDiscovery({ database: { url: { from: 'secret', name: 'registry-db', key: 'url' }, podLabels: { app: 'postgres' }, namespace: 'data', port: 5433 } });
    expect(secretEnv(objects).DATABASE_URL).toBe('registry-db/url');
    expect(policyOf(objects).egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'postgres' } } }],
      ports: [{ protocol: 'TCP', port: 5433 }],
    });
  });

  it('authenticates as a GitHub App with its private key mounted as a file, not in the env', () => {
    const { objects } = renderDiscovery({ github: { auth: APP_AUTH } });
    expect(plainEnv(objects)).toMatchObject({ GITHUB_APP_ID: '123456', GITHUB_APP_INSTALLATION_ID: '42', GITHUB_APP_PRIVATE_KEY_FILE: '/etc/mcp-discovery/github/private-key.pem' });
    expect(secretEnv(objects)).toEqual({ DISCOVERY_API_TOKEN: 'discovery-api/token' });
    expect(podSpecOf(objects).volumes[2]).toEqual({
      name: 'github-app-key',
      secret: { secretName: 'discovery-github-app', items: [{ key: 'private-key.pem', path: 'private-key.pem' }], defaultMode: 0o440 },
    });
    expect(containerOf(objects).volumeMounts[2]).toEqual({ name: 'github-app-key', mountPath: '/etc/mcp-discovery/github', readOnly: true });
  });

  it('may reach the API server, the watched namespaces over TCP and GitHub on 443, private ranges excluded', () => {
    const egress = policyOf(renderDiscovery({ watchNamespaces: ['tools'] }).objects).egress;
    expect(egress).toEqual([
      { to: [{ ipBlock: { cidr: '192.168.10.5/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] },
      // A discovered server's port is only known at run time.
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } } }], ports: [{ protocol: 'TCP', port: 1, endPort: 65535 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_IPV4_RANGES] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(policyOf(renderDiscovery().objects).egress[1].to).toEqual([{ namespaceSelector: {} }]);
  });

  it('on Cilium reaches the API server as its entity and GitHub by name, with no internet-wide rule', () => {
    const { objects } = renderDiscovery({ apiServer: undefined, network: { cni: 'cilium' } });
    expect(JSON.stringify(policyOf(objects).egress)).not.toContain('ipBlock');
    const egress = only(objects, 'CiliumNetworkPolicy', 'mcp-discovery').spec.egress;
    expect(egress[0]).toEqual({ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] });
    expect(egress[2]).toEqual({ toFQDNs: [{ matchName: 'api.github.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    // AND GitHub Enterprise by its own host and port
    const enterprise = renderDiscovery({ network: { cni: 'cilium' }, github: { apiUrl: 'https://github.lan:8443/api/v3', auth: REQUIRED.github.auth } }).objects;
    expect(only(enterprise, 'CiliumNetworkPolicy', 'mcp-discovery').spec.egress[2].toFQDNs).toEqual([{ matchName: 'github.lan' }]);
  });

  it('reaches GitHub Enterprise only at its addresses and on the port of its API URL', () => {
    const github = { apiUrl: 'https://github.lan:8443/api/v3', auth: REQUIRED.github.auth, egressCidrs: ['192.168.10.20/32'] };
    expect(policyOf(renderDiscovery({ github }).objects).egress[2]).toEqual({ to: [{ ipBlock: { cidr: '192.168.10.20/32' } }], ports: [{ protocol: 'TCP', port: 8443 }] });
  });

  it('reaches a GitHub API URL on an address by that address, also on Cilium', () => {
    const github = { apiUrl: 'https://192.168.10.20/api/v3', auth: REQUIRED.github.auth };
    for (const network of [undefined, { cni: 'cilium' } as const]) {
      const { objects } = renderDiscovery({ github, network });
      expect(policyOf(objects).egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.168.10.20/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
      expect(JSON.stringify(objects)).not.toContain('toFQDNs');
    }
  });

  it('refuses a GitHub API URL with a user or password in it', () => {
    const github = { apiUrl: 'https://x-access-token:ghp_abc@github.lan/api/v3', auth: REQUIRED.github.auth, egressCidrs: ['192.168.10.20/32'] };
    expect(() => renderDiscovery({ github })).toThrow('  - github.apiUrl must not hold a user or password before the host: the config is committed to git and the URL is rendered as it is: the service signs in with github.auth, by reference');
  });

  it('refuses a GitHub API URL with a query or fragment, after which the client\'s paths would be lost', () => {
    for (const apiUrl of ['https://github.lan/api/v3?x=1', 'https://github.lan/api/v3#x', 'https://github.lan/api/v3?']) {
      const github = { apiUrl, auth: REQUIRED.github.auth, egressCidrs: ['192.168.10.20/32'] };
      expect(() => renderDiscovery({ github })).toThrow(`  - github.apiUrl ${JSON.stringify(apiUrl)} must have no query ("?") or fragment ("#"): the client adds each request's path after it`);
    }
  });

  it('refuses a github.egressCidrs entry that is not an IPv4 CIDR', () => {
    const github = { apiUrl: 'https://github.lan/api/v3', auth: REQUIRED.github.auth, egressCidrs: ['192.168.10.20'] };
    expect(() => renderDiscovery({ github })).toThrow('  - github.egressCidrs: "192.168.10.20" is not an IPv4 CIDR such as "192.168.10.20/32"');
  });

  it('refuses GitHub Enterprise on a LAN name off Cilium without github.egressCidrs', () => {
    expect(() => renderDiscovery({ github: { apiUrl: 'https://github.lan/api/v3', auth: REQUIRED.github.auth } })).toThrow(
      `  - github.apiUrl: "github.lan" resolves on the LAN, and without Cilium's DNS-name rules (cluster.cni "cilium") the policy can only allow internet addresses, the private ranges excluded: list the host's addresses in github.egressCidrs`,
    );
  });

  it('admits API callers on 8080 only when they are given', () => {
    expect(policyOf(renderDiscovery({ allowFrom: [{ cidr: '192.168.10.0/24' }] }).objects).ingress).toEqual([
      { from: [{ ipBlock: { cidr: '192.168.10.0/24' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
  });

  it('passes the Kubernetes schemas and the policy pack with no findings, with either GitHub auth', () => {
    const validator = new SchemaValidator();
    for (const github of [REQUIRED.github, { auth: APP_AUTH }]) {
      const { chart, objects } = renderDiscovery({ github, watchNamespaces: ['tools'] }, true);
      expect(objects.flatMap((o) => validator.validate(o))).toEqual([]);
      expect(checkPolicies(apiObjectsOf(chart)).findings).toEqual([]);
    }
  });

  it('lists every wrong prop at once, naming it and what would be right', () => {
    const message = errorOf(() =>
      renderDiscovery({
        image: 'ghcr.io/mcp-platform/mcp-discovery:latest',
        repo: 'platform',
        serversDir: '../servers',
        watchNamespaces: ['Tools', 'apps', 'apps'],
        github: { apiUrl: 'ftp://github.lan', auth: { appId: 'my-app', installationId: 0, privateKey: APP_AUTH.privateKey } },
        maxOpenPullRequests: 0,
      }),
    );
    expect(message).toBe(
      [
        'DiscoveryService discovery:',
        '  - image "ghcr.io/mcp-platform/mcp-discovery:latest" must not use the latest tag: pin a version so every node runs the same code',
        '  - repo "platform" must be "owner/name", e.g. "homelab/platform"',
        '  - serversDir "../servers" must be a path inside the repository, e.g. "stacks/servers" (no leading or trailing "/", no "//", "." or ".." part)',
        '  - watchNamespaces: "Tools" is not a namespace name (a DNS-1123 label)',
        '  - watchNamespaces names apps more than once',
        '  - github.apiUrl "ftp://github.lan" must be an http(s) URL such as "https://github.example.com/api/v3"',
        '  - github.auth.appId "my-app" must be the App\'s numeric id, e.g. "123456"',
        '  - github.auth.installationId must be a positive whole number, got 0',
        '  - maxOpenPullRequests must be a positive whole number, got 0',
      ].join('\n'),
    );
  });

  it('rejects a GitHub auth that is both a token and an App, and an empty namespace list', () => {
    expect(errorOf(() => renderDiscovery({ github: { auth: { ...APP_AUTH, ...REQUIRED.github.auth } }, watchNamespaces: [] }))).toBe(
      [
        'DiscoveryService discovery:',
        '  - watchNamespaces must name at least one namespace; leave it out to watch all of them',
        '  - github.auth must be either { token } or { appId, installationId, privateKey }, not both',
      ].join('\n'),
    );
  });
});
