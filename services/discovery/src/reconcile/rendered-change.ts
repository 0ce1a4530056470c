/**
 * What merging a server file changes in the rendered manifests, rendered by the platform's own constructs
 * (`McpServer` and `McpGateway`, as `stacks/workloads.ts` composes them) rather than described by hand: the
 * server is rendered into the gateway's application once without and once with it, and the difference is the
 * route, the backend target, the gateway's new egress rule and every object that is added or changes. Doing
 * so also proves that the platform's constructs accept the file before a pull request proposes it.
 *
 * Only the gateway and this server are rendered: the other servers, auth, rate limits and the cluster
 * profile are the platform config's, which the service does not read, so the pull request's CI check
 * comments the full rendered diff against the base branch.
 */
import type { McpServerConfig } from '../../../../stacks/config.js';

/** Where the gateway runs and which Argo CD application syncs it. */
export interface PlatformContext {
  /** The platform's namespace (`namespace` in the platform config). */
  readonly namespace: string;
  /** The Argo CD application of {@link GATEWAY_APP_FOLDER}, e.g. "homelab-mcp-servers". @default unnamed */
  readonly application?: string;
}

/**
 * The output folder (and chart) of the gateway and the MCP servers: `addApp('mcp-servers', ...)` in
 * stacks/workloads.ts, which exports no constant for it (a test checks the two agree).
 */
export const GATEWAY_APP_FOLDER = 'mcp-servers';

/** The gateway's route to one server, and its place on the aggregated endpoint, as rendered in agentgateway's config. */
export interface RenderedRoute {
  /** e.g. "mcp-server-adguard" */
  readonly name: string;
  /** What a client calls on the gateway, e.g. "/mcp/adguard" (a path prefix). */
  readonly path: string;
  /** e.g. "mcp-aggregate" */
  readonly aggregateRoute: string;
  /** e.g. "/mcp" (an exact path). */
  readonly aggregatePath: string;
  /** The backend target, on both routes. */
  readonly target: {
    readonly name: string;
    /** agentgateway's target kind: "mcp" (Streamable HTTP) or "sse". */
    readonly kind: 'mcp' | 'sse';
    readonly host: string;
    readonly port: number;
    readonly path: string;
  };
}

/** One egress rule of a NetworkPolicy, as rendered. */
export interface RenderedEgressRule {
  readonly to: readonly Record<string, any>[];
  readonly ports: readonly { readonly protocol?: string; readonly port?: number | string; readonly endPort?: number }[];
}

export interface RenderedObjectChange {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly change: 'added' | 'changed';
  /** For a changed object, the fields that differ, e.g. `data["config.json"]`; arrays count as one field. */
  readonly fields: readonly string[];
}

export interface RenderedChange {
  readonly folder: string;
  readonly application?: string;
  readonly namespace: string;
  readonly route: RenderedRoute;
  /** The gateway's NetworkPolicy, "namespace/name", and the egress rules the server adds to it. */
  readonly egressPolicy: string;
  readonly egress: readonly RenderedEgressRule[];
  /** The tools the rendered gateway counts for the server (its declared `tools`), per endpoint. */
  readonly serverTools: number;
  readonly objects: readonly RenderedObjectChange[];
}

type Manifest = Record<string, any>;

/** Renders are cached by input: every pass rebuilds each open pull request's body to compare it. */
const cache = new Map<string, Promise<RenderedChange>>();
const CACHE_LIMIT = 256;
const gatewayAlone = new Map<string, readonly Manifest[]>();

/**
 * What declaring `server` (as the platform's config schema parsed it) changes. Throws with the construct's
 * own message when the platform would reject the server.
 */
export function renderServerChange(server: McpServerConfig, platform: PlatformContext): Promise<RenderedChange> {
  const key = JSON.stringify([server, platform]);
  let change = cache.get(key);
  if (!change) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    change = render(server, platform);
    // A failure is not kept: the next pass renders again.
    change.catch(() => cache.delete(key));
    cache.set(key, change);
  }
  return change;
}

