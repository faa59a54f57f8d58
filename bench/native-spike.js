#!/usr/bin/env node
// Issue 13, item 3: would TypeScript 7's native compiler (the `typescript@7` package's
// `typescript/unstable/sync` API: a tsgo process, projects, a checker over IPC) answer
// leaklint's type questions faster than the JS checker of TypeScript 6?
//
// The questions are the ones leaklint's rules really ask on the project: record them with
//   RECORD_FILE=q.json node -r bench/native-spike.js --record …   (see --help)
// then time, each in a fresh process, both ways of answering them:
//   js      ts.createProgram(tsconfig) + getTypeChecker() + getTypeAtLocation / getBaseTypes
//           / type.symbol.name for every recorded node (TypeScript 6, in process)
//   native  new API() (spawns tsgo) + updateSnapshot({ openProjects: [tsconfig] }) +
//           checker.getTypeAtPosition(file, positions[]) batched per file + getSymbol() and
//           getBaseTypes() of each type
// Usage:
//   node bench/native-spike.js record --project DIR/tsconfig.json --out q.json      (runs leaklint -p, records)
//   node bench/native-spike.js js --project DIR/tsconfig.json --questions q.json
//   node bench/native-spike.js native --project DIR/tsconfig.json --questions q.json --ts7 DIR_WITH_typescript@7
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const ROOT = path.resolve(__dirname, "..");

