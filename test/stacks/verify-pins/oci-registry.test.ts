import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChartPin, ImagePin } from '../../../stacks/verify-pins/pins.js';
import { verifyPins, type VerifyOptions } from '../../../stacks/verify-pins/verify-pins.js';
import { FakeOciRegistry, MEDIA_TYPES, refusingEndpoint, registryFaults } from '../../support/registry-servers.js';

const image = (reference: string): ImagePin => ({ kind: 'image', artifact: reference, image: reference, usedBy: ['test/Pod p (c)'] });
const chart = (repository: string, name: string, version: string): ChartPin => ({ kind: 'chart', artifact: `${name}:${version}`, repository, chart: name, version, usedBy: ['bootstrap/helm_release r'] });

describe('OCI registries (a token service in front, as ghcr.io and Docker Hub have)', () => {
  let ghcr: FakeOciRegistry;
  let hub: FakeOciRegistry;
  const check = async (pin: ImagePin | ChartPin, options: VerifyOptions = {}) =>
    (await verifyPins([pin], { endpoints: { 'ghcr.io': ghcr.url, 'registry-1.docker.io': hub.url }, timeoutMs: 5000, ...options }))[0];

  beforeAll(async () => {
    ghcr = await FakeOciRegistry.start({ service: 'ghcr.io' });
    hub = await FakeOciRegistry.start({ service: 'registry.docker.io', tokenField: 'access_token' });
  });
  afterAll(async () => {
    await Promise.all([ghcr.close(), hub.close()]);
  });

  it('reports a present tag with its digest, after the anonymous token dance the challenge asks for', async () => {
    // GIVEN a public image
    const digest = ghcr.pushImage('acme/app', 'v1');
    const before = ghcr.manifestRequests.length;
    // WHEN it is checked
    const result = await check(image('ghcr.io/acme/app:v1'));
    // THEN it exists with the registry's digest
    expect(result).toMatchObject({ status: 'exists', digest, note: 'OCI image manifest', registry: 'ghcr.io' });
    // AND the protocol was followed: HEAD without credentials, 401, token for the pull scope, HEAD with Bearer
    const [first, second] = ghcr.manifestRequests.slice(before);
    expect([first.method, first.path, first.headers.authorization]).toEqual(['HEAD', '/v2/acme/app/manifests/v1', undefined]);
    expect(first.headers.accept).toBe(`${MEDIA_TYPES.ociIndex}, ${MEDIA_TYPES.ociManifest}, ${MEDIA_TYPES.dockerManifestList}, ${MEDIA_TYPES.dockerManifest}`);
    expect(second.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(ghcr.tokens.requests.at(-1)?.query).toEqual({ service: 'ghcr.io', scope: 'repository:acme/app:pull' });
  });

  it('counts a multi-arch index (or a Docker manifest list) as existing, and says so', async () => {
    const index = ghcr.pushImage('acme/multi', '2.0.0', { index: true });
    const list = hub.pushImage('acme/legacy', '1.0.0', { index: true, docker: true });
    expect(await check(image('ghcr.io/acme/multi:2.0.0'))).toMatchObject({ status: 'exists', digest: index, note: 'OCI image index (multi-arch)' });
    expect(await check(image('acme/legacy:1.0.0'))).toMatchObject({ status: 'exists', digest: list, note: 'Docker manifest list (multi-arch index)' });
  });

  it('reports a missing tag and a missing repository as MISSING with the spec error code', async () => {
    ghcr.pushImage('acme/app', 'v1');
    expect(await check(image('ghcr.io/acme/app:v9'))).toMatchObject({ status: 'MISSING', note: 'HTTP 404 Not Found MANIFEST_UNKNOWN: manifest unknown' });
    expect(await check(image('ghcr.io/acme/nothing:v1'))).toMatchObject({ status: 'MISSING', note: 'HTTP 404 Not Found NAME_UNKNOWN: repository name not known to registry' });
  });

  it('reports a 401 or 403 that remains after an anonymous token as MISSING: not found or private', async () => {
    ghcr.makePrivate('acme/secret', 401);
    ghcr.makePrivate('acme/locked', 403);
    expect(await check(image('ghcr.io/acme/secret:v1'))).toMatchObject({ status: 'MISSING', note: 'denied: not found or private (HTTP 401 Unauthorized UNAUTHORIZED: authentication required)' });
    expect(await check(image('ghcr.io/acme/locked:v1'))).toMatchObject({ status: 'MISSING', note: 'denied: not found or private (HTTP 403 Forbidden DENIED: requested access to the resource is denied)' });
  });

  it('fetches one token per repository and reuses it', async () => {
    ghcr.pushImage('acme/cached', 'a');
    ghcr.pushImage('acme/cached', 'b');
    const before = ghcr.tokens.requests.length;
    const results = await verifyPins([image('ghcr.io/acme/cached:a'), image('ghcr.io/acme/cached:b')], { endpoints: { 'ghcr.io': ghcr.url }, concurrency: 2 });
    expect(results.map((r) => r.status)).toEqual(['exists', 'exists']);
    expect(ghcr.tokens.requests.slice(before).map((r) => r.query.scope)).toEqual(['repository:acme/cached:pull']);
  });

  it('normalises Docker references: docker.io, library/, registry-1.docker.io, and a digest as the reference', async () => {
    hub.pushImage('library/node', '24-alpine');
    const ollama = hub.pushImage('ollama/ollama', '0.21.0');
    const before = hub.manifestRequests.length;
    expect(await check(image('node:24-alpine'))).toMatchObject({ status: 'exists', registry: 'docker.io' });
    expect(await check(image('ollama/ollama:0.21.0'))).toMatchObject({ status: 'exists', digest: ollama });
    expect(await check(image(`ollama/ollama@${ollama}`))).toMatchObject({ status: 'exists', digest: ollama });
    const paths = [...new Set(hub.manifestRequests.slice(before).map((r) => r.path))];
    expect(paths).toEqual(['/v2/library/node/manifests/24-alpine', '/v2/ollama/ollama/manifests/0.21.0', `/v2/ollama/ollama/manifests/${ollama}`]);
    // Docker Hub's token service answers with access_token (the OAuth name) only.
    expect(hub.tokens.requests.map((r) => r.query.scope)).toContain('repository:library/node:pull');
  });

  it('checks OCI Helm charts as manifests at <repository>/<chart>:<version>', async () => {
    const digest = ghcr.pushChart('kagent-dev/kmcp/helm/kmcp', '0.3.0');
    expect(await check(chart('oci://ghcr.io/kagent-dev/kmcp/helm', 'kmcp', '0.3.0'))).toMatchObject({ status: 'exists', digest, registry: 'ghcr.io' });
    expect(await check(chart('oci://ghcr.io/kagent-dev/kmcp/helm', 'kmcp', '9.9.9'))).toMatchObject({ status: 'MISSING', note: 'HTTP 404 Not Found MANIFEST_UNKNOWN: manifest unknown' });
    // Helm stores "+" of a version as "_" in the tag.
    ghcr.pushChart('acme/charts/app', '1.0.0+build.7');
    expect(await check(chart('oci://ghcr.io/acme/charts', 'app', '1.0.0+build.7'))).toMatchObject({ status: 'exists' });
    expect(ghcr.manifestRequests.at(-1)?.path).toBe('/v2/acme/charts/app/manifests/1.0.0_build.7');
  });

  it('does not ask about a chart that names no exact version', async () => {
    const before = ghcr.requests.length;
    expect(await check(chart('oci://ghcr.io/acme/charts', 'app', ''))).toMatchObject({ status: 'MISSING', note: 'not pinned: chart app names no version' });
    expect(ghcr.requests.length).toBe(before);
  });
});

describe('OCI registries that differ from the spec, and registries that do not answer', () => {
  const servers: FakeOciRegistry[] = [];
  const start = async (options: Parameters<typeof FakeOciRegistry.start>[0] = {}) => {
    const server = await FakeOciRegistry.start(options);
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const check = async (registry: string, reference: string, options: VerifyOptions = {}) =>
    (await verifyPins([image(reference)], { endpoints: { 'registry.test': registry }, timeoutMs: 5000, ...options }))[0];

  it('falls back to GET when HEAD is not allowed (405)', async () => {
    const registry = await start({ head: 'not-allowed' });
    const digest = registry.pushImage('a/b', '1.0.0');
    expect(await check(registry.url, 'registry.test/a/b:1.0.0')).toMatchObject({ status: 'exists', digest, note: 'OCI image manifest; HEAD not allowed, checked with GET' });
    expect(registry.manifestRequests.map((r) => r.method)).toEqual(['HEAD', 'HEAD', 'GET']);
  });

  it('falls back to GET when HEAD carries no Docker-Content-Digest', async () => {
    const registry = await start({ head: 'no-digest', tokenAuth: false });
    const digest = registry.pushImage('a/b', '1.0.0');
    expect(await check(registry.url, 'registry.test/a/b:1.0.0')).toMatchObject({ status: 'exists', digest });
    expect(registry.manifestRequests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('retries a 429 once, honouring its Retry-After', async () => {
    const registry = await start({ tokenAuth: false });
    registry.pushImage('a/b', '1.0.0');
    registry.failNext({ ...registryFaults.tooManyRequests(0), method: 'HEAD' });
    expect(await check(registry.url, 'registry.test/a/b:1.0.0')).toMatchObject({ status: 'exists' });
    expect(registry.manifestRequests.map((r) => r.method)).toEqual(['HEAD', 'HEAD']);
  });

  it('is unreachable on a second 429, and on a Retry-After longer than 10 s without retrying', async () => {
    const registry = await start({ tokenAuth: false });
    registry.pushImage('a/b', '1.0.0');
    registry.failNext({ ...registryFaults.tooManyRequests(0), times: 2 });
    expect(await check(registry.url, 'registry.test/a/b:1.0.0')).toMatchObject({ status: 'unreachable', note: 'HTTP 429 Too Many Requests, again on the one retry 0 s later' });
    registry.failNext(registryFaults.tooManyRequests(60));
    const before = registry.requests.length;
    expect(await check(registry.url, 'registry.test/a/b:1.0.0')).toMatchObject({ status: 'unreachable', note: 'HTTP 429 Too Many Requests with Retry-After 60 s (longer than 10 s)' });
    expect(registry.requests.length).toBe(before + 1);
  });

  it('is unreachable on a 5xx, a refused connection and a registry that never answers', async () => {
    const registry = await start({ tokenAuth: false });
    registry.pushImage('a/b', '1.0.0');
    registry.failNext(registryFaults.unavailable());
    expect(await check(registry.url, 'registry.test/a/b:1.0.0')).toMatchObject({ status: 'unreachable', note: `HTTP 503 Service Unavailable from ${registry.host}` });
    const refused = await refusingEndpoint();
    expect(await check(refused, 'registry.test/a/b:1.0.0')).toMatchObject({ status: 'unreachable', note: `ECONNREFUSED ${new URL(refused).host}`, registry: 'registry.test' });
    registry.failNext(registryFaults.hang());
    expect(await check(registry.url, 'registry.test/a/b:1.0.0', { timeoutMs: 300 })).toMatchObject({ status: 'unreachable', note: `timed out after 300 ms (${registry.host})` });
  });

  it('is unreachable when the token service is, and names it', async () => {
    const registry = await start();
    registry.pushImage('a/b', '1.0.0');
    registry.tokens.failNext(registryFaults.unavailable());
    expect(await check(registry.url, 'registry.test/a/b:1.0.0')).toMatchObject({ status: 'unreachable', note: `token service ${registry.tokens.host}: HTTP 503 Service Unavailable from ${registry.tokens.host}` });
  });
});
