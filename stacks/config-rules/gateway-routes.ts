import type { PlatformConfig } from '../config.js';
import type { ConfigProblem } from '../config-problems.js';
import type { ConfigRule } from './rule.js';

/** `gateway.routes` names servers of this config (the config's own and the servers folder's), each once. */
export const gatewayRoutes: ConfigRule = {
  id: 'gateway-routes',
  description: 'Every gateway route names a declared MCP server, once.',
  check(config: PlatformConfig): ConfigProblem[] {
    if (!config.gateway.enabled || !config.gateway.routes) return [];
    const servers = config.mcpServers.map((s) => s.name);
    const seen = new Set<string>();
    const problems: ConfigProblem[] = [];
    config.gateway.routes.forEach((route, index) => {
      const path = `gateway.routes[${index}]`;
      if (seen.has(route)) problems.push({ path, message: `"${route}" is listed twice: list each server once` });
      else if (!servers.includes(route)) {
        problems.push({
          path,
          message: `"${route}" names no MCP server (declared: ${servers.length ? servers.join(', ') : 'none'}): declare it in mcpServers or the servers folder, or remove the route`,
        });
      }
      seen.add(route);
    });
    return problems;
  },
};
