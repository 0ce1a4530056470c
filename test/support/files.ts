import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();
// Under jest, the folders a test file made are removed after its tests, passed or failed (a failed assertion
// skips the test's own clean-up). Outside jest (the benchmarks) there is no hook, and callers remove their own.
(globalThis as { afterAll?: (fn: () => void) => void }).afterAll?.(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
});

/** Removes a folder made elsewhere after the test file, like tempDir's. */
export function removeAfterTests(dir: string): void {
  made.add(dir);
}

/** A new empty folder under the system temp dir, removed after the test file under jest. */
export function tempDir(prefix = 'mcp-platform-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Every file under `dir` (relative path → content), hidden files included. */
export function readTree(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(
    files
      .map((e) => join(e.parentPath, e.name))
      .sort()
      .map((file) => [file.slice(dir.length + 1), readFileSync(file, 'utf8')]),
  );
}
