/**
 * Keeps the cluster's Services and kmcp and ToolHive MCPServers in memory by list + watch, the way an
 * informer does: list in pages, watch from the list's resourceVersion, resume a watch that ends from the
 * last resourceVersion seen, re-list on 410 Gone and after errors (with capped backoff), and look for a
 * CRD that is not installed again slowly without holding up the others.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Watch,
  Observable,
  type ConfigurationOptions,
} from '@kubernetes/client-node';
import { DNS_LABEL } from '../../../../constructs/formats.js';
import type { ClusterObjects, KubeObject, WatchedKind } from '../model.js';

/** A pino-like logger. */
export interface ClusterWatchLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** Why a watch was started again: it ended, its resourceVersion expired (410), or it failed. */
export type WatchRestartReason = 'ended' | 'expired' | 'error';

export interface ClusterWatchRetry {
  /** Delay before the second retry in a row (the first is immediate); it doubles from there. @default 1000 */
  readonly initialDelayMs?: number;
  /** @default 30000 */
  readonly maxDelayMs?: number;
  /** How often a kind whose CRD is not installed is looked for again. @default 60000 */
  readonly absentDelayMs?: number;
}

export interface ClusterWatchOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespaces to watch. @default all namespaces (also when empty) */
  readonly namespaces?: readonly string[];
  readonly log: ClusterWatchLog;
  /** Called after the objects of any kind changed (once per list, once per watch event). */
  readonly onChange?: () => void;
  /** Called each time a watch is started again, e.g. to count restarts in a metric. */
  readonly onWatchRestart?: (kind: WatchedKind, reason: WatchRestartReason) => void;
  readonly retry?: ClusterWatchRetry;
  /** Objects per list page. @default 500 */
  readonly listPageSize?: number;
  /**
   * A list page that has not answered in this long is abandoned and retried: without it, an API server
   * that accepts the connection and never answers holds the first list forever. @default 30000
   */
  readonly listRequestTimeoutMs?: number;
}

interface WatchedResource {
  readonly kind: WatchedKind;
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly objectKind: string;
  readonly keepSpec: (spec: any) => unknown;
}

const RESOURCES: readonly WatchedResource[] = [
  { kind: 'Service', group: '', version: 'v1', plural: 'services', objectKind: 'Service', keepSpec: serviceSpec },
  { kind: 'KmcpMCPServer', group: 'kagent.dev', version: 'v1alpha1', plural: 'mcpservers', objectKind: 'MCPServer', keepSpec: (spec) => spec },
  {
    kind: 'ToolHiveMCPServer',
    group: 'toolhive.stacklok.dev',
    version: 'v1beta1',
    plural: 'mcpservers',
    objectKind: 'MCPServer',
    keepSpec: (spec) => spec,
  },
];

/** The API server ends the watch after this long, so a silently dead connection is noticed within it. */
const WATCH_TIMEOUT_SECONDS = 300;

