#!/usr/bin/env node
// `npm run survey`: the precision survey. Lints JavaScript nobody here wrote with the
// rules and prints, per package and per rule, how many files and lines were read and
// what fired — the input for reading every diagnostic and judging it (docs/survey.md).
//
// The corpus: the library packages in the root node_modules, plus application-like
// packages (servers, dev servers, watchers, CLIs, UI runtimes) that `--install` puts
// into the gitignored `.survey/` folder at pinned versions, plus code-server's own
// compiled server code when `test/e2e/setup.sh` has installed it into `.e2e/`.
//
//   node bench/survey.js [--install] [--rules a,b,c] [--json FILE] [--quiet]
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { runLint, rules: allRules } = require("../rules/dist/index.js");

const ROOT = path.resolve(__dirname, "..");
const SURVEY_DIR = path.join(ROOT, ".survey");
const CODE_SERVER = path.join(ROOT, ".e2e/code-server/node_modules/code-server");

/**
 * Libraries already in the root node_modules (dependencies of the repository). Packages built
 * from a repository in ../shared/RESERVED-REPOS.txt (kept for an independent evaluation) are not
 * surveyed: ws, undici, node-fetch, got, socket.io and engine.io, mongodb, ioredis, mysql2,
 * vscode-languageclient / vscode-jsonrpc / vscode-languageserver, vite, webpack-dev-server,
 * @grpc/grpc-js, @tanstack/query-core, mongoose and Vue's runtime packages are out.
 */
const ROOT_PACKAGES = [
  "express", "koa", "pg", "pg-pool", "chokidar", "tar", "archiver", "generic-pool", "fastify", "rxjs", "p-retry", "p-timeout",
  "body-parser", "router",
];

/**
 * Application-like packages installed into `.survey/` by `--install`. `paths` picks one
 * build of each (no duplicate cjs/esm/umd copies, no minified bundles); `exclude` drops
 * folders that are not runtime code. Entries without a version come in as dependencies.
 */
