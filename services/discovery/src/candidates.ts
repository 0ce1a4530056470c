/**
 * Turns what the cluster watch holds into validated candidates: Services with the platform's annotations
 * or an MCP `appProtocol`, and kmcp and ToolHive MCPServer resources. Everything read from the cluster is
 * untrusted input: each value is checked against a strict pattern, and an object that fails is skipped
 * with a rejection naming the annotation or field, never thrown.
 */
import { isIP } from 'node:net';
import { DNS_LABEL } from '../../../constructs/formats.js';
import { ComponentNames, componentSelector } from '../../../constructs/labels.js';
import type { Candidate, ClusterObjects, KubeObject, NetworkTransport, Rejection } from './model.js';

export interface CandidateOptions {
  /** Prefix of the platform's annotations, e.g. "mcp-platform.dev". */
  readonly annotationPrefix: string;
  /** @default "cluster.local" */
  readonly clusterDomain?: string;
}

export interface CandidateScan {
  /** New to the platform, sorted by name. */
  readonly candidates: readonly Candidate[];
  /** What the platform rendered itself, sorted by name: probed for health (mcp_server_up), never proposed. */
  readonly declared: readonly Candidate[];
  readonly rejections: readonly Rejection[];
  /** Objects the platform rendered itself (they carry its declared-by annotation). */
  readonly alreadyDeclared: number;
}

/** Server names are at most 50 characters: they also name a branch, a file and Kubernetes objects with prefixes. */
const MAX_NAME = 50;
/** A plain absolute path: segments of unreserved characters, no query, fragment, dot segments or empty segments. */
export const PLAIN_PATH = /^\/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?)?$/;
const MAX_PATH = 256;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export { MCP_CAPABILITIES } from '../../../constructs/mcp/discovery-metadata.js';
import { MCP_CAPABILITIES } from '../../../constructs/mcp/discovery-metadata.js';
const TYPES = new Set(['kmcp', 'toolhive', 'standalone', 'external']);

/** Service port `appProtocol`s that agentgateway and kgateway treat as MCP. */
export const MCP_APP_PROTOCOLS: Readonly<Record<string, NetworkTransport>> = {
  'agentgateway.dev/mcp': 'streamable-http',
  'agentgateway.dev/mcp-sse': 'sse',
  'kgateway.dev/mcp': 'streamable-http',
  'kgateway.dev/mcp-sse': 'sse',
};
/** The transport an `appProtocol` says, if it is one of MCP's: own keys only, so "constructor" or "toString" is not. */
const mcpTransportOf = (appProtocol: unknown): NetworkTransport | undefined =>
  typeof appProtocol === 'string' && Object.hasOwn(MCP_APP_PROTOCOLS, appProtocol) ? MCP_APP_PROTOCOLS[appProtocol] : undefined;
const PATH_ANNOTATIONS = ['agentgateway.dev/mcp-path', 'kgateway.dev/mcp-path'];
/** The labels of the platform's own gateway: its Service speaks MCP (appProtocol agentgateway.dev/mcp), but it routes to servers, it is not one. */
const GATEWAY_LABELS = Object.entries(componentSelector(ComponentNames.gateway));

interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly appProtocol?: string;
}

class Rejected extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const defaultPath = (transport: NetworkTransport) => (transport === 'sse' ? '/sse' : '/mcp');
/** Values go into log lines: cut, and JSON-quoted so a newline or an escape sequence cannot forge a line. */
const shown = (value: unknown) => JSON.stringify(String(value).slice(0, 80));

function checkPath(field: string, path: string): string {
  if (path.length > MAX_PATH || !PLAIN_PATH.test(path)) throw new Rejected(field, `${shown(path)} is not a plain absolute path such as "/mcp"`);
  return path;
}

function checkName(field: string, name: string): void {
  if (!DNS_LABEL.test(name) || name.length > MAX_NAME) throw new Rejected(field, `${shown(name)} must be a DNS-1123 label of at most ${MAX_NAME} characters`);
}

