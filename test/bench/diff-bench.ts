/**
 * Diff figures: synth over its own previous output (which adds the change summary), and `npm run diff`
 * against a folder, for the default platform (rendered in memory) and for two folders of 1,000 servers each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { medianOf, runNode } from './measure.js';

export interface DiffRow {
  readonly case: string;
  readonly wallMs: number;
  readonly maxRssMb: number;
}

export async function diffBench(runs: number): Promise<DiffRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bench-diff-'));
  try {
    const out = ['--out', join(dir, 'default', 'dist'), '--terraform-out', join(dir, 'default', 'cdktf.out')];
    await runNode('stacks/main.ts', out);
    const resynth = await medianOf(runs, async () => {
      const m = await runNode('stacks/main.ts', out);
      return { wallMs: m.wallMs, maxRssMb: m.maxRssMb };
    });
    const diffDefault = await medianOf(runs, async () => {
      const m = await runNode('stacks/diff/main.ts', ['--base', join(dir, 'default', 'dist')]);
      return { wallMs: m.wallMs, maxRssMb: m.maxRssMb };
    });
    await runNode('test/bench/synth-once.ts', ['1000', join(dir, 'a')]);
    await runNode('test/bench/synth-once.ts', ['1000', join(dir, 'b')]);
    const diffLarge = await medianOf(runs, async () => {
      const m = await runNode('stacks/diff/main.ts', ['--head', join(dir, 'a', 'dist'), '--base', join(dir, 'b', 'dist')]);
      return { wallMs: m.wallMs, maxRssMb: m.maxRssMb };
    });
    return [
      { case: 'npm run synth over its previous output (default platform, with the change summary)', ...resynth },
      { case: 'npm run diff -- --base <folder> (default platform rendered in memory)', ...diffDefault },
      { case: 'npm run diff -- --head <folder> --base <folder> (1,000 servers each)', ...diffLarge },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
