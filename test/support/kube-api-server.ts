/**
 * A local Kubernetes API server for tests: the list and watch subset that the discovery service's
 * real `@kubernetes/client-node` calls use, with test controls for the failure modes that matter
 * (watch closed, 410 Gone, 5xx, CRD not installed). Objects are kept as JSON strings so that
 * holding and listing 10,000 Services stays cheap.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** An object as a test hands it in: metadata.uid and metadata.resourceVersion are set by the server. */
export interface KubeApiObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** One request the server answered, in arrival order. */
export interface KubeApiRequest {
  readonly method: string;
  /** The URL path without its query, e.g. "/api/v1/namespaces/team-a/services". */
  readonly path: string;
  readonly watch: boolean;
  readonly resourceVersion?: string;
}

/** How a watch from an expired resourceVersion is refused. */
export type ExpiredForm =
  /** What the real API server does: HTTP 200, one ERROR event carrying a Status of code 410, end of stream. */
  | 'event'
  /** An HTTP 410 response with a Status body. */
  | 'http';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface WatchEvent {
  readonly resource: string;
  readonly namespace: string;
  readonly resourceVersion: number;
  readonly line: string;
}

interface OpenWatch {
  readonly path: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly response: ServerResponse;
}

/** Plural of each kind this server serves, and back. */
const PLURALS: Readonly<Record<string, string>> = { Service: 'services', MCPServer: 'mcpservers' };
const KINDS: Readonly<Record<string, string>> = { services: 'Service', mcpservers: 'MCPServer' };

/** Past this many events the oldest are dropped, as etcd compaction does, and older watches get 410. */
const HISTORY_LIMIT = 20_000;

