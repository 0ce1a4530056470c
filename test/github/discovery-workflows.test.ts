import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev --workspace services\/discovery /m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "services\/discovery\/src\/main\.js"\]\nCMD \["serve"\]$/m);
  });
});

describe('the discovery service workspace', () => {
  const manifest = JSON.parse(readFileSync('services/discovery/package.json', 'utf8')) as { type: string; dependencies: Record<string, string> };

  /** Every package the service's code imports, following its relative imports into constructs/ and stacks/. */
  function packagesImported(entry: string): Set<string> {
    const packages = new Set<string>();
    const seen = new Set<string>();
    const queue = [resolve(entry)];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      // Static imports and re-exports (types only are erased), and import('...') calls.
      for (const match of source.matchAll(/^(?:import|export)(?!\s+type\b)[^'";]*?from\s*'([^']+)'|^import\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
        const specifier = match[1] ?? match[2] ?? match[3]!;
        if (specifier.startsWith('node:')) continue;
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
          if (existsSync(target)) queue.push(target);
          continue;
        }
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }
    return packages;
  }

  it('GIVEN the service code THEN its workspace lists every package it imports, which the image installs and nothing else', () => {
    const imported = packagesImported('services/discovery/src/main.ts');
    expect([...imported].filter((pkg) => !(pkg in manifest.dependencies)).sort()).toEqual([]);
    // The scan sees the packages the service is known to use, so an empty difference above means something.
    expect([...imported]).toEqual(expect.arrayContaining(['fastify', 'pg', 'octokit', '@electric-sql/pglite', 'cdk8s', 'zod']));
    expect([...imported].filter((pkg) => ['cdktf', '@cdktf/provider-helm', '@cdktf/provider-kubernetes', 'typescript'].includes(pkg))).toEqual([]);
    expect(Object.keys(manifest.dependencies).filter((pkg) => !imported.has(pkg))).toEqual([]);
    // The image's package.json: the compiled files are ES modules.
    expect(manifest.type).toBe('module');
  });
});
