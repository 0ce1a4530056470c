/**
 * Jest global setup: every test run gets a TMPDIR of its own inside the one it was given, so the teardown can
 * tell what a test left behind, and remove it. Workers and the processes tests start inherit it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const outer = tmpdir();
  process.env.MCP_PLATFORM_OUTER_TMPDIR = outer;
  process.env.TMPDIR = mkdtempSync(join(outer, 'mcp-platform-jest-'));
}
