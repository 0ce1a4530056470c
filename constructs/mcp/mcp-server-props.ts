/**
 * What an MCP server is, in the words of the person declaring it: not how a flavour deploys it. The same
 * props render through kmcp, ToolHive or plain Kubernetes objects, and feed preflight and the gateway; an
 * `external` server is one something else deploys, which the platform only routes to.
 */
import { cidrRange, IPV4_CIDR, IPV4_ADDRESS, rangeContains } from '../network/ipv4.js';
import { DNS_1035_LABEL, DNS_LABEL, imageFieldProblem, LABEL_KEY, LABEL_VALUE, urlCredentialsProblem } from '../formats.js';
import { MCP_CAPABILITIES } from './discovery-metadata.js';
import { platformLabels } from '../labels.js';
import { filePathProblem, KMCP_ADAPTER_PORTS, platformEnv, secretFilePathProblem } from './container-layout.js';
import { HOST_NAME } from '../network/cluster-network.js';
import { literalArgCredentialReasons, literalCredentialReason, literalValueCredentialReason } from '../secrets/credential-shape.js';
import type { SecretSource } from '../secrets/secret-reference.js';
import type { ContainerResources } from '../workloads/pod-spec.js';
import { NPM_REGISTRY_ENV } from './npm-runtime.js';

/** What the server speaks: stdio (bridged to Streamable HTTP for clients), Streamable HTTP or SSE. */
export type McpTransport = 'stdio' | 'streamable-http' | 'sse';
/** How the server is deployed: by kmcp, by ToolHive, as plain objects, or by something else (`external`). */
export type McpFlavour = 'kmcp' | 'toolhive' | 'standalone' | 'external';

/** An npm package run with node: the package and its exact version, and the executable it ships. */
export interface NpmSource {
  /** The package to run. */
  readonly npm: {
    readonly package: string;
    /** Exact version, e.g. "2026.8.31": preflight checks it exists, and every pod runs the same code. */
    readonly version: string;
    /** The executable in the package's `bin`. @default the package name without its scope */
    readonly bin?: string;
  };
}

/** A container image that runs the server. */
export interface ImageSource {
  /** Pinned to a version tag or digest. */
  readonly image: string;
  /** Executable in the image. @default the image's entrypoint */
  readonly command?: string;
}

/**
 * A Service that already serves the server, deployed by something else (a Helm chart, another team): the
 * source of an `external` server. The platform renders nothing for it; the gateway routes to the Service.
 */
export interface ServiceSource {
  /** The Service that serves the server. */
  readonly service: {
    /** Name of the Service (a DNS-1123 label). */
    readonly name: string;
    /** Its namespace (a DNS-1123 label). */
    readonly namespace: string;
    /**
     * The pods' port behind the Service port, as a number or a container port name: NetworkPolicies see
     * traffic after the Service has forwarded it, so the gateway's egress must allow this one.
     * @default the server's `port` (a Service without a targetPort forwards to the same port)
     */
    readonly targetPort?: number | string;
  };
}

/** What runs the server: code the platform deploys (npm, image), or a Service something else deployed. */
export type WorkloadSource = NpmSource | ImageSource;
/** What runs the server: an npm package or an image the platform deploys, or (for `external`) a Service that already serves it. */
export type McpServerSource = WorkloadSource | ServiceSource;

/** Read-only access to Kubernetes objects, for servers that inspect a cluster. */
export interface KubernetesReadAccess {
  /** API groups and resources to get, list and watch, e.g. [{ apiGroups: [""], resources: ["pods", "services"] }]. */
  readonly rules: readonly { readonly apiGroups: readonly string[]; readonly resources: readonly string[] }[];
  /** Also read Secrets. @default false */
  readonly secrets?: boolean;
  /** Required when a rule uses "*" (all groups or all resources): why the server needs that much. @default none (refused when a rule uses "*") */
  readonly wildcardReason?: string;
}

