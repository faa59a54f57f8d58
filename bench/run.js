#!/usr/bin/env node
// `npm run bench`: the cost of leaklint against the TypeScript parser (the floor) and
// ESLint with typed rules, on the same files in one process.
//
// Corpus: the packages' own JavaScript in node_modules (express, koa, ws, pg, undici,
// socket.io, fastify, mongodb, rxjs …). Scaled 1×, 2× and 4× by serving copies of the
// corpus from memory under `__copyN__` folders, so growth is measured on identical code.
//
//   parse       ts.createSourceFile for every file (no binding, no checker)
//   no types    each file parsed on its own (parents, no JSDoc) + scope index + every rule
//   types       program with lib, @types/node and module resolution + every rule
//   eslint      ESLint 10 + typescript-eslint, typed rules, same files (1× only)
//
// Then (bench/project.js) the CLI as a user runs it on one real project, each variant a fresh
// process: parser floor, no types, types with -p, the default run, --concurrency on and auto,
// --cache cold and warm.
//
// Options: --quick (1× and 2× only, best of two runs instead of five), --no-eslint,
// --project DIR (default: the example project), --workers N (for --concurrency, default 2),
// --repeat N (best of N for the project variants, default 1), --only-project.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
// LEAKLINT_ENGINE=<path to another build's rules/dist/index.js> measures that build on this corpus (A/B).
const { lintSourceFile, rules, parseLooseFile } = require(process.env.LEAKLINT_ENGINE ? path.resolve(process.env.LEAKLINT_ENGINE) : "../rules/dist/index.js");

const ROOT = path.resolve(__dirname, "..");
// Packages built from a repository in ../shared/RESERVED-REPOS.txt (ws, mysql2, undici, socket.io,
// ioredis, mongodb, node-fetch, got, engine.io) are not in the corpus.
const PACKAGES = [
  "express/lib", "koa/lib", "pg/lib", "pg-pool", "chokidar", "fastify/lib", "rxjs/dist/cjs", "generic-pool/lib",
  "tar/dist/commonjs", "archiver/lib", "p-retry", "p-timeout", "body-parser", "router",
];
const MAX_FILE_BYTES = 400_000;
const argv = process.argv.slice(2);
const args = new Set(argv);
const valueOf = (flag) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const { benchProject } = require("./project");
const quick = args.has("--quick");
const SCALES = quick ? [1, 2] : [1, 2, 4];
// Each measurement is the best of REPEAT runs: on a shared 2-core machine the minimum is
// the run least disturbed by other processes, and parse and leaklint are measured alike.
const REPEAT = quick ? 2 : 5;

function collectCorpus() {
  const files = [];
  for (const pkg of PACKAGES) {
    const dir = path.join(ROOT, "node_modules", pkg);
    if (!fs.existsSync(dir)) continue;
    const stack = [dir];
    while (stack.length > 0) {
      const current = stack.pop();
      for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
        const abs = path.join(current, entry.name);
        if (entry.isDirectory()) {
          if (!["node_modules", "test", "tests", "types", "esm", "esm5", "bundles"].includes(entry.name)) stack.push(abs);
        } else if (/\.(c|m)?js$/.test(entry.name) && !/\.min\.js$/.test(entry.name)) {
          const text = fs.readFileSync(abs, "utf8");
          if (text.length <= MAX_FILE_BYTES) files.push({ name: abs, text });
        }
      }
    }
  }
  return files;
}

/** The corpus `scale` times over: copy 1 is the real files, copy N lives in `<pkg>/__copyN__/…`. */
function scaled(corpus, scale) {
  const out = [];
  for (let copy = 1; copy <= scale; copy++) {
    for (const file of corpus) {
      const name = copy === 1 ? file.name : path.join(path.dirname(file.name), `__copy${copy}__`, path.basename(file.name));
      out.push({ name, text: file.text });
    }
  }
  return out;
}

function memoryHost(files, options) {
  const byName = new Map(files.map((f) => [path.resolve(f.name), f.text]));
  const host = ts.createCompilerHost(options, true);
  const realGet = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const text = byName.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, version, false) : realGet(name, version, onError, create);
  };
  const realExists = host.fileExists.bind(host);
  host.fileExists = (name) => byName.has(path.resolve(name)) || realExists(name);
  const realRead = host.readFile.bind(host);
  host.readFile = (name) => byName.get(path.resolve(name)) ?? realRead(name);
  return host;
}

function time(action) {
  const samples = [];
  let result;
  for (let i = 0; i < REPEAT; i++) {
    global.gc?.();
    const start = process.hrtime.bigint();
    result = action();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: Math.min(...samples), result };
}

function parseAll(files) {
  let nodes = 0;
  for (const file of files) nodes += ts.createSourceFile(file.name, file.text, ts.ScriptTarget.ESNext, false).statements.length;
  return nodes;
}

const resolvedRules = rules.map((rule) => ({ rule, severity: rule.meta.defaultSeverity, options: rule.defaultOptions }));
const TYPED_OPTIONS = {
  allowJs: true, checkJs: false, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, types: ["node"], lib: ["lib.es2022.d.ts"],
};

const LINT_OPTIONS = { rules: resolvedRules, settings: { resources: [], listeners: [], pools: [] } };

/** Without types: what the CLI does for files outside any tsconfig. */
function lintLoose(files, ruleTimes) {
  let findings = 0;
  for (const file of files) findings += lintSourceFile(parseLooseFile(file.name, file.text), undefined, { ...LINT_OPTIONS, ruleTimes }).length;
  return findings;
}