if (process.env.LEAKLINT_SPIKE_RECORD) recordQuestions(process.env.LEAKLINT_SPIKE_RECORD);
else if (require.main === module) main().catch((error) => {
  process.stderr.write(`bench/native-spike.js: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});

async function main() {
  const mode = argv[0];
  const project = option("--project") && path.resolve(option("--project"));
  if (!["record", "js", "native"].includes(mode) || !project) throw new Error("usage: node bench/native-spike.js (record|js|native) --project TSCONFIG [--questions FILE | --out FILE] [--ts7 DIR]");
  if (mode === "record") {
    const out = path.resolve(option("--out") ?? "questions.json");
    const run = spawnSync(process.execPath, ["-r", __filename, path.join(ROOT, "rules", "bin", "leaklint.js"), "-f", "json", "-o", "/dev/null", "-p", project], {
      cwd: path.dirname(project), encoding: "utf8", env: { ...process.env, CI: "true", LEAKLINT_SPIKE_RECORD: out },
    });
    if (run.status !== 0 && run.status !== 1) throw new Error(run.stderr);
    const { counts, nodes } = JSON.parse(fs.readFileSync(out, "utf8"));
    console.log(`recorded ${nodes.length} getTypeAtLocation nodes in ${new Set(nodes.map((n) => n[0])).size} files; checker calls: ${JSON.stringify(counts)}`);
    return;
  }
  const questions = JSON.parse(fs.readFileSync(path.resolve(option("--questions") ?? "questions.json"), "utf8")).nodes;
  const byFile = new Map();
  for (const [file, start, end, kind] of questions) byFile.set(file, [...(byFile.get(file) ?? []), { start, end, kind }]);
  const started = performance.now();
  const phases = mode === "js" ? answerWithJs(project, byFile) : await answerNatively(project, byFile, path.resolve(option("--ts7") ?? ".", "node_modules", "typescript"));
  const usage = process.resourceUsage();
  console.log(JSON.stringify({ mode, questions: questions.length, files: byFile.size, ...phases, totalMs: Math.round(performance.now() - started),
    cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000), maxRssMB: Math.round(usage.maxRSS / 1024) }));
}

/** Preloaded into `leaklint -p`: every getTypeAtLocation the rules ask, as [file, start, end, kind]. */
function recordQuestions(out) {
  const { SharedSourceFiles } = require(path.join(ROOT, "rules", "dist", "engine", "hosting", "shared-sources.js"));
  const counts = {};
  const nodes = [];
  const patched = new WeakSet();
  const programBuilt = SharedSourceFiles.prototype.programBuilt;
  SharedSourceFiles.prototype.programBuilt = function (program) {
    const checker = program.getTypeChecker();
    if (!patched.has(checker)) {
      patched.add(checker);
      for (const [name, method] of Object.entries(checker)) {
        if (typeof method !== "function") continue;
        checker[name] = function (...args) {
          counts[name] = (counts[name] ?? 0) + 1;
          if (name === "getTypeAtLocation" && args[0]?.getSourceFile) {
            const sourceFile = args[0].getSourceFile();
            nodes.push([sourceFile.fileName, args[0].getStart(sourceFile), args[0].end, args[0].kind]);
          }
          return method.apply(this, args);
        };
      }
    }
    return programBuilt.call(this, program);
  };
  process.on("exit", () => fs.writeFileSync(out, JSON.stringify({ counts, nodes })));
}

/** The node of `sourceFile` spanning [start, end) of `kind` (the one the rule asked about). */
function findNode(ts, sourceFile, { start, end, kind }) {
  let found;
  const visit = (node) => {
    if (found || node.end < start || node.pos > start) return;
    if (node.kind === kind && node.end === end && node.getStart(sourceFile) === start) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function answerWithJs(tsconfig, byFile) {
  const ts = require("typescript");
  const t0 = performance.now();
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, types: parsed.options.types ?? ["*"], noEmit: true } });
  const t1 = performance.now();
  const checker = program.getTypeChecker();
  const t2 = performance.now();
  let answered = 0;
  let named = 0;
  const answers = [];
  for (const [file, asked] of byFile) {
    const sourceFile = program.getSourceFile(file);
    for (const question of asked) {
      const node = sourceFile && findNode(ts, sourceFile, question);
      if (!node) continue;
      const type = checker.getTypeAtLocation(node);
      answered++;
      const names = [type.symbol?.name ?? "", ...(type.isClassOrInterface() ? checker.getBaseTypes(type).map((b) => b.symbol?.name ?? "") : [])];
      named += names.filter(Boolean).length;
      answers.push(`${file}:${question.start} ${names.join(",")}`);
    }
  }
  const t3 = performance.now();
  writeAnswers(answers);
  return { programMs: Math.round(t1 - t0), checkerMs: Math.round(t2 - t1), questionsMs: Math.round(t3 - t2), answered, named };
}

async function answerNatively(tsconfig, byFile, ts7) {
  const { API } = await import(path.join(ts7, "dist", "api", "sync", "api.js"));
  const { SyntaxKind: NativeKind } = await import(path.join(ts7, "dist", "enums", "syntaxKind.js"));
  const ts = require("typescript"); // the recorded kinds are TypeScript 6's: matched by name
  const t0 = performance.now();
  const api = new API({ cwd: path.dirname(tsconfig) });
  const snapshot = api.updateSnapshot({ openProjects: [tsconfig] });
  const project = snapshot.getProject(tsconfig);
  if (!project) throw new Error(`tsgo opened no project for ${tsconfig}`);
  const t1 = performance.now();
  const checker = project.checker;
  let answered = 0;
  let named = 0;
  let astMs = 0;
  const answers = [];
  for (const [file, asked] of byFile) {
    const a = performance.now();
    const sourceFile = project.program.getSourceFile(file);
    const found = sourceFile ? asked.map((q) => ({ q, node: findNativeNode(sourceFile, { ...q, kind: NativeKind[ts.SyntaxKind[q.kind]] }) })).filter((f) => f.node) : [];
    astMs += performance.now() - a;
    const types = found.length > 0 ? checker.getTypeAtLocation(found.map((f) => f.node)) : [];
    types.forEach((type, i) => {
      if (!type) return;
      answered++;
      const names = [type.getSymbol()?.name ?? "", ...(type.isClassOrInterface() ? (type.getBaseTypes() ?? []).map((b) => b.getSymbol()?.name ?? "") : [])];
      named += names.filter(Boolean).length;
      answers.push(`${file}:${found[i].q.start} ${names.join(",")}`);
    });
  }
  const t2 = performance.now();
  writeAnswers(answers);
  const tsgoCpuMs = childrenCpuMs(); // tsgo is not waited for when the API closes: read its CPU time first
  api.close();
  return { openProjectMs: Math.round(t1 - t0), astMs: Math.round(astMs), questionsMs: Math.round(t2 - t1 - astMs), answered, named, tsgoCpuMs };
}

function findNativeNode(sourceFile, { start, end, kind }) {
  let found;
  const visit = (node) => {
    if (found || node.end < start || node.pos > start) return undefined;
    if (node.kind === kind && node.end === end && node.getStart(sourceFile) === start) found = node;
    else node.forEachChild(visit);
    return undefined;
  };
  sourceFile.forEachChild(visit);
  return found;
}

/** With --answers FILE: each question's type and base type names, one a line (to compare the two checkers). */
function writeAnswers(answers) {
  if (option("--answers")) fs.writeFileSync(path.resolve(option("--answers")), answers.sort().join("\n") + "\n");
}

/** User + system time of this process's live children (Linux /proc), in ms. */
function childrenCpuMs() {
  let ticks = 0;
  for (const task of fs.readdirSync("/proc/self/task")) {
    const children = fs.readFileSync(`/proc/self/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    for (const pid of children) {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }
  }
  return Math.round((ticks * 1000) / 100); // USER_HZ is 100 on Linux
}

