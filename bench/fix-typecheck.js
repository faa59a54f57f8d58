#!/usr/bin/env node
// Do safe fixes type-check on real applications? For each package pinned in
// bench/fix-typecheck.json (repo, commit, package directory, tsconfig) this extracts the
// application from its bare mirror (as bench/app-survey.js does), installs the package's
// dependencies (`npm install --ignore-scripts`; a pnpm/yarn workspace package gets its
// `workspace:` dependencies as `file:` links, `catalog:` versions from pnpm-workspace.yaml, and
// `jsr:` ones left out: only npm is reachable), runs `tsc --noEmit -p <tsconfig>` before and
// after `leaklint --fix`, and prints a table: app, files fixed, fixes, errors before, after and
// new (errors of the fixed tree that the original did not have, compared as file + code +
// message, so that lines moved by a fix do not count), and the files a second `--fix` changes
// (none, when fixing is idempotent). The fixed files are restored afterwards, so the extracted
// tree stays as pinned.
//
//   node bench/fix-typecheck.js --mirror DIR [--work DIR] [--repo NAME] [--json OUT]
//
// Exit 0 when no fix added an error and a second run changed nothing, 1 otherwise (listed), 2 on bad arguments or a
// missing mirror. LEAKLINT_BIN overrides the CLI (default: this checkout's rules/bin/leaklint.js).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { mirrorOf, extract } = require("./app-survey");

const ROOT = path.resolve(__dirname, "..");
const CORPUS = path.join(__dirname, "fix-typecheck.json");
const BIN = path.resolve(process.env.LEAKLINT_BIN || path.join(ROOT, "rules/bin/leaklint.js"));

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === "string") {
    console.error(`fix-typecheck: ${args}\nusage: node bench/fix-typecheck.js --mirror DIR [--work DIR] [--repo NAME] [--json OUT]`);
    return 2;
  }
  let corpus = JSON.parse(fs.readFileSync(CORPUS, "utf8"));
  if (args.repo) corpus = corpus.filter((e) => e.repo === args.repo || e.repo.split("/")[1] === args.repo);
  if (corpus.length === 0) {
    console.error(`fix-typecheck: --repo ${args.repo} is not in bench/fix-typecheck.json`);
    return 2;
  }
  const rows = [];
  for (const entry of corpus) {
    const gitDir = mirrorOf(args.mirror, entry.repo);
    if (!gitDir) {
      console.error(`fix-typecheck: no mirror of ${entry.repo} under ${args.mirror}`);
      return 2;
    }
    rows.push(check(entry, extract(gitDir, entry, args.work)));
  }
  const header = ["app", "package", "files fixed", "fixes", "changed by a 2nd --fix", "errors before", "after", "new"];
  const table = rows.map((r) => [r.repo, r.package, r.filesFixed, r.fixes, r.again, r.before, r.after, r.added.length].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(header));
  for (const row of table) console.log(line(row));
  for (const r of rows) {
    if (r.note) console.log(`\n${r.repo} ${r.package}: ${r.note}`);
    if (r.added.length === 0) continue;
    console.log(`\n${r.repo} ${r.package}: errors the fixes added`);
    for (const error of r.added) console.log(`  ${error}`);
  }
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(rows, null, 2) + "\n");
  return rows.some((r) => r.added.length > 0 || r.again > 0) ? 1 : 0;
}

function parseArgs(argv) {
  const args = { mirror: undefined, work: path.join(ROOT, ".survey/fix-typecheck"), repo: undefined, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, "");
    if (!(name in args) || argv[i] === name) return `unknown argument ${argv[i]}`;
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) return `--${name} needs a value`;
    args[name] = name === "repo" ? value : path.resolve(value);
  }
  if (!args.mirror || !fs.existsSync(args.mirror)) return "--mirror DIR (an existing directory) is required";
  return args;
}

/** Type-checks one package before and after `leaklint --fix`; restores the fixed files. */
function check(entry, dir) {
  const pkg = path.join(dir, entry.package);
  const row = { repo: entry.repo, package: entry.package, filesFixed: 0, fixes: 0, again: 0, before: 0, after: 0, added: [], note: undefined };
  if (!fs.existsSync(path.join(pkg, "node_modules"))) install(dir, pkg, entry.repo);
  const before = typeErrors(pkg, entry.project);
  const findings = lint(pkg, []);
  const fixable = findings.filter((d) => d.fixes.some((f) => f.safe));
  const originals = new Map([...new Set(fixable.map((d) => d.filePath))].map((file) => [file, fs.readFileSync(file, "utf8")]));
  try {
    lint(pkg, ["--fix"]);
    const changed = [...originals].filter(([file, text]) => fs.readFileSync(file, "utf8") !== text).map(([file]) => file);
    const fixed = new Map(changed.map((file) => [file, fs.readFileSync(file, "utf8")]));
    const left = lint(pkg, ["--fix"]).filter((d) => d.fixes.some((f) => f.safe)).length;
    const again = [...fixed].filter(([file, text]) => fs.readFileSync(file, "utf8") !== text).length;
    const after = typeErrors(pkg, entry.project);
    Object.assign(row, { filesFixed: changed.length, fixes: fixable.length - left, again, before: before.length, after: after.length, added: subtract(after, before) });
    if (left > 0) row.note = `${left} safe fix(es) still offered after --fix`;
  } finally {
    for (const [file, text] of originals) fs.writeFileSync(file, text);
  }
  return row;
}

