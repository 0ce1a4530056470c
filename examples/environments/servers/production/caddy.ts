// Production runs its own Caddy: this file replaces stacks/servers/caddy.ts in the production environment.
import { defineMcpServer } from '../../../../stacks/servers.js';
import shared from '../../../../stacks/servers/caddy.js';

export default defineMcpServer({
  ...shared,
  env: { ...shared.env, CADDY_ADMIN_URL: 'http://192.168.10.14:2019' },
  egress: [{ cidrs: ['192.168.10.14/32'], ports: [2019] }],
});
