// `--concurrency <n|auto|off>`: pieces of the run (engine hosting/partition.ts) linted by
// worker threads, one piece per worker. Each worker loads the rules and builds its own
// programs; results come back as plain data and are joined in a single run's order
// (hosting/run-plan.ts), so the output is the same as without workers.
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { PieceRunner, RunOptions, RunResult, WorkGroup } from "../engine";
import { UsageError } from "./args";

/** What a worker is given: its options (the piece's files, without rules and callbacks) and the plugins to load. */
export interface WorkerJob {
  options: Omit<RunOptions, "rules" | "onProgress">;
  plugins: readonly string[];
}

export type WorkerMessage =
  | { kind: "progress" }
  | { kind: "done"; result: Pick<RunResult, "files" | "times" | "programs"> }
  | { kind: "failed"; message: string };

/**
 * Below these a worker's start-up (loading TypeScript and the rules: ~0.3 s) and, with types, a
 * second build of the shared lib and dependency files cost more than the work they take over.
 */
const AUTO_MIN_LOOSE_FILES = 400;
const AUTO_MIN_TYPED_FILES = 800;

/** `--concurrency` as a number of workers (1: in this thread). */
export function parseConcurrency(value: string | undefined, groups: () => readonly WorkGroup[], cores = os.availableParallelism()): number {
  if (value === undefined || value === "off") return 1;
  if (value === "auto") return autoConcurrency(groups(), cores);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--concurrency expects a positive integer, "auto" or "off", got "${value}"`);
  return n;
}

/** On with one worker per core (at most 4) when there are at least two pieces of work big enough to pay for a worker each. */
function autoConcurrency(groups: readonly WorkGroup[], cores: number): number {
  if (cores < 2) return 1;
  const loose = groups.filter((g) => !g.tsconfig).reduce((n, g) => n + g.files.length, 0);
  const typed = groups.filter((g) => g.tsconfig);
  const typedFiles = typed.reduce((n, g) => n + g.files.length, 0);
  const pays = loose >= AUTO_MIN_LOOSE_FILES || typedFiles >= AUTO_MIN_TYPED_FILES;
  return pays ? Math.min(cores, 4) : 1;
}

/** Runs each piece in a worker thread; `onProgress` counts the files of all of them. */
export function workerRunner(plugins: readonly string[], onProgress?: (done: number, total: number) => void): PieceRunner {
  return (pieces, options) => {
    const total = pieces.reduce((n, p) => n + p.length, 0);
    let done = 0;
    const { rules: _rules, onProgress: _progress, ...plain } = options;
    return Promise.all(pieces.map((files) => new Promise<Pick<RunResult, "files" | "times" | "programs">>((resolve, reject) => {
      const job: WorkerJob = { options: { ...plain, files }, plugins };
      const worker = new Worker(path.join(__dirname, "lint-worker.js"), { workerData: job });
      let settled = false;
      worker.on("message", (message: WorkerMessage) => {
        if (message.kind === "progress") onProgress?.(++done, total);
        else {
          settled = true;
          if (message.kind === "done") resolve(message.result);
          else reject(new Error(`a --concurrency worker failed: ${message.message}`));
          void worker.terminate();
        }
      });
      worker.on("error", (error) => {
        settled = true;
        reject(error);
      });
      worker.on("exit", (code) => {
        if (!settled) reject(new Error(`a --concurrency worker stopped (exit code ${code})`));
      });
    })));
  };
}
