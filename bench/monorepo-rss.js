#!/usr/bin/env node
// Peak RSS of one CLI run over a monorepo of N small packages, each with its own tsconfig and
// the repository's real @types/node (issue 12: programs are released after their files are
// linted). Usage: node bench/monorepo-rss.js [--packages 8] [--bin rules/bin/leaklint.js]
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const packages = Number(option("--packages", "8"));
const bin = path.resolve(option("--bin", path.join(__dirname, "..", "rules", "bin", "leaklint.js")));
const repo = path.join(__dirname, "..");

const root = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-monorepo-rss-"));
try {
  fs.mkdirSync(path.join(root, ".git"));
  fs.mkdirSync(path.join(root, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(path.join(repo, "node_modules", "@types", "node"), path.join(root, "node_modules", "@types", "node"), "dir");
  const references = [];
  for (let i = 0; i < packages; i++) {
    const dir = path.join(root, "packages", `p${i}`);
    fs.mkdirSync(path.join(dir, "src"), { recursive: true });
    references.push({ path: `./packages/p${i}` });
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, target: "ES2022", module: "nodenext", lib: ["ES2022", "DOM"], types: ["node"], noEmit: true }, include: ["src"],
    }));
    for (let f = 0; f < 5; f++) {
      fs.writeFileSync(path.join(dir, "src", `m${f}.ts`), `import fs from "node:fs";\nexport function read${f}(file: string): string {\n  const stream = fs.createReadStream(file);\n  return String(stream.path);\n}\n`);
    }
  }
  fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ files: [], references }));
  const preload = path.join(root, "rss.js");
  fs.writeFileSync(preload, `process.on("exit", () => require("fs").writeSync(2, "maxRSS " + process.resourceUsage().maxRSS + "\\n"));\n`);
  const started = performance.now();
  const run = spawnSync(process.execPath, [...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(" ") : []), "--require", preload, bin, "--format", "json", "."], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
  const ms = performance.now() - started;
  const rss = /maxRSS (\d+)/.exec(run.stderr);
  const findings = run.stdout ? JSON.parse(run.stdout).length : -1;
  console.log(JSON.stringify({ packages, bin: path.relative(process.cwd(), bin), exit: run.status, findings, peakRssMB: rss ? Math.round(Number(rss[1]) / 1024) : null, ms: Math.round(ms) }));
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
