#!/usr/bin/env node
// The recall benchmark on real leak fixes. Each case in bench/leak-fixes.json (plus every
// bench/leak-fixes-*.json part file) names a public commit that fixed a leak: the file as of
// the parent commit should get a finding of the case's family near the leaking line, and the
// file as of the fix should be quiet there. Only metadata lives in this repository; the code
// is read from local bare mirrors of the repositories (DIR/OWNER+NAME/…/HEAD).
//
// Each file is written alone into a fresh temp directory under its own basename and linted
// without types or tsconfig, as CI lints a file outside any project: default config, all rules.
//
//   node bench/leak-fixes.js --mirror DIR [--json OUT] [--case ID] [--family F]
//   LEAKLINT_DIST=/path/to/rules/dist overrides the library (default ../rules/dist).
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const WINDOW = 3;
const FAMILIES = ["timer", "listener", "resource", "growth", "context"];

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args) return process.exit(2);
  const dist = path.resolve(__dirname, process.env.LEAKLINT_DIST || "../rules/dist", "index.js");
  const { runLint, rules } = require(dist);

  let cases = loadCases();
  if (args.case) cases = cases.filter((c) => c.id === args.case);
  if (args.family) cases = cases.filter((c) => c.family === args.family);
  if (cases.length === 0) console.log("(no case matches)");

  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "leak-fixes-"));
  const results = [];
  try {
    for (const c of cases) {
      const gitDir = findGitDir(args.mirror, c.repo);
      if (!gitDir) {
        console.log(`SKIP ${c.id}  ${c.repo} is not mirrored under ${args.mirror}`);
        results.push({ ...pick(c), skipped: "not mirrored" });
        continue;
      }
      try {
        const before = lintAt(runLint, rules, gitDir, c.parent, c.path, path.join(tmpRoot, c.id, "parent"));
        const after = lintAt(runLint, rules, gitDir, c.fix, c.fixPath || c.path, path.join(tmpRoot, c.id, "fix"));
        const near = (ds, line) => ds.filter((d) => d.family === c.family && Math.abs(d.startPos.line - line) <= WINDOW);
        const hit = near(before, c.line);
        const stay = near(after, c.fixLine);
        const r = { ...pick(c), detected: hit.length > 0, ruleId: hit[0]?.ruleId ?? null, quietAfterFix: stay.length === 0,
          afterFindings: stay.map((d) => `${d.ruleId}@${d.startPos.line}`) };
        results.push(r);
        const q = r.detected ? (r.quietAfterFix ? "quiet after fix" : `STILL after fix: ${r.afterFindings.join(", ")}`) : "";
        console.log(`${r.detected ? "HIT " : "MISS"} ${c.id.padEnd(40)} ${c.repo.padEnd(28)} ${c.family.padEnd(8)} ${r.ruleId ?? "-"}  ${q}`);
      } catch (error) {
        console.log(`SKIP ${c.id}  ${String(error.message).split("\n")[0]}`);
        results.push({ ...pick(c), skipped: String(error.message).split("\n")[0] });
      }
    }
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }

  const run = results.filter((r) => !r.skipped);
  const line = (label, rs) => {
    const hits = rs.filter((r) => r.detected);
    console.log(`  ${label.padEnd(34)} detected ${String(hits.length).padStart(3)}/${String(rs.length).padEnd(3)}  quiet after fix ${hits.filter((r) => r.quietAfterFix).length}/${hits.length}`);
  };
  console.log(`\ntotal (${results.length - run.length} skipped):`);
  line("all", run);
  console.log("per family:");
  for (const f of FAMILIES) if (run.some((r) => r.family === f)) line(f, run.filter((r) => r.family === f));
  console.log("per repo:");
  for (const repo of [...new Set(run.map((r) => r.repo))].sort()) line(repo, run.filter((r) => r.repo === repo));
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(results, null, 2) + "\n");
}

/** bench/leak-fixes.json and every bench/leak-fixes-*.json part file, in name order. */
function loadCases() {
  const files = fs.readdirSync(__dirname).filter((f) => f === "leak-fixes.json" || /^leak-fixes-.+\.json$/.test(f)).sort();
  const cases = files.flatMap((f) => JSON.parse(fs.readFileSync(path.join(__dirname, f), "utf8")));
  const seen = new Set();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    seen.add(c.id);
  }
  return cases;
}

/** The bare git dir for owner/name: the first directory with a HEAD file under DIR/OWNER+NAME. */
function findGitDir(mirror, repo) {
  const top = path.join(mirror, repo.replace("/", "+"));
  const queue = [top];
  for (let depth = 0; queue.length && depth < 200; depth++) {
    const dir = queue.shift();
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    if (fs.existsSync(path.join(dir, "HEAD")) && fs.existsSync(path.join(dir, "objects"))) return dir;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && e.name !== "objects") queue.push(path.join(dir, e.name));
  }
  return undefined;
}

/** Writes `commit:file` alone into `dir` and returns its leak findings (engine diagnostics dropped). */
function lintAt(runLint, rules, gitDir, commit, file, dir) {
  const text = execFileSync("git", ["--git-dir", gitDir, "show", `${commit}:${file}`], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, path.basename(file));
  fs.writeFileSync(target, text);
  const result = runLint({ paths: [target], cwd: dir, rules, types: false });
  return result.files.flatMap((f) => f.diagnostics).filter((d) => d.family !== "engine");
}

function pick(c) {
  return { id: c.id, repo: c.repo, family: c.family, owner: c.owner, kind: c.kind };
}

function parseArgs(argv) {
  const args = { mirror: undefined, json: undefined, case: undefined, family: undefined };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in args) || argv[i + 1] === undefined) {
      console.error(`bad argument ${argv[i]}\nusage: node bench/leak-fixes.js --mirror DIR [--json OUT] [--case ID] [--family F]`);
      return undefined;
    }
    args[key] = argv[++i];
  }
  if (!args.mirror) {
    console.error("missing --mirror DIR (the folder holding OWNER+NAME bare mirrors)");
    return undefined;
  }
  if (!fs.statSync(args.mirror, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`mirror folder ${args.mirror} does not exist`);
    return undefined;
  }
  if (args.family && !FAMILIES.includes(args.family)) {
    console.error(`unknown family ${args.family} (one of ${FAMILIES.join(", ")})`);
    return undefined;
  }
  return args;
}

main();
