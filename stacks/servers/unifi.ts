import { defineMcpServer } from '../servers.js';

export default defineMcpServer({
  "name": "unifi",
  "flavour": "kmcp",
  "transport": "stdio",
  "source": {
    "image": "ghcr.io/sirkirby/unifi-network-mcp:0.40.0",
    "command": "unifi-network-mcp"
  },
  "env": {
    "UNIFI_HOST": "192.168.10.2",
    "UNIFI_PORT": "443",
    "UNIFI_SITE": "default",
    "UNIFI_VERIFY_SSL": "false"
  },
  "secretEnv": {
    "UNIFI_USERNAME": {
      "from": "infisical",
      "name": "unifi-username",
      "key": "UNIFI_USERNAME",
      "projectSlug": "homelab",
      "environment": "prod",
      "path": "/mcp-servers",
      "credentials": {
        "name": "infisical-machine-identity"
      }
    },
    "UNIFI_PASSWORD": {
      "from": "infisical",
      "name": "unifi-password",
      "key": "UNIFI_PASSWORD",
      "projectSlug": "homelab",
      "environment": "prod",
      "path": "/mcp-servers",
      "credentials": {
        "name": "infisical-machine-identity"
      }
    }
  },
  "egress": [
    {
      "cidrs": [
        "192.168.10.2/32"
      ],
      "ports": [
        443
      ]
    }
  ]
});
