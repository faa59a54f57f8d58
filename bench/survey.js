#!/usr/bin/env node
// `npm run survey`: the precision survey. Lints the JavaScript of well-known packages
// in node_modules (code nobody here wrote) with every rule and prints, per package and
// per rule, how many files and lines were read and what fired — the input for reading
// every diagnostic and judging it. `--json FILE` also writes the findings.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { runLint, rules } = require("../rules/dist/index.js");

const ROOT = path.resolve(__dirname, "..");
const PACKAGES = [
  "express", "koa", "ws", "pg", "pg-pool", "mysql2", "undici", "node-fetch", "got", "socket.io", "engine.io", "mongodb", "ioredis",
  "chokidar", "tar", "archiver", "generic-pool", "fastify", "rxjs", "p-retry", "p-timeout", "vscode-languageclient", "vscode-jsonrpc",
  "body-parser", "router",
];

function main() {
  const jsonIndex = process.argv.indexOf("--json");
  const present = PACKAGES.filter((p) => fs.existsSync(path.join(ROOT, "node_modules", p)));
  const byPackage = [];
  const all = [];
  for (const pkg of present) {
    const result = runLint({ paths: [path.join("node_modules", pkg)], cwd: ROOT, rules, includeNodeModules: true, types: false });
    const files = result.files.filter((f) => !f.filePath.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}node_modules${path.sep}`));
    const lines = files.reduce((n, f) => n + fs.readFileSync(f.filePath, "utf8").split("\n").length, 0);
    const findings = files.flatMap((f) => f.diagnostics.filter((d) => d.family !== "engine"));
    all.push(...findings);
    byPackage.push({ pkg, files: files.length, lines, findings: findings.length });
  }
  console.log("package                 files     lines  findings");
  for (const row of byPackage) console.log(`${row.pkg.padEnd(22)} ${String(row.files).padStart(6)} ${String(row.lines).padStart(9)} ${String(row.findings).padStart(9)}`);
  const totals = byPackage.reduce((t, r) => ({ files: t.files + r.files, lines: t.lines + r.lines }), { files: 0, lines: 0 });
  console.log(`${"total".padEnd(22)} ${String(totals.files).padStart(6)} ${String(totals.lines).padStart(9)} ${String(all.length).padStart(9)}`);
  console.log("\nper rule:");
  for (const rule of rules) console.log(`  ${rule.id.padEnd(30)} ${all.filter((d) => d.ruleId === rule.id).length}`);
  console.log("\nfindings:");
  for (const d of all) console.log(`  ${path.relative(ROOT, d.fileName)}:${d.startPos.line}:${d.startPos.column}  ${d.ruleId}  ${d.message}`);
  if (jsonIndex > 0) fs.writeFileSync(process.argv[jsonIndex + 1], JSON.stringify(all, null, 2));
}

main();
