/**
 * What every cluster of the homelab shares: the shipped default platform (stacks/platform.config.ts), with the
 * servers of stacks/servers/ as the shared servers folder. Each environment in platform.environments.ts
 * overrides it.
 */
import { extendPlatformConfig } from '../../stacks/environments.js';
import homelab from '../../stacks/platform.config.js';

export default extendPlatformConfig(homelab, {
  // Relative to platform.environments.ts: the shared folder first, then each environment's own over it.
  mcp: { serversDir: ['../../stacks/servers'] },
});