const SURVEY_PACKAGES = [
  { name: "nodemon", version: "3.1.14", paths: ["lib", "bin"] },
  { name: "browser-sync", version: "3.0.4", paths: ["dist"] },
  { name: "live-server", version: "1.2.2", paths: ["index.js", "live-server.js", "middleware"] },
  { name: "http-server", version: "14.1.1", paths: ["lib", "bin"] },
  { name: "json-server", version: "0.17.4", paths: ["lib"] },
  { name: "pm2", version: "6.0.8", paths: ["lib", "index.js"] },
  { name: "bullmq", version: "5.56.0", paths: ["dist/cjs"] },
  { name: "node-cron", version: "4.2.1", paths: ["dist/cjs"] },
  { name: "agenda", version: "5.0.0", paths: ["dist"] },
  { name: "express-session", version: "1.18.1", paths: ["index.js", "session"] },
  { name: "connect", version: "3.7.0", paths: ["index.js"] },
  { name: "@nestjs/core", version: "11.1.3", paths: ["."] },
  { name: "@angular/core", version: "20.0.5", paths: ["fesm2022"], exclude: ["fesm2022/testing.mjs"] },
  { name: "react-dom", version: "19.1.0", paths: ["cjs/react-dom-client.development.js", "cjs/react-dom-server.node.development.js"] },
  { name: "lit", version: "3.3.0", paths: ["development"] },
  { name: "lit-html", paths: ["development"] },
  { name: "lit-element", paths: ["development"] },
  { name: "@lit/reactive-element", version: "2.1.0", paths: ["development"] },
  { name: "ink", version: "6.0.1", paths: ["build"] },
  { name: "chokidar", version: "4.0.3", paths: ["index.js", "handler.js"], survey: "chokidar@4" },
  { name: "svelte", version: "5.34.7", paths: ["src"], exclude: ["src/compiler"] },
  { name: "mobx", version: "6.13.7", paths: ["dist/mobx.cjs.development.js"] },
  { name: "redux", version: "5.0.1", paths: ["dist/cjs/redux.cjs"] },
  { name: "koa", version: "3.0.0", paths: ["lib"], survey: "koa@3" },
  { name: "@angular/cdk", version: "20.0.6", paths: ["fesm2022"] },
  { name: "@angular/router", version: "20.0.7", paths: ["fesm2022"] },
  { name: "@angular/common", version: "20.0.7", paths: ["fesm2022"] },
  { name: "@angular/forms", version: "20.0.7", paths: ["fesm2022"] },
  { name: "@ngrx/store", version: "20.1.0", paths: ["fesm2022"] },
  { name: "mqtt", version: "5.16.0", paths: ["build"] },
  { name: "http-proxy", version: "1.18.1", paths: ["lib"] },
  { name: "karma", version: "6.4.4", paths: ["lib", "static"] },
  { name: "mocha", version: "11.8.0", paths: ["lib"] },
  { name: "webpack", version: "5.112.2", paths: ["lib", "hot"] },
  { name: "watchpack", version: "2.6.4", paths: ["lib"] },
  { name: "blessed", version: "0.1.81", paths: ["lib"] },
  { name: "enquirer", version: "2.4.1", paths: ["index.js", "lib"] },
  { name: "ora", version: "8.2.0", paths: ["index.js"] },
  { name: "amqplib", version: "0.10.9", paths: ["lib", "channel_api.js", "callback_api.js"] },
  { name: "kafkajs", version: "2.2.4", paths: ["src"] },
  { name: "puppeteer-core", version: "24.43.1", paths: ["src"], exclude: ["src/generated"] },
  { name: "@hapi/hapi", version: "21.4.10", paths: ["lib"] },
  { name: "restify", version: "11.1.0", paths: ["lib"] },
  { name: "@codemirror/view", version: "6.43.15", paths: ["dist/index.js"] },
  { name: "prosemirror-view", version: "1.42.9", paths: ["src"] },
  { name: "winston", version: "3.19.0", paths: ["lib"] },
  { name: "sockjs", version: "0.3.24", paths: ["lib"] },
  { name: "@node-red/runtime", version: "4.1.15", paths: ["lib"] },
  { name: "@node-red/nodes", version: "4.1.15", paths: ["core"] },
  { name: "@node-red/editor-client", version: "4.1.15", paths: ["public/red/red.js", "public/red/main.js"] },
  { name: "@theia/core", version: "1.75.0", paths: ["src"] },
  { name: "monaco-editor", version: "0.52.2", paths: ["esm/vs/base", "esm/vs/editor", "esm/vs/platform"] },
  // Held out: added after the rules were fixed on the packages above, to check the fixes were not fitted to them.
  { name: "leaflet", version: "1.9.4", paths: ["src"] },
  { name: "hls.js", version: "1.7.4", paths: ["src"] },
  { name: "three", version: "0.178.0", paths: ["examples/jsm/controls", "examples/jsm/misc", "examples/jsm/interactive", "examples/jsm/webxr"] },
  { name: "swiper", version: "11.2.10", paths: ["shared", "modules"] },
  { name: "@lumino/widgets", version: "2.10.0", paths: ["src"] },
  { name: "bee-queue", version: "1.7.1", paths: ["index.js", "lib"] },
  { name: "node-ipc", version: "9.2.1", paths: ["node-ipc.js", "dao", "entities", "services"] },
  { name: "forever-monitor", version: "3.0.3", paths: ["lib"] },
  { name: "primus", version: "8.0.9", paths: ["index.js", "primus.js", "spark.js", "transformer.js", "transformers", "middleware"] },
  { name: "gridstack", version: "12.6.0", paths: ["dist"], exclude: ["dist/angular"] },
  { name: "sortablejs", version: "1.15.7", paths: ["src"] },
  { name: "@popperjs/core", version: "2.11.8", paths: ["lib"] },
  { name: "bootstrap", version: "5.3.9", paths: ["js/src"] },
  { name: "tippy.js", version: "6.3.7", paths: ["dist/tippy.esm.js"] },
];

