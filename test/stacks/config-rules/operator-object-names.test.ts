import { describe, expect, it } from '@jest/globals';
import type { PlatformConfigInput } from '../../../stacks/config.js';
import { CONFIG_RULES } from '../../../stacks/config-rules/index.js';
import { operatorObjectNames } from '../../../stacks/config-rules/operator-object-names.js';
import { configOf, minimal } from './support.js';

const image = { image: 'ghcr.io/acme/mcp:1.0.0' };
const toolhive = (name: string, transport: 'stdio' | 'streamable-http' | 'sse' = 'streamable-http') => ({ name, flavour: 'toolhive' as const, transport, source: image });
const standalone = (name: string) => ({ name, transport: 'streamable-http' as const, source: image });
const check = (raw: Partial<PlatformConfigInput>) => operatorObjectNames.check(configOf({ ...minimal, ...raw } as PlatformConfigInput));

describe('config rule operator-object-names', () => {
  it('is one of the rules synth runs', () => {
    expect(CONFIG_RULES).toContain(operatorObjectNames);
  });

  it('passes the defaults, and a ToolHive server beside a standalone one of unrelated names', () => {
    expect(check({})).toEqual([]);
    expect(check({ mcpServers: [toolhive('acme'), standalone('other')], database: { enabled: true, pooler: {} }, gpuInference: { enabled: true } })).toEqual([]);
  });

  it.each([
    ['mcp-acme-proxy', 'proxy Service'],
    ['acme-proxy-runner', "proxy's ServiceAccount"],
    ['acme-runconfig', 'ConfigMap'],
    ['mcp-acme', 'Service'],
    ['mcp-acme-headless', 'headless Service'],
  ])('refuses a server named %s, the %s the ToolHive operator creates for another server', (name, kind) => {
    expect(check({ mcpServers: [toolhive('acme'), standalone(name)] })).toEqual([
      {
        path: 'mcpServers[1].name',
        message: `"${name}" is the name of the ${kind} the ToolHive operator creates for MCP server mcpServers[0] (server "acme"): objects of that name would clash with it; choose another name`,
      },
    ]);
  });

  it('knows the ToolHive operator creates no mcp-<name> Services for a stdio server', () => {
    expect(check({ mcpServers: [toolhive('acme', 'stdio'), standalone('mcp-acme'), standalone('mcp-acme-headless')] })).toEqual([]);
    expect(check({ mcpServers: [toolhive('acme', 'stdio'), standalone('mcp-acme-proxy')] })).toHaveLength(1);
  });

  it("refuses a vLLM deployment named like a ToolHive server's objects, suggesting the default", () => {
    expect(check({ mcpServers: [toolhive('qwen')], gpuInference: { enabled: true, name: 'qwen' } })).toEqual([
      {
        path: 'gpuInference.name',
        message:
          '"qwen" is the name of the proxy Deployment and StatefulSet the ToolHive operator creates for MCP server mcpServers[0] (server "qwen"): objects of that name would clash with it; choose another name (default "vllm")',
      },
    ]);
    expect(check({ mcpServers: [toolhive('qwen')], gpuInference: { enabled: false, name: 'qwen' } })).toEqual([]);
  });

  it("refuses a vLLM deployment named like CloudNativePG's Services", () => {
    const problems = check({ database: { enabled: true }, gpuInference: { enabled: true, name: 'mcp-postgres-ro' } });
    expect(problems).toEqual([
      {
        path: 'gpuInference.name',
        message: '"mcp-postgres-ro" is the name of the Service CloudNativePG creates for the database (database.name "mcp-postgres"): objects of that name would clash with it; choose another name (default "vllm")',
      },
    ]);
  });

  it('reports a ToolHive server whose Service would take the gateway\'s name under the server, only when the gateway is enabled', () => {
    expect(check({ mcpServers: [toolhive('gateway')], gateway: { enabled: true } })).toEqual([
      { path: 'mcpServers[0].name', message: 'makes the ToolHive operator create its Service "mcp-gateway", the name of the gateway\'s own objects: choose another name' },
    ]);
    expect(check({ mcpServers: [toolhive('gateway')] })).toEqual([]);
    expect(check({ mcpServers: [toolhive('discovery', 'sse')], discovery: { enabled: true, database: 'embedded', repo: 'a/b', github: { auth: { token: { from: 'secret', name: 'gh', key: 'token' } } }, apiToken: { from: 'secret', name: 'api', key: 'token' } } })).toEqual([
      { path: 'mcpServers[0].name', message: 'makes the ToolHive operator create its Service "mcp-discovery", the name of the discovery service\'s own objects: choose another name' },
    ]);
  });

  it("refuses a vLLM deployment named like a kmcp server, whose Deployment, Service and ConfigMap the kmcp controller creates", () => {
    const kmcp = { name: 'llm', flavour: 'kmcp' as const, transport: 'streamable-http' as const, source: image };
    expect(check({ mcpServers: [kmcp], gpuInference: { enabled: true, name: 'llm' } })).toEqual([
      {
        path: 'gpuInference.name',
        message:
          '"llm" is the name of the Deployment, Service and ConfigMap the kmcp controller creates for MCP server mcpServers[0] (server "llm"): objects of that name would clash with it; choose another name (default "vllm")',
      },
    ]);
  });

  it("reports a kmcp server named like the database's migration Job under the server", () => {
    const kmcp = { name: 'mcp-postgres-migrate', flavour: 'kmcp' as const, transport: 'streamable-http' as const, source: image };
    expect(check({ mcpServers: [kmcp], database: { enabled: true } })).toEqual([
      {
        path: 'mcpServers[0].name',
        message: 'makes the kmcp operator create its Deployment, Service and ConfigMap "mcp-postgres-migrate", the name of the database\'s migration Job\'s own objects: choose another name',
      },
    ]);
  });

  it("finds CloudNativePG's pooler even when a ToolHive server of that name has objects of it too", () => {
    expect(check({ mcpServers: [toolhive('mcp-postgres-pooler-rw')], database: { enabled: true, pooler: {} } })).toEqual([
      {
        path: 'mcpServers[0].name',
        message:
          '"mcp-postgres-pooler-rw" is the name of the pooler\'s Service and Deployment CloudNativePG creates for the database (database.name "mcp-postgres"): objects of that name would clash with it; choose another name',
      },
    ]);
  });

  it("refuses a ToolHive server whose operator Service would be one of CloudNativePG's, under the server", () => {
    expect(check({ database: { enabled: true }, mcpServers: [toolhive('postgres-ro', 'sse')] })).toEqual([
      {
        path: 'mcpServers[0].name',
        message:
          'makes the ToolHive operator create its Service "mcp-postgres-ro", which is also the Service CloudNativePG creates for the database (database.name "mcp-postgres"): the two would take the object over from each other; choose another name',
      },
    ]);
    expect(check({ database: { enabled: true, name: 'mcp-db' }, mcpServers: [toolhive('db-rw')] })).toHaveLength(1);
    expect(check({ database: { enabled: false }, mcpServers: [toolhive('postgres-ro', 'sse')] })).toEqual([]);
  });

  it.each([
    ['a stdio server and one named <it>-proxy', toolhive('a', 'stdio'), toolhive('a-proxy'), 'Service "mcp-a-proxy", which is also the proxy Service'],
    ['a server and one named <it>-headless', toolhive('a'), toolhive('a-headless'), 'Service "mcp-a-headless", which is also the headless Service'],
  ])('refuses two ToolHive servers whose operator Services share a name: %s', (_, first, second, clash) => {
    expect(check({ mcpServers: [first, second] })).toEqual([
      {
        path: 'mcpServers[1].name',
        message: `makes the ToolHive operator create its ${clash} the ToolHive operator creates for MCP server mcpServers[0] (server "a"): the two would take the object over from each other; choose another name`,
      },
    ]);
  });

  it('reports a name once when the server itself already takes an operator object\'s name', () => {
    const kmcp = { name: 'a-runconfig', flavour: 'kmcp' as const, transport: 'streamable-http' as const, source: image };
    expect(check({ mcpServers: [toolhive('a'), kmcp] })).toEqual([
      {
        path: 'mcpServers[1].name',
        message: '"a-runconfig" is the name of the ConfigMap the ToolHive operator creates for MCP server mcpServers[0] (server "a"): objects of that name would clash with it; choose another name',
      },
    ]);
  });

  it('ignores an external server, which renders nothing of its name', () => {
    expect(check({ mcpServers: [toolhive('acme'), { name: 'mcp-acme', flavour: 'external', transport: 'streamable-http', source: { service: { name: 'x', namespace: 'y' } }, port: 80 }] })).toEqual([]);
  });
});
