/**
 * Test helpers for local processes: the same free-port finder preflight uses, and child processes for
 * end-to-end tests, each with a deadline: a command that hangs is killed (SIGKILL) and the test fails naming
 * it and its last output, instead of jest waiting on it for ever. The deadlines are generous, as the machine
 * may be running other suites beside this one; a test's own timeout should exceed the deadline of the
 * processes it runs, so the failure says which command hung.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
export { freePort } from '../../stacks/preflight/local-run.js';

export interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The default deadline of one command: minutes, not seconds, so a busy machine is slow but not failing. */
export const PROCESS_DEADLINE_MS = 150_000;

export interface RunOptions extends Pick<SpawnOptions, 'cwd' | 'env'> {
  /** @default PROCESS_DEADLINE_MS */
  readonly deadlineMs?: number;
  /** Called once the process has started, with what kills it (to test a kill mid-run). */
  readonly onStart?: (kill: () => void) => void;
}

/** Runs a command to its end, or kills it at the deadline and rejects naming it and the tail of its output. */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessRun> {
  const deadlineMs = options.deadlineMs ?? PROCESS_DEADLINE_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const tail = (text: string) => text.split('\n').slice(-15).join('\n');
      reject(new Error(`${[command, ...args].join(' ')} did not finish within ${deadlineMs / 1000} s and was killed.\nstderr:\n${tail(stderr)}\nstdout:\n${tail(stdout)}`));
    }, deadlineMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    options.onStart?.(() => child.kill('SIGKILL'));
  });
}