/** An upstream the server calls: by addresses, or by DNS name (exactly one of the two). */
export interface UpstreamEgress {
  /** Addresses, e.g. ["192.168.1.10/32"]. @default none (give `hosts` instead) */
  readonly cidrs?: readonly string[];
  /**
   * DNS names, e.g. ["api.github.com"]: on Cilium exactly those names (toFQDNs); on a CNI that cannot match
   * names, every internet address (private ranges excluded) on `ports`.
   * @default none (give `cidrs` instead)
   */
  readonly hosts?: readonly string[];
  /** Ports the server connects to on them (at least one). */
  readonly ports: readonly number[];
}

/** A file the server reads (a kubeconfig, a talosconfig), mounted from a Secret key. */
export interface SecretFile {
  /** The Secret key whose value is the file's content. */
  readonly secret: SecretSource;
  /** Absolute path in the container. */
  readonly path: string;
}

/** How `npm run preflight` may check this server. */
export interface PreflightPolicy {
  /**
   * "full": start it and list its tools. "startup": it needs credentials or its device, so it passes as
   * "started" once it answers MCP initialize. A server that exits, or never answers initialize, fails either way.
   * @default "full"
   */
  readonly check?: 'full' | 'startup';
  /**
   * A stand-in for the upstream it needs: "kubernetes-stub" starts a local Kubernetes API stub and hands the
   * server a kubeconfig for it, so its tools can be listed without a cluster. @default none
   */
  readonly upstream?: 'kubernetes-stub';
  /** Why a server is not checked in full; required with "startup". @default none */
  readonly reason?: string;
  /** Env for the preflight run only (placeholders such as a dummy host), never secrets. @default none */
  readonly env?: Readonly<Record<string, string>>;
}

/** An MCP server as the platform config declares it: what runs it, what it speaks, and what it may reach. */
export interface McpServerSpec {
  /** DNS-1123 label, unique in the platform: the Service, the gateway route and the registry key. */
  readonly name: string;
  /** How the server is deployed. */
  readonly flavour: McpFlavour;
  /** What the server speaks. */
  readonly transport: McpTransport;
  /** What runs the server, or the Service that serves it for an `external` one. */
  readonly source: McpServerSource;
  /** Arguments to the server. @default none */
  readonly args?: readonly string[];
  /**
   * Port the server (or, for stdio, the bridge in front of it) listens on; for an external server, the port
   * of its Service that clients call (required there). @default 8080
   */
  readonly port?: number;
  /** HTTP path of the MCP endpoint. @default "/mcp" for streamable-http and stdio, "/sse" for sse */
  readonly path?: string;
  /** Plain settings. Never credentials: the config is committed to git. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Credentials as env vars, by reference. @default none */
  readonly secretEnv?: Readonly<Record<string, SecretSource>>;
  /** Files from Secrets (kubeconfig, talosconfig). @default none */
  readonly secretFiles?: readonly SecretFile[];
  /** @default 50m CPU, 128Mi requested, 256Mi limit; for npm servers (which run npm at start) 192Mi requested, 512Mi limit */
  readonly resources?: ContainerResources;
  /** Pods serving the server; for ToolHive the proxy's (the server runs once), and 1 for a ToolHive stdio server. @default 1 */
  readonly replicas?: number;
  /** Read-only Kubernetes access for the server's own ServiceAccount. @default none (no API access) */
  readonly kubernetesAccess?: KubernetesReadAccess;
  /** Upstream APIs the server may reach. @default none */
  readonly egress?: readonly UpstreamEgress[];
  /** Tools the server is expected to offer (counted against the gateway's tool budget). @default none */
  readonly tools?: readonly string[];
  /** MCP capabilities to advertise for discovery. @default ["tools"] */
  readonly capabilities?: readonly string[];
  /** Extra labels on every object; not the keys the platform sets (`app.kubernetes.io/part-of`, `managed-by`, `component`, `mcp-platform.dev/server`). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default { check: "full" } */
  readonly preflight?: PreflightPolicy;
  /**
   * ToolHive only: the built-in permission profile. ToolHive v0.44.0 records it but does not apply it on Kubernetes;
   * the NetworkPolicy limits egress. @default "network" when egress is set or the source is npm (npx downloads it), else "none"
   */
  readonly toolhivePermissionProfile?: 'none' | 'network';
}

