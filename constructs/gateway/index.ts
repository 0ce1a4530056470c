/** The MCP gateway (agentgateway): one endpoint in front of the servers. */
export { McpGateway, type McpGatewayProps } from './mcp-gateway.js';
