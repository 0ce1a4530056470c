import { defineMcpServer } from '../servers.js';

export default defineMcpServer({
  "name": "adguard",
  "flavour": "toolhive",
  "transport": "stdio",
  "source": {
    "image": "ghcr.io/samik081/mcp-adguard-home:0.7.1"
  },
  "env": {
    "ADGUARD_URL": "http://192.168.10.3:3000",
    "ADGUARD_ACCESS_TIER": "read-only"
  },
  "secretEnv": {
    "ADGUARD_USERNAME": {
      "from": "infisical",
      "name": "adguard-username",
      "key": "ADGUARD_USERNAME",
      "projectSlug": "homelab",
      "environment": "prod",
      "path": "/mcp-servers",
      "credentials": {
        "name": "infisical-machine-identity"
      }
    },
    "ADGUARD_PASSWORD": {
      "from": "infisical",
      "name": "adguard-password",
      "key": "ADGUARD_PASSWORD",
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
        "192.168.10.3/32"
      ],
      "ports": [
        3000
      ]
    }
  ]
});
