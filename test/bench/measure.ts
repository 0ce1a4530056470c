/** Running a command in a fresh process and reading its wall time, peak memory and JSON output. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const USAGE = fileURLToPath(new URL('./usage-on-exit.mjs', import.meta.url));

export interface Measured {
  readonly wallMs: number;
  readonly maxRssMb: number;
  /** The last line of stdout that parses as JSON, if any. */
  readonly output?: any;
  readonly stdout: string;
}

/** `node --import tsx <script> ...args` in a fresh process (plain `node` for compiled JavaScript). */
export function runNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, options: { readonly tsx?: boolean; readonly nodeArgs?: readonly string[] } = {}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const loaders = options.tsx === false ? ['--import', USAGE] : ['--import', 'tsx', '--import', USAGE];
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loaders, script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const usage = /BENCH_USAGE (\{.*\})/.exec(stderr);
      if (code !== 0 && !(code === 1 && usage)) return reject(new Error(`${script} exited with ${code}:\n${stderr.slice(-2000)}`));
      const lines = stdout.trim().split('\n').reverse();
      let output;
      for (const line of lines) {
        try {
          output = JSON.parse(line);
          break;
        } catch {
          // not the JSON line
        }
      }
      if (output === undefined) {
        try {
          output = JSON.parse(stdout);
        } catch {
          output = undefined;
        }
      }
      resolve({ wallMs, maxRssMb: usage ? JSON.parse(usage[1]!).maxRssKb / 1024 : NaN, output, stdout });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `run` `times` times, one after another, and returns the median of each figure. */
export async function medianOf<T extends Record<string, number>>(times: number, run: () => Promise<T>): Promise<T> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) results.push(await run());
  return Object.fromEntries(Object.keys(results[0]!).map((key) => [key, median(results.map((r) => r[key]!))])) as T;
}
