import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const workflow = (name: string) => parse(readFileSync(`.github/workflows/${name}`, 'utf8'));
const runs = (job: any): string[] => job.steps.map((s: any) => s.run).filter(Boolean);

describe('release workflow', () => {
  const wf = workflow('release.yml');
  const job = wf.jobs.publish;

  it('runs on version tags only, not on the discovery image tags', () => {
    expect(wf.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+*'] } });
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('checks the tag against the version, tests, then publishes with provenance, in that order', () => {
    const commands = runs(job);
    expect(commands[0]).toContain('test "v$version" = "$GITHUB_REF_NAME"');
    expect(commands.slice(1)).toEqual(['npm ci', 'npm test', 'npm pkg set repository.type=git "repository.url=git+https://github.com/${GITHUB_REPOSITORY}.git"', 'npm publish --provenance --access public']);
    // Provenance is signed with the run's OIDC token; nothing else is granted.
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job.steps.find((s: any) => s.run?.startsWith('npm publish')).env).toEqual({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
    expect(job.steps.find((s: any) => s.uses?.startsWith('actions/setup-node@')).with['registry-url']).toBe('https://registry.npmjs.org');
  });

  it('leaves the discovery image to its own workflow and tag', () => {
    expect(workflow('discovery-image.yml').on.push.tags).toEqual(['discovery-v*']);
  });
});

describe('API reference workflow', () => {
  const wf = workflow('api-docs.yml');

  it('builds the reference on every pull request and push, and deploys it to Pages from main only', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.on.push).toEqual({ branches: ['main'] });
    expect(runs(wf.jobs.build)).toEqual(['npm ci', 'npm run docs']);
    expect(wf.jobs.build.steps.find((s: any) => s.uses?.startsWith('actions/upload-pages-artifact@'))).toMatchObject({ if: "github.event_name == 'push'", with: { path: 'docs/api' } });
    expect(wf.jobs.deploy).toMatchObject({ if: "github.event_name == 'push'", needs: 'build', permissions: { pages: 'write', 'id-token': 'write' }, environment: { name: 'github-pages' } });
  });

  it('publishes what typedoc writes, failing on a missing doc comment', () => {
    const config = JSON.parse(readFileSync('typedoc.json', 'utf8'));
    expect(config.out).toBe('docs/api');
    expect(config.validation.notDocumented).toBe(true);
    expect(config.treatValidationWarningsAsErrors).toBe(true);
    // Interface props are checked, with their @default, by test/package/api-docs.test.ts.
    expect(config.requiredToBeDocumented).toEqual(['Class', 'Interface', 'Function', 'TypeAlias', 'Variable', 'Enum']);
    const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
    // The reference covers exactly the package's entry points.
    expect(config.entryPoints).toEqual(Object.values(manifest.exports).filter((e: any) => typeof e === 'object').map((e: any) => e.types.replace('./lib/', '').replace(/\.d\.ts$/, '.ts')));
    expect(manifest.scripts.docs).toBe('typedoc');
  });
});
