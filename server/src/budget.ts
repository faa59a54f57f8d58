// Analyses under a budget, one at a time, never in the way of a request. A document over
// the size budget is not analysed at all; an analysis runs in slices of a few
// milliseconds (the engine's `lintSteps`) with a turn of the event loop between slices, so
// requests and newer versions are handled meanwhile; it stops when its document version
// is no longer current, when a newer analysis of the same document starts, or when it
// has used its time budget.

export interface Budget {
  /** Documents longer than this (characters) are not analysed. */
  maxDocumentSize: number;
  /** Analysis time (the slices' own time, not the waits between them) before it is given up. */
  analysisMs: number;
}

export const DEFAULT_BUDGET: Budget = { maxDocumentSize: 8_000_000, analysisMs: 10_000 };

/** Work between two turns of the event loop. */
const SLICE_MS = 10;
/** For work that the next keystroke makes stale (the exact lint confirming a quick one): the edit waits less. */
export const SHORT_SLICE_MS = 2;

export type SliceOutcome<T> = { kind: "done"; value: T } | { kind: "stale" } | { kind: "over-budget"; ms: number };

export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Drives `steps` to its end in slices, unless `isCurrent()` turns false or the budget runs out. */
export async function runInSlices<T>(steps: Generator<void, T>, budgetMs: number, isCurrent: () => boolean, sliceMs = SLICE_MS): Promise<SliceOutcome<T>> {
  let spent = 0;
  try {
    for (;;) {
      const started = performance.now();
      for (;;) {
        const step = steps.next();
        if (step.done) return { kind: "done", value: step.value };
        if (performance.now() - started >= sliceMs) break;
      }
      spent += performance.now() - started;
      if (spent > budgetMs) return { kind: "over-budget", ms: spent };
      await nextTurn();
      if (!isCurrent()) return { kind: "stale" };
    }
  } finally {
    steps.return(undefined as T);
  }
}

/**
 * One analysis (or fix-all) at a time: they share the projects' parsed files, which an
 * incremental re-parse updates in place. An analysis of a document stops the running
 * analysis of the same document (its result would be stale); other jobs wait their turn,
 * which the budget bounds.
 */
export class Exclusive {
  private tail: Promise<unknown> = Promise.resolve();
  private running: { key: string; stopped: boolean } | undefined;

  get current(): string | undefined {
    return this.running?.key;
  }

  /** `preempt`: the job makes a running job of the same key stale (a newer analysis does; a fix-all waits for it). */
  run<T>(key: string, job: (stopped: () => boolean) => Promise<T>, preempt = true): Promise<T> {
    if (preempt && this.running?.key === key) this.running.stopped = true;
    const previous = this.tail;
    const result = previous.then(async () => {
      const slot = { key, stopped: false };
      this.running = slot;
      try {
        return await job(() => slot.stopped);
      } finally {
        if (this.running === slot) this.running = undefined;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
