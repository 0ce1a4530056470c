import { defineMcpServer } from '../servers.js';

export default defineMcpServer({
  "name": "talos",
  "flavour": "toolhive",
  "transport": "streamable-http",
  "source": {
    "image": "ghcr.io/sergelogvinov/talos-mcp:v0.2.0"
  },
  "args": [
    "server",
    "--log-level=info",
    "--log-format=json"
  ],
  "port": 8080,
  "path": "/mcp",
  "env": {
    "TALOSCONFIG": "/etc/talos/config",
    "LISTEN_ADDRESS": ":8080"
  },
  "secretFiles": [
    {
      "secret": {
        "from": "infisical",
        "name": "talos-talosconfig",
        "key": "TALOSCONFIG",
        "projectSlug": "homelab",
        "environment": "prod",
        "path": "/mcp-servers",
        "credentials": {
          "name": "infisical-machine-identity"
        }
      },
      "path": "/etc/talos/config"
    }
  ],
  "kubernetesAccess": {
    "rules": [
      {
        "apiGroups": [
          ""
        ],
        "resources": [
          "nodes"
        ]
      }
    ]
  },
  "egress": [
    {
      "cidrs": [
        "192.168.10.0/24"
      ],
      "ports": [
        50000
      ]
    }
  ]
});
