// A `--concurrency` worker thread: lints one piece of the run with the CLI's rules (built-in
// and `--plugin` modules, loaded here again) and posts the results back.
import { parentPort, workerData } from "node:worker_threads";
import { runLint } from "../engine";
import { loadRules } from "./plugins";
import type { WorkerJob, WorkerMessage } from "./parallel";

const job = workerData as WorkerJob;
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);
try {
  const rules = loadRules(job.plugins, job.options.cwd ?? process.cwd());
  const result = runLint({ ...job.options, rules, onProgress: () => post({ kind: "progress" }) });
  post({ kind: "done", result: { files: result.files, times: result.times, programs: result.programs } });
} catch (error) {
  post({ kind: "failed", message: error instanceof Error ? error.stack ?? error.message : String(error) });
}
