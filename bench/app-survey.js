#!/usr/bin/env node
// The precision survey on real applications (docs/survey.md, section 1). Runs leaklint the
// way a new user would — `leaklint --format json` at the root of a real public application
// repository, respecting its tsconfig.json and .gitignore — over the repositories pinned in
// bench/app-survey.json, and prints per repository the lines and files linted, the findings
// per rule and per 100k lines. When bench/app-survey-judged.json exists (every finding read
// in its source and judged true / debatable / false by hand) each finding is joined to its
// judgment (repo + path + line + ruleId) and the per-rule verdicts and overall precision
// (true / all) are printed; findings without a judgment are listed as "unjudged".
//
// The repositories come from a directory of bare git mirrors laid out as the `fetch` tool
// leaves them (DIR/OWNER+NAME/repo, or DIR/OWNER+NAME as the bare dir itself); each is
// extracted at its pinned commit into the work dir (default: the gitignored .survey/apps/).
// `--install` runs `npm install --ignore-scripts` at the root of entries marked
// `"install": true`, so that typed linting runs there (files in a tsconfig get full types only
// when their dependencies are installed).
//
//   node bench/app-survey.js --mirror DIR [--work DIR] [--install] [--json OUT] [--repo NAME] [--corpus FILE --judged FILE]
//
// LEAKLINT_BIN overrides the CLI (default: rules/bin/leaklint.js of this checkout; run
// `npm run build` first). Exit 0 (a measurement, whatever was found), 2 on bad arguments or
// a missing mirror.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync, spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");
let CORPUS = path.join(__dirname, "app-survey.json");
let JUDGED = path.join(__dirname, "app-survey-judged.json");
const BIN = path.resolve(process.env.LEAKLINT_BIN || path.join(ROOT, "rules/bin/leaklint.js"));
const VERDICTS = ["true", "debatable", "false"];