/** Holds the whole last-applied object as JSON: the largest annotation by far, and never an MCP one. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export class ClusterWatch implements ClusterObjects {
  private readonly scopes: readonly ScopeWatch[];
  private readonly stopping = new AbortController();
  private running: Promise<void>[] = [];
  private failure: string | undefined;

  constructor(private readonly options: ClusterWatchOptions) {
    const namespaces = [...new Set(options.namespaces ?? [])];
    for (const namespace of namespaces) {
      if (!DNS_LABEL.test(namespace) || namespace.length > 63) {
        throw new Error(
          `namespaces: "${namespace}" is not a namespace name: use lowercase letters, digits and "-", at most 63 characters`,
        );
      }
    }
    const requestTimeoutMs = options.listRequestTimeoutMs ?? 30_000;
    const context: ScopeContext = {
      core: options.kubeConfig.makeApiClient(CoreV1Api),
      custom: options.kubeConfig.makeApiClient(CustomObjectsApi),
      watch: new Watch(options.kubeConfig),
      signal: this.stopping.signal,
      log: options.log,
      onChange: options.onChange ?? (() => {}),
      onWatchRestart: options.onWatchRestart ?? (() => {}),
      initialDelayMs: options.retry?.initialDelayMs ?? 1000,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      absentDelayMs: options.retry?.absentDelayMs ?? 60_000,
      pageSize: options.listPageSize ?? 500,
      requestTimeoutMs,
      recordFailure: (failure) => (this.failure = failure),
      listOptions: {
        middleware: [
          {
            pre: (request) => (
              request.setSignal(AbortSignal.any([this.stopping.signal, AbortSignal.timeout(requestTimeoutMs)])), new Observable(Promise.resolve(request))
            ),
            post: (response) => new Observable(Promise.resolve(response)),
          },
        ],
        middlewareMergeStrategy: 'append',
      },
    };
    const scopeNamespaces = namespaces.length === 0 ? [undefined] : namespaces;
    this.scopes = RESOURCES.flatMap((resource) =>
      scopeNamespaces.map((namespace) => new ScopeWatch(context, resource, namespace)),
    );
  }

  /** Starts every watch; resolves once each kind has been listed (or found not installed) in every namespace. */
  async start(): Promise<void> {
    if (this.running.length > 0 || this.stopping.signal.aborted) {
      throw new Error('ClusterWatch.start() runs once, before stop(): create a new ClusterWatch to watch again');
    }
    this.running = this.scopes.map((scope) => scope.run());
    const stopped = new Promise<never>((_, reject) =>
      this.stopping.signal.addEventListener('abort', () =>
        reject(new Error('ClusterWatch was stopped before every kind was listed')),
      ),
    );
    // A stop after the first sync must not surface as an unhandled rejection.
    stopped.catch(() => undefined);
    await Promise.race([Promise.all(this.scopes.map((scope) => scope.firstSync)), stopped]);
    this.options.log.info(
      Object.fromEntries(RESOURCES.map((resource) => [resource.kind, this.list(resource.kind).length])),
      'cluster watch synced',
    );
  }

  /** Ends every watch and list in flight; resolves when all have stopped. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.running);
  }

  list(kind: WatchedKind): readonly KubeObject[] {
    return this.scopes.filter((scope) => scope.resource.kind === kind).flatMap((scope) => [...scope.objects.values()]);
  }

  /** The last list or watch failure, e.g. "connect ECONNREFUSED 127.0.0.1:6443"; undefined while none failed. */
  lastFailure(): string | undefined {
    return this.failure;
  }

  /** Whether every kind has been listed (or found not installed) at least once. */
  synced(): boolean {
    return this.scopes.every((scope) => scope.synced);
  }
}

interface ScopeContext {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly watch: Watch;
  readonly signal: AbortSignal;
  readonly log: ClusterWatchLog;
  readonly onChange: () => void;
  readonly onWatchRestart: (kind: WatchedKind, reason: WatchRestartReason) => void;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly absentDelayMs: number;
  readonly pageSize: number;
  readonly requestTimeoutMs: number;
  readonly recordFailure: (failure: string) => void;
  /** Request options that abort a list in flight when the watch is stopped. */
  readonly listOptions: ConfigurationOptions;
}

interface ListPage {
  readonly items: readonly any[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
}

/** One kind in one namespace (or in all): its objects and the list + watch loop that keeps them. */
class ScopeWatch {
  objects = new Map<string, KubeObject>();
  synced = false;
  readonly firstSync: Promise<void>;
  private resolveFirstSync!: () => void;
  private resourceVersion = '';
  private absent = false;
  /** Events the current (or last) watch stream delivered: a stream that delivered some was healthy. */
  private watchEvents = 0;
  private readonly apiVersion: string;
  private readonly path: string;
  private readonly where: { kind: WatchedKind; namespace: string };

  constructor(
    private readonly context: ScopeContext,
    readonly resource: WatchedResource,
    private readonly namespace: string | undefined,
  ) {
    this.firstSync = new Promise((resolve) => (this.resolveFirstSync = resolve));
    this.apiVersion = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
    const root = resource.group === '' ? '/api/v1' : `/apis/${this.apiVersion}`;
    this.path = `${root}${namespace === undefined ? '' : `/namespaces/${namespace}`}/${resource.plural}`;
    this.where = { kind: resource.kind, namespace: namespace ?? '*' };
  }

