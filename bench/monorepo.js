#!/usr/bin/env node
// Scale (issue 13, item 6): leaklint at the root of a monorepo of N copies of a real typed
// monorepo's packages — by default mikro-orm's 20 packages (164k lines of TypeScript), so
// 8 copies are 160 packages and 1.3M lines. Each copy is a folder of its own with the
// original root tsconfig (its `paths` map `@mikro-orm/*` to that copy's packages), each
// package keeps its own tsconfig.json and package.json, and every copy resolves its
// dependencies through the original checkout's node_modules. Nothing generated is committed:
// the copies are written under --work (a scratch folder) and removed unless --keep.
//
// Each scale is linted by a fresh `leaklint -f json` process at the monorepo's root (the
// default run: the nearest tsconfig per file), timed from outside: wall and CPU time, peak
// RSS. Time should grow linearly with the copies and peak RSS stay flat: the programs of a
// copy are let go once its files are linted.
//
//   node bench/monorepo.js --source DIR [--copies 1,2,4,8] [--work DIR] [--keep] [--generate-only]
//   node bench/monorepo.js --mirror /work/.mirror/mikro-orm+mikro-orm …   (checks out and installs the source first)
//
// --source is a checkout with its dependencies installed; --mirror makes one under --work
// (git archive of HEAD, then `npm install --ignore-scripts`). --generate-only writes the
// copies and prints their folders (for timing them with another tool).
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "rules", "bin", "leaklint.js");
const REPORT_RSS = path.join(__dirname, "report-rss.js");
const work = path.resolve(option("--work", path.join(os.tmpdir(), "leaklint-monorepo")));
const copies = option("--copies", "1,2,4,8").split(",").map(Number);
const keep = argv.includes("--keep") || argv.includes("--generate-only");
/** What a copy takes from the source: the root's package.json and tsconfigs, and each package's. */
const ROOT_FILES = ["package.json", "tsconfig.json", "tsconfig.build.json"];
const PACKAGE_FILES = ["package.json", "tsconfig.json", "tsconfig.build.json"];

function usage(message) {
  process.stderr.write(`bench/monorepo.js: ${message}\nusage: node bench/monorepo.js (--source DIR | --mirror GIT_DIR) [--copies 1,2,4,8] [--work DIR] [--keep] [--generate-only]\n`);
  process.exit(2);
}

/** The source checkout: --source as given, or one made from --mirror under --work. */
function sourceCheckout() {
  const given = option("--source");
  if (given) {
    const dir = path.resolve(given);
    if (!fs.existsSync(path.join(dir, "packages")) || !fs.existsSync(path.join(dir, "node_modules"))) usage(`${dir} has no packages/ or no node_modules/ (install its dependencies first)`);
    return dir;
  }
  const mirror = option("--mirror");
  if (!mirror) usage("give --source or --mirror");
  const dir = path.join(work, "source");
  if (!fs.existsSync(path.join(dir, "node_modules"))) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync("sh", ["-c", `git --git-dir="${path.resolve(mirror)}" archive HEAD | tar -x -C "${dir}"`], { stdio: "inherit" });
    execFileSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
  }
  return dir;
}

/** Copies `from` to `to`, TypeScript sources only (declarations and tests' fixtures aside, nothing else is linted). */
function copySources(from, to, counts) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copySources(source, target, counts);
    else if (entry.isFile() && /\.(m|c)?tsx?$/.test(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      const text = fs.readFileSync(source, "utf8");
      fs.writeFileSync(target, text);
      if (!/\.d\.[cm]?ts$/.test(entry.name)) {
        counts.files++;
        counts.lines += text.split("\n").length;
      }
    }
  }
}

/** The monorepo of `n` copies, written once; its size. */
function generate(source, n) {
  const dir = path.join(work, `x${n}`);
  const marker = path.join(dir, ".generated.json");
  if (fs.existsSync(marker)) return { dir, ...JSON.parse(fs.readFileSync(marker, "utf8")) };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, ".git"), { recursive: true }); // the repository root: discovery reads no .gitignore above it
  fs.symlinkSync(path.join(source, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
  const counts = { files: 0, lines: 0, packages: 0 };
  const packages = fs.readdirSync(path.join(source, "packages")).filter((p) => fs.existsSync(path.join(source, "packages", p, "tsconfig.json"))).sort();
  for (let copy = 0; copy < n; copy++) {
    const root = path.join(dir, `copy${copy}`);
    fs.mkdirSync(root, { recursive: true });
    for (const file of ROOT_FILES) if (fs.existsSync(path.join(source, file))) fs.copyFileSync(path.join(source, file), path.join(root, file));
    for (const name of packages) {
      const from = path.join(source, "packages", name);
      const to = path.join(root, "packages", name);
      fs.mkdirSync(to, { recursive: true });
      for (const file of PACKAGE_FILES) if (fs.existsSync(path.join(from, file))) fs.copyFileSync(path.join(from, file), path.join(to, file));
      copySources(path.join(from, "src"), path.join(to, "src"), counts);
      counts.packages++;
    }
  }
  fs.writeFileSync(marker, JSON.stringify(counts));
  return { dir, ...counts };
}

/** One fresh `leaklint` process at `dir`: wall and CPU seconds, peak RSS (MB), findings, what --stats says. */
function measure(dir) {
  const rssFile = path.join(os.tmpdir(), `leaklint-monorepo-rss-${process.pid}`);
  const output = path.join(os.tmpdir(), `leaklint-monorepo-out-${process.pid}.json`);
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["-r", REPORT_RSS, BIN, "-f", "json", "-o", output, "--stats"], {
    cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true", LEAKLINT_RSS_FILE: rssFile }, maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0 && run.status !== 1) throw new Error(`leaklint failed in ${dir} (${run.status}): ${run.stderr.slice(-2000)}`);
  const usage = JSON.parse(fs.readFileSync(rssFile, "utf8"));
  const findings = JSON.parse(fs.readFileSync(output, "utf8")).length;
  fs.rmSync(rssFile, { force: true });
  fs.rmSync(output, { force: true });
  const tsconfigs = run.stderr.split("\n").filter((line) => /tsconfig\.json\s+\d+$/.test(line)).length;
  return { wall, cpu: usage.cpu / 1000, rss: usage.maxRSS / 1024, findings, tsconfigs };
}

function main() {
  if (copies.some((n) => !Number.isInteger(n) || n < 1)) usage(`--copies expects positive integers, got ${option("--copies")}`);
  const source = sourceCheckout();
  fs.mkdirSync(work, { recursive: true });
  const scales = copies.map((n) => ({ n, ...generate(source, n) }));
  if (argv.includes("--generate-only")) {
    for (const s of scales) console.log(`${s.n}\t${s.dir}\t${s.files} files\t${s.lines} lines`);
    return;
  }
  try {
    console.log(`monorepo of ${path.basename(source)} copies: ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    console.log("copies  packages   files      lines   wall (s)   CPU (s)   CPU/copy (s)   peak RSS (MB)   findings");
    for (const s of scales) {
      const r = measure(s.dir);
      console.log(`${String(s.n).padStart(6)} ${String(s.packages).padStart(9)} ${String(s.files).padStart(7)} ${String(s.lines).padStart(10)} ${r.wall.toFixed(1).padStart(10)} ${r.cpu.toFixed(1).padStart(9)} ${(r.cpu / s.n).toFixed(2).padStart(14)} ${r.rss.toFixed(0).padStart(15)} ${String(r.findings).padStart(10)}`);
    }
    console.log(`load after: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  } finally {
    if (!keep) for (const s of scales) fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

main();
