import { defineMcpServer } from '@mcp-platform/constructs/servers';

export default defineMcpServer({
  name: 'everything',
  flavour: 'standalone',
  transport: 'stdio',
  source: { npm: { package: '@modelcontextprotocol/server-everything', version: '2026.8.31' } },
});
