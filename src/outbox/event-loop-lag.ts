import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * How late this process's event loop has recently been, in milliseconds.
 *
 * Why the dispatcher cares: when the process stalls (a GC pause, a starved CPU), requests it had
 * already started reach Telegram late, together with the ones that follow, so sends paced
 * perfectly in slot time arrive bunched. Telegram counts when they arrive. Spreading the global
 * pace by the recent stall keeps any one-second window within the limit. Measured on this
 * project's overloaded test machine: stalls of 60-140 ms, enough to put 31 sends into one second
 * at a 28/s pace.
 *
 * There is one event loop per process, so one monitor serves every dispatcher in it.
 */
let histogram: IntervalHistogram | null = null;
let sampledAt = 0;
/** Until the first sample, assume a stall of this size: a process starting to send is at its busiest. */
let recent = 100;

const RESOLUTION_MS = 10;
const SAMPLE_EVERY_MS = 250;

export function recentEventLoopLagMs(): number {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    sampledAt = performance.now();
    return recent;
  }
  const now = performance.now();
  if (now - sampledAt >= SAMPLE_EVERY_MS) {
    // the histogram's values include the sampling interval itself
    const worst = histogram.count > 0 ? Math.max(0, histogram.max / 1e6 - RESOLUTION_MS) : 0;
    histogram.reset();
    sampledAt = now;
    // A stall is remembered for a few samples: the next one may follow soon.
    recent = Math.max(Number.isFinite(worst) ? worst : 0, recent * 0.7);
  }
  return recent;
}