export class KubeApiServer {
  /** Every request answered, oldest first. */
  readonly requests: KubeApiRequest[] = [];
  private readonly server: Server = createServer((request, response) => this.answer(request, response));
  /** Resource ("v1/services") to object key ("namespace/name") to the object's JSON. */
  private readonly resources = new Map<string, Map<string, string>>();
  private readonly sortedKeys = new Map<string, readonly string[]>();
  private readonly history: WatchEvent[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly failures: { path: string; status: number }[] = [];
  private readonly missingGroups = new Set<string>();
  private resourceVersion = 1;
  /** Watches and continue tokens from before this resourceVersion get 410. */
  private oldestResourceVersion = 0;
  private expiredForm: ExpiredForm = 'event';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.closeWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A KubeConfig that points the real client at this server. */
  kubeConfig(): KubeConfig {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'fake' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
      currentContext: 'fake',
    });
    return kubeConfig;
  }

  /** Creates the object; returns it as stored, with uid and resourceVersion. */
  add(object: KubeApiObject): KubeApiObject {
    const { resource, key } = this.locate(object);
    if (this.store(resource).has(key)) {
      throw new Error(`${object.kind} ${key} already exists: use update()`);
    }
    return this.write(resource, key, object, randomUUID(), 'ADDED');
  }

  /** Replaces the object (its uid is kept); returns it as stored. */
  update(object: KubeApiObject): KubeApiObject {
    const { resource, key } = this.locate(object);
    const stored = this.store(resource).get(key);
    if (stored === undefined) {
      throw new Error(`${object.kind} ${key} does not exist: use add()`);
    }
    return this.write(resource, key, object, (JSON.parse(stored) as KubeApiObject).metadata.uid as string, 'MODIFIED');
  }

  delete(object: KubeApiObject): void {
    const { resource, key } = this.locate(object);
    const stored = this.store(resource).get(key);
    if (stored === undefined) {
      throw new Error(`${object.kind} ${key} does not exist`);
    }
    const last = JSON.parse(stored) as KubeApiObject;
    this.store(resource).delete(key);
    this.sortedKeys.delete(resource);
    this.write(resource, key, last, last.metadata.uid as string, 'DELETED');
  }

  /** Ends every open watch stream, as an API server restart or a proxy timeout does. */
  closeWatches(): void {
    for (const watch of this.watches) {
      watch.response.end();
    }
    this.watches.clear();
  }

  /** How many watch streams are open on `path` (e.g. "/api/v1/services"). */
  openWatches(path: string): number {
    return [...this.watches].filter((watch) => watch.path === path).length;
  }

  /** Breaks every open watch stream mid-response (the connection resets), as a crashed proxy or node does: the client sees an error, not an end. */
  breakWatches(): void {
    for (const watch of this.watches) {
      watch.response.destroy();
    }
    this.watches.clear();
  }

  /** Every resourceVersion handed out so far becomes too old: a later watch or continue token from one gets 410 in `form`. */
  expireResourceVersions(form: ExpiredForm = 'event'): void {
    this.oldestResourceVersion = this.resourceVersion;
    this.expiredForm = form;
    this.history.length = 0;
  }

  /** The next request for `path` (list or watch) is answered with `status` and a Status body; status 0 never answers it. */
  failNext(path: string, status: number): void {
    this.failures.push({ path, status });
  }

  /** Whether the CRDs of API group `group` exist; when not, the group answers 404, its objects are dropped and its watches end. */
  crdInstalled(group: string, installed: boolean): void {
    if (installed) {
      this.missingGroups.delete(group);
      return;
    }
    this.missingGroups.add(group);
    for (const [resource, objects] of this.resources) {
      if (resource.startsWith(`${group}/`)) {
        objects.clear();
        this.sortedKeys.delete(resource);
      }
    }
    for (const watch of this.watches) {
      if (watch.resource.startsWith(`${group}/`)) {
        watch.response.end();
        this.watches.delete(watch);
      }
    }
  }

  private locate(object: KubeApiObject): { resource: string; key: string } {
    const plural = PLURALS[object.kind];
    if (plural === undefined) {
      throw new Error(`kind "${object.kind}" is not served: use one of ${Object.keys(PLURALS).join(', ')}`);
    }
    return { resource: `${object.apiVersion}/${plural}`, key: `${object.metadata.namespace ?? ''}/${object.metadata.name}` };
  }

  private store(resource: string): Map<string, string> {
    let objects = this.resources.get(resource);
    if (objects === undefined) {
      objects = new Map();
      this.resources.set(resource, objects);
    }
    return objects;
  }

  private write(resource: string, key: string, object: KubeApiObject, uid: string, type: EventType): KubeApiObject {
    this.resourceVersion += 1;
    const stored: KubeApiObject = {
      ...object,
      metadata: { ...object.metadata, uid, resourceVersion: String(this.resourceVersion) },
    };
    const json = JSON.stringify(stored);
    if (type !== 'DELETED') {
      if (!this.store(resource).has(key)) {
        this.sortedKeys.delete(resource);
      }
      this.store(resource).set(key, json);
    }
    const event: WatchEvent = {
      resource,
      namespace: object.metadata.namespace ?? '',
      resourceVersion: this.resourceVersion,
      line: `{"type":"${type}","object":${json}}\n`,
    };
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) {
      this.oldestResourceVersion = this.history.shift()!.resourceVersion;
    }
    for (const watch of this.watches) {
      if (watch.resource === resource && (watch.namespace === undefined || watch.namespace === event.namespace)) {
        watch.response.write(event.line);
      }
    }
    return stored;
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const watch = url.searchParams.get('watch') === 'true';
    const resourceVersion = url.searchParams.get('resourceVersion') ?? undefined;
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, watch, resourceVersion });

    const failure = this.failures.findIndex((candidate) => candidate.path === url.pathname);
    if (failure >= 0) {
      const { status } = this.failures.splice(failure, 1)[0]!;
      // Held open, unanswered, until the client gives up or stop() closes every connection.
      if (status === 0) return;
      return sendStatus(response, status, 'InternalError', `injected failure ${status} for ${url.pathname}`);
    }
    const route = parseRoute(url.pathname);
    if (request.method !== 'GET' || route === undefined || (route.group !== '' && this.missingGroups.has(route.group))) {
      return sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');
    }
    if (watch) {
      return this.openWatch(response, route, resourceVersion);
    }
    this.list(response, route, url.searchParams);
  }

  private list(response: ServerResponse, route: Route, query: URLSearchParams): void {
    let listResourceVersion = this.resourceVersion;
    let after = '';
    const token = query.get('continue');
    if (token) {
      const decoded = JSON.parse(Buffer.from(token, 'base64url').toString()) as { rv: number; key: string };
      if (decoded.rv < this.oldestResourceVersion) {
        return sendStatus(response, 410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.');
      }
      listResourceVersion = decoded.rv;
      after = decoded.key;
    }
    const limit = Number(query.get('limit') ?? 0);
    const objects = this.store(route.resource);
    const prefix = route.namespace === undefined ? '' : `${route.namespace}/`;
    const items: string[] = [];
    let last = '';
    let more = false;
    // Key order, resumed after the last key sent, so an object written between pages is neither lost nor sent twice.
    for (const key of this.sorted(route.resource)) {
      if (key <= after || !key.startsWith(prefix)) {
        continue;
      }
      if (limit > 0 && items.length === limit) {
        more = true;
        break;
      }
      items.push(objects.get(key)!);
      last = key;
    }
    const metadata: Record<string, string> = { resourceVersion: String(listResourceVersion) };
    if (more) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: listResourceVersion, key: last })).toString('base64url');
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      `{"kind":"${route.kind}List","apiVersion":"${route.apiVersion}","metadata":${JSON.stringify(metadata)},"items":[${items.join(',')}]}`,
    );
  }

  private openWatch(response: ServerResponse, route: Route, resourceVersion: string | undefined): void {
    const from = Number(resourceVersion || 0);
    if (from > 0 && from < this.oldestResourceVersion) {
      const message = `too old resource version: ${from} (${this.oldestResourceVersion})`;
      if (this.expiredForm === 'http') {
        return sendStatus(response, 410, 'Expired', message);
      }
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(`{"type":"ERROR","object":${statusBody(410, 'Expired', message)}}\n`);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    // The client's watch() resolves only once headers arrive; the real API server sends them at once.
    response.flushHeaders();
    const inScope = (namespace: string) => route.namespace === undefined || route.namespace === namespace;
    if (from === 0) {
      // Without a resourceVersion the API server starts with the current state as ADDED events.
      const objects = this.store(route.resource);
      for (const key of this.sorted(route.resource)) {
        if (inScope(key.slice(0, key.indexOf('/')))) {
          response.write(`{"type":"ADDED","object":${objects.get(key)!}}\n`);
        }
      }
    } else {
      for (const event of this.history) {
        if (event.resourceVersion > from && event.resource === route.resource && inScope(event.namespace)) {
          response.write(event.line);
        }
      }
    }
    const watch: OpenWatch = { path: route.path, resource: route.resource, namespace: route.namespace, response };
    this.watches.add(watch);
    response.on('close', () => this.watches.delete(watch));
  }

  private sorted(resource: string): readonly string[] {
    let keys = this.sortedKeys.get(resource);
    if (keys === undefined) {
      keys = [...this.store(resource).keys()].sort();
      this.sortedKeys.set(resource, keys);
    }
    return keys;
  }
}

interface Route {
  /** "" for the core group. */
  readonly group: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespace?: string;
  /** The URL path it was parsed from. */
  readonly path: string;
}

function parseRoute(path: string): Route | undefined {
  const match =
    /^\/api\/(?<version>v1)(?:\/namespaces\/(?<namespace>[^/]+))?\/(?<plural>[a-z]+)$/.exec(path) ??
    /^\/apis\/(?<group>[^/]+)\/(?<version>[^/]+)(?:\/namespaces\/(?<namespace>[^/]+))?\/(?<plural>[a-z]+)$/.exec(path);
  const { group = '', version, namespace, plural } = match?.groups ?? {};
  const kind = plural === undefined ? undefined : KINDS[plural];
  if (kind === undefined) {
    return undefined;
  }
  const apiVersion = group === '' ? version! : `${group}/${version}`;
  return { group, apiVersion, kind, resource: `${apiVersion}/${plural}`, namespace, path };
}

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function sendStatus(response: ServerResponse, code: number, reason: string, message: string): void {
  response.writeHead(code, { 'Content-Type': 'application/json' });
  response.end(statusBody(code, reason, message));
}