async function render(server: McpServerConfig, platform: PlatformContext): Promise<RenderedChange> {
  // Loaded on first use: cdk8s and cdk8s-plus cost about 25 MB of heap that a pass with no new server never needs.
  // One after the other: they share modules, and jest's ESM loader fails on two concurrent imports of one.
  const { App, Chart } = await import('cdk8s');
  const { McpServer } = await import('../../../../constructs/mcp/mcp-server.js');
  const { McpGateway } = await import('../../../../constructs/gateway/mcp-gateway.js');
  const { AGGREGATE_ROUTE_NAME, serverRouteName } = await import('../../../../constructs/gateway/agentgateway-config.js');
  const { ComponentNames, componentSelector } = await import('../../../../constructs/labels.js');
  const { namespace } = platform;
  const renderApp = (withServer: boolean) => {
    const chart = new Chart(new App(), GATEWAY_APP_FOLDER, { namespace, disableResourceNameHashes: true });
    if (withServer) {
      // The clients stacks/workloads.ts gives every server: the gateway and the discovery service.
      const clients = [ComponentNames.gateway, ComponentNames.discovery].map((name) => ({ podLabels: componentSelector(name) }));
      new McpServer(chart, server.name, { ...server, namespace, clients });
    }
    const gateway = new McpGateway(chart, 'gateway', { namespace });
    return { objects: chart.toJson() as Manifest[], gateway };
  };
  // The gateway alone is the same for every server: rendered once per namespace.
  let before = gatewayAlone.get(namespace);
  if (!before) gatewayAlone.set(namespace, (before = renderApp(false).objects));
  const after = renderApp(true);

  const routes = (after.gateway.config.routes ?? []) as Manifest[];
  const own = routes.find((r) => r.name === serverRouteName(server.name));
  const aggregate = routes.find((r) => r.name === AGGREGATE_ROUTE_NAME);
  const target = own?.backends?.[0]?.mcp?.targets?.[0] as Manifest | undefined;
  if (!own || !aggregate || !target) throw new Error(`the rendered gateway config has no route ${serverRouteName(server.name)} with a target`);
  const kind = 'sse' in target ? 'sse' : 'mcp';
  const onAggregate = (aggregate.backends?.[0]?.mcp?.targets as Manifest[] | undefined)?.some((t) => t.name === target.name);
  if (!onAggregate) throw new Error(`the rendered gateway config does not put ${target.name} on route ${AGGREGATE_ROUTE_NAME}`);

  const policyOf = (objects: readonly Manifest[]) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === after.gateway.service.name);
  const beforeRules = new Set(((policyOf(before)?.spec?.egress ?? []) as Manifest[]).map((rule) => JSON.stringify(rule)));
  const policy = policyOf(after.objects);
  const egress = ((policy?.spec?.egress ?? []) as RenderedEgressRule[]).filter((rule) => !beforeRules.has(JSON.stringify(rule)));

  return {
    folder: GATEWAY_APP_FOLDER,
    ...(platform.application ? { application: platform.application } : {}),
    namespace,
    route: {
      name: own.name,
      path: own.matches?.[0]?.path?.pathPrefix,
      aggregateRoute: aggregate.name,
      aggregatePath: aggregate.matches?.[0]?.path?.exact,
      target: { name: target.name, kind, host: target[kind].host, port: target[kind].port, path: target[kind].path },
    },
    egressPolicy: `${policy?.metadata?.namespace}/${policy?.metadata?.name}`,
    egress,
    serverTools: after.gateway.endpointTools[own.matches?.[0]?.path?.pathPrefix] ?? 0,
    objects: objectChanges(before, after.objects),
  };
}

const identity = (o: Manifest) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** Objects of `after` that are new or differ from `before`, in rendering order. */
function objectChanges(before: readonly Manifest[], after: readonly Manifest[]): RenderedObjectChange[] {
  const old = new Map(before.map((o) => [identity(o), o]));
  const changes: RenderedObjectChange[] = [];
  for (const object of after) {
    const previous = old.get(identity(object));
    const fields = previous ? changedFields(previous, object, '') : [];
    if (previous && fields.length === 0) continue;
    changes.push({
      kind: object.kind,
      ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
      name: object.metadata?.name,
      change: previous ? 'changed' : 'added',
      fields,
    });
  }
  return changes;
}

/** Paths of the fields that differ: objects are compared key by key, anything else (arrays too) as a whole. */
function changedFields(a: unknown, b: unknown, path: string): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => changedFields(a[key], b[key], /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}${path ? '.' : ''}${key}` : `${path}[${JSON.stringify(key)}]`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}
