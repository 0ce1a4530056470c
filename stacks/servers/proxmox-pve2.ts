import { defineMcpServer } from '../servers.js';

export default defineMcpServer({
  "name": "proxmox-pve2",
  "flavour": "toolhive",
  "transport": "stdio",
  "source": {
    "image": "ghcr.io/samik081/mcp-pve:0.5.0"
  },
  "env": {
    "PVE_BASE_URL": "https://192.168.10.12:8006",
    "PVE_ACCESS_TIER": "read-only",
    "PVE_VERIFY_SSL": "false"
  },
  "secretEnv": {
    "PVE_TOKEN_ID": {
      "from": "infisical",
      "name": "proxmox-pve2-token-id",
      "key": "PVE_TOKEN_ID",
      "projectSlug": "homelab",
      "environment": "prod",
      "path": "/mcp-servers",
      "credentials": {
        "name": "infisical-machine-identity"
      }
    },
    "PVE_TOKEN_SECRET": {
      "from": "infisical",
      "name": "proxmox-pve2-token-secret",
      "key": "PVE_TOKEN_SECRET",
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
        "192.168.10.12/32"
      ],
      "ports": [
        8006
      ]
    }
  ]
});
