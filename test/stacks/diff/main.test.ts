import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { readRenderedFolder } from '../../../stacks/diff/rendered-tree.js';
import { tempDir } from '../../support/files.js';
import { PROCESS_DEADLINE_MS } from '../../support/processes.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const made: string[] = [];
const temp = () => {
  const dir = tempDir('mcp-platform-diff-test-');
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The real entry, as `npm run diff` runs it. */
function diffCli(args: string[], cwd = repo) {
  const result = spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'stacks', 'diff', 'main.ts'), ...args], { cwd, encoding: 'utf8', timeout: PROCESS_DEADLINE_MS, killSignal: 'SIGKILL' });
  if (result.error) throw new Error(`npm run diff ${args.join(' ')} did not finish: ${result.error.message}\n${result.stderr}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function folder(apps: Record<string, Record<string, string>>): string {
  const root = temp();
  for (const [app, files] of Object.entries(apps)) {
    mkdirSync(join(root, app), { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(root, app, file), text);
  }
  return root;
}

const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: mcp\ndata:\n  level: "${value}"\n`;

describe('npm run diff', () => {
  it('prints its usage with --help and exits 0', () => {
    const run = diffCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: npm run diff -- [--base REF|DIR]');
    expect(run.stdout).toContain('Exit code: 0 no change, 1 changes, 2 error.');
  });

  it('exits 2 on an unknown option or a wrong value, with one message and no stack', () => {
    const unknown = diffCli(['--bsae', 'main']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bsae'");
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const format = diffCli(['--format', 'html', '--head', '.', '--base', '.']);
    expect(format.status).toBe(2);
    expect(format.stderr.trim()).toBe('--format must be "text" or "markdown", got "html"');
    const chars = diffCli(['--max-chars', '12']);
    expect(chars.status).toBe(2);
    expect(chars.stderr.trim()).toBe('--max-chars must be a whole number of at least 1000, got "12"');
  });

  it('exits 2 naming a base that is neither a folder nor a ref', () => {
    const head = folder({ app: { 'a.yaml': configMap('1') } });
    const run = diffCli(['--head', head, '--base', 'no-such-ref-xyz']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`--base no-such-ref-xyz is neither a folder nor a git ref of ${repo}: pass a folder of rendered manifests or a ref such as origin/main`);
  });

  it('exits 2 naming a file that is not YAML', () => {
    const head = folder({ app: { 'a.yaml': 'key: [unclosed\n' } });
    const run = diffCli(['--head', head, '--base', head]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${join(head, 'app', 'a.yaml')} is not valid YAML`);
  });

  it('exits 0 when two folders hold the same objects, and 1 with the change when they differ', () => {
    const base = folder({ app: { 'a.yaml': configMap('1') } });
    const same = folder({ app: { 'other-name.yaml': configMap('1') } });
    const changed = folder({ app: { 'a.yaml': configMap('2') } });
    const none = diffCli(['--head', same, '--base', base]);
    expect(none.status).toBe(0);
    expect(none.stdout).toContain('no change: 1 app and 1 object unchanged');
    const run = diffCli(['--head', changed, '--base', base]);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').slice(2)).toEqual([
      'app: 0 added, 0 removed, 1 changed, 0 unchanged',
      '  ~ ConfigMap mcp/settings',
      '      @@ data @@',
      '       apiVersion: v1',
      '       data:',
      '      -  level: "1"',
      '      +  level: "2"',
      '       kind: ConfigMap',
      '       metadata:',
      '         name: settings',
      '      ⋯ 1 unchanged line',
      '',
    ]);
  });

  it('renders a git ref with its own code: a namespace rename shows every object moving, in Markdown', () => {
    // A clone of this repository's HEAD, its config edited in the work tree: HEAD is the base.
    const clone = join(temp(), 'repo');
    execFileSync('git', ['clone', '--quiet', '--shared', repo, clone]);
    symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'), 'dir');
    execFileSync(join(repo, 'node_modules', '.bin', 'tsx'), ['stacks/main.ts', '--out', join(clone, '.scratch', 'dist'), '--terraform-out', join(clone, '.scratch', 'tf')], { cwd: clone, stdio: 'ignore' });
    const configFile = join(clone, 'stacks', 'platform.config.ts');
    const config = readFileSync(configFile, 'utf8');
    expect(config).toContain("namespace: 'mcp-system',");
    writeFileSync(configFile, config.replace("namespace: 'mcp-system',", "namespace: 'mcp-lab',"));

    const run = diffCli(['--base', 'HEAD', '--format', 'markdown', '--max-chars', '10000000'], clone);
    expect(run.stderr).not.toContain('diff failed');
    expect(run.status).toBe(1);
    const sha = execFileSync('git', ['rev-parse', '--short=7', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim();
    expect(run.stdout.split('\n')[0]).toBe(`### Rendered change against \`HEAD\` (${sha})`);

    // Every object the base renders in the platform namespace appears as moved, with its namespace line.
    const before = [...readRenderedFolder(join(clone, '.scratch', 'dist')).values()].flatMap((objects) => [...objects.values()]);
    const moved = before.filter((m) => m.metadata?.namespace === 'mcp-system');
    expect(moved.length).toBeGreaterThan(50);
    for (const manifest of moved) {
      const key = `${manifest.apiVersion.includes('/') ? `${manifest.apiVersion.split('/')[0]}/` : ''}${manifest.kind} mcp-lab/${manifest.metadata.name}`;
      expect(run.stdout).toContain(`- ~ \`${key}\` changed (moved from namespace mcp-system: Argo CD creates it anew and prunes the old one)`);
    }
    const namespaceLines = run.stdout.split('\n').filter((l) => l === '-  namespace: mcp-system').length;
    expect(namespaceLines).toBe(moved.length);
    // The Markdown is well formed: every fence that opens closes.
    expect((run.stdout.match(/^```/gm) ?? []).length % 2).toBe(0);
    // Nothing is added or removed; objects that only refer to the namespace (Argo CD destinations, role
    // binding subjects) change besides the ones that move.
    const summary = /^(\d+) apps change: 0 objects added, 0 removed, (\d+) changed;/.exec(run.stdout.split('\n')[2]);
    expect(summary).not.toBeNull();
    expect(Number(summary![2])).toBeGreaterThan(moved.length);
  }, 180_000);
});
