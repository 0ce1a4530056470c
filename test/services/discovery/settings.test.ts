import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSettings, readSettings, SettingsError, USAGE, type DiscoverySettings } from '../../../services/discovery/src/settings.js';
import { tempDir } from '../../support/files.js';

const read = (argv: string[], env: Record<string, string> = {}) => readSettings(argv, env) as DiscoverySettings;
const problems = (argv: string[], env: Record<string, string> = {}) => {
  try {
    readSettings(argv, env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
};

describe('discovery settings', () => {
  it('GIVEN only --dry-run THEN every documented default applies', () => {
    const settings = read(['reconcile', '--once', '--dry-run', '/tmp/out']);
    expect(settings).toMatchObject({
      command: 'reconcile',
      stateDir: '.mcp-discovery',
      baseBranch: 'main',
      githubApiUrl: 'https://api.github.com',
      annotationPrefix: 'mcp-platform.dev',
      namespaces: [],
      serversDir: 'stacks/servers',
      serverFileImport: '../servers.js',
      probeTimeoutMs: 10_000,
      probeConcurrency: 16,
      maxOpenPullRequests: 5,
      toolBudget: 40,
      port: 8080,
      host: '0.0.0.0',
      reconcileIntervalSeconds: 300,
      logLevel: 'info',
      dryRunDir: '/tmp/out',
      listTimeoutSeconds: 15,
      platformNamespace: 'mcp-system',
    });
    expect(settings.databaseUrl).toBeUndefined();
    expect(settings.kubeconfig).toBeUndefined();
    expect(settings.gatewayApplication).toBeUndefined();
    expect(USAGE).toContain('full list takes longer (an unreachable API server); default: 15');
  });

  it('GIVEN the gateway settings the construct renders THEN pull-request bodies get them', () => {
    const settings = read(['reconcile', '--once', '--dry-run', 'out'], { PLATFORM_NAMESPACE: 'platform', GATEWAY_ARGOCD_APPLICATION: 'homelab-mcp-servers' });
    expect(settings).toMatchObject({ platformNamespace: 'platform', gatewayApplication: 'homelab-mcp-servers' });
    expect(problems(['serve', '--platform-namespace', 'Bad_NS'], { GITHUB_REPOSITORY: 'o/r', GITHUB_TOKEN: 't' })).toEqual(['--platform-namespace / PLATFORM_NAMESPACE: "Bad_NS" is not a namespace name']);
  });

  it('GIVEN the construct environment THEN it is read; flags win over it', () => {
    const env = {
      GITHUB_REPOSITORY: 'homelab/platform',
      GITHUB_TOKEN: 'ghp_example',
      DISCOVERY_NAMESPACES: 'mcp-system, tools',
      PROBE_CONCURRENCY: '4',
      MCP_ANNOTATION_PREFIX: 'example.org',
      GITHUB_API_URL: 'https://github.example.com/api/v3/',
    };
    const settings = read(['serve', '--probe-concurrency', '8'], env);
    expect(settings).toMatchObject({ command: 'serve', repo: 'homelab/platform', namespaces: ['mcp-system', 'tools'], probeConcurrency: 8, annotationPrefix: 'example.org', githubApiUrl: 'https://github.example.com/api/v3' });
    expect(settings.githubAuth).toEqual({ token: 'ghp_example' });
  });

  it('GIVEN a GitHub App key file THEN app auth is used', () => {
    const dir = tempDir();
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    writeFileSync(join(dir, 'key.pem'), key);
    const settings = read(['serve'], { GITHUB_REPOSITORY: 'o/r', GITHUB_APP_ID: '123', GITHUB_APP_INSTALLATION_ID: '456', GITHUB_APP_PRIVATE_KEY_FILE: join(dir, 'key.pem') });
    expect(settings.githubAuth).toEqual({ appId: '123', installationId: 456, privateKey: key });
    expect(describeSettings(settings).githubAuth).toBe('app 123');
  });

  it('GIVEN bad values THEN each problem names the flag, the variable and the fix', () => {
    expect(problems(['reconcile', '--once', '--probe-timeout', 'soon', '--namespaces', 'Bad_NS', '--repo', 'noslash'], { DATABASE_URL: 'mysql://u:hunter2@db/x' })).toEqual([
      '--repo / GITHUB_REPOSITORY: "noslash" must be "owner/name"',
      '--namespaces / DISCOVERY_NAMESPACES: "Bad_NS" is not a namespace name',
      '--database-url / DATABASE_URL: must be a postgresql:// URL (its value is not shown: it may hold a password)',
      'GitHub credentials are required: set GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY(_FILE); or use --dry-run DIR',
      '--probe-timeout / PROBE_TIMEOUT_MS: "soon" must be a whole number from 100 to 300000',
    ]);
  });

  it('GIVEN a server file import THEN it is read from its flag or variable, and refused unless a relative .js module path or the package export', () => {
    expect(read(['reconcile', '--once', '--dry-run', 'out'], { DISCOVERY_SERVER_FILE_IMPORT: '../../stacks/servers.js' }).serverFileImport).toBe('../../stacks/servers.js');
    expect(read(['reconcile', '--once', '--dry-run', 'out', '--server-file-import', './servers.js']).serverFileImport).toBe('./servers.js');
    expect(problems(['reconcile', '--once', '--dry-run', 'out', '--server-file-import', 'servers'])).toEqual([
      '--server-file-import / DISCOVERY_SERVER_FILE_IMPORT: "servers" must be a relative module path ending in ".js", such as "../servers.js" (leading "./" or "../" only), or "@mcp-platform/constructs/servers" when the platform is an installed package',
    ]);
    expect(read(['reconcile', '--once', '--dry-run', 'out', '--server-file-import', '@mcp-platform/constructs/servers']).serverFileImport).toBe('@mcp-platform/constructs/servers');
  });

  it('GIVEN no command, reconcile without --once, or an unknown flag THEN usage errors', () => {
    expect(problems([], {})[0]).toBe('command "": use "serve" or "reconcile --once"');
    expect(problems(['reconcile', '--dry-run', 'x'])).toEqual(['reconcile needs --once (for continuous reconciling, use serve)']);
    expect(problems(['serve', '--colour'])).toEqual(['unknown option --colour (see --help)']);
    expect(problems(['reconcile', '--once', '--dry-run'])).toEqual(['--dry-run needs a value (see --help)']);
    expect(problems(['reconcile', '--once=yes'])).toEqual(['--once takes no value (see --help)']);
  });

  it('GIVEN one problem THEN the message is one line; GIVEN several THEN a list; both point at --help', () => {
    expect(new SettingsError(['unknown option --colour (see --help)']).message).toBe('unknown option --colour (see --help)');
    expect(new SettingsError(['a', 'b']).message).toBe('invalid settings:\n  - a\n  - b (see --help)');
  });

  it('GIVEN secrets THEN the described settings leave them out', () => {
    const settings = read(['serve'], { GITHUB_REPOSITORY: 'o/r', GITHUB_TOKEN: 'ghp_secret', DATABASE_URL: 'postgresql://app:hunter2@db:5432/app', DISCOVERY_API_TOKEN: 'api-secret' });
    const shown = JSON.stringify(describeSettings(settings));
    expect(shown).not.toMatch(/ghp_secret|hunter2|api-secret/);
    expect(shown).toContain('postgresql://app:***@db:5432/app');
  });
});
