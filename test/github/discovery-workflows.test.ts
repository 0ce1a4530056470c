import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const workflow = (name: string) => parse(readFileSync(`.github/workflows/${name}`, 'utf8'));

describe('discovery workflows', () => {
  it('builds the image on main and release tags, pushing to ghcr.io with packages write and nothing more', () => {
    const wf = workflow('discovery-image.yml');
    expect(wf.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(wf.on.push).toMatchObject({ branches: ['main'], tags: ['discovery-v*'] });
    const build = wf.jobs.image.steps.find((s: any) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build.with).toMatchObject({ context: '.', file: 'services/discovery/Dockerfile', push: "${{ github.event_name == 'push' }}" });
  });
});

describe('discovery Dockerfile', () => {
  const dockerfile = readFileSync('services/discovery/Dockerfile', 'utf8');

  it('builds on an exact node alpine tag and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-alpine3\.\d+$/m);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "services\/discovery\/src\/main\.js"\]\nCMD \["serve"\]$/m);
  });
});