const SOURCE = /\.(c|m)?(j|t)sx?$/;

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.install) install();
  const rules = args.rules ? allRules.filter((r) => args.rules.includes(r.id)) : allRules;
  const unknown = (args.rules ?? []).filter((id) => !allRules.some((r) => r.id === id));
  if (unknown.length) throw new Error(`unknown rule(s): ${unknown.join(", ")}`);

  const groups = [];
  for (const pkg of ROOT_PACKAGES) {
    const dir = path.join(ROOT, "node_modules", pkg);
    if (fs.existsSync(dir)) groups.push({ label: pkg, version: versionOf(dir), cwd: ROOT, files: collect(dir, ["."], []) });
  }
  for (const pkg of SURVEY_PACKAGES) {
    const dir = path.join(SURVEY_DIR, "node_modules", pkg.name);
    if (fs.existsSync(dir)) groups.push({ label: pkg.survey ?? pkg.name, version: versionOf(dir), cwd: SURVEY_DIR, files: collect(dir, pkg.paths, pkg.exclude ?? []) });
  }
  if (fs.existsSync(path.join(CODE_SERVER, "out"))) {
    // code-server's own server (compiled TypeScript, readable); its VS Code build is minified bundles, skipped.
    groups.push({ label: "code-server (out/)", version: versionOf(CODE_SERVER), cwd: CODE_SERVER, files: collect(CODE_SERVER, ["out"], []) });
  }
  if (!fs.existsSync(SURVEY_DIR)) console.log("(.survey/ is missing: run `node bench/survey.js --install` for the application corpus)\n");

  const started = Date.now();
  const rows = [];
  const all = [];
  for (const group of groups) {
    if (group.files.length === 0) continue;
    const result = runLint({ paths: group.files, cwd: group.cwd, rules, includeNodeModules: true, types: false });
    const lines = group.files.reduce((n, f) => n + fs.readFileSync(f, "utf8").split("\n").length, 0);
    const findings = result.files.flatMap((f) => f.diagnostics.filter((d) => d.family !== "engine"))
      .map((d) => ({ ...d, package: group.label, version: group.version, file: path.relative(ROOT, d.fileName) }));
    all.push(...findings);
    rows.push({ label: group.label, version: group.version, files: group.files.length, lines, findings });
  }

  console.log("package                         version      files     lines  findings");
  for (const row of rows) {
    console.log(`${row.label.padEnd(30)} ${row.version.padEnd(10)} ${pad(row.files, 7)} ${pad(row.lines, 9)} ${pad(row.findings.length, 9)}`);
  }
  const files = rows.reduce((n, r) => n + r.files, 0);
  const lines = rows.reduce((n, r) => n + r.lines, 0);
  console.log(`${"total".padEnd(30)} ${"".padEnd(10)} ${pad(files, 7)} ${pad(lines, 9)} ${pad(all.length, 9)}`);
  console.log(`\n${rows.length} packages in ${((Date.now() - started) / 1000).toFixed(1)} s\n\nper rule:`);
  for (const rule of rules) console.log(`  ${rule.id.padEnd(34)} ${all.filter((d) => d.ruleId === rule.id).length}`);
  if (!args.quiet) {
    console.log("\nfindings:");
    for (const d of all) console.log(`  ${d.file}:${d.startPos.line}:${d.startPos.column}  ${d.ruleId}  ${d.message}`);
  }
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(all, null, 2));
}

function parseArgs(argv) {
  const args = { install: false, quiet: false, rules: undefined, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--install") args.install = true;
    else if (arg === "--quiet") args.quiet = true;
    else if (arg === "--rules") args.rules = argv[++i].split(",").map((s) => s.trim()).filter(Boolean);
    else if (arg === "--json") args.json = argv[++i];
    else throw new Error(`unknown argument ${arg} (use --install, --rules a,b,c, --json FILE, --quiet)`);
  }
  return args;
}

/** `npm install` the pinned packages into `.survey/` (never the repository's own node_modules). */
function install() {
  fs.mkdirSync(SURVEY_DIR, { recursive: true });
  const manifest = path.join(SURVEY_DIR, "package.json");
  if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: "leaklint-survey", private: true }, null, 2) + "\n");
  const specs = SURVEY_PACKAGES.filter((p) => p.version).map((p) => `${p.name}@${p.version}`);
  console.log(`installing ${specs.length} packages into .survey/ …`);
  execFileSync("npm", ["install", "--prefix", SURVEY_DIR, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--legacy-peer-deps",
    "--loglevel=error", ...specs], { cwd: SURVEY_DIR, stdio: "inherit" });
}

/** The package's source files under `paths`: no nested node_modules, declarations, tests or minified bundles. */
function collect(dir, paths, exclude) {
  const excluded = exclude.map((e) => path.join(dir, e));
  const result = [];
  const visit = (file) => {
    if (excluded.some((e) => file === e || file.startsWith(e + path.sep))) return;
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      const base = path.basename(file);
      if (file !== dir && /^(node_modules|tests?|__tests__|testing|fixtures|examples?)$/.test(base)) return;
      for (const entry of fs.readdirSync(file).sort()) visit(path.join(file, entry));
    } else if (SOURCE.test(file) && !/\.d\.[cm]?ts$/.test(file) && !/\.(min|spec|test)\.[cm]?[jt]sx?$/.test(file) && !/testing/.test(path.basename(file)) && !isMinified(file)) {
      result.push(file);
    }
  };
  for (const p of paths) visit(path.join(dir, p));
  return result;
}

/** A bundle whose first lines are thousands of characters long. */
function isMinified(file) {
  const head = fs.readFileSync(file, "utf8").slice(0, 20000).split("\n");
  return head.some((line) => line.length > 1000);
}

function versionOf(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version ?? "?";
  } catch {
    return "?";
  }
}

function pad(value, width) {
  return String(value).padStart(width);
}

main();
