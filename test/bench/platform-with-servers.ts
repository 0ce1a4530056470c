/**
 * The default platform with its MCP servers replaced by `count` generated ones, in every flavour in
 * turn (standalone from npm, kmcp and ToolHive from images, external), all routed by the gateway.
 */
import type { McpServerConfig, PlatformConfig } from '../../stacks/config.js';
import { parseMcpServer } from '../../stacks/config.js';

export function generatedServers(count: number): McpServerConfig[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `bench-${String(i).padStart(4, '0')}`;
    const tools = [`${name.replace(/-/g, '_')}_list`, `${name.replace(/-/g, '_')}_get`];
    switch (i % 4) {
      case 0:
        return parseMcpServer({ name, flavour: 'standalone', transport: 'stdio', source: { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31', bin: 'mcp-server-everything' } }, args: ['stdio'], tools }, name);
      case 1:
        return parseMcpServer({ name, flavour: 'kmcp', transport: 'stdio', source: { image: 'ghcr.io/github/github-mcp-server:v2.0.2', command: '/server/github-mcp-server' }, args: ['stdio'], tools }, name);
      case 2:
        return parseMcpServer({ name, flavour: 'toolhive', transport: 'stdio', source: { image: 'ghcr.io/samik081/mcp-pve:0.5.0' }, egress: [{ cidrs: ['192.168.10.11/32'], ports: [8006] }], tools }, name);
      default:
        return parseMcpServer({ name, flavour: 'external', transport: 'streamable-http', source: { service: { name: `${name}-svc`, namespace: 'tools', targetPort: 3000 } }, port: 8080, path: '/mcp', tools }, name);
    }
  });
}

export function withGeneratedServers(config: PlatformConfig, count: number): PlatformConfig {
  // The default's namespace quota is sized for its own dozen servers; a thousand need no quota to be timed.
  return { ...config, mcpServers: generatedServers(count), gateway: { ...config.gateway, routes: undefined }, guardrails: { ...config.guardrails, resourceQuota: undefined } };
}
