#!/usr/bin/env node
// `npm run bench:heap`: reading and diffing V8 heap snapshots of about 50 MB (and, with
// --large, about 300 MB). The snapshots are those of the example service under load:
// examples/leaky-service is built, started and loaded by `leaklint heap capture --no-diff`
// (warm-up, base, load, target, load, final), with as many rounds of its load script as
// the size asks for.
//
// Each measurement runs in a fresh process, so peak RSS (process.resourceUsage().maxRSS)
// is its own:
//   JSON.parse   readFileSync + JSON.parse of the target (the obvious way)
//   stream       rules/dist/heap/snapshot.js readSnapshot of the target
//   diff         the whole `leaklint heap diff base target final --no-lint`
// Reported per MB of snapshot (the target's size; diff: the final's, the one it analyses):
// target ≤ 0.15 s and ≤ 3 MB of peak RSS per MB.
//
// Options: --large (also ~300 MB), --keep (leave the snapshots in the temp folder).
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "rules", "dist");
const EXAMPLE = path.join(ROOT, "examples", "leaky-service");
const args = new Set(process.argv.slice(2));
const SIZES = args.has("--large") ? [50, 300] : [50];
// The final snapshot of the example: ~7 MB idle, ~30 kB more per load round (measured).
const IDLE_MB = 7;
const ROUNDS_PER_MB = 33;

function makeSnapshots(dir, megabytes) {
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(EXAMPLE, "tsconfig.build.json")], { stdio: "inherit" });
  const rounds = Math.max(50, Math.round(((megabytes - IDLE_MB) * ROUNDS_PER_MB) / 3)); // warm-up and two loads
  const port = execFileSync(process.execPath, ["-e", "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); });"], { encoding: "utf8" });
  execFileSync(process.execPath, [path.join(ROOT, "rules", "bin", "leaklint.js"), "heap", "capture", "--no-diff", "--out", dir,
    "--load", `node scripts/load.js --rounds ${rounds}`, "--", "node", "--max-old-space-size=8192", "dist/server.js"],
  { cwd: EXAMPLE, env: { ...process.env, PORT: port }, stdio: ["ignore", "inherit", "inherit"] });
  return ["base", "target", "final"].map((name) => path.join(dir, `${name}.heapsnapshot`));
}

/** Runs `body` (JS with `file`, `files` in scope) in a fresh process: { seconds, peakMB }. */
function measure(body, files) {
  const script = `
    const files = ${JSON.stringify(files)};
    const file = files[1];
    const start = performance.now();
    ${body}
    const seconds = (performance.now() - start) / 1000;
    process.stdout.write(JSON.stringify({ seconds, peakMB: process.resourceUsage().maxRSS / 1024 }));`;
  const out = execFileSync(process.execPath, ["--max-old-space-size=8192", "-e", script], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(out.slice(out.lastIndexOf("{")));
}

const bodies = {
  "JSON.parse": `const s = JSON.parse(require("node:fs").readFileSync(file, "utf8")); if (!s.nodes.length) throw new Error("empty");`,
  stream: `const s = require(${JSON.stringify(path.join(DIST, "heap", "snapshot.js"))}).readSnapshot(file); if (!s.node.id.length) throw new Error("empty");`,
  diff: `const { heapMain } = require(${JSON.stringify(path.join(DIST, "heap", "cli.js"))});
    let out = "";
    heapMain(["diff", ...files, "--no-lint", "--format", "json"], { stdout: (t) => { out += t; }, stderr: (t) => process.stderr.write(t), isTTY: false, cwd: process.cwd(), env: {} });
    if (JSON.parse(out).length === 0) throw new Error("no growth found");`,
};

const baseline = measure("", ["", "", ""]);
console.log(`node baseline: ${baseline.peakMB.toFixed(0)} MB peak RSS (included in the figures below)\n`);
console.log("snapshot        reader       time (s)   peak RSS (MB)   s / MB   RSS MB / MB");
for (const size of SIZES) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-bench-heap-"));
  try {
    const files = makeSnapshots(dir, size);
    const mb = (f) => fs.statSync(f).size / 1024 / 1024;
    for (const [name, body] of Object.entries(bodies)) {
      const sizeMB = name === "diff" ? mb(files[2]) : mb(files[1]);
      const r = measure(body, files);
      const label = `${sizeMB.toFixed(0)} MB${name === "diff" ? " (x3)" : ""}`;
      console.log(`${label.padEnd(15)} ${name.padEnd(12)} ${r.seconds.toFixed(2).padStart(8)}   ${r.peakMB.toFixed(0).padStart(13)}   ${(r.seconds / sizeMB).toFixed(3).padStart(6)}   ${(r.peakMB / sizeMB).toFixed(2).padStart(11)}`);
    }
  } finally {
    if (args.has("--keep")) console.log(`snapshots kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}
