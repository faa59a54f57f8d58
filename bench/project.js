// `npm run bench -- --project DIR`: leaklint as a user runs it, on one real project, each
// variant a fresh `leaklint` process timed from outside (wall time and peak RSS):
//
//   parser floor       read + ts.createSourceFile of the files the CLI selects (no binding, no checker)
//   no types           --no-types
//   types, -p          --project <DIR>/tsconfig.json (one program)
//   as a user runs it  no flags: the nearest tsconfig per file (one program per tsconfig)
//   --concurrency      the same with --concurrency N (N = --workers, default 2), and auto
//   --cache cold/warm  --cache: the first run fills it, the second reuses it
//
// Ratios are of CPU time (user + system, worker threads included) against the parser floor. Without --project the example project is used (tiny:
// the ratios are start-up cost there); on this repository's CI the corpus is not installed.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "rules", "bin", "leaklint.js");
const REPORT_RSS = path.join(__dirname, "report-rss.js");

/** One process: wall ms, CPU ms and peak RSS (MB; the process with its worker threads). */
function measure(cwd, args) {
  const rssFile = path.join(os.tmpdir(), `leaklint-bench-rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["-r", REPORT_RSS, ...args], { cwd, encoding: "utf8", env: { ...process.env, CI: "true", LEAKLINT_RSS_FILE: rssFile } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(" ")} failed (${run.status}): ${run.stderr}`);
  const usage = JSON.parse(fs.readFileSync(rssFile, "utf8"));
  fs.rmSync(rssFile, { force: true });
  return { ms, cpu: usage.cpu, rss: usage.maxRSS / 1024, stderr: run.stderr };
}

function best(cwd, args, repeat) {
  let result;
  for (let i = 0; i < repeat; i++) {
    const r = measure(cwd, args);
    if (!result || r.cpu < result.cpu) result = r;
  }
  return result;
}

function benchProject(dir, { repeat = 1, workers = 2 } = {}) {
  const cwd = path.resolve(dir);
  const tsconfig = path.join(cwd, "tsconfig.json");
  const cache = path.join(os.tmpdir(), `leaklint-bench-cache-${process.pid}`);
  fs.rmSync(cache, { force: true });
  const lint = (...args) => [BIN, "-f", "json", "-o", os.devNull, ...args];
  const variants = [
    ["parser floor", [path.join(__dirname, "parse-floor.js"), cwd]],
    ["no types", lint("--no-types")],
    ...(fs.existsSync(tsconfig) ? [["types, -p tsconfig.json", lint("-p", tsconfig)]] : []),
    ["as a user runs it", lint()],
    [`--concurrency ${workers}`, lint("--concurrency", String(workers))],
    ["--concurrency auto", lint("--concurrency", "auto")],
    ["--cache, cold", lint("--cache", "--cache-location", cache)],
    ["--cache, warm", lint("--cache", "--cache-location", cache)],
  ];
  const rows = variants.map(([name, args]) => ({ name, ...(name.startsWith("--cache") ? measure(cwd, args) : best(cwd, args, repeat)) }));
  fs.rmSync(cache, { force: true });
  const floor = rows[0];
  const files = /(\d+) files/.exec(floor.stderr)?.[1] ?? "?";
  console.log(`\nproject ${cwd}: ${files} files, ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (best of ${repeat}; each a fresh process)`);
  // On a loaded machine wall time mostly measures the other processes: CPU time is the figure to compare.
  console.log("variant                      wall (ms)   CPU (ms)  CPU × floor   peak RSS (MB)");
  for (const r of rows) {
    console.log(`${r.name.padEnd(27)} ${r.ms.toFixed(0).padStart(10)} ${r.cpu.toFixed(0).padStart(10)}  ${(r.cpu / floor.cpu).toFixed(2).padStart(10)}×  ${r.rss.toFixed(0).padStart(13)}`);
  }
  const byName = new Map(rows.map((r) => [r.name, r]));
  const typed = byName.get("types, -p tsconfig.json");
  const user = byName.get("as a user runs it");
  if (typed) console.log(`as a user runs it / -p: CPU ${(user.cpu / typed.cpu).toFixed(2)}×, wall ${(user.ms / typed.ms).toFixed(2)}×, peak RSS ${(user.rss / typed.rss).toFixed(2)}×`);
  const [cold, warm] = [byName.get("--cache, cold"), byName.get("--cache, warm")];
  console.log(`warm --cache / cold: CPU ${(warm.cpu / cold.cpu * 100).toFixed(1)} %, wall ${(warm.ms / cold.ms * 100).toFixed(1)} %`);
}

module.exports = { benchProject };
