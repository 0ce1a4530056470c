/**
 * Runs passes for `serve`: after watch changes settle, at a fixed interval, and on demand. One pass at a
 * time; a trigger during a pass queues exactly one more, so a burst of changes costs two passes, not many.
 */
import { runPass, type PassDependencies, type PassOptions, type PassReport } from './discovery-pass.js';

export interface LoopOptions {
  /** Longest time between passes. */
  readonly intervalMs: number;
  /** Quiet time after a watch change before a pass starts. @default 2000 */
  readonly settleMs?: number;
}

export class DiscoveryLoop {
  /** The last pass started (or queued): the next one runs after it. */
  private tail: Promise<unknown> = Promise.resolve();
  /** A pass queued and not yet started: triggers until it starts share it. */
  private pending: Promise<PassReport> | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private intervalTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  /** The last finished pass. */
  lastReport: PassReport | undefined;

  constructor(
    private readonly deps: PassDependencies,
    private readonly options: PassOptions,
    private readonly loop: LoopOptions,
  ) {}

  /** Starts the interval and the passes after watch changes; the caller runs the first pass. */
  start(): void {
    this.started = true;
    this.intervalTimer = setInterval(() => void this.trigger('interval').catch(() => undefined), this.loop.intervalMs);
    this.intervalTimer.unref();
  }

  /** A watched object changed: a pass follows once changes have been quiet for `settleMs`. */
  changed(): void {
    // Before start() the watch is still listing: the first pass, which follows start(), sees all of it.
    if (!this.started || this.stopped) return;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => void this.trigger('watch').catch(() => undefined), this.loop.settleMs ?? 2000);
    this.settleTimer.unref();
  }

  /** Runs a pass now, or after the running one; resolves with that pass's report. */
  trigger(reason: string): Promise<PassReport> {
    if (this.stopped) return Promise.reject(new Error('the discovery loop is stopped'));
    if (this.pending) return this.pending;
    const next = this.tail
      .catch(() => undefined)
      .then(() => {
        this.pending = undefined;
        // Shutdown waits for the pass that runs, not for one queued behind it.
        if (this.stopped) throw new Error('the discovery loop stopped before this pass started');
        return this.run(reason);
      });
    this.pending = next;
    this.tail = next;
    return next;
  }

  /** Stops the timers, drops a queued pass and waits for a running pass to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.settleTimer);
    clearInterval(this.intervalTimer);
    await this.tail.catch(() => undefined);
  }

  private async run(reason: string): Promise<PassReport> {
    this.deps.log.info({ reason }, 'reconcile pass started');
    const report = await runPass(this.deps, this.options);
    this.lastReport = report;
    const { timings, pullRequests, ...summary } = report;
    this.deps.log.info({ ...summary, pullRequests: pullRequests.length, timings }, report.ok ? 'reconcile pass finished' : 'reconcile pass finished with errors');
    return report;
  }
}
