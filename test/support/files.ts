import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty folder under the system temp dir. */
export function tempDir(prefix = 'mcp-platform-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
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
