/**
 * The discovery service's vocabulary, shared by its parts: what the cluster watch finds, what a probe
 * learns, what the registry keeps and what a pull request proposes.
 */

/** How a candidate was found. */
export type CandidateSource =
  /** A Service with the platform's annotations or an MCP `appProtocol` on a port. */
  | 'service'
  /** A kmcp `kagent.dev/v1alpha1` MCPServer. */
  | 'kmcp'
  /** A ToolHive `toolhive.stacklok.dev` MCPServer. */
  | 'toolhive';

/** What clients speak to a server over the network (stdio servers are always behind a bridge). */
export type NetworkTransport = 'streamable-http' | 'sse';

/** A Kubernetes object as the watch delivers it: only the fields discovery reads are typed. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec?: any;
}

/** Which kind of object a watch event is about. */
export type WatchedKind = 'Service' | 'KmcpMCPServer' | 'ToolHiveMCPServer';

/** The cluster's current objects, as the watch keeps them. */
export interface ClusterObjects {
  /** Every object of `kind` the watch currently knows. */
  list(kind: WatchedKind): readonly KubeObject[];
}

/** A validated MCP server found in the cluster, ready to probe. */
export interface Candidate {
  /** DNS-1123 label of at most 50 characters: the registry key, the server file's name and the branch's. */
  readonly name: string;
  readonly namespace: string;
  readonly source: CandidateSource;
  /** The object it was found as, for logs and the pull request: "Service mcp-tools/adguard". */
  readonly object: string;
  readonly transport: NetworkTransport;
  /** The Service that serves it (for an MCPServer resource, the one its operator creates). */
  readonly service: {
    readonly name: string;
    readonly namespace: string;
    readonly port: number;
    /** The pods' port behind the Service port (a number or a port name), when the Service says. */
    readonly targetPort?: number | string;
  };
  /** Where the probe connects: the Service's ClusterIP, else its cluster DNS name. Never from an annotation. */
  readonly host: string;
  readonly port: number;
  /** Plain absolute path of the MCP endpoint, e.g. "/mcp". */
  readonly path: string;
  readonly capabilities: readonly string[];
  /** The flavour its annotation or operator names (kmcp, toolhive, standalone, external), when known. */
  readonly flavour?: string;
  /** Rendered by the platform itself (it carries the declared-by annotation): probed for health, never proposed. */
  readonly declared?: boolean;
}

/** An object that looked like an MCP server but was skipped: what was wrong, for the log line and the metric. */
export interface Rejection {
  readonly object: string;
  /** The annotation or field at fault, e.g. "mcp-platform.dev/port". */
  readonly field: string;
  readonly reason: string;
}

/** One tool as a probe recorded it: capped and sanitised. */
export interface ProbedTool {
  readonly name: string;
  readonly description: string;
}

/** What one probe of one candidate learned. */
export type ProbeResult =
  | {
      readonly ok: true;
      readonly transport: NetworkTransport;
      readonly serverInfo: { readonly name: string; readonly version: string };
      readonly protocolVersion: string;
      /** Sorted by name. */
      readonly tools: readonly ProbedTool[];
      /** sha256 hex of the canonical tool list (names, descriptions, input schemas). */
      readonly fingerprint: string;
      readonly latencyMs: number;
    }
  | {
      readonly ok: false;
      /** "timeout", "refused", "protocol", "too-large", ... : the metric's result label. */
      readonly result: string;
      readonly error: string;
      readonly latencyMs: number;
    };

/** A server as the registry holds it. */
export interface RegisteredServer {
  readonly name: string;
  readonly namespace: string | null;
  readonly type: string;
  readonly transport: string;
  readonly endpoint: string;
  readonly source: 'declared' | 'discovered';
  readonly health: 'unknown' | 'healthy' | 'unhealthy';
  readonly healthCheckedAt: string | null;
  readonly latencyMs: number | null;
  readonly serverInfo: { readonly name: string; readonly version: string } | null;
  readonly protocolVersion: string | null;
  readonly tools: readonly ProbedTool[];
  readonly toolCount: number;
  readonly fingerprint: string | null;
  readonly reviewState: 'none' | 'pending' | 'accepted' | 'rejected';
  readonly firstSeen: string;
  readonly lastSeen: string;
}