function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`app-survey: ${error.message}`);
    console.error("usage: node bench/app-survey.js --mirror DIR [--work DIR] [--install] [--json OUT] [--repo NAME]");
    return 2;
  }
  if (!fs.existsSync(BIN)) {
    console.error(`app-survey: no leaklint CLI at ${BIN} (run npm run build, or set LEAKLINT_BIN)`);
    return 2;
  }
  const engine = require(path.join(path.dirname(BIN), "../dist/index.js"));
  let corpus = JSON.parse(fs.readFileSync(CORPUS, "utf8"));
  if (args.repo) {
    corpus = corpus.filter((e) => e.repo === args.repo || e.repo.split("/")[1] === args.repo);
    if (corpus.length === 0) {
      console.error(`app-survey: --repo ${args.repo} is not in bench/app-survey.json`);
      return 2;
    }
  }
  const mirrors = [];
  for (const entry of corpus) {
    const gitDir = mirrorOf(args.mirror, entry.repo);
    if (!gitDir) {
      console.error(`app-survey: no mirror of ${entry.repo} under ${args.mirror} (expected ${entry.repo.replace("/", "+")}/repo)`);
      return 2;
    }
    mirrors.push(gitDir);
  }

  const rows = [];
  const all = [];
  corpus.forEach((entry, i) => {
    const dir = extract(mirrors[i], entry, args.work);
    const root = path.join(dir, entry.root || ".");
    const installed = fs.existsSync(path.join(root, "node_modules"));
    if (args.install && entry.install && !installed) install(root, entry.repo);
    const typed = fs.existsSync(path.join(root, "node_modules"));
    const started = Date.now();
    const run = spawnSync(process.execPath, [BIN, "--format", "json"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 30 });
    const seconds = (Date.now() - started) / 1000;
    let findings = [];
    let error;
    if (run.status === 0 || run.status === 1) {
      try {
        findings = JSON.parse(run.stdout);
      } catch (e) {
        error = `unparsable JSON output: ${e.message}`;
      }
    } else {
      error = `exit ${run.status ?? run.signal}: ${(run.stderr || "").trim().split("\n").slice(-3).join(" | ")}`;
    }
    const { files, lines } = countLinted(engine, root);
    const relative = (d) => path.relative(root, d.filePath).split(path.sep).join("/");
    // Engine diagnostics (parse errors: files that are not JavaScript, such as templates) are not findings.
    const engineErrors = findings.filter((d) => d.family === "engine").map((d) => `${relative(d)}:${d.line}  ${d.ruleId}  ${d.message}`);
    const mapped = findings.filter((d) => d.family !== "engine").map((d) => ({
      repo: entry.repo,
      path: relative(d),
      line: d.line,
      column: d.column,
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
    }));
    all.push(...mapped);
    rows.push({ entry, files, lines, seconds, typed, error, engineErrors, findings: mapped });
  });

  const judged = loadJudged();
  const ruleIds = [...new Set(all.map((f) => f.ruleId))].sort();
  console.log(`leaklint: ${path.relative(process.cwd(), BIN) || BIN}\n`);
  console.log(`${"repository".padEnd(46)} ${"typed".padEnd(5)} ${pad("files", 6)} ${pad("lines", 8)} ${pad("found", 6)} ${pad("/100k", 7)} ${pad("sec", 6)}`);
  for (const row of rows) {
    console.log(`${row.entry.repo.padEnd(46)} ${(row.typed ? "yes" : "no").padEnd(5)} ${pad(row.files, 6)} ${pad(row.lines, 8)} ${pad(row.findings.length, 6)} ${pad(per100k(row.findings.length, row.lines), 7)} ${pad(row.seconds.toFixed(1), 6)}`);
    const counts = countBy(row.findings, (f) => f.ruleId);
    for (const [rule, n] of Object.entries(counts).sort()) console.log(`    ${rule.padEnd(36)} ${pad(n, 4)}${judged ? "  " + verdictSummary(row.findings.filter((f) => f.ruleId === rule), judged) : ""}`);
    for (const e of row.engineErrors) console.log(`    (not linted) ${e}`);
    if (row.error) console.log(`    ERROR ${row.error}`);
  }
  const files = rows.reduce((n, r) => n + r.files, 0);
  const lines = rows.reduce((n, r) => n + r.lines, 0);
  console.log(`${"total".padEnd(46)} ${"".padEnd(5)} ${pad(files, 6)} ${pad(lines, 8)} ${pad(all.length, 6)} ${pad(per100k(all.length, lines), 7)} ${pad(rows.reduce((n, r) => n + r.seconds, 0).toFixed(1), 6)}`);

  console.log("\nper rule:");
  for (const rule of ruleIds) {
    const of = all.filter((f) => f.ruleId === rule);
    console.log(`  ${rule.padEnd(36)} ${pad(of.length, 4)}${judged ? "  " + verdictSummary(of, judged) : ""}`);
  }
  if (judged) {
    const verdicts = all.map((f) => judged.get(keyOf(f))?.verdict ?? "unjudged");
    const t = verdicts.filter((v) => v === "true").length;
    console.log(`\noverall: ${t} true, ${verdicts.filter((v) => v === "debatable").length} debatable, ${verdicts.filter((v) => v === "false").length} false` +
      ` of ${all.length}; precision (true / all) ${all.length ? ((100 * t) / all.length).toFixed(1) : "-"} %`);
    const unjudged = all.filter((f) => !judged.has(keyOf(f)));
    if (unjudged.length) {
      console.log(`\nunjudged (${unjudged.length}):`);
      for (const f of unjudged) console.log(`  ${f.repo} ${f.path}:${f.line}  ${f.ruleId}  ${f.message}`);
    }
    const found = new Set(all.map(keyOf));
    const stale = [...judged.values()].filter((j) => !found.has(keyOf(j)) && rows.some((r) => r.entry.repo === j.repo));
    if (stale.length) {
      console.log(`\njudged but no longer reported (${stale.length}):`);
      for (const j of stale) console.log(`  ${j.repo} ${j.path}:${j.line}  ${j.ruleId}  (was ${j.verdict})`);
    }
  } else {
    console.log("\n(no bench/app-survey-judged.json: findings are not joined to judgments)");
  }
  if (!args.quiet) {
    console.log("\nfindings:");
    for (const f of all) {
      const verdict = judged ? ` [${judged.get(keyOf(f))?.verdict ?? "unjudged"}]` : "";
      console.log(`  ${f.repo} ${f.path}:${f.line}:${f.column}  ${f.ruleId}${verdict}  ${f.message}`);
    }
  }
  if (args.json) {
    const out = {
      leaklint: BIN,
      repos: rows.map((r) => ({ repo: r.entry.repo, commit: r.entry.commit, kind: r.entry.kind, typed: r.typed, files: r.files, lines: r.lines, seconds: r.seconds, error: r.error, engineErrors: r.engineErrors, findings: r.findings.length })),
      findings: all.map((f) => ({ ...f, verdict: judged?.get(keyOf(f))?.verdict, why: judged?.get(keyOf(f))?.why })),
    };
    fs.writeFileSync(args.json, JSON.stringify(out, null, 2) + "\n");
  }
  return 0;
}

