/** The MCP gateway (agentgateway): one endpoint in front of the servers. */
export { GATEWAY_PODS, McpGateway, type McpGatewayProps } from './mcp-gateway.js';
export type { PodPeer } from '../workloads/pod-network-policy.js';