/**
 * A private npm registry mirror the npm servers install from: npm and npx in every container of an npm server
 * are pointed at `url` (npm_config_registry), and the server's NetworkPolicy lets npm reach only `cidrs` on `port`.
 */
export interface PackageRegistry {
  /**
   * The mirror's http(s) URL, without credentials, e.g. "http://192.168.1.30:4873/". Its port (explicit, or 80/443
   * by scheme) must be `port`; an address as host must lie in `cidrs`, and a DNS name must resolve into them.
   */
  readonly url: string;
  /** The mirror's addresses, e.g. ["192.168.1.30/32"]: the only ones npm may reach. */
  readonly cidrs: readonly string[];
  /** The port the mirror listens on. */
  readonly port: number;
}

/**
 * What is wrong with the registry mirror for this server, each naming the prop and the fix; only an npm server
 * uses the mirror, so only it is checked (and a config with many servers does not list the same line for each image one).
 */
export function packageRegistryProblems(registry: PackageRegistry, spec: McpServerSpec): string[] {
  if (!spec.source || !isNpmSource(spec.source)) return [];
  const problems = packageRegistryUrlProblems(registry);
  // npm reads npm_config_* names in any case: a second registry setting would fight the platform's.
  for (const field of ['env', 'secretEnv'] as const) {
    for (const key of Object.keys(spec[field] ?? {}).filter((k) => k.toLowerCase() === NPM_REGISTRY_ENV)) {
      problems.push(
        `${field}.${key} would set npm's registry beside the platform's ${NPM_REGISTRY_ENV} (packageRegistry.url, ${JSON.stringify(registry.url)}), and npm reads the name in any case, so the two would fight: leave it out and set the mirror in packageRegistry.url`,
      );
    }
  }
  return problems;
}

/** What is wrong with the mirror itself: its URL, and whether the NetworkPolicy lets npm reach it. */
export function packageRegistryUrlProblems(registry: PackageRegistry): string[] {
  const problems: string[] = [];
  const url = URL.canParse(registry.url) ? new URL(registry.url) : undefined;
  const credentials = urlCredentialsProblem(registry.url);
  if (!url || !/^https?:$/.test(url.protocol)) {
    problems.push(`packageRegistry.url ${JSON.stringify(registry.url)} must be an http(s) URL such as "http://192.168.1.30:4873/": npm and npx install from it`);
  } else if (credentials) {
    problems.push(`packageRegistry.url ${credentials}; give a token in an .npmrc Secret mounted by the server, not in the URL`);
  } else {
    const defaultPort = url.protocol === 'https:' ? 443 : 80;
    const urlPort = url.port ? Number(url.port) : defaultPort;
    if (urlPort !== registry.port) {
      const fixed = new URL(url.href);
      fixed.port = String(registry.port);
      problems.push(
        `packageRegistry.url ${JSON.stringify(registry.url)} is on port ${urlPort}${url.port ? '' : ` (the ${url.protocol.slice(0, -1)} default)`}, but packageRegistry.port is ${registry.port}, ` +
          `the only port the NetworkPolicy opens to the mirror: write ${JSON.stringify(fixed.href)} as packageRegistry.url, or set packageRegistry.port to ${urlPort}`,
      );
    }
    const host = url.hostname;
    const cidrs = registry.cidrs.filter((cidr) => IPV4_CIDR.test(cidr));
    if (host.startsWith('[')) {
      problems.push(`packageRegistry.url host ${host} is an IPv6 address, but packageRegistry.cidrs (${registry.cidrs.join(', ')}) are IPv4, the only addresses npm may reach: use the mirror's IPv4 address or DNS name in the URL`);
    } else if (IPV4_ADDRESS.test(host) && !cidrs.some((cidr) => rangeContains(cidrRange(cidr), host))) {
      problems.push(
        `packageRegistry.url host ${host} is not in packageRegistry.cidrs (${registry.cidrs.join(', ')}), the only addresses the NetworkPolicy lets npm reach: ` +
          `add "${host}/32" to packageRegistry.cidrs, or put the mirror's address from them in the URL`,
      );
    }
  }
  return problems;
}

