// `npm run fuzz -- [--inputs N] [--seed S] [--workers W] [--typed-every T] [--minutes M]`: the long run of
// the fix property suite (test/lib/fix-fuzz.ts), split over W worker threads (each mutant has
// its own seeded generator, so the figures do not depend on W), stopped after M minutes when
// given (the figures then cover the inputs checked). Prints the figures and the
// first failures; exit 1 when any property failed.
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { type FuzzFigures, mergeFigures, runFuzz } from "./lib/fix-fuzz";

interface Job { inputs: number; seed: number; typedEvery: number; index: number; of: number; deadline: number }
type Message = { kind: "progress"; done: number } | { kind: "done"; figures: FuzzFigures };

function argument(name: string, fallback: number, min = 0): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min) {
    console.error(`fuzz: --${name} needs an integer of at least ${min}`);
    process.exit(2);
  }
  return value;
}

function runShard(job: Job): void {
  let last = 0;
  const figures = runFuzz(job.inputs, job.seed, {
    typedEvery: job.typedEvery,
    shard: { index: job.index, of: job.of },
    deadline: job.deadline,
    onProgress: (f) => {
      if (f.inputs - last >= 100) {
        parentPort!.postMessage({ kind: "progress", done: f.inputs - last } satisfies Message);
        last = f.inputs;
      }
    },
  });
  parentPort!.postMessage({ kind: "progress", done: figures.inputs - last } satisfies Message);
  parentPort!.postMessage({ kind: "done", figures } satisfies Message);
}

async function main(): Promise<void> {
  const inputs = argument("inputs", 2000);
  const seed = argument("seed", 1);
  const workers = argument("workers", 1, 1);
  const typedEvery = argument("typed-every", 5, 1);
  const minutes = argument("minutes", 0);
  const started = Date.now();
  const deadline = minutes > 0 ? started + minutes * 60_000 : Number.MAX_SAFE_INTEGER;
  let done = 0;
  let reported = 0;
  const shards = await Promise.all(Array.from({ length: workers }, (_, index) => new Promise<FuzzFigures>((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { inputs, seed, typedEvery, index, of: workers, deadline } satisfies Job });
    worker.on("message", (message: Message) => {
      if (message.kind === "done") return resolve(message.figures);
      done += message.done;
      if (done - reported >= 1000 || done === inputs) {
        reported = done;
        console.error(`… ${done}/${inputs} (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    });
    worker.on("error", reject);
    worker.on("exit", (code) => (code === 0 ? undefined : reject(new Error(`fuzz worker ${index} exited with ${code}`))));
  })));
  const { failures, ...counts } = mergeFigures(shards);
  console.log(JSON.stringify({ seed, workers, typedEvery, requested: inputs, seconds: Math.round((Date.now() - started) / 1000), ...counts }, null, 2));
  for (const failure of failures) console.log(`  ${failure}`);
  const failed = counts.nonConverging + counts.fixAddedErrors + counts.unparsable + counts.notIdempotent + counts.findingLeft + counts.uncaught + counts.internal;
  process.exit(failed > 0 ? 1 : 0);
}

if (isMainThread) void main();
else runShard(workerData as Job);
