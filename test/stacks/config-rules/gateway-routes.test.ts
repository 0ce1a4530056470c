import { describe, expect, it } from '@jest/globals';
import { gatewayRoutes } from '../../../stacks/config-rules/gateway-routes.js';
import { configOf, minimal } from './support.js';

const servers = [{ name: 'github', transport: 'streamable-http', source: { image: 'ghcr.io/github/github-mcp-server:v1.0.0' } }] as const;

describe('config rule gateway-routes', () => {
  it('passes routes to declared servers, and a gateway that routes to all of them', () => {
    expect(gatewayRoutes.check(configOf({ ...minimal, mcpServers: [...servers], gateway: { enabled: true, routes: ['github'] } }))).toEqual([]);
    expect(gatewayRoutes.check(configOf({ ...minimal, mcpServers: [...servers], gateway: { enabled: true } }))).toEqual([]);
  });

  it('refuses a route to a server that is not declared, listing the declared ones', () => {
    expect(gatewayRoutes.check(configOf({ ...minimal, mcpServers: [...servers], gateway: { enabled: true, routes: ['github', 'gitlab'] } }))).toEqual([
      { path: 'gateway.routes[1]', message: '"gitlab" names no MCP server (declared: github): declare it in mcpServers or the servers folder, or remove the route' },
    ]);
    expect(gatewayRoutes.check(configOf({ ...minimal, gateway: { enabled: true, routes: ['gitlab'] } }))[0].message).toContain('(declared: none)');
  });

  it('refuses a route listed twice', () => {
    expect(gatewayRoutes.check(configOf({ ...minimal, mcpServers: [...servers], gateway: { enabled: true, routes: ['github', 'github'] } }))).toEqual([
      { path: 'gateway.routes[1]', message: '"github" is listed twice: list each server once' },
    ]);
  });

  it('checks nothing while the gateway is disabled', () => {
    expect(gatewayRoutes.check(configOf({ ...minimal, gateway: { enabled: false, routes: ['gitlab'] } }))).toEqual([]);
  });
});
