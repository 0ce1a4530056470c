/** MCP servers: one construct, four flavours (standalone, kmcp, ToolHive, external). */
export { McpServer, type McpEndpoint, type McpServerProps } from './mcp-server.js';
export type {
  ImageSource,
  KubernetesReadAccess,
  McpFlavour,
  McpServerSource,
  McpServerSpec,
  McpTransport,
  NpmSource,
  PackageRegistry,
  PreflightPolicy,
  SecretFile,
  ServiceSource,
  UpstreamEgress,
} from './mcp-server-props.js';
export type { PodPeer } from '../workloads/pod-network-policy.js';
export type { ApiServerEndpoint, ClusterNetwork } from '../network/cluster-network.js';
