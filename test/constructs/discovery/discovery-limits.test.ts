/**
 * The discovery construct's limits are the discovery service's own: what the construct renders at each limit
 * the service's settings reader takes, and one past it the construct refuses (the pod would crash-loop).
 */
import { describe, expect, it } from '@jest/globals';
import { DISCOVERY_SETTING_LIMITS, DiscoveryService, type DiscoveryServiceProps } from '../../../constructs/discovery/discovery-service.js';
import { readSettings, SettingsError } from '../../../services/discovery/src/settings.js';
import { only, render, testChart } from '../../support/charts.js';
import { errorOf } from '../../support/errors.js';

const REQUIRED: DiscoveryServiceProps = {
  namespace: 'mcp-system',
  repo: 'homelab/platform',
  github: { auth: { token: { from: 'secret', name: 'discovery-github', key: 'token' } } },
  apiToken: { from: 'secret', name: 'discovery-api', key: 'token' },
  apiServer: { cidrs: ['192.168.10.5/32'] },
};

type Field = keyof typeof DISCOVERY_SETTING_LIMITS;

/** The variable each field is rendered as (services/discovery/src/settings.ts reads them). */
const VARIABLE: Record<Field, string> = {
  'probe.timeoutMs': 'PROBE_TIMEOUT_MS',
  'probe.concurrency': 'PROBE_CONCURRENCY',
  maxOpenPullRequests: 'MAX_OPEN_PULL_REQUESTS',
  toolBudget: 'TOOL_BUDGET',
  reconcileIntervalSeconds: 'RECONCILE_INTERVAL_SECONDS',
};

function propsWith(field: Field, value: number): Partial<DiscoveryServiceProps> {
  if (field === 'probe.timeoutMs') return { probe: { timeoutMs: value } };
  if (field === 'probe.concurrency') return { probe: { concurrency: value } };
  return { [field]: value };
}

/** The rendered container's plain env, as the service reads it. */
function renderedEnv(props: Partial<DiscoveryServiceProps>): NodeJS.ProcessEnv {
  const chart = testChart();
  new DiscoveryService(chart, 'discovery', { ...REQUIRED, ...props });
  const container = only(render(chart), 'Deployment', 'mcp-discovery').spec.template.spec.containers[0];
  return Object.fromEntries(container.env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
}

describe('DiscoveryService limits', () => {
  it.each(Object.keys(DISCOVERY_SETTING_LIMITS) as Field[])('renders %s at its limit as a value the service takes', (field) => {
    const { max } = DISCOVERY_SETTING_LIMITS[field];
    const env = renderedEnv(propsWith(field, max));
    expect(env[VARIABLE[field]]).toBe(String(max));
    expect(() => readSettings(['serve'], { ...env, DISCOVERY_API_TOKEN: 't', GITHUB_TOKEN: 't' })).not.toThrow();
  });

  it.each(Object.keys(DISCOVERY_SETTING_LIMITS) as Field[])('refuses %s one past its limit, which the service would refuse at start-up', (field) => {
    const { min, max } = DISCOVERY_SETTING_LIMITS[field];
    expect(errorOf(() => renderedEnv(propsWith(field, max + 1)))).toBe(
      `DiscoveryService discovery:\n  - ${field} must be from ${min} to ${max} (the discovery service refuses other values at start-up), got ${max + 1}`,
    );
    // The service itself, given that value, refuses to start: the limit is its, not ours.
    const env = renderedEnv(propsWith(field, max));
    const variable = VARIABLE[field];
    let refused: unknown;
    try {
      readSettings(['serve'], { ...env, [variable]: String(max + 1), DISCOVERY_API_TOKEN: 't', GITHUB_TOKEN: 't' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(SettingsError);
    expect((refused as SettingsError).problems).toEqual([expect.stringMatching(new RegExp(`^--[a-z-]+ / ${variable}: "${max + 1}" must be a whole number from \\d+ to ${max}$`))]);
  });

  it.each(['servers.js', '../servers.ts', "../it's.js", '../a/../servers.js', 'mcp-platform/servers'])('refuses the server file import %j, which the service refuses', (serverFileImport) => {
    expect(errorOf(() => renderedEnv({ serverFileImport }))).toBe(
      `DiscoveryService discovery:\n  - serverFileImport ${JSON.stringify(serverFileImport)} must be a relative module path ending in ".js", such as "../servers.js" (leading "./" or "../" only), or "@mcp-platform/constructs/servers" when the platform is an installed package`,
    );
  });

  it('refuses a servers folder with an empty part, which the service refuses', () => {
    expect(errorOf(() => renderedEnv({ serversDir: 'stacks//servers' }))).toBe(
      'DiscoveryService discovery:\n  - serversDir "stacks//servers" must be a path inside the repository, e.g. "stacks/servers" (no leading or trailing "/", no "//", "." or ".." part)',
    );
  });
});