function parseArgs(argv) {
  const args = { mirror: undefined, work: path.join(ROOT, ".survey/apps"), install: false, json: undefined, repo: undefined, quiet: false };
  const value = (i, name) => {
    if (i >= argv.length || argv[i].startsWith("--")) throw new Error(`${name} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--mirror") args.mirror = path.resolve(value(++i, arg));
    else if (arg === "--work") args.work = path.resolve(value(++i, arg));
    else if (arg === "--json") args.json = path.resolve(value(++i, arg));
    else if (arg === "--repo") args.repo = value(++i, arg);
    else if (arg === "--install") args.install = true;
    else if (arg === "--quiet") args.quiet = true;
    // Another corpus and its judgments (the held-out sets: bench/heldout-survey.json, never tuned on).
    else if (arg === "--corpus") CORPUS = path.resolve(value(++i, arg));
    else if (arg === "--judged") JUDGED = path.resolve(value(++i, arg));
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!args.mirror) throw new Error("--mirror DIR is required");
  if (!fs.existsSync(args.mirror)) throw new Error(`mirror directory ${args.mirror} does not exist`);
  return args;
}

/** The bare git dir of `owner/name` under the mirror directory, or undefined. */
function mirrorOf(mirror, repo) {
  const base = path.join(mirror, repo.replace("/", "+"));
  for (const dir of [path.join(base, "repo"), base, path.join(mirror, repo.split("/")[1])]) {
    if (fs.existsSync(path.join(dir, "HEAD")) && fs.existsSync(path.join(dir, "objects"))) return dir;
  }
  return undefined;
}

/** Extracts the repository at its commit (once: a marker file remembers which commit is there). */
function extract(gitDir, entry, work) {
  const dir = path.join(work, entry.repo.split("/")[1]);
  const marker = path.join(dir, ".app-survey-commit");
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8").trim() === entry.commit) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // A snapshot may lack its largest blobs (images, bundles): those paths are left out.
  const excluded = missingBlobs(gitDir, entry.commit).map((file) => `:(exclude,literal)${file}`);
  // Streamed through a pipe: a large repository's tar does not fit in a child-process buffer.
  const archive = spawnSync("bash", ["-c", 'set -o pipefail; git --git-dir "$1" archive --format=tar "$2" -- . "${@:4}" | tar -x -C "$3"', "sh", gitDir, entry.commit, dir, ...excluded],
    { stdio: ["ignore", "ignore", "pipe"] });
  if (archive.status !== 0) throw new Error(`git archive ${entry.repo}@${entry.commit}: ${archive.stderr}`);
  fs.writeFileSync(marker, entry.commit + "\n");
  return dir;
}

/** Paths at `commit` whose blob the mirror does not hold. */
function missingBlobs(gitDir, commit) {
  const tree = execFileSync("git", ["--git-dir", gitDir, "ls-tree", "-r", "-z", "--format=%(objectname) %(path)", commit], { maxBuffer: 1 << 28 }).toString();
  const entries = tree.split("\0").filter(Boolean).map((line) => [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)]);
  const check = spawnSync("git", ["--git-dir", gitDir, "cat-file", "--batch-check=%(objectname)"], {
    input: entries.map(([id]) => id).join("\n") + "\n", maxBuffer: 1 << 28,
  }).stdout.toString().split("\n");
  return entries.filter((_, i) => check[i].endsWith(" missing")).map(([, file]) => file);
}

function install(root, repo) {
  console.log(`installing dependencies of ${repo} …`);
  const result = spawnSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--legacy-peer-deps", "--loglevel=error"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) console.log(`  (npm install failed for ${repo}: it is linted without its dependencies)`);
}

/** The files the CLI lints at `root` (its own discovery and ignores), and their lines. */
function countLinted(engine, root) {
  const config = engine.loadConfigFor({ cwd: root, rules: engine.rules });
  const files = engine.discoverFiles([root], { ignores: config.ignores, ignoreBase: config.baseDir });
  let lines = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    lines += text.length === 0 ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  }
  return { files: files.length, lines };
}

function loadJudged() {
  if (!fs.existsSync(JUDGED)) return undefined;
  const map = new Map();
  for (const j of JSON.parse(fs.readFileSync(JUDGED, "utf8"))) {
    if (!VERDICTS.includes(j.verdict)) throw new Error(`${path.basename(JUDGED)}: bad verdict ${j.verdict} for ${keyOf(j)}`);
    map.set(keyOf(j), j);
  }
  return map;
}

function keyOf(f) {
  return `${f.repo}|${f.path}|${f.line}|${f.ruleId}`;
}

function verdictSummary(findings, judged) {
  const c = countBy(findings, (f) => judged.get(keyOf(f))?.verdict ?? "unjudged");
  return [...VERDICTS, "unjudged"].filter((v) => c[v]).map((v) => `${c[v]} ${v}`).join(", ");
}

function countBy(items, key) {
  const out = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function per100k(n, lines) {
  return lines ? ((100000 * n) / lines).toFixed(1) : "-";
}

function pad(value, width) {
  return String(value).padStart(width);
}

// bench/fix-typecheck.js extracts the same mirrors.
module.exports = { mirrorOf, extract };
if (require.main === module) process.exitCode = main();
