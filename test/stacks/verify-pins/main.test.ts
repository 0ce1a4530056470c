import { runProcess, type ProcessRun } from '../../support/processes.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NODE_IMAGE } from '../../../constructs/mcp/npm-runtime.js';
import { DEFAULT_CONFIG, loadConfigFile } from '../../../stacks/load-config.js';
import { renderPlatformInMemory } from '../../../stacks/synth.js';
import { collectPins } from '../../../stacks/verify-pins/collect.js';
import { parseImageReference } from '../../../stacks/verify-pins/image-reference.js';
import type { PinResult } from '../../../stacks/verify-pins/pins.js';
import { FakeHelmRepository, FakeNpmRegistry, FakeOciRegistry, refusingEndpoint } from '../../support/registry-servers.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs the real entry as `npm run verify-pins` does; asynchronously, so the fakes in this process can answer. */
function verifyPinsCli(args: string[]): Promise<ProcessRun> {
  return runProcess(process.execPath, ['--import', 'tsx', join(repo, 'stacks', 'verify-pins', 'main.ts'), ...args], { cwd: repo, env: { ...process.env, NODE_OPTIONS: '' } });
}

describe('npm run verify-pins against local registries holding the default platform', () => {
  const oci = new Map<string, FakeOciRegistry>();
  let helm: FakeHelmRepository;
  let npm: FakeNpmRegistry;
  let npmWithoutBridge: FakeNpmRegistry;
  let endpoints: Record<string, string>;
  let refused: string;
  /** The three runs, started together once the fakes hold the platform (each renders it, which takes seconds). */
  let runs: Record<'complete' | 'missing' | 'unreachable', ReturnType<typeof verifyPinsCli>>;
  const endpointArgs = (overrides: Record<string, string> = {}) =>
    Object.entries({ ...endpoints, ...overrides }).flatMap(([host, url]) => ['--registry-endpoint', `${host}=${url}`]);

  beforeAll(async () => {
    // GIVEN fakes of every registry the default platform pins from, holding every pinned artifact
    const pins = collectPins(renderPlatformInMemory(await loadConfigFile(DEFAULT_CONFIG)));
    [helm, npm, npmWithoutBridge] = await Promise.all([FakeHelmRepository.start(), FakeNpmRegistry.start(), FakeNpmRegistry.start()]);
    endpoints = {};
    const registry = async (apiHost: string) => {
      if (!oci.has(apiHost)) {
        oci.set(apiHost, await FakeOciRegistry.start({ service: apiHost }));
        endpoints[apiHost] = oci.get(apiHost)!.url;
      }
      return oci.get(apiHost)!;
    };
    for (const pin of pins) {
      if (pin.kind === 'image') {
        const { apiHost, repository, reference } = parseImageReference(pin.image);
        (await registry(apiHost)).pushImage(repository, reference, { index: true });
      } else if (pin.kind === 'chart' && pin.repository.startsWith('oci://')) {
        const [host, ...path] = pin.repository.slice('oci://'.length).split('/');
        (await registry(host)).pushChart([...path, pin.chart].join('/'), pin.version);
      } else if (pin.kind === 'chart') {
        const url = new URL(pin.repository);
        helm.publish(`/${url.host}${url.pathname}`, pin.chart, [pin.version]);
        endpoints[url.host] = `${helm.url}/${url.host}`;
      } else {
        npm.publish(pin.name, [pin.version]);
        if (pin.name !== 'supergateway') npmWithoutBridge.publish(pin.name, [pin.version]);
      }
    }
    refused = await refusingEndpoint();
    runs = {
      complete: verifyPinsCli([...endpointArgs(), '--npm-registry', npm.url, '--timeout-ms', '5000']),
      missing: verifyPinsCli([...endpointArgs(), '--npm-registry', npmWithoutBridge.url, '--json']),
      unreachable: verifyPinsCli([...endpointArgs({ 'ghcr.io': refused }), '--npm-registry', npmWithoutBridge.url]),
    };
    await Promise.all(Object.values(runs));
  });
  afterAll(async () => {
    await Promise.all([...oci.values(), helm, npm, npmWithoutBridge].map((server) => server.close()));
  });

  it('exits 0 and prints the table when every artifact exists', async () => {
    const run = await runs.complete;
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^ghcr\.io\/kagent-dev\/kmcp\/helm\/kmcp:0\.3\.0 +chart +bootstrap\/helm_release kmcp +exists +sha256:[0-9a-f]{64}, OCI image manifest$/m);
    expect(run.stdout).toMatch(new RegExp(`^${escape(NODE_IMAGE)} +image +mcp-servers/Deployment caddy \\(install\\) +exists +sha256:[0-9a-f]{64}, OCI image index \\(multi-arch\\)$`, 'm'));
    expect(run.stdout.trimEnd()).toMatch(/\. Every pinned artifact exists$/);
  });

  it('exits 1 when an artifact is MISSING and every registry answered, and --json prints the results', async () => {
    const run = await runs.missing;
    expect(run.status).toBe(1);
    const { results, summary } = JSON.parse(run.stdout) as { results: PinResult[]; summary: { exitCode: number; missing: number } };
    expect(results.find((r) => r.artifact === 'supergateway@4.0.0')).toMatchObject({ status: 'MISSING', note: 'HTTP 404 Not Found: Not found' });
    expect(summary).toMatchObject({ exitCode: 1, missing: 1 });
  });

  it('exits 3 when a registry cannot be reached, saying the check is incomplete, and still shows what is MISSING', async () => {
    const run = await runs.unreachable;
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(new RegExp(`^ghcr\\.io/kagent-dev/kmcp/helm/kmcp:0\\.3\\.0 +chart +bootstrap/helm_release kmcp +unreachable +ECONNREFUSED ${new URL(refused).host}$`, 'm'));
    expect(run.stdout).toMatch(/^supergateway@4\.0\.0 +npm +mcp-servers\/Deployment caddy \(install\) +MISSING +HTTP 404 Not Found: Not found$/m);
    expect(run.stdout.trimEnd()).toMatch(/Incomplete: could not reach 1 registry: ghcr\.io — this is not a pass$/);
  });
});

describe('npm run verify-pins usage', () => {
  it('exits 2 with the usage line on an unknown flag or a bad number', async () => {
    const unknown = await verifyPinsCli(['--bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain('usage: npm run verify-pins -- [--config FILE] [--env NAME] [--json]');
    const bad = await verifyPinsCli(['--timeout-ms', '10s']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--timeout-ms must be a positive whole number, got "10s"');
    const endpoint = await verifyPinsCli(['--registry-endpoint', 'ghcr.io']);
    expect(endpoint.status).toBe(2);
    expect(endpoint.stderr).toContain('--registry-endpoint must be HOST=URL, e.g. ghcr.io=http://127.0.0.1:5000, got "ghcr.io"');
  });

  it('prints the usage and exits 0 on --help', async () => {
    const run = await verifyPinsCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Exit codes: 0 every artifact exists; 1 an artifact is MISSING');
  });

  it('prints the config error and exits 1 on an invalid config', async () => {
    const run = await verifyPinsCli(['--config', 'nope.config.ts']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid platform config (nope.config.ts):\n  - file not found; pass an existing file with --config (default stacks/platform.config.ts)');
  });
});