/** The npm package name rules (lowercase, optional scope). */
const NPM_PACKAGE = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const EXACT_SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const BIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
/** A container port name (IANA_SVC_NAME): at most 15 characters, lowercase letters, digits and single '-', at least one letter. */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;

/** The fields that configure a workload, which an external server (deployed by something else) does not have. */
export const WORKLOAD_FIELDS = [
  'args',
  'env',
  'secretEnv',
  'secretFiles',
  'resources',
  'replicas',
  'kubernetesAccess',
  'egress',
  'labels',
  'preflight',
  'toolhivePermissionProfile',
] as const satisfies readonly (keyof McpServerSpec)[];

export const DEFAULT_MCP_PORT = 8080;

/** The MCP endpoint's path for a transport. */
export function defaultPath(transport: McpTransport): string {
  return transport === 'sse' ? '/sse' : '/mcp';
}

/** The transport clients use: a stdio server is bridged to Streamable HTTP. */
export function servedTransport(transport: McpTransport): 'streamable-http' | 'sse' {
  return transport === 'sse' ? 'sse' : 'streamable-http';
}

export function isNpmSource(source: McpServerSource): source is NpmSource {
  return 'npm' in source;
}

export function isServiceSource(source: McpServerSource): source is ServiceSource {
  return 'service' in source;
}

/** A server the platform runs: its source is code, not a Service. */
export type WorkloadServerSpec = McpServerSpec & { readonly source: WorkloadSource };

export function isWorkloadServer(spec: McpServerSpec): spec is WorkloadServerSpec {
  return !isServiceSource(spec.source);
}

/** A problem with one field: `message` reads after the field's name ("port" + " is required ..."). */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * What an external server's declaration gets wrong, field by field; shared by the construct and the config
 * schema so both say the same. Empty for any other flavour, except a Service source, which only external takes.
 */
export function externalServerProblems(spec: McpServerSpec): FieldProblem[] {
  const source = (spec.source ?? {}) as Partial<NpmSource & ImageSource & ServiceSource>;
  if (spec.flavour !== 'external') {
    return source.service
      ? [{ field: 'source', message: `must be { npm: { package, version } } or { image } for flavour "${spec.flavour}": { service } is only for flavour "external" (a server deployed by something else)` }]
      : [];
  }
  const problems: FieldProblem[] = [];
  const service = source.service;
  if (!service || source.npm || source.image) {
    problems.push({ field: 'source', message: 'must be { service: { name, namespace } } for an external server: the Service that already serves it' });
  } else {
    for (const key of ['name', 'namespace'] as const) {
      const value = service[key];
      if (typeof value !== 'string' || !DNS_LABEL.test(value) || value.length > 63) {
        problems.push({ field: `source.service.${key}`, message: `must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit), got ${JSON.stringify(value)}` });
      } else if (key === 'name' && !DNS_1035_LABEL.test(value)) {
        // The API server names Services by DNS-1035 (ValidateServiceName): no Service "1svc" can exist to route to.
        problems.push({ field: 'source.service.name', message: `must start with a letter: a Service name is a DNS-1035 label, so no Service ${JSON.stringify(value)} can exist` });
      }
    }
    const target = service.targetPort;
    const validTarget = typeof target === 'number' ? Number.isInteger(target) && target >= 1 && target <= 65535 : typeof target === 'string' && PORT_NAME.test(target);
    if (target !== undefined && !validTarget) {
      problems.push({ field: 'source.service.targetPort', message: `must be a port number (1-65535) or a container port name such as "http", got ${JSON.stringify(target)}` });
    }
  }
  if (spec.transport === 'stdio') {
    problems.push({ field: 'transport', message: 'must be "streamable-http" or "sse" for an external server: a stdio server has no network endpoint to route to' });
  }
  if (spec.port === undefined) {
    problems.push({ field: 'port', message: 'is required for an external server: the port of its Service that clients call' });
  } else if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
    problems.push({ field: 'port', message: `must be a port number (1-65535), got ${spec.port}` });
  }
  for (const field of WORKLOAD_FIELDS) {
    if (spec[field] !== undefined) {
      problems.push({ field, message: 'does not apply: an external server is deployed by something else, and the platform renders no workload for it; remove it' });
    }
  }
  return problems;
}

