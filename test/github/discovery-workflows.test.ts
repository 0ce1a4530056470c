import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const workflow = (name: string) => parse(readFileSync(`.github/workflows/${name}`, 'utf8'));

describe('discovery workflows', () => {
  it('builds the image on main and release tags, pushing to ghcr.io with packages write and nothing more', () => {
    const wf = workflow('discovery-image.yml');
    expect(wf.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(wf.on.push).toMatchObject({ branches: ['main'], tags: ['discovery-v*'] });
    const build = wf.jobs.image.steps.findLast((s: any) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build.with).toMatchObject({ context: '.', file: 'services/discovery/Dockerfile', push: "${{ github.event_name == 'push' }}" });
  });
});

describe('discovery image smoke test', () => {
  it('loads the image locally and runs it, --help and a rendered server change, before the build that pushes', () => {
    const steps = workflow('discovery-image.yml').jobs.image.steps;
    const builds = steps.map((s: any, i: number) => [s, i]).filter(([s]: any) => s.uses?.startsWith('docker/build-push-action@'));
    expect(builds).toHaveLength(2);
    const [[local, localAt], [pushed, pushedAt]] = builds;
    expect(local.with).toMatchObject({ load: true, push: false, tags: 'mcp-discovery:smoke' });
    expect(pushed.with.push).toBe("${{ github.event_name == 'push' }}");
    const smoke = steps.findIndex((s: any) => s.name === 'smoke test of the image');
    expect(smoke).toBeGreaterThan(localAt);
    expect(smoke).toBeLessThan(pushedAt);
    expect(steps[smoke].run).toContain('docker run --rm mcp-discovery:smoke --help');
    expect(steps[smoke].run).toContain("await import('./services/discovery/src/reconcile/rendered-change.js')");
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
