/** The MCP gateway (agentgateway): one endpoint in front of the servers. */
export { GATEWAY_PODS, McpGateway, type McpGatewayProps } from './mcp-gateway.js';
export type { PodPeer } from '../workloads/pod-network-policy.js';
export { DEFAULT_MODELS_PORT, type GatewayModel, type GatewayModels } from './gateway-models.js';
export { PROVIDER_HOSTS, type ModelPrice, type ModelProvider, type ModelRouting, type VirtualModel } from './llm-routes.js';
export { LlmTokenLimiter, TOKEN_LIMIT_UNITS, type TokenLimit, type TokenLimits, type TokenLimitUnit } from './llm-token-limiter.js';