/** The executable of an npm source. */
export function npmBin(source: NpmSource): string {
  return source.npm.bin ?? source.npm.package.replace(/^@[^/]+\//, '');
}

/** The label every object of a server carries with its name: the gateway's and clients' policies select on it. */
export const SERVER_LABEL = 'mcp-platform.dev/server';

/** The labels of every object of a server: the server's own, then the platform's (which the server's may not name). */
export function serverLabels(spec: McpServerSpec): Record<string, string> {
  return { ...(spec.labels ?? {}), ...platformLabels('mcp-server'), [SERVER_LABEL]: spec.name };
}

function labelProblems(labels: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  // app.kubernetes.io/name and /instance select the server's pods (kmcp merges a server's labels over its own).
  const platformKeys = [...Object.keys(platformLabels('mcp-server')), SERVER_LABEL, 'app.kubernetes.io/name', 'app.kubernetes.io/instance'];
  for (const [key, value] of Object.entries(labels)) {
    if (platformKeys.includes(key)) {
      problems.push(`labels ${JSON.stringify(key)} is set by the platform: its Services, NetworkPolicies and monitors select on it; use a key of your own, e.g. "example.com/team"`);
    } else if (key === 'app') {
      // ToolHive v0.44.0 selects a server's pods by app=<name> (pkg/container/kubernetes/): any pod with that label joins its Service.
      problems.push(`labels "app" is the label ToolHive selects a server's pods by (app=<server name>): a pod labelled app=${JSON.stringify(value)} would receive the traffic of a ToolHive server of that name; use a key of your own, e.g. "example.com/app"`);
    } else if (key === 'toolhive' || key === 'toolhive-name') {
      // ToolHive v0.44.0 labels a server's proxy and server pods toolhive=true, toolhive-name=<name>
      // (cmd/thv-operator labelsForMCPServer), and the platform's NetworkPolicy for a ToolHive server selects toolhive-name:
      // a pod labelled so would get that server's egress (the API server included) and its traffic.
      problems.push(`labels ${JSON.stringify(key)} is a ToolHive label: ToolHive's Services and the platform's NetworkPolicies select a ToolHive server's pods by toolhive-name=<server name>, so this server would get that server's egress and traffic; use a key of your own, e.g. "example.com/team"`);
    } else if (key.startsWith('cnpg.io/')) {
      // CloudNativePG's Services and the database's NetworkPolicy select on cnpg.io/cluster and cnpg.io/podRole (pkg/specs/pods.go, v1.30.0):
      // a server with them would receive database clients and their credentials.
      problems.push(`labels ${JSON.stringify(key)} is a CloudNativePG label: its Services and the database's NetworkPolicy select pods on cnpg.io/ labels, so this server would be sent database traffic; use a key of your own, e.g. "example.com/team"`);
    } else if (!LABEL_KEY.test(key)) {
      problems.push(`labels ${JSON.stringify(key)} is not a label key: an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or "."`);
    } else if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      problems.push(`labels ${JSON.stringify(key)} has the value ${JSON.stringify(value)}, which is not a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`);
    }
  }
  return problems;
}

