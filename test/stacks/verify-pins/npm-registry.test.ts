import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NpmPin } from '../../../stacks/verify-pins/pins.js';
import { verifyPins } from '../../../stacks/verify-pins/verify-pins.js';
import { FakeNpmRegistry, registryFaults } from '../../support/registry-servers.js';

const npm = (name: string, version: string): NpmPin => ({ kind: 'npm', artifact: `${name}@${version}`, name, version, usedBy: ['mcp/Deployment d (install)'] });

describe('the npm registry', () => {
  let registry: FakeNpmRegistry;
  const check = async (pin: NpmPin) => (await verifyPins([pin], { npmRegistry: registry.url, timeoutMs: 5000 }))[0];

  beforeAll(async () => {
    registry = await FakeNpmRegistry.start();
    registry.publish('supergateway', ['3.4.0', '4.0.0']);
    registry.publish('@yawlabs/caddy-mcp', ['2.4.4']);
  });
  afterAll(async () => {
    await registry.close();
  });

  it('finds a version in the abbreviated metadata and reports its integrity', async () => {
    expect(await check(npm('supergateway', '4.0.0'))).toMatchObject({ status: 'exists', digest: FakeNpmRegistry.integrityOf('supergateway', '4.0.0'), registry: registry.host });
    const request = registry.requests.at(-1)!;
    expect([request.method, request.path]).toEqual(['GET', '/supergateway']);
    expect(request.headers.accept).toMatch(/^application\/vnd\.npm\.install-v1\+json/);
  });

  it('asks for a scoped package as @scope%2Fname', async () => {
    expect(await check(npm('@yawlabs/caddy-mcp', '2.4.4'))).toMatchObject({ status: 'exists', digest: FakeNpmRegistry.integrityOf('@yawlabs/caddy-mcp', '2.4.4') });
    expect(registry.requests.at(-1)?.path).toBe('/@yawlabs%2Fcaddy-mcp');
  });

  it('reports a missing version and a missing package as MISSING', async () => {
    expect(await check(npm('supergateway', '9.9.9'))).toMatchObject({ status: 'MISSING', note: 'supergateway has no version 9.9.9 (latest is 4.0.0)' });
    expect(await check(npm('no-such-package', '1.0.0'))).toMatchObject({ status: 'MISSING', note: 'HTTP 404 Not Found: Not found' });
  });

  it('does not ask about a package that names no exact version', async () => {
    const before = registry.requests.length;
    expect(await check(npm('supergateway', 'latest'))).toMatchObject({ status: 'MISSING', note: 'not pinned: supergateway names "latest", not an exact version' });
    expect(registry.requests.length).toBe(before);
  });

  it('is unreachable on a 5xx', async () => {
    registry.failNext({ ...registryFaults.unavailable(), path: '/flaky' });
    expect(await check(npm('flaky', '1.0.0'))).toMatchObject({ status: 'unreachable', note: `HTTP 503 Service Unavailable from ${registry.host}` });
  });
});