  async run(): Promise<void> {
    const { signal, log } = this.context;
    let relist = true;
    // Restarts since the last watch event: the first is immediate, later ones back off.
    let restarts = 0;
    while (!signal.aborted) {
      this.watchEvents = 0;
      try {
        if (relist) {
          await this.relist();
        }
        const end = await this.watchOnce();
        if (signal.aborted) {
          return;
        }
        restarts = end.events > 0 ? 1 : restarts + 1;
        relist = end.reason === 'expired';
        this.context.onWatchRestart(this.resource.kind, end.reason);
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        relist = true;
        if (this.resource.group !== '' && statusOf(error) === 404) {
          this.markAbsent();
          await this.pause(this.context.absentDelayMs);
          continue;
        }
        // A watch that delivered events before it failed was healthy: the back-off starts over.
        restarts = this.watchEvents > 0 ? 1 : restarts + 1;
        const failure = isAbort(error) ? { error: `no answer within ${this.context.requestTimeoutMs / 1000} s` } : describe(error);
        this.context.recordFailure(failureText(failure));
        log.warn({ ...this.where, ...failure, retry: restarts }, 'Kubernetes list or watch failed; retrying');
        this.context.onWatchRestart(this.resource.kind, 'error');
      }
      await this.pause(this.backoff(restarts));
    }
  }

  private backoff(restarts: number): number {
    if (restarts <= 1) {
      return 0;
    }
    return Math.min(this.context.maxDelayMs, this.context.initialDelayMs * 2 ** (restarts - 2));
  }

  private async pause(ms: number): Promise<void> {
    if (ms > 0) {
      await sleep(ms, undefined, { signal: this.context.signal }).catch(() => undefined);
    }
  }

  private async relist(): Promise<void> {
    const objects = new Map<string, KubeObject>();
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = await this.listPage(continueToken);
      for (const item of page.items) {
        const object = this.keep(item);
        objects.set(keyOf(object), object);
      }
      resourceVersion ||= page.resourceVersion;
      continueToken = page.continueToken;
    } while (continueToken);
    if (this.absent) {
      this.absent = false;
      this.context.log.info(this.where, 'CRD is installed now; watching it');
    }
    const changed = !sameObjects(this.objects, objects);
    this.objects = objects;
    this.resourceVersion = resourceVersion;
    this.markSynced();
    if (changed) {
      this.context.onChange();
    }
  }

