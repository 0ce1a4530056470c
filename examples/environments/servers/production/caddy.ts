// Production runs its own Caddy: this file replaces stacks/servers/caddy.ts in the production environment.
import { defineMcpServer } from '../../../../stacks/servers.js';

export default defineMcpServer({
  "name": "caddy",
  "flavour": "standalone",
  "transport": "stdio",
  "source": {
    "npm": {
      "package": "@yawlabs/caddy-mcp",
      "version": "2.4.4",
      "bin": "caddy-mcp"
    }
  },
  "env": {
    "CADDY_ADMIN_URL": "http://192.168.10.14:2019",
    "CADDY_MCP_RUNTIME": "node"
  },
  "egress": [
    {
      "cidrs": [
        "192.168.10.14/32"
      ],
      "ports": [
        2019
      ]
    }
  ],
  "preflight": {
    "check": "startup",
    "reason": "lists its tools only once it reaches the Caddy admin API"
  }
});
