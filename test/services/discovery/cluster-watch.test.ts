import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ClusterWatch, type ClusterWatchOptions, type WatchRestartReason } from '../../../services/discovery/src/kubernetes/cluster-watch.js';
import type { WatchedKind } from '../../../services/discovery/src/model.js';
import { KubeApiServer, type KubeApiObject } from '../../support/kube-api-server.js';

function service(namespace: string, name: string, annotations: Record<string, string> = {}): KubeApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, annotations, managedFields: [{ manager: 'kubectl' }] },
    spec: {
      clusterIP: '10.0.0.1',
      type: 'ClusterIP',
      selector: { app: name },
      ports: [{ name: 'mcp', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'kgateway.dev/mcp' }],
    },
    status: { loadBalancer: {} },
  };
}

function mcpServer(apiVersion: string, namespace: string, name: string): KubeApiObject {
  return { apiVersion, kind: 'MCPServer', metadata: { name, namespace }, spec: { transport: 'streamable-http', port: 8080 } };
}

const KMCP = 'kagent.dev/v1alpha1';
const TOOLHIVE = 'toolhive.stacklok.dev/v1beta1';

/** Waits (bounded) for the watch to reach a state; no timing is asserted. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ClusterWatch', () => {
  let server: KubeApiServer;
  let watch: ClusterWatch | undefined;
  let warnings: { object: object; message: string }[];
  let restarts: { kind: WatchedKind; reason: WatchRestartReason }[];
  let changes: number;

  function startWatch(options: Partial<ClusterWatchOptions> = {}): ClusterWatch {
    watch = new ClusterWatch({
      kubeConfig: server.kubeConfig(),
      log: { info: () => {}, warn: (object, message) => warnings.push({ object, message }), error: () => {} },
      onChange: () => (changes += 1),
      onWatchRestart: (kind, reason) => restarts.push({ kind, reason }),
      retry: { initialDelayMs: 5, maxDelayMs: 20, absentDelayMs: 20 },
      ...options,
    });
    return watch;
  }

  const names = (kind: WatchedKind) => watch!.list(kind).map((object) => `${object.metadata.namespace}/${object.metadata.name}`).sort();

  beforeEach(async () => {
    server = new KubeApiServer();
    await server.start();
    warnings = [];
    restarts = [];
    changes = 0;
  });

  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
    await server.stop();
  });

  it('lists all three kinds and keeps only the fields discovery reads', async () => {
    // GIVEN a Service with a last-applied annotation, and one MCPServer of each operator
    server.add(service('team-a', 'tools', { 'mcp-platform.dev/enabled': 'true', 'kubectl.kubernetes.io/last-applied-configuration': '{}' }));
    server.add(mcpServer(KMCP, 'team-a', 'kmcp-tools'));
    server.add(mcpServer(TOOLHIVE, 'team-b', 'toolhive-tools'));

    // WHEN the watch starts
    await startWatch().start();

    // THEN each kind is listed, the Service stripped to what discovery reads
    expect(watch!.synced()).toBe(true);
    expect(watch!.list('Service')).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'tools',
          namespace: 'team-a',
          uid: expect.any(String),
          resourceVersion: '2',
          annotations: { 'mcp-platform.dev/enabled': 'true' },
        },
        spec: {
          clusterIP: '10.0.0.1',
          type: 'ClusterIP',
          ports: [{ name: 'mcp', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'kgateway.dev/mcp' }],
        },
      },
    ]);
    expect(watch!.list('KmcpMCPServer')).toMatchObject([
      { apiVersion: KMCP, kind: 'MCPServer', metadata: { name: 'kmcp-tools' }, spec: { transport: 'streamable-http', port: 8080 } },
    ]);
    expect(names('ToolHiveMCPServer')).toEqual(['team-b/toolhive-tools']);
  });

  it('lists in pages of listPageSize', async () => {
    // GIVEN five Services
    for (const name of ['a', 'b', 'c', 'd', 'e']) server.add(service('team-a', name));

    // WHEN the watch lists them two at a time
    await startWatch({ listPageSize: 2 }).start();

    // THEN all five arrive over three list requests
    expect(names('Service')).toHaveLength(5);
    expect(server.requests.filter((request) => request.path === '/api/v1/services' && !request.watch)).toHaveLength(3);
  });

  it('sees additions, changes and deletions through the watch', async () => {
    // GIVEN a running watch over one Service
    const old = server.add(service('team-a', 'old'));
    await startWatch().start();
    const changesAfterStart = changes;

    // WHEN a Service is added and changed, another deleted, and an MCPServer added
    server.add(service('team-a', 'new'));
    server.update(service('team-a', 'new', { 'mcp-platform.dev/path': '/mcp' }));
    server.delete(old);
    server.add(mcpServer(TOOLHIVE, 'team-a', 'fetch'));

    // THEN the watch holds exactly the new state and said so
    await until(() => names('ToolHiveMCPServer').length === 1 && names('Service').join() === 'team-a/new', 'the watched changes');
    expect(watch!.list('Service')[0]!.metadata.annotations).toEqual({ 'mcp-platform.dev/path': '/mcp' });
    expect(changes - changesAfterStart).toBe(4);
  });

  it('watches only the namespaces it is given', async () => {
    // GIVEN Services in three namespaces
    server.add(service('team-a', 'a'));
    server.add(service('team-b', 'b'));
    server.add(service('team-c', 'c'));

    // WHEN the watch is limited to two of them
    await startWatch({ namespaces: ['team-a', 'team-b'] }).start();
    server.add(service('team-c', 'c2'));
    server.add(service('team-b', 'b2'));
    await until(() => names('Service').length === 3, 'the Service added in team-b');

    // THEN only those are held, and no request reached beyond them
    expect(names('Service')).toEqual(['team-a/a', 'team-b/b', 'team-b/b2']);
    expect(server.requests.every((request) => /\/namespaces\/team-[ab]\//.test(request.path))).toBe(true);
  });

  it('rejects a namespace that is not a DNS-1123 label', () => {
    expect(() => startWatch({ namespaces: ['Team_A'] })).toThrow(
      'namespaces: "Team_A" is not a namespace name: use lowercase letters, digits and "-", at most 63 characters',
    );
  });

  it('resumes a closed watch from the last resourceVersion without losing changes made meanwhile', async () => {
    // GIVEN a running watch that has seen one event
    const gone = server.add(service('team-a', 'gone'));
    await startWatch().start();
    server.add(service('team-a', 'kept'));
    await until(() => names('Service').length === 2, 'the first event');
    const listsBefore = server.requests.filter((request) => !request.watch).length;

    // WHEN the server closes every watch and the cluster changes before the client is back
    server.closeWatches();
    server.add(service('team-a', 'added'));
    server.delete(gone);

    // THEN the resumed watch replays both changes, without a new list
    await until(() => names('Service').join() === 'team-a/added,team-a/kept', 'the changes made while closed');
    expect(server.requests.filter((request) => !request.watch)).toHaveLength(listsBefore);
    expect(restarts).toContainEqual({ kind: 'Service', reason: 'ended' });
  });

  it.each(['event', 'http'] as const)('re-lists when the resourceVersion expired (410 as %s)', async (form) => {
    // GIVEN a running watch over two Services
    server.add(service('team-a', 'kept'));
    const gone = server.add(service('team-a', 'gone'));
    await startWatch().start();
    const servicesListed = () => server.requests.filter((request) => request.path === '/api/v1/services' && !request.watch).length;

    // WHEN its watch ends, the cluster changes, and the history it would resume from is compacted
    server.closeWatches();
    server.add(service('team-a', 'added'));
    server.delete(gone);
    server.expireResourceVersions(form);

    // THEN it re-lists: the added Service is seen, the deleted one dropped
    await until(() => names('Service').join() === 'team-a/added,team-a/kept', 'the re-listed Services');
    expect(servicesListed()).toBe(2);
    expect(restarts).toContainEqual({ kind: 'Service', reason: 'expired' });
  });

  it('keeps watching Services while a CRD is not installed, and picks the CRD up once it is', async () => {
    // GIVEN a cluster without the kmcp CRD
    server.crdInstalled('kagent.dev', false);
    server.add(service('team-a', 'tools'));

    // WHEN the watch starts and looks for the CRD a few times
    await startWatch().start();
    await until(() => server.requests.filter((request) => request.path.startsWith('/apis/kagent.dev/')).length >= 3, 'retries');
    server.add(service('team-a', 'later'));
    await until(() => names('Service').length === 2, 'the Service added later');

    // THEN it said so once, and finds kmcp servers once the CRD exists
    expect(warnings.map((warning) => warning.message)).toEqual([
      'mcpservers.kagent.dev is not installed (404); looking for it again every 20 ms',
    ]);
    server.crdInstalled('kagent.dev', true);
    server.add(mcpServer(KMCP, 'team-a', 'kmcp-tools'));
    await until(() => names('KmcpMCPServer').length === 1, 'the kmcp MCPServer');
  });

  it('retries a list that failed with 500', async () => {
    // GIVEN the first Service list fails
    server.add(service('team-a', 'tools'));
    server.failNext('/api/v1/services', 500);

    // WHEN the watch starts
    await startWatch().start();

    // THEN it retried, logged the failure, and has the Service
    expect(names('Service')).toEqual(['team-a/tools']);
    expect(warnings).toEqual([
      {
        object: { kind: 'Service', namespace: '*', status: 500, error: 'injected failure 500 for /api/v1/services', retry: 1 },
        message: 'Kubernetes list or watch failed; retrying',
      },
    ]);
    expect(restarts).toEqual([{ kind: 'Service', reason: 'error' }]);
    expect(watch!.lastFailure()).toBe('HTTP 500: injected failure 500 for /api/v1/services');
  });

  it('starts the back-off over after a watch that delivered events, even when that watch then failed', async () => {
    // GIVEN a running watch
    await startWatch({ retry: { initialDelayMs: 5, maxDelayMs: 60_000, absentDelayMs: 20 } }).start();
    const failures = () => warnings.filter((w) => (w.object as { kind?: string }).kind === 'Service');
    // WHEN, three times, the watch delivers an event and then its connection breaks
    for (let round = 1; round <= 3; round += 1) {
      // The Service is added once the watch is open, so it reaches the client as a watch event, not in a list.
      await until(() => server.openWatches('/api/v1/services') === 1, `watch ${round}`);
      server.add(service('team-a', `s${round}`));
      await until(() => names('Service').length === round, `event ${round}`);
      server.breakWatches();
      await until(() => failures().length === round, `failure ${round}`);
    }
    // THEN each failure is the first retry (an immediate one), not the third of a growing back-off
    expect(failures().map((w) => (w.object as { retry: number }).retry)).toEqual([1, 1, 1]);
    expect(failures()[0].message).toBe('Kubernetes list or watch failed; retrying');
  });

  it('abandons a list page that never answers after listRequestTimeoutMs, and lists again', async () => {
    // GIVEN the first Service list is accepted and never answered
    server.add(service('team-a', 'tools'));
    server.failNext('/api/v1/services', 0);

    // WHEN the watch starts with a short request timeout
    await startWatch({ listRequestTimeoutMs: 200 }).start();

    // THEN the second list answered, and the first one's failure says what happened
    expect(names('Service')).toEqual(['team-a/tools']);
    expect(warnings.map((w) => w.object)).toEqual([{ kind: 'Service', namespace: '*', error: 'no answer within 0.2 s', retry: 1 }]);
    expect(watch!.lastFailure()).toBe('no answer within 0.2 s');
  });

  it('rejects start() when stopped before the first list', async () => {
    // GIVEN the Service list keeps failing
    for (let i = 0; i < 100; i += 1) server.failNext('/api/v1/services', 503);
    const watching = startWatch();
    const started = watching.start();

    // WHEN it is stopped
    await until(() => restarts.length >= 2, 'a retry');
    await watching.stop();

    // THEN start() says why it gave up
    await expect(started).rejects.toThrow('ClusterWatch was stopped before every kind was listed');
    expect(watching.synced()).toBe(false);
  });
});
