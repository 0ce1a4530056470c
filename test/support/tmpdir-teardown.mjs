/**
 * Jest global teardown: removes the run's own TMPDIR (tmpdir-setup.mjs), so `npm test` leaves the TMPDIR it
 * was given as it found it, and names what the tests left there: a test should clean what it makes (test
 * files use tempDir from files.ts, which does), and a leak shows here before it fills a developer's disk.
 */
import { readdirSync, rmSync } from 'node:fs';

export default function teardown() {
  const dir = process.env.TMPDIR;
  const outer = process.env.MCP_PLATFORM_OUTER_TMPDIR;
  if (!dir || outer === undefined) return;
  // tsx keeps its compile cache in TMPDIR/tsx-<uid>: a cache, not a leak.
  const left = readdirSync(dir).filter((entry) => !/^tsx-\d+$/.test(entry)).sort();
  rmSync(dir, { recursive: true, force: true });
  process.env.TMPDIR = outer;
  if (left.length > 0) {
    process.stderr.write(`\ntmpdir-teardown: the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in their TMPDIR (removed): ${left.slice(0, 30).join(', ')}${left.length > 30 ? ', …' : ''}\n`);
  }
}
