// `npm run fuzz -- [--inputs N] [--seed S]`: the long run of the fix property suite
// (test/lib/fix-fuzz.ts). Prints the figures and the first failures; exit 1 when any
// property failed.
import { runFuzz } from "./lib/fix-fuzz";

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) {
    console.error(`fuzz: --${name} needs a non-negative integer`);
    process.exit(2);
  }
  return value;
}

const inputs = argument("inputs", 2000);
const seed = argument("seed", 1);
const started = Date.now();
const figures = runFuzz(inputs, seed, {
  onProgress: (f) => {
    if (f.inputs % 500 === 0) console.error(`… ${f.inputs}/${inputs} (${Math.round((Date.now() - started) / 1000)} s)`);
  },
});
const { failures, ...counts } = figures;
console.log(JSON.stringify({ seed, seconds: Math.round((Date.now() - started) / 1000), ...counts }, null, 2));
for (const failure of failures) console.log(`  ${failure}`);
const failed = counts.nonConverging + counts.fixAddedErrors + counts.unparsable + counts.notIdempotent + counts.findingLeft + counts.uncaught + counts.internal;
process.exit(failed > 0 ? 1 : 0);
