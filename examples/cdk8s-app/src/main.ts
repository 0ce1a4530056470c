/**
 * MCP servers in a cdk8s app of your own: a standalone npm server (stdio, bridged to Streamable HTTP), a
 * ToolHive-run image, and the gateway in front of both, with the policy pack failing synth on any error.
 * `npm run build && npm run synth` writes dist/manifests/mcp.k8s.yaml.
 */
import { App, Chart } from 'cdk8s';
import { GATEWAY_PODS, McpGateway } from '@mcp-platform/constructs/gateway';
import { McpServer } from '@mcp-platform/constructs/mcp';
import { enforcePolicies } from '@mcp-platform/constructs/policy';

const namespace = 'mcp';
const app = new App({ outdir: 'dist/manifests' });
const chart = new Chart(app, 'mcp', { namespace });

// Only the gateway calls the servers: their NetworkPolicies let in these pods and no others.
const clients = [GATEWAY_PODS];

new McpServer(chart, 'everything', {
  namespace,
  clients,
  name: 'everything',
  flavour: 'standalone',
  transport: 'stdio',
  source: { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31' } },
});

new McpServer(chart, 'adguard', {
  namespace,
  clients,
  name: 'adguard',
  flavour: 'toolhive',
  transport: 'stdio',
  source: { image: 'ghcr.io/samik081/mcp-adguard-home:0.7.1' },
  env: { ADGUARD_URL: 'http://192.168.10.3:3000', ADGUARD_ACCESS_TIER: 'read-only' },
  // The one host the server talks to; everything else stays denied.
  egress: [{ cidrs: ['192.168.10.3/32'], ports: [3000] }],
  // ToolHive's proxy talks to the API server: its addresses (on Cilium, network: { cni: 'cilium' } instead).
  apiServer: { cidrs: ['192.168.10.10/32'] },
});

// After the servers: the gateway routes to every McpServer of its chart.
new McpGateway(chart, 'gateway', { namespace });

enforcePolicies(app);
app.synth();
