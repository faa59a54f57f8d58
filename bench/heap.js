#!/usr/bin/env node
// `npm run bench:heap`: reading and diffing V8 heap snapshots of about 50 MB (and, with
// --large, about 300 MB). The snapshots are made here: a child process loads a growth
// script (a module-level Map of request records, listeners added per request, intervals
// never cleared) and writes base / target / final with v8.writeHeapSnapshot().
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
const args = new Set(process.argv.slice(2));
// Records per batch for a target of about this many MB (measured: ~1,150 records per MB).
const SIZES = args.has("--large") ? [50, 300] : [50];
const RECORDS_PER_MB = 1150;

const GROWTH = `"use strict";
const { EventEmitter } = require("node:events");
const sessions = new Map();
const bus = new EventEmitter();
bus.setMaxListeners(0);
exports.handle = function handle(id) {
  sessions.set("session-" + id, { id, user: { name: "user-" + id, roles: ["reader", "writer" + (id % 7)] }, seen: [Date.now(), id * 2], headers: { accept: "text/html", "x-id": String(id) } });
  if (id % 4 === 0) bus.on("shutdown", () => id);
  if (id % 16 === 0) setInterval(() => id, 3600000);
};
`;

function makeSnapshots(dir, megabytes) {
  fs.writeFileSync(path.join(dir, "growth.js"), GROWTH);
  const perBatch = Math.round((megabytes * RECORDS_PER_MB) / 2);
  const driver = `
    const v8 = require("node:v8");
    const { handle } = require(${JSON.stringify(path.join(dir, "growth.js"))});
    let next = 0;
    const load = (n) => { for (let i = 0; i < n; i++) handle(next++); };
    load(${perBatch});
    v8.writeHeapSnapshot(${JSON.stringify(path.join(dir, "base.heapsnapshot"))});
    load(${perBatch});
    v8.writeHeapSnapshot(${JSON.stringify(path.join(dir, "target.heapsnapshot"))});
    load(${Math.round(perBatch / 4)});
    v8.writeHeapSnapshot(${JSON.stringify(path.join(dir, "final.heapsnapshot"))});
    process.exit(0);`;
  execFileSync(process.execPath, ["--max-old-space-size=8192", "-e", driver], { stdio: "inherit" });
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
