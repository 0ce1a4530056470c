/**
 * A Kubernetes API stand-in on 127.0.0.1 for `npm run preflight`: enough of the real wire format for a
 * Kubernetes MCP server to start and list its tools without a cluster. It serves the version and the legacy
 * discovery documents of an empty cluster (core v1, apps/v1, batch/v1) and answers every other request with
 * the API server's own 404 `Status`, so the server sees a reachable cluster where nothing is found.
 *
 * Grounded in what kubernetes-mcp-server (containers/kubernetes-mcp-server) asks for at start-up: it needs a
 * kubeconfig with a current context or it exits (pkg/kubernetes/provider_single.go, NewKubeconfigManager);
 * then its cluster-state watcher calls `ServerGroups()` (GET /api, GET /apis) and looks for the OpenShift
 * `project.openshift.io/v1` group (pkg/kubernetes/watcher/cluster.go, pkg/api/kubernetes.go `HasGVKs`).
 * client-go asks for aggregated discovery (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`)
 * and falls back to the legacy documents when the answer is plain `application/json`, as it is here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify as yamlStringify } from 'yaml';

/** Kubernetes version the stub reports. */
export const STUB_KUBERNETES_VERSION = { major: '1', minor: '34', gitVersion: 'v1.34.0' } as const;

/** [plural, Kind, namespaced, verbs]: the resources of a small cluster, as discovery lists them. */
type StubResource = readonly [name: string, kind: string, namespaced: boolean, verbs?: readonly string[]];

const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SERVED: Readonly<Record<string, readonly StubResource[]>> = {
  v1: [
    ['configmaps', 'ConfigMap', true],
    ['endpoints', 'Endpoints', true],
    ['events', 'Event', true],
    ['namespaces', 'Namespace', false],
    ['nodes', 'Node', false],
    ['persistentvolumeclaims', 'PersistentVolumeClaim', true],
    ['pods', 'Pod', true],
    ['pods/log', 'Pod', true, ['get']],
    ['secrets', 'Secret', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['services', 'Service', true],
  ],
  'apps/v1': [
    ['daemonsets', 'DaemonSet', true],
    ['deployments', 'Deployment', true],
    ['replicasets', 'ReplicaSet', true],
    ['statefulsets', 'StatefulSet', true],
  ],
  'batch/v1': [
    ['cronjobs', 'CronJob', true],
    ['jobs', 'Job', true],
  ],
};

export class KubernetesApiStub {
  /** "METHOD /path" of every request, oldest first. */
  readonly requests: string[] = [];
  private readonly server: Server = createServer((request, response) => this.answer(request, response));

  private constructor() {}

  static async start(): Promise<KubernetesApiStub> {
    const stub = new KubernetesApiStub();
    await new Promise<void>((resolve, reject) => {
      stub.server.once('error', reject);
      stub.server.listen(0, '127.0.0.1', resolve);
    });
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * A kubeconfig whose current context is this stub, with a placeholder token (the stub checks none).
   * `insecure-skip-tls-verify`: the stub speaks plain HTTP on loopback, which @kubernetes/client-node (the
   * client of JavaScript Kubernetes servers) refuses without it; client-go takes it as it is.
   */
  kubeconfig(): string {
    return yamlStringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'preflight-stub', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'preflight', user: { token: 'preflight-stub' } }],
      contexts: [{ name: 'preflight-stub', context: { cluster: 'preflight-stub', user: 'preflight', namespace: 'default' } }],
      'current-context': 'preflight-stub',
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://stub').pathname.replace(/\/+$/, '') || '/';
    this.requests.push(`${request.method} ${path}`);
    if (request.method !== 'GET') return status(response, 405, 'MethodNotAllowed', `the preflight stub serves no ${request.method} requests`);
    const document = this.document(path);
    if (document === undefined) return status(response, 404, 'NotFound', 'the server could not find the requested resource');
    send(response, 200, document);
  }

  private document(path: string): unknown {
    if (path === '/version') {
      return { ...STUB_KUBERNETES_VERSION, gitCommit: '', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.24', compiler: 'gc', platform: 'linux/amd64' };
    }
    if (path === '/api') {
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: new URL(this.url).host }] };
    }
    if (path === '/apis') {
      const groups = Object.keys(SERVED).filter((gv) => gv.includes('/'));
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((groupVersion) => {
          const [name, version] = groupVersion.split('/');
          return { name, versions: [{ groupVersion, version }], preferredVersion: { groupVersion, version } };
        }),
      };
    }
    const groupVersion = path === '/api/v1' ? 'v1' : /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
    const resources = groupVersion === undefined ? undefined : SERVED[groupVersion];
    if (!resources) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: resources.map(([name, kind, namespaced, verbs]) => ({
        name,
        singularName: name.includes('/') ? '' : kind.toLowerCase(),
        namespaced,
        kind,
        verbs: verbs ?? READ_WRITE,
      })),
    };
  }
}

function send(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  response.end(text);
}

/** The API server's error body: a `Status` of kind Failure. */
function status(response: ServerResponse, code: number, reason: string, message: string): void {
  send(response, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details: {}, code });
}