/** Every candidate in the watched objects; duplicates by name keep the first in (namespace, name) order. */
export function findCandidates(objects: ClusterObjects, options: CandidateOptions): CandidateScan {
  const prefix = options.annotationPrefix;
  const domain = options.clusterDomain ?? 'cluster.local';
  const declaredBy = `${prefix}/declared-by`;
  const found: Candidate[] = [];
  const rejections: Rejection[] = [];
  let alreadyDeclared = 0;

  const services = new Map<string, KubeObject>();
  for (const service of objects.list('Service')) services.set(`${service.metadata.namespace}/${service.metadata.name}`, service);

  const attempt = (object: string, read: () => Candidate) => {
    try {
      found.push(read());
    } catch (error) {
      if (!(error instanceof Rejected)) throw error;
      rejections.push({ object, field: error.field, reason: error.reason });
    }
  };

  // MCPServer resources first: the Service their operator creates is then the same server, not another.
  const operatorServices = new Set<string>();
  for (const [kind, source] of [
    ['KmcpMCPServer', 'kmcp'],
    ['ToolHiveMCPServer', 'toolhive'],
  ] as const) {
    for (const resource of objects.list(kind)) {
      const object = `MCPServer ${resource.metadata.namespace}/${resource.metadata.name} (${source})`;
      const declared = resource.metadata.annotations?.[declaredBy] !== undefined;
      if (declared) alreadyDeclared++;
      operatorServices.add(`${resource.metadata.namespace}/${operatorServiceName(source, resource.metadata.name)}`);
      attempt(object, () => ({ ...fromMcpServerResource(resource, source, object, services, domain), ...(declared ? { declared } : {}) }));
    }
  }

  for (const service of objects.list('Service')) {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    if (operatorServices.has(key)) continue;
    if (GATEWAY_LABELS.every(([label, value]) => service.metadata.labels?.[label] === value)) continue;
    if (!isMcpService(service, prefix)) continue;
    const declared = service.metadata.annotations?.[declaredBy] !== undefined;
    if (declared) alreadyDeclared++;
    attempt(`Service ${key}`, () => ({ ...fromService(service, prefix, `Service ${key}`, domain), ...(declared ? { declared } : {}) }));
  }

  // Declared servers first: a name the platform declares is taken, whatever else the cluster holds.
  found.sort((a, b) => Number(!!b.declared) - Number(!!a.declared) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.object.localeCompare(b.object));
  const byName = new Map<string, Candidate>();
  for (const candidate of found) {
    const first = byName.get(candidate.name);
    if (first) rejections.push({ object: candidate.object, field: 'metadata.name', reason: `server name "${candidate.name}" is already taken by ${first.object}` });
    else byName.set(candidate.name, candidate);
  }
  const all = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { candidates: all.filter((c) => !c.declared), declared: all.filter((c) => c.declared), rejections, alreadyDeclared };
}

/** Whether a Service says it serves MCP, by the platform's annotation or a port's appProtocol. */
function isMcpService(service: KubeObject, prefix: string): boolean {
  const enabled = service.metadata.annotations?.[`${prefix}/enabled`];
  if (enabled !== undefined && enabled !== 'false') return true;
  const ports: ServicePort[] = Array.isArray(service.spec?.ports) ? service.spec.ports : [];
  return enabled === undefined && ports.some((p) => mcpTransportOf(p?.appProtocol) !== undefined);
}

function fromService(service: KubeObject, prefix: string, object: string, domain: string): Candidate {
  const { name, namespace = 'default' } = service.metadata;
  const annotations = service.metadata.annotations ?? {};
  const get = (key: string) => annotations[`${prefix}/${key}`];
  checkName('metadata.name', name);
  checkName('metadata.namespace', namespace);
  const enabled = get('enabled');
  if (enabled !== undefined && enabled !== 'true') throw new Rejected(`${prefix}/enabled`, `${shown(enabled)} must be "true" or "false"`);
  if (service.spec?.type === 'ExternalName') throw new Rejected('spec.type', 'ExternalName Services point outside the cluster and are not probed');

  const ports: ServicePort[] = Array.isArray(service.spec?.ports) ? service.spec.ports.filter((p: unknown) => p && typeof p === 'object') : [];
  const port = choosePort(ports, get('port'), prefix);

  const type = get('type');
  if (type !== undefined && !TYPES.has(type)) throw new Rejected(`${prefix}/type`, `${shown(type)} must be one of ${[...TYPES].join(', ')}`);

  const appTransport = mcpTransportOf(port.appProtocol);
  const declaredTransport = get('transport');
  let transport: NetworkTransport;
  if (declaredTransport === undefined) transport = appTransport ?? 'streamable-http';
  // stdio says how the server runs behind its bridge; on the network it is Streamable HTTP.
  else if (declaredTransport === 'streamable-http' || declaredTransport === 'stdio') transport = 'streamable-http';
  else if (declaredTransport === 'sse') transport = 'sse';
  else throw new Rejected(`${prefix}/transport`, `${shown(declaredTransport)} must be "streamable-http", "sse" or "stdio"`);

  const pathAnnotation = get('path') !== undefined ? `${prefix}/path` : PATH_ANNOTATIONS.find((key) => annotations[key] !== undefined);
  const path = pathAnnotation ? checkPath(pathAnnotation, annotations[pathAnnotation]!) : defaultPath(transport);

  const capabilities = parseCapabilities(get('capabilities'), `${prefix}/capabilities`);
  return {
    name,
    namespace,
    source: 'service',
    object,
    transport,
    service: { name, namespace, port: port.port, ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}) },
    host: serviceHost(service, domain),
    port: port.port,
    path,
    capabilities,
    ...(type !== undefined ? { flavour: type } : {}),
  };
}

