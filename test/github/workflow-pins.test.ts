import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const DIR = '.github/workflows';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort();
const raw = (name: string) => readFileSync(`${DIR}/${name}`, 'utf8');
const workflow = (name: string) => parse(raw(name));
const jobs = (wf: any): any[] => Object.values(wf.jobs);
const parsedUses = (wf: any): string[] =>
  jobs(wf).flatMap((job: any) => [job.uses, ...(job.steps ?? []).map((s: any) => s.uses)]).filter(Boolean);

/** `uses:` lines as written, so the version comment (which YAML parsing drops) can be read. */
const usesLines = (name: string) =>
  raw(name)
    .split('\n')
    .map((text, i) => ({ where: `${name}:${i + 1}`, value: /^\s*(?:-\s+)?uses:\s*(.*?)\s*$/.exec(text)?.[1] }))
    .filter((line): line is { where: string; value: string } => line.value !== undefined);

// Renovate's github-actions manager reads the comment as the version and moves SHA and comment together.
const PINNED = /^(?<action>[A-Za-z0-9-]+\/[A-Za-z0-9._-]+)@(?<sha>[0-9a-f]{40}) # (?<version>v\d+\.\d+\.\d+)$/;

const nodeMajor = (text: string, pattern: RegExp) => pattern.exec(text)?.[1];
const stepRunning = (wf: any, command: string) =>
  jobs(wf)
    .flatMap((job: any) => (job.steps ?? []).map((step: any) => ({ job, step })))
    .find(({ step }) => step.run === command);

describe('workflow action pins', () => {
  it('finds the workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'discovery-image.yml', 'publish-manifests.yml', 'rendered-diff.yml', 'rendered-diff-comment.yml']));
  });

  it.each(files)('%s pins every action to a full commit SHA with its version in a comment', (name) => {
    const lines = usesLines(name);
    expect(lines.filter((line) => !PINNED.test(line.value)).map((line) => `${line.where}: ${line.value}`)).toEqual([]);
    expect(lines.map((line) => line.value.replace(/ # .*$/, ''))).toEqual(parsedUses(workflow(name)));
  });

  it('pins each action at one commit across all workflows', () => {
    const pins = new Map<string, Set<string>>();
    for (const { value } of files.flatMap(usesLines)) {
      const { action, sha, version } = PINNED.exec(value)?.groups ?? {};
      if (action) pins.set(action, (pins.get(action) ?? new Set()).add(`${sha} ${version}`));
    }
    expect([...pins].filter(([, versions]) => versions.size > 1).map(([action, versions]) => `${action}: ${[...versions].join(', ')}`)).toEqual([]);
  });
});

describe('ci workflow', () => {
  const wf = workflow('ci.yml');

  it('runs on push, pull requests, a weekly schedule and by hand, reading contents only', () => {
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'schedule', 'workflow_dispatch']));
    expect(wf.on.schedule).toHaveLength(1);
    expect(wf.on.schedule[0].cron).toMatch(/^\d{1,2} \d{1,2} \* \* [0-6]$/);
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('tests on Node 20 and 24, covering the Node of .nvmrc and of the discovery image', () => {
    const test = wf.jobs.test;
    expect(test.strategy.matrix.node).toEqual(['20', '24']);
    expect(test.steps.find((s: any) => s.uses?.startsWith('actions/setup-node@')).with['node-version']).toBe('${{ matrix.node }}');
    expect(test.strategy.matrix.node).toContain(nodeMajor(readFileSync('.nvmrc', 'utf8'), /^v?(\d+)/));
    expect(test.strategy.matrix.node).toContain(nodeMajor(readFileSync('services/discovery/Dockerfile', 'utf8'), /^ARG NODE_IMAGE=node:(\d+)\./m));
  });

  it('still tests, synthesizes, validates the Terraform and uploads the rendering once', () => {
    const steps = wf.jobs.test.steps;
    expect(steps.map((s: any) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'npm test',
      'npm run synth',
      'terraform init -backend=false -input=false && terraform validate',
    ]);
    const upload = steps.find((s: any) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload).toMatchObject({ if: "matrix.node == '24'", with: { name: 'rendered', 'if-no-files-found': 'error' } });
  });

  it('runs npm run verify-pins on Node 24 in a job every trigger starts, failing on any non-zero exit', () => {
    const { job, step } = stepRunning(wf, 'npm run verify-pins') ?? {};
    expect(job).toBeDefined();
    expect(job.if).toBeUndefined();
    expect(job['continue-on-error'] ?? step['continue-on-error']).toBeUndefined();
    expect(job.steps.find((s: any) => s.uses?.startsWith('actions/setup-node@')).with['node-version']).toBe('24');
    expect(job.steps.map((s: any) => s.run).filter(Boolean)[0]).toBe('npm ci');
  });

  it("validates renovate.json with Renovate's own validator on Node 24", () => {
    const { job, step } = stepRunning(wf, 'npx --yes --package renovate@44.121.2 -- renovate-config-validator --strict renovate.json') ?? {};
    expect(step).toBeDefined();
    expect(step['continue-on-error']).toBeUndefined();
    expect(job.steps.find((s: any) => s.uses?.startsWith('actions/setup-node@')).with['node-version']).toBe('24');
  });
});