/** What is wrong with a server's expected tools, by index: each counts against the gateway's tool budget, so a blank or repeated one would inflate it. */
export function toolListProblems(tools: readonly unknown[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  tools.forEach((tool, index) => {
    if (typeof tool !== 'string' || tool.trim() === '' || tool !== tool.trim()) {
      problems.push({ index, message: 'is not a tool name: give the name the server lists (tools/list), without surrounding spaces' });
    } else if (tools.indexOf(tool) !== index) {
      problems.push({ index, message: `is also tools[${tools.indexOf(tool)}]: list each tool once, as each counts against the gateway's tool budget` });
    }
  });
  return problems;
}

/** Every problem with a server's props, each naming the field and the fix; empty when valid. */
export function mcpServerProblems(spec: McpServerSpec): string[] {
  const problems: string[] = [];
  const name = spec.name;
  if (typeof name !== 'string' || !DNS_LABEL.test(name) || name.length > 50) {
    problems.push(`name ${JSON.stringify(name)} must be a DNS-1123 label of at most 50 characters (it names the Service and the gateway route)`);
  }
  if (!['kmcp', 'toolhive', 'standalone', 'external'].includes(spec.flavour)) {
    problems.push(`flavour must be "kmcp", "toolhive", "standalone" or "external", got ${JSON.stringify(spec.flavour)}`);
  }
  problems.push(...labelProblems(spec.labels ?? {}));
  if (!['stdio', 'streamable-http', 'sse'].includes(spec.transport)) problems.push(`transport must be "stdio", "streamable-http" or "sse", got ${JSON.stringify(spec.transport)}`);
  if (spec.path !== undefined && (!HTTP_PATH.test(spec.path) || spec.path.includes('..'))) problems.push(`path ${JSON.stringify(spec.path)} must be an absolute URL path such as "/mcp"`);
  if (spec.capabilities !== undefined) {
    // The discovery service refuses the server's annotation when one is unknown or the list is empty.
    if (spec.capabilities.length === 0) problems.push('capabilities is empty: list at least one MCP capability, or leave it out for the default ["tools"]');
    spec.capabilities.forEach((c, i) => {
      if (!MCP_CAPABILITIES.has(c)) problems.push(`capabilities[${i}] ${JSON.stringify(c)} is not an MCP capability: ${[...MCP_CAPABILITIES].join(', ')}`);
    });
  }
  for (const { index, message } of toolListProblems(spec.tools ?? [])) problems.push(`tools[${index}] ${JSON.stringify(spec.tools![index])} ${message}`);
  const fieldProblems = externalServerProblems(spec).map((p) => `${p.field} ${p.message}`);
  // An external server has nothing else to check: every workload field is already reported as not applying.
  if (spec.flavour === 'external' || fieldProblems.length) return [...problems, ...fieldProblems];
  const source = spec.source as Partial<NpmSource & ImageSource> | undefined;
  if (!source || (!source.npm && !source.image) || (source.npm && source.image)) {
    problems.push('source must be either { npm: { package, version } } or { image }');
  } else if (source.npm) {
    if (!NPM_PACKAGE.test(source.npm.package ?? '')) problems.push(`source.npm.package ${JSON.stringify(source.npm.package)} is not an npm package name`);
    if (!EXACT_SEMVER.test(source.npm.version ?? '')) {
      problems.push(`source.npm.version ${JSON.stringify(source.npm.version)} must be an exact version such as "1.2.3" (no ranges or tags, so every pod runs the same code)`);
    }
    if (source.npm.bin !== undefined && !BIN_NAME.test(source.npm.bin)) problems.push(`source.npm.bin ${JSON.stringify(source.npm.bin)} must be an executable name`);
  } else if (source.image !== undefined) {
    const imageFault = imageFieldProblem('source.image', source.image);
    if (imageFault) problems.push(imageFault);
  }
  if (spec.flavour === 'standalone' && source?.image && spec.transport === 'stdio') {
    problems.push(
      'source: a standalone stdio server must come from an npm package: the bridge that serves it over HTTP runs with node in the same container. ' +
        'Use flavour "kmcp" or "toolhive" (their operators bridge any image), or an image that serves HTTP',
    );
  }
  if (spec.flavour === 'kmcp' && spec.transport === 'stdio' && source?.image && !source.command) {
    problems.push(
      'source.command is required for a kmcp stdio server from an image: kmcp starts it as a child of its transport adapter, ' +
        "which replaces the image's entrypoint (e.g. \"/server/github-mcp-server\")",
    );
  }
  if (spec.port !== undefined && (!Number.isInteger(spec.port) || spec.port < 1024 || spec.port > 65535)) {
    problems.push(`port must be 1024-65535 (the server runs as non-root), got ${spec.port}`);
  } else if (spec.flavour === 'kmcp' && spec.transport === 'stdio' && spec.port !== undefined && KMCP_ADAPTER_PORTS.includes(spec.port)) {
    problems.push(`port ${spec.port} is taken by kmcp's transport adapter, which also listens on ${KMCP_ADAPTER_PORTS.join(', ')} in the server's container; use another port such as 8080`);
  }
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 1)) problems.push(`replicas must be a positive whole number, got ${spec.replicas}`);
  else if (spec.flavour === 'toolhive' && spec.transport === 'stdio' && (spec.replicas ?? 1) > 1) {
    problems.push(
      `replicas ${spec.replicas} is more than ToolHive runs for a stdio server: its one proxy attaches to the one server process (v0.44.0 caps replicas at 1 and reports StdioReplicaCapped); leave replicas at 1, or serve the server over HTTP`,
    );
  }
  if (spec.flavour === 'toolhive' && spec.name === 'mcpserver') {
    problems.push(
      'name "mcpserver" cannot be a ToolHive server: ToolHive labels every proxy pod app=mcpserver and selects the server\'s own pods by app=<name>, so the server\'s Service would also send to proxies; use another name',
    );
  }
  // Kubernetes puts an env var's value where an arg says $(NAME): a credential in args can come from secretEnv.
  const inArgs = 'pass it by reference in secretEnv and write "$(NAME)" in its place (Kubernetes puts the variable\'s value there), not as a literal (the config is committed to git)';
  for (const { index, reason } of literalArgCredentialReasons(spec.args ?? [])) problems.push(`args[${index}] ${reason}: ${inArgs}`);
  const commandCredential = typeof source?.command === 'string' ? literalValueCredentialReason(source.command) : undefined;
  if (commandCredential) problems.push(`source.command ${commandCredential}: ${inArgs.replace('write "$(NAME)" in its place', 'write "$(NAME)" in args')}`);
  for (const [key, value] of Object.entries(spec.env ?? {})) {
    if (!ENV_NAME.test(key)) problems.push(`env.${key} is not an environment variable name`);
    const credential = literalCredentialReason(key, value);
    if (credential) {
      problems.push(
        `env.${key} ${credential}: pass it by reference in secretEnv ({ from: "secret" | "externalSecret" | "infisical", name, key, ... }), not as a value in env (the config is committed to git)`,
      );
    }
  }
  for (const key of Object.keys(spec.secretEnv ?? {})) {
    if (!ENV_NAME.test(key)) problems.push(`secretEnv.${key} is not an environment variable name`);
    if (spec.env && key in spec.env) problems.push(`secretEnv.${key} is also set in env: keep one of the two`);
  }
  // What the platform puts in the container, when the source says which: its mounts and its env vars.
  const layout = source && (source.npm || source.image) ? { flavour: spec.flavour, source: source as McpServerSource, transport: spec.transport } : undefined;
  const files = spec.secretFiles ?? [];
  for (const [i, file] of files.entries()) {
    const first = files.findIndex((other) => other.path === file.path);
    const parent = files.findIndex((other) => file.path.startsWith(`${other.path}/`));
    const pathProblem = filePathProblem(file.path);
    if (pathProblem) problems.push(`secretFiles[${i}].path ${JSON.stringify(file.path)} ${pathProblem}`);
    else if (first !== i) problems.push(`secretFiles[${i}].path ${JSON.stringify(file.path)} is also the path of secretFiles[${first}]: two files cannot be mounted at one path`);
    else if (parent !== -1) {
      problems.push(
        `secretFiles[${i}].path ${JSON.stringify(file.path)} is inside ${JSON.stringify(files[parent].path)}, the file of secretFiles[${parent}]: a file cannot be mounted inside another file; give it a path of its own`,
      );
    } else if (layout) {
      const clash = secretFilePathProblem(layout, file.path);
      if (clash) problems.push(`secretFiles[${i}].path ${JSON.stringify(file.path)} ${clash}`);
    }
  }
  // The platform's own env vars: the user's value would be dropped (or the variable set twice).
  if (layout) {
    const own = platformEnv(layout, spec.port ?? DEFAULT_MCP_PORT);
    for (const field of ['env', 'secretEnv'] as const) {
      for (const key of Object.keys(spec[field] ?? {})) {
        if (Object.hasOwn(own, key)) {
          problems.push(`${field}.${key} is set by the platform in this server's container (${key}=${own[key]}), so yours would be dropped: leave it out${key === 'PORT' ? ' (set port instead)' : ''}`);
        }
      }
    }
  }
  for (const [i, rule] of (spec.kubernetesAccess?.rules ?? []).entries()) {
    const wildcard = rule.apiGroups.includes('*') || rule.resources.includes('*');
    const reason = spec.kubernetesAccess?.wildcardReason?.trim();
    if (wildcard && reason && reason.length < 20) {
      problems.push(`kubernetesAccess.wildcardReason is ${reason.length} characters: rules[${i}] uses "*", so say in at least 20 why the server needs all of them, or list the resources`);
    } else if (wildcard && !reason) {
      problems.push(`kubernetesAccess.rules[${i}] uses "*": list the resources, or give kubernetesAccess.wildcardReason (at least 20 characters) saying why the server needs all of them`);
    }
    // "*" resources in the core group include Secrets: that is reading Secrets, and must be asked for as such.
    if (rule.resources.includes('*') && (rule.apiGroups.includes('') || rule.apiGroups.includes('*')) && !spec.kubernetesAccess?.secrets) {
      problems.push(`kubernetesAccess.rules[${i}] covers every core resource, Secrets included: list the resources, or set kubernetesAccess.secrets to true`);
    }
    if (rule.resources.includes('secrets') && !spec.kubernetesAccess?.secrets) {
      problems.push(`kubernetesAccess.rules[${i}] names secrets: set kubernetesAccess.secrets to true to let the server read Secrets`);
    }
    if (rule.resources.length === 0) problems.push(`kubernetesAccess.rules[${i}].resources must not be empty`);
    // RBAC validation (ValidatePolicyRule): "resource rules must supply at least one api group".
    if (rule.apiGroups.length === 0) problems.push(`kubernetesAccess.rules[${i}].apiGroups must not be empty: list at least one API group ("" is the core group: pods, services, ...)`);
  }
  for (const [i, egress] of (spec.egress ?? []).entries()) {
    const cidrs = egress.cidrs ?? [];
    const hosts = egress.hosts ?? [];
    for (const cidr of cidrs) if (!IPV4_CIDR.test(cidr)) problems.push(`egress[${i}].cidrs: ${JSON.stringify(cidr)} is not an IPv4 CIDR such as "192.168.1.10/32"`);
    for (const host of hosts) {
      if (IPV4_ADDRESS.test(host)) problems.push(`egress[${i}].hosts: ${JSON.stringify(host)} is an address, which a DNS-name rule never matches: put it in cidrs as "${host}/32"`);
      else if (!HOST_NAME.test(host)) problems.push(`egress[${i}].hosts: ${JSON.stringify(host)} is not a DNS name such as "api.github.com"`);
    }
    for (const port of egress.ports) if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`egress[${i}].ports: ${port} is not a port`);
    if (cidrs.length && hosts.length) problems.push(`egress[${i}] names both cidrs and hosts: give each upstream its own entry`);
    else if ((cidrs.length === 0 && hosts.length === 0) || egress.ports.length === 0) problems.push(`egress[${i}] needs at least one CIDR or host name, and one port`);
  }
  if (spec.preflight?.check === 'startup' && !(spec.preflight.reason && spec.preflight.reason.trim().length >= 10)) {
    problems.push('preflight.reason is required with check "startup": say why the server cannot list its tools here (e.g. "needs the Proxmox API token")');
  }
  for (const [key, value] of Object.entries(spec.preflight?.env ?? {})) {
    const credential = literalCredentialReason(key, value);
    if (credential) problems.push(`preflight.env.${key} ${credential}: preflight runs without credentials, so leave it out (a server that cannot start without one takes preflight check "startup")`);
  }
  return problems;
}