/** The port the annotation names (by number or name), else the MCP `appProtocol` port, else the only port. */
function choosePort(ports: readonly ServicePort[], annotation: string | undefined, prefix: string): ServicePort {
  const valid = ports.filter((p) => Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535);
  if (valid.length === 0) throw new Rejected('spec.ports', 'the Service has no valid port');
  if (annotation !== undefined) {
    const field = `${prefix}/port`;
    if (/^\d{1,5}$/.test(annotation)) {
      const number = Number(annotation);
      if (number < 1 || number > 65535) throw new Rejected(field, `${shown(annotation)} is not a port (1-65535)`);
      const match = valid.find((p) => p.port === number);
      if (!match) throw new Rejected(field, `${shown(annotation)} is not a port of the Service (${valid.map((p) => p.port).join(', ')})`);
      return match;
    }
    if (!PORT_NAME.test(annotation)) throw new Rejected(field, `${shown(annotation)} is neither a port number nor a port name`);
    const match = valid.find((p) => p.name === annotation);
    if (!match) throw new Rejected(field, `${shown(annotation)} names no port of the Service`);
    return match;
  }
  const mcp = valid.filter((p) => mcpTransportOf(p.appProtocol) !== undefined);
  if (mcp.length >= 1) return mcp[0]!;
  if (valid.length === 1) return valid[0]!;
  throw new Rejected(`${prefix}/port`, `the Service has ${valid.length} ports and none has an MCP appProtocol: set ${prefix}/port to the MCP port`);
}

function parseCapabilities(value: string | undefined, field: string): string[] {
  if (value === undefined) return ['tools'];
  // A blank value is a mistake (a templated value that rendered empty), not a request for the default.
  if (/^[\s\p{Cc}]*$/u.test(value)) throw new Rejected(field, `${shown(value)} is blank: list capabilities such as "tools,resources", or remove the annotation for the default (tools)`);
  const list = value.split(',').map((c) => c.trim());
  for (const capability of list) {
    if (!MCP_CAPABILITIES.has(capability)) throw new Rejected(field, `${shown(capability)} is not an MCP capability (${[...MCP_CAPABILITIES].join(', ')})`);
  }
  return [...new Set(list)].sort();
}

/** The ClusterIP when the Service has one, else its cluster DNS name (a headless Service). */
function serviceHost(service: KubeObject, domain: string): string {
  const ip = service.spec?.clusterIP;
  if (typeof ip === 'string' && ip !== 'None' && ip !== '') {
    if (isIP(ip) === 0) throw new Rejected('spec.clusterIP', `${shown(ip)} is not an IP address`);
    return ip;
  }
  return `${service.metadata.name}.${service.metadata.namespace}.svc.${domain}`;
}

/** The Service each operator creates for its MCPServer. */
function operatorServiceName(source: 'kmcp' | 'toolhive', name: string): string {
  return source === 'kmcp' ? name : `mcp-${name}-proxy`;
}

function fromMcpServerResource(
  resource: KubeObject,
  source: 'kmcp' | 'toolhive',
  object: string,
  services: ReadonlyMap<string, KubeObject>,
  domain: string,
): Candidate {
  const { name, namespace = 'default' } = resource.metadata;
  checkName('metadata.name', name);
  checkName('metadata.namespace', namespace);
  const spec = resource.spec && typeof resource.spec === 'object' ? resource.spec : {};
  let port: unknown;
  let transport: NetworkTransport;
  let path: string;
  if (source === 'kmcp') {
    // kmcp serves both transport types as Streamable HTTP; a stdio server sits behind its adapter at /mcp.
    port = spec.deployment?.port ?? 3000;
    transport = 'streamable-http';
    path = spec.transportType === 'http' && spec.httpTransport?.path !== undefined ? checkPath('spec.httpTransport.path', String(spec.httpTransport.path)) : '/mcp';
  } else {
    port = spec.proxyPort ?? 8080;
    const served = spec.transport === 'sse' || ((spec.transport ?? 'stdio') === 'stdio' && spec.proxyMode === 'sse') ? 'sse' : 'streamable-http';
    transport = served;
    path = defaultPath(served);
  }
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    throw new Rejected(source === 'kmcp' ? 'spec.deployment.port' : 'spec.proxyPort', `${shown(port)} is not a port (1-65535)`);
  }
  const serviceName = operatorServiceName(source, name);
  const service = services.get(`${namespace}/${serviceName}`);
  const host = service ? serviceHost(service, domain) : `${serviceName}.${namespace}.svc.${domain}`;
  return {
    name,
    namespace,
    source,
    object,
    transport,
    service: { name: serviceName, namespace, port: port as number },
    host,
    port: port as number,
    path,
    capabilities: ['tools'],
    flavour: source,
  };
}
