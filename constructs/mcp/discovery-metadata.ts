/**
 * The conventions that make an MCP server reachable by the gateway and findable by the discovery service:
 * agentgateway's Service port `appProtocol` and path annotation, and the platform's own annotations under
 * one configurable prefix. The discovery service reads exactly these keys.
 */
import { PART_OF } from '../labels.js';
import type { McpFlavour, McpTransport } from './mcp-server-props.js';

/** The MCP capabilities a server can advertise (the protocol's capability names); the discovery service accepts these and no others. */
export const MCP_CAPABILITIES: ReadonlySet<string> = new Set(['tools', 'resources', 'prompts', 'logging', 'completions', 'sampling', 'elicitation', 'roots']);

/** Default prefix of the platform's annotations: `<prefix>/enabled: "true"`, `<prefix>/transport`, ... */
export const DEFAULT_ANNOTATION_PREFIX = 'mcp-platform.dev';
/** agentgateway's annotation naming the MCP endpoint's path on a Service. */
export const AGENTGATEWAY_PATH_ANNOTATION = 'agentgateway.dev/mcp-path';

/** The `appProtocol` of a Service port that agentgateway (and kgateway) treat as MCP. */
export function mcpAppProtocol(transport: 'streamable-http' | 'sse'): string {
  return transport === 'sse' ? 'agentgateway.dev/mcp-sse' : 'agentgateway.dev/mcp';
}

/** The annotation keys under a prefix. */
export function annotationKeys(prefix: string = DEFAULT_ANNOTATION_PREFIX) {
  return {
    enabled: `${prefix}/enabled`,
    type: `${prefix}/type`,
    transport: `${prefix}/transport`,
    path: `${prefix}/path`,
    port: `${prefix}/port`,
    capabilities: `${prefix}/capabilities`,
    /** Set on what the platform rendered itself: the discovery service skips it (it is already declared). */
    declaredBy: `${prefix}/declared-by`,
  } as const;
}

export interface DiscoveryAnnotationValues {
  readonly flavour: McpFlavour;
  /** The transport clients use (stdio servers are served over Streamable HTTP). */
  readonly transport: McpTransport;
  readonly path: string;
  readonly port: number;
  readonly capabilities: readonly string[];
}

/** The platform's annotations for one server. */
export function discoveryAnnotations(values: DiscoveryAnnotationValues, prefix: string = DEFAULT_ANNOTATION_PREFIX): Record<string, string> {
  const keys = annotationKeys(prefix);
  return {
    [keys.enabled]: 'true',
    [keys.type]: values.flavour,
    [keys.transport]: values.transport,
    [keys.path]: values.path,
    [keys.port]: String(values.port),
    [keys.capabilities]: [...values.capabilities].sort().join(','),
    [keys.declaredBy]: PART_OF,
  };
}
