import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChartPin } from '../../../stacks/verify-pins/pins.js';
import { verifyPins } from '../../../stacks/verify-pins/verify-pins.js';
import { FakeHelmRepository, registryFaults } from '../../support/registry-servers.js';

const REPO = 'https://charts.example.org/charts';
const chart = (name: string, version: string, repository = REPO): ChartPin => ({
  kind: 'chart', artifact: `${name} ${version} from ${repository}`, repository, chart: name, version, usedBy: ['bootstrap/helm_release r'],
});

describe('HTTP Helm repositories', () => {
  let helm: FakeHelmRepository;
  const check = (pins: ChartPin[]) => verifyPins(pins, { endpoints: { 'charts.example.org': helm.url }, timeoutMs: 5000 });

  beforeAll(async () => {
    helm = await FakeHelmRepository.start();
    helm.publish('/charts', 'cloudnative-pg', ['0.28.0', '0.29.0']);
    helm.publish('/charts', 'gpu-operator', ['v26.7.0']);
  });
  afterAll(async () => {
    await helm.close();
  });

  it('finds a chart version in index.yaml and reports its digest, reading the index once per repository', async () => {
    const before = helm.requests.length;
    const results = await check([chart('cloudnative-pg', '0.29.0'), chart('gpu-operator', 'v26.7.0')]);
    expect(results.map((r) => [r.status, r.digest, r.registry])).toEqual([
      ['exists', `sha256:${FakeHelmRepository.digestOf('cloudnative-pg', '0.29.0')}`, 'charts.example.org'],
      ['exists', `sha256:${FakeHelmRepository.digestOf('gpu-operator', 'v26.7.0')}`, 'charts.example.org'],
    ]);
    expect(helm.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /charts/index.yaml']);
  });

  it('matches versions as Helm does: "26.7.0" is the listed "v26.7.0"', async () => {
    const [result] = await check([chart('gpu-operator', '26.7.0')]);
    expect(result).toMatchObject({ status: 'exists', note: 'in index.yaml as v26.7.0' });
  });

  it('reports a missing chart version and a missing chart as MISSING', async () => {
    const [version, name] = await check([chart('cloudnative-pg', '9.9.9'), chart('no-such-chart', '1.0.0')]);
    expect(version).toMatchObject({ status: 'MISSING', note: 'chart cloudnative-pg has no version 9.9.9 in index.yaml (2 versions, first listed 0.28.0)' });
    expect(name).toMatchObject({ status: 'MISSING', note: 'index.yaml has no chart "no-such-chart"' });
  });

  it('reports a repository without index.yaml as MISSING, and one that fails as unreachable', async () => {
    const [gone] = await check([chart('x', '1.0.0', 'https://charts.example.org/nothing-here')]);
    expect(gone).toMatchObject({ status: 'MISSING', note: 'no Helm repository: index.yaml answered HTTP 404 Not Found' });
    helm.publish('/flaky', 'x', ['1.0.0']);
    helm.failNext({ ...registryFaults.unavailable(), path: '/flaky/index.yaml' });
    const [flaky] = await check([chart('x', '1.0.0', 'https://charts.example.org/flaky')]);
    expect(flaky).toMatchObject({ status: 'unreachable', note: `HTTP 503 Service Unavailable from ${helm.host}` });
  });
});