/** `leaklint --format json [extra]` at the package's root. */
function lint(cwd, extra) {
  const run = spawnSync(process.execPath, [BIN, "--format", "json", ...extra], { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`leaklint in ${cwd}: exit ${run.status}: ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(run.stdout).filter((d) => d.family !== "engine");
}

/** `tsc --noEmit -p project` with the package's own TypeScript (else this checkout's): `file TSxxxx message` per error. */
function typeErrors(cwd, project) {
  const own = path.join(cwd, "node_modules/typescript/bin/tsc");
  const tsc = fs.existsSync(own) ? own : path.join(ROOT, "node_modules/typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", project], { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  return run.stdout.split("\n").flatMap((l) => {
    const m = /^(.*)\(\d+,\d+\): error (TS\d+): (.*)$/.exec(l) ?? /^error (TS\d+): (.*)$/.exec(l);
    if (!m) return [];
    return [m.length === 4 ? `${m[1]} ${m[2]} ${m[3]}` : `- ${m[1]} ${m[2]}`];
  });
}

/** The errors of `after` not in `before` (as multisets). */
function subtract(after, before) {
  const left = [...before];
  return after.filter((e) => {
    const i = left.indexOf(e);
    if (i >= 0) left.splice(i, 1);
    return i < 0;
  });
}

/**
 * `npm install --ignore-scripts` in the package, with a package.json npm can read: a workspace
 * package's `workspace:` dependencies become `file:` links to the workspace's own packages,
 * `catalog:` versions come from pnpm-workspace.yaml, `jsr:` ones are left out. The original
 * package.json is put back afterwards.
 */
function install(root, pkg, repo) {
  console.error(`installing dependencies of ${repo} ${path.relative(root, pkg) || "."} …`);
  const file = path.join(pkg, "package.json");
  const original = fs.readFileSync(file, "utf8");
  const manifest = JSON.parse(original);
  const catalog = pnpmCatalog(root);
  let workspace;
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      if (spec.startsWith("jsr:")) delete manifest[field][name];
      else if (spec.startsWith("catalog:")) manifest[field][name] = catalog.get(name) ?? "*";
      else if (spec.startsWith("workspace:")) {
        workspace ??= workspacePackages(root);
        const target = workspace.get(name);
        if (target) manifest[field][name] = `file:${path.relative(pkg, target) || "."}`;
        else delete manifest[field][name];
      }
    }
  }
  try {
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
    const run = spawnSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--legacy-peer-deps", "--no-package-lock", "--workspaces=false", "--loglevel=error"], { cwd: pkg, stdio: "inherit" });
    if (run.status !== 0) console.error(`  (npm install failed: ${repo} is type-checked without some dependencies)`);
  } finally {
    fs.writeFileSync(file, original);
  }
}

/** The `catalog:` block of pnpm-workspace.yaml (name → version), read line by line. */
function pnpmCatalog(root) {
  const file = path.join(root, "pnpm-workspace.yaml");
  const catalog = new Map();
  if (!fs.existsSync(file)) return catalog;
  let inside = false;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (/^\S/.test(line)) inside = /^catalog:\s*$/.test(line);
    const m = inside && /^\s+["']?([^"':]+)["']?:\s*["']?([^"'\s#]+)/.exec(line);
    if (m) catalog.set(m[1], m[2]);
  }
  return catalog;
}

/** The workspace's packages by name (every package.json outside node_modules). */
function workspacePackages(root) {
  const found = new Map();
  const visit = (dir, depth) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const sub = path.join(dir, entry.name);
      const manifest = path.join(sub, "package.json");
      if (fs.existsSync(manifest)) {
        const name = JSON.parse(fs.readFileSync(manifest, "utf8")).name;
        if (name) found.set(name, sub);
      }
      if (depth < 4) visit(sub, depth + 1);
    }
  };
  visit(root, 0);
  return found;
}

process.exitCode = main();
