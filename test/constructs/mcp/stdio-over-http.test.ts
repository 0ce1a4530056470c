/**
 * The proof that a stdio MCP server works behind the rendered bridge: render a standalone server for the
 * real `@modelcontextprotocol/server-everything` from npm, run the init and server commands exactly as the
 * Deployment has them, and talk to it with the MCP SDK's own client over Streamable HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '../../../constructs/mcp/mcp-server.js';
import { STDIO_BRIDGE } from '../../../constructs/mcp/npm-runtime.js';
import { installLocally, renderedCommands, startLocally, type RunningServer } from '../../../stacks/preflight/local-run.js';
import { only, render, testChart } from '../../support/charts.js';
import { tempDir } from '../../support/files.js';
import { freePort } from '../../support/processes.js';

const EVERYTHING = { package: '@modelcontextprotocol/server-everything', version: '2026.8.31', bin: 'mcp-server-everything' };

describe('a stdio server from npm, behind the rendered bridge', () => {
  let deployment: Record<string, any>;
  let server: RunningServer;
  let client: Client;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    const chart = testChart();
    new McpServer(chart, 'everything', {
      namespace: 'mcp-system',
      name: 'everything',
      flavour: 'standalone',
      transport: 'stdio',
      source: { npm: EVERYTHING },
      args: ['stdio'],
      port,
      clients: [{ podLabels: { 'app.kubernetes.io/name': 'mcp-gateway' } }],
    });
    deployment = only(render(chart), 'Deployment', 'everything');
    const commands = renderedCommands(deployment);
    const workDir = tempDir('mcp-stdio-');
    await installLocally(commands, workDir);
    server = await startLocally(commands, workDir, { timeoutMs: 60_000 });
    client = new Client({ name: 'stdio-over-http-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  }, 240_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('renders the pinned bridge in front of the pinned package, run from the installed folder', () => {
    const pod = deployment.spec.template.spec;
    expect(pod.initContainers[0].args).toEqual(expect.arrayContaining([`${EVERYTHING.package}@${EVERYTHING.version}`, `${STDIO_BRIDGE.package}@${STDIO_BRIDGE.version}`]));
    expect(pod.containers[0].command).toEqual(['node', 'node_modules/.bin/supergateway']);
    expect(pod.containers[0].args.slice(0, 2)).toEqual(['--stdio', 'node_modules/.bin/mcp-server-everything stdio']);
  });

  it('initializes over Streamable HTTP and reports the real server', () => {
    expect(client.getServerVersion()?.name).toMatch(/everything/i);
    expect(client.getServerCapabilities()?.tools).toBeDefined();
  });

  it('lists the tools of the stdio server', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo']));
  });

  it('calls a tool and gets its answer back through the bridge', async () => {
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hello through the bridge' } });
    expect(JSON.stringify(result.content)).toContain('hello through the bridge');
  });

  it('answers the health endpoint the probes use', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });
});
