/**
 * Synth figures: the default platform through its real entry (stacks/main.ts), then 10, 100 and 1,000
 * generated MCP servers, each in a fresh process, against the floor of serialising the same objects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { medianOf, runNode } from './measure.js';

export interface SynthRow {
  readonly case: string;
  readonly objects: number;
  readonly wallMs: number;
  readonly maxRssMb: number;
  readonly floorMs: number;
  readonly ratio: number;
}

const work = () => mkdtempSync(join(tmpdir(), 'mcp-bench-synth-'));

export async function synthBench(runs: number): Promise<SynthRow[]> {
  const rows: SynthRow[] = [];
  const main = await medianOf(runs, async () => {
    const dir = work();
    try {
      const m = await runNode('stacks/main.ts', ['--out', join(dir, 'dist'), '--terraform-out', join(dir, 'cdktf.out')]);
      return { wallMs: m.wallMs, maxRssMb: m.maxRssMb };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  for (const count of ['default', '10', '100', '1000']) {
    const dir = work();
    try {
      // One untimed run dumps the objects for the floor.
      const dumped = await runNode('test/bench/synth-once.ts', [count, join(dir, 'dump-run'), '--dump', join(dir, 'objects.json')]);
      const synth = await medianOf(runs, async () => {
        const m = await runNode('test/bench/synth-once.ts', [count, join(dir, `run-${Math.random().toString(36).slice(2)}`)]);
        return { wallMs: m.wallMs, maxRssMb: m.maxRssMb };
      });
      const floor = await medianOf(runs, async () => {
        const m = await runNode('test/bench/serialise-once.ts', [join(dir, 'objects.json'), join(dir, `floor-${Math.random().toString(36).slice(2)}`)]);
        return { wallMs: m.wallMs };
      });
      const label = count === 'default' ? 'default platform (in-process synth)' : `${count} MCP servers`;
      rows.push({ case: label, objects: dumped.output.objects, wallMs: synth.wallMs, maxRssMb: synth.maxRssMb, floorMs: floor.wallMs, ratio: synth.wallMs / floor.wallMs });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const defaultObjects = rows[0]!.objects;
  rows.unshift({ case: 'default platform (npm run synth entry)', objects: defaultObjects, wallMs: main.wallMs, maxRssMb: main.maxRssMb, floorMs: rows[0]!.floorMs, ratio: main.wallMs / rows[0]!.floorMs });
  return rows;
}
