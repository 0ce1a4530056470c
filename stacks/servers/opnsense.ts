import { defineMcpServer } from '../servers.js';

export default defineMcpServer({
  "name": "opnsense",
  "flavour": "toolhive",
  "transport": "stdio",
  "source": {
    "image": "docker.io/uhlenheide/opnsense-mcp-server:0.3.5"
  },
  "env": {
    "OPNSENSE_URL": "https://192.168.10.1",
    "OPNSENSE_VERIFY_SSL": "false"
  },
  "secretEnv": {
    "OPNSENSE_API_KEY": {
      "from": "infisical",
      "name": "opnsense-api-key",
      "key": "OPNSENSE_API_KEY",
      "projectSlug": "homelab",
      "environment": "prod",
      "path": "/mcp-servers",
      "credentials": {
        "name": "infisical-machine-identity"
      }
    },
    "OPNSENSE_API_SECRET": {
      "from": "infisical",
      "name": "opnsense-api-secret",
      "key": "OPNSENSE_API_SECRET",
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
        "192.168.10.1/32"
      ],
      "ports": [
        443
      ]
    }
  ]
});