/** With types: one program over the corpus with lib, @types/node and module resolution. */
function lintTyped(files) {
  const program = ts.createProgram({ rootNames: files.map((f) => f.name), options: TYPED_OPTIONS, host: memoryHost(files, TYPED_OPTIONS) });
  const types = { program, checker: program.getTypeChecker() };
  let findings = 0;
  for (const file of files) {
    const sourceFile = program.getSourceFile(file.name);
    if (sourceFile) findings += lintSourceFile(sourceFile, types, LINT_OPTIONS).length;
  }
  return findings;
}

async function eslintTyped(files) {
  const { ESLint } = require("eslint");
  const tseslint = require("typescript-eslint");
  const dir = fs.mkdtempSync(path.join(ROOT, "node_modules", ".leaklint-bench-"));
  const tsconfig = path.join(dir, "tsconfig.json");
  fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { allowJs: true, checkJs: false, noEmit: true, skipLibCheck: true, target: "ES2022", module: "node16", moduleResolution: "node16", types: ["node"], lib: ["ES2022"] }, files: files.map((f) => f.name) }));
  try {
    const eslint = new ESLint({
      cwd: ROOT,
      overrideConfigFile: true,
      overrideConfig: [{ ignores: ["!**/node_modules/"] }, { linterOptions: { reportUnusedDisableDirectives: "off", noInlineConfig: true } }, {
        files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
        languageOptions: { parser: tseslint.parser, parserOptions: { project: tsconfig, tsconfigRootDir: dir } },
        plugins: { "@typescript-eslint": tseslint.plugin },
        rules: { "@typescript-eslint/no-floating-promises": "error", "@typescript-eslint/no-misused-promises": "error", "@typescript-eslint/await-thenable": "error" },
      }],
    });
    const start = process.hrtime.bigint();
    const results = await eslint.lintFiles(files.map((f) => f.name));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const fatal = results.reduce((n, r) => n + r.messages.filter((m) => m.fatal).length, 0);
    if (fatal > 0) throw new Error(`ESLint could not lint ${fatal} files: ${JSON.stringify(results.find((r) => r.messages.some((m) => m.fatal)).messages.find((m) => m.fatal))}`);
    return { ms, problems: results.reduce((n, r) => n + r.messages.length, 0), files: results.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!args.has("--only-project")) await benchCorpus();
  benchProject(valueOf("--project") ?? path.join(ROOT, "examples", "leaky-service"), {
    repeat: Number(valueOf("--repeat") ?? 1), workers: Number(valueOf("--workers") ?? 2),
  });
}

async function benchCorpus() {
  const corpus = collectCorpus();
  const bytes = corpus.reduce((n, f) => n + f.text.length, 0);
  const lines = corpus.reduce((n, f) => n + f.text.split("\n").length, 0);
  console.log(`corpus: ${corpus.length} files, ${lines.toLocaleString("en")} lines, ${(bytes / 1e6).toFixed(1)} MB of JavaScript from node_modules (${PACKAGES.length} package folders)`);
  console.log(`rules: ${rules.map((r) => r.id).join(", ")}`);
  // Warm up the JIT on the parser, binder and rules so the first timing is not penalised.
  lintLoose(corpus.slice(0, 200));
  const rows = [];
  for (const scale of SCALES) {
    const files = scaled(corpus, scale);
    const parse = time(() => parseAll(files));
    const loose = time(() => lintLoose(files));
    const typed = time(() => lintTyped(files));
    rows.push({ scale, files: files.length, parse: parse.ms, loose: loose.ms, typed: typed.ms, findings: loose.result, typedFindings: typed.result });
    if (scale === 1) {
      // Timing every visitor call costs time itself: per-rule times come from a separate run.
      const ruleTimes = new Map();
      lintLoose(files, ruleTimes);
      const perRule = [...ruleTimes.entries()].sort((a, b) => b[1] - a[1]).map(([id, ms]) => `${id} ${ms.toFixed(0)} ms`);
      console.log(`time per rule at 1× (no types): ${perRule.join(", ")}`);
    }
  }
  console.log("");
  console.log("scale  files   parse (ms)  no types (ms)  ratio   types (ms)  ratio   findings (no types / types)");
  for (const r of rows) {
    console.log(`${String(r.scale).padStart(4)}×  ${String(r.files).padStart(5)}  ${r.parse.toFixed(0).padStart(10)}  ${r.loose.toFixed(0).padStart(13)}  ${(r.loose / r.parse).toFixed(2).padStart(5)}×  ${r.typed.toFixed(0).padStart(10)}  ${(r.typed / r.parse).toFixed(2).padStart(5)}×  ${r.findings} / ${r.typedFindings}`);
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  console.log(`growth ${first.scale}× → ${last.scale}×: parse ${(last.parse / first.parse).toFixed(2)}×, no types ${(last.loose / first.loose).toFixed(2)}×, types ${(last.typed / first.typed).toFixed(2)}× (linear would be ${last.scale / first.scale}×)`);
  if (!args.has("--no-eslint")) {
    const eslint = await eslintTyped(corpus);
    console.log(`eslint + typescript-eslint typed rules at 1×: ${eslint.files} files, ${eslint.problems} problems, ${eslint.ms.toFixed(0)} ms (${(eslint.ms / first.parse).toFixed(2)}× parse; leaklint with types is ${(first.typed / eslint.ms).toFixed(2)}× of ESLint's time, without types ${(first.loose / eslint.ms).toFixed(2)}×)`);
  }
  const ratio = first.loose / first.parse;
  console.log(`\nbudget: leaklint without types ≤ 3× the parse floor — ${ratio <= 3 ? "met" : "NOT met"} (${ratio.toFixed(2)}×)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