  private async listPage(continueToken: string | undefined): Promise<ListPage> {
    const { core, custom, pageSize, listOptions: options } = this.context;
    const { group, version, plural } = this.resource;
    const paging = { limit: pageSize, _continue: continueToken };
    if (group === '') {
      const list =
        this.namespace === undefined
          ? await core.listServiceForAllNamespaces(paging, options)
          : await core.listNamespacedService({ ...paging, namespace: this.namespace }, options);
      return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '', continueToken: list.metadata?._continue };
    }
    const list =
      this.namespace === undefined
        ? await custom.listClusterCustomObject({ ...paging, group, version, plural }, options)
        : await custom.listNamespacedCustomObject({ ...paging, group, version, plural, namespace: this.namespace }, options);
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '', continueToken: list.metadata?.continue };
  }

  /** Watches from the last resourceVersion until the stream ends (resolves) or fails (rejects). */
  private watchOnce(): Promise<{ reason: 'ended' | 'expired'; events: number }> {
    const { watch, signal, onChange } = this.context;
    return new Promise((resolve, reject) => {
      let events = 0;
      let expired = false;
      let failure: unknown;
      let controller: AbortController | undefined;
      let abortRequested = false;
      const abort = () => {
        abortRequested = true;
        controller?.abort();
      };
      // watch() hands out its AbortController only once response headers arrive, so stop() cannot wait for it.
      const stop = () => {
        abort();
        resolve({ reason: 'ended', events });
      };
      signal.addEventListener('abort', stop, { once: true });

      const onEvent = (type: string, object: any) => {
        if (abortRequested) {
          return;
        }
        if (type === 'ERROR') {
          if (object?.code === 410) {
            expired = true;
          } else {
            failure = Object.assign(new Error(`watch ERROR event: ${object?.message ?? JSON.stringify(object)}`), {
              statusCode: object?.code,
            });
          }
          abort();
          return;
        }
        events += 1;
        this.watchEvents = events;
        this.resourceVersion = object?.metadata?.resourceVersion ?? this.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED') {
          const kept = this.keep(object);
          this.objects.set(keyOf(kept), kept);
          onChange();
        } else if (type === 'DELETED' && this.objects.delete(keyOf(object))) {
          onChange();
        }
      };
      const done = (error: unknown) => {
        signal.removeEventListener('abort', stop);
        if (expired || statusOf(error) === 410) {
          resolve({ reason: 'expired', events });
        } else if (failure !== undefined) {
          reject(failure);
        } else if (error && !abortRequested) {
          reject(error);
        } else {
          resolve({ reason: 'ended', events });
        }
      };
      const query = { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS };
      watch.watch(this.path, query, onEvent, done).then(
        (started) => {
          controller = started;
          if (abortRequested) {
            started.abort();
          }
        },
        (error: unknown) => {
          signal.removeEventListener('abort', stop);
          reject(error);
        },
      );
    });
  }

  /** Only what discovery reads, so that 10,000 Services stay small in memory. */
  private keep(object: any): KubeObject {
    const metadata = object.metadata ?? {};
    const annotations = metadata.annotations as Record<string, string> | undefined;
    const kept: Record<string, unknown> = { name: metadata.name };
    if (metadata.namespace !== undefined) kept.namespace = metadata.namespace;
    if (metadata.uid !== undefined) kept.uid = metadata.uid;
    if (metadata.resourceVersion !== undefined) kept.resourceVersion = metadata.resourceVersion;
    if (annotations !== undefined) {
      const { [LAST_APPLIED]: _lastApplied, ...rest } = annotations;
      kept.annotations = rest;
    }
    if (metadata.labels !== undefined) kept.labels = metadata.labels;
    return {
      apiVersion: this.apiVersion,
      kind: this.resource.objectKind,
      metadata: kept as unknown as KubeObject['metadata'],
      spec: object.spec === undefined ? undefined : this.resource.keepSpec(object.spec),
    };
  }

  private markSynced(): void {
    this.synced = true;
    this.resolveFirstSync();
  }

  private markAbsent(): void {
    if (!this.absent) {
      this.absent = true;
      this.context.log.warn(
        { ...this.where, apiVersion: this.apiVersion, retryMs: this.context.absentDelayMs },
        `${this.resource.plural}.${this.resource.group} is not installed (404); looking for it again every ${this.context.absentDelayMs} ms`,
      );
    }
    this.resourceVersion = '';
    if (this.objects.size > 0) {
      this.objects = new Map();
      this.context.onChange();
    }
    this.markSynced();
  }
}

/** Service fields discovery reads: where to connect and which ports speak MCP. */
function serviceSpec(spec: any): unknown {
  return defined({
    clusterIP: spec.clusterIP,
    type: spec.type,
    externalName: spec.externalName,
    ports: spec.ports?.map((port: any) =>
      defined({ name: port.name, port: port.port, targetPort: port.targetPort, protocol: port.protocol, appProtocol: port.appProtocol }),
    ),
  });
}

/** Drops undefined fields: the typed client sets every field its model knows, present or not. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function keyOf(object: { metadata?: { namespace?: string; name?: string } }): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function sameObjects(before: ReadonlyMap<string, KubeObject>, after: ReadonlyMap<string, KubeObject>): boolean {
  if (before.size !== after.size) {
    return false;
  }
  for (const [key, object] of after) {
    const old = before.get(key);
    if (old?.metadata.uid !== object.metadata.uid || old?.metadata.resourceVersion !== object.metadata.resourceVersion) {
      return false;
    }
  }
  return true;
}

/** The HTTP status of a failed list (ApiException.code) or watch (Error.statusCode). */
function statusOf(error: unknown): number | undefined {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/** "connect ECONNREFUSED 127.0.0.1:6443", "HTTP 403: services is forbidden: ...": the log line's URL left out. */
function failureText({ status, error }: { status?: number; error: string }): string {
  const reason = error.replace(/^request to \S+ failed, reason: /, '');
  return status === undefined ? reason : `HTTP ${status}${reason ? `: ${reason}` : ''}`;
}

/** A request abandoned by its signal (here: the list timeout, since a stop returns before this is asked). */
function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'AbortError';
}

/** A short description for the log line: the ApiException message also carries the body and all headers. */
function describe(error: unknown): { status?: number; error: string } {
  const status = statusOf(error);
  const body = (error as { body?: unknown } | undefined)?.body;
  let message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  if (typeof body === 'string') {
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      message = body.slice(0, 200);
    }
  }
  return status === undefined ? { error: message } : { status, error: message };
}
