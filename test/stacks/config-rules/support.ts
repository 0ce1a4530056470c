import { parsePlatformConfig, type PlatformConfig, type PlatformConfigInput } from '../../../stacks/config.js';

export const minimal: PlatformConfigInput = {
  name: 'lab',
  kubernetes: { context: 'admin@lab', apiServer: { cidrs: ['10.0.0.1/32'] } },
  gitops: { repoUrl: 'https://github.com/me/gitops.git', path: 'apps/mcp' },
};

export const configOf = (raw: PlatformConfigInput): PlatformConfig => parsePlatformConfig(raw, 'test');
