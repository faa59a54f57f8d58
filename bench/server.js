#!/usr/bin/env node
// `npm run bench:server`: the language server as an editor sees it, over stdio.
//
//   latency     didChange → publishDiagnostics, median and p95 over 200 one-character
//               edits, for a 2,000-line and a 10,000-line TypeScript file inside a typed
//               project (tsconfig with lib + @types/node); debounce 0 so the number is the
//               server's own work (the editor default adds a 100 ms debounce on top)
//   code action textDocument/codeAction on a diagnostic, median and p95 over 50 requests
//   phases      mean ms per analysis spent updating the program (incremental reparse,
//               rebind, new checker) and in the rules, from the server's leaklint/stats
//   heap        server heap (after a forced GC) after 100 and after 10,000 didChange
//               events of the same document (sent in bursts of 10, each burst analysed)
//   huge        a 46 MB document, a 20 MB document with 400,000 leaks (both over the size
//               budget: one "analysis skipped" diagnostic) and a 3.9 MB one with 150,000
//               leaks (under it: analysed until its time budget runs out): time to the
//               published result, and a request sent right after the open (answered
//               between slices of the analysis, not after it)
//   imports     heap before, with 12 packages imported, and after the imports are removed
//               (and the server's 2 s grace before it releases their files has passed)
//   storm       40,000 didChange events on one typed document in bursts of 20, every tenth
//               burst adding or removing one of the 12 imports: didChange→publish latency
//               per burst (p50/p95/max) and heap at the start and the end
//   project     with --project DIR --open FILE (a real typed project with its dependencies
//               installed, e.g. mikro-orm's packages/postgresql): a fresh server opens FILE,
//               time to its first diagnostics, the program's files and lines, then 100 edits
//               in the middle of FILE (median/p95)
//
// Latency and project edits are quick lints (a quick result first, then the exact one when it
// differs): `--exact` measures exact lints only (initialization option quickLint: false).
// The quick lints run and the quick results the exact lint changed are printed (leaklint/stats).
//
// `node --expose-gc bench/server.js [--only huge,imports,storm,latency,heap,project] [--exact] [--project DIR --open FILE]`
// Runs the compiled server (npm run build first; `npm run bench:server` does).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { TestClient, REPO } = require("../test/out/lib/lsp-client.js");

const ONLY = (() => {
  const at = process.argv.indexOf("--only");
  return at > 0 ? new Set(process.argv[at + 1].split(",")) : undefined;
})();
const wanted = (part) => !ONLY || ONLY.has(part);
const option = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const EXACT = process.argv.includes("--exact");
const PROJECT_EDITS = 100;
const PACKAGES = ["express", "koa", "pg", "react", "fastify", "vscode", "node:fs", "node:http", "node:events", "node:stream", "node:net", "node:child_process"];
const STORM_EVENTS = 40_000;
const STORM_BURST = 20;
const EDITS = 200;
/** Typing: one keystroke every this many ms; at 400 ms the exact lint confirming each quick one (after a 250 ms pause) runs between keystrokes. */
const TYPING_GAPS_MS = [150, 400];
const TYPED_EDITS = 40;
const CODE_ACTIONS = 50;
const HEAP_EVENTS = Number(process.env.HEAP_EVENTS ?? 10_000);
const BURST = 10;

function block(i) {
  const leak = i % 10 === 0;
  return `export class Worker${i} extends EventEmitter {
  private timer?: ReturnType<typeof setInterval>;
  private readonly cache = new Map<string, number>();

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);${leak ? "\n    setInterval(() => this.tick(), 500);" : ""}
  }

  tick(): void {
    const value = this.cache.get("k${i}") ?? 0;
    this.cache.set("k${i}", value + ${i});
    this.emit("tick", value);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.cache.clear();
  }
}

export function helper${i}(items: number[]): number {
  let total = 0;
  for (const item of items) total += item * 1;
  return total;
}
`;
}

function generate(lines) {
  let text = 'import { EventEmitter } from "node:events";\n\n';
  for (let i = 0; text.split("\n").length < lines; i++) text += block(i) + "\n";
  return text;
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const ms = (value) => `${value.toFixed(1)} ms`;

/** The position of the `* 1` literal in the middle of the file: the character edits toggle. */
function editPosition(text) {
  const lines = text.split("\n");
  const middle = Math.floor(lines.length / 2);
  for (let line = middle; line < lines.length; line++) {
    const column = lines[line].indexOf("item * ");
    if (column >= 0) return { line, character: column + "item * ".length };
  }
  throw new Error("no edit position");
}

/** didChange→publish while typing: one edit every `gapMs`, after the previous one's diagnostics. */
async function measureTyping(client, file, gapMs) {
  const text = fs.readFileSync(file, "utf8");
  // The file was open before (versions start at 1 again): wait for publications from now on only.
  const published = (uri, version, from) => client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version, from);
  let from = client.notifications.length;
  const document = client.open(file, text);
  await published(document.uri, 1, from);
  const at = editPosition(text);
  const times = [];
  for (let i = 0; i < TYPED_EDITS; i++) {
    const range = { start: at, end: { line: at.line, character: at.character + 1 } };
    const start = performance.now();
    from = client.notifications.length;
    const next = client.change(document.uri, [{ range, newText: String((i % 9) + 1) }]);
    await published(document.uri, next.version, from);
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, gapMs - (performance.now() - start))));
  }
  client.close(document.uri);
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

async function measureLatency(client, file) {
  const text = fs.readFileSync(file, "utf8");
  const document = client.open(file, text);
  const opened = performance.now();
  const first = await client.diagnosticsFor(document.uri, 1);
  const openMs = performance.now() - opened;
  const at = editPosition(text);
  const times = [];
  const before = await client.connection.sendRequest("leaklint/stats");
  for (let i = 0; i < EDITS; i++) {
    const range = { start: at, end: { line: at.line, character: at.character + 1 } };
    const start = performance.now();
    const next = client.change(document.uri, [{ range, newText: String((i % 9) + 1) }]);
    await client.diagnosticsFor(document.uri, next.version);
    times.push(performance.now() - start);
  }
  const stats = await client.connection.sendRequest("leaklint/stats");
  const runs = stats.analyses - before.analyses;
  const diagnostics = await client.diagnosticsFor(document.uri, client.documents.get(document.uri).version);
  const target = diagnostics.find((d) => d.code === "uncleared-interval") ?? first[0];
  const actionTimes = [];
  for (let i = 0; i < CODE_ACTIONS; i++) {
    const start = performance.now();
    await client.connection.sendRequest("textDocument/codeAction", {
      textDocument: { uri: document.uri }, range: target.range, context: { diagnostics: [target] },
    });
    actionTimes.push(performance.now() - start);
  }
  client.close(document.uri);
  return {
    lines: text.split("\n").length, diagnostics: diagnostics.length, openMs,
    median: quantile(times, 0.5), p95: quantile(times, 0.95),
    actionMedian: quantile(actionTimes, 0.5), actionP95: quantile(actionTimes, 0.95),
    programMean: (stats.programMs - before.programMs) / runs, lintMean: (stats.lintMs - before.lintMs) / runs,
  };
}

async function measureHeap(client, file) {
  const text = fs.readFileSync(file, "utf8");
  const document = client.open(file, text);
  await client.diagnosticsFor(document.uri, 1);
  const at = editPosition(text);
  const heaps = {};
  let events = 0;
  while (events < HEAP_EVENTS) {
    let version;
    for (let i = 0; i < BURST; i++, events++) {
      const range = { start: at, end: { line: at.line, character: at.character + 1 } };
      version = client.change(document.uri, [{ range, newText: String((events % 9) + 1) }]).version;
    }
    await client.diagnosticsFor(document.uri, version);
    if (events === 100 || events === HEAP_EVENTS) heaps[events] = (await client.connection.sendRequest("leaklint/stats")).heapUsed;
  }
  client.close(document.uri);
  return heaps;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const heapUsed = async (client) => (await client.connection.sendRequest("leaklint/stats")).heapUsed;
/** The server releases parsed files no program uses after a grace (`releaseAfterMs`, 2 s by default). */
const afterReleaseGrace = () => new Promise((resolve) => setTimeout(resolve, 2_500));
const importLine = (i) => `import * as p${i} from "${PACKAGES[i]}";\n`;

async function measureHuge(client, dir) {
  const line = (text, width) => `${text} //${" ".repeat(width - text.length - 4)}\n`; // padded to `width` characters
  const cases = [
    ["46 MB document", line("export function f(a: number): number { return a + 1; }", 64).repeat(46e6 / 64)],
    ["20 MB, 400,000 leaks", line("setInterval(() => tick(), 1000);", 50).repeat(400_000)],
    ["3.9 MB, 150,000 leaks", "setInterval(() => {}, 5);\n".repeat(150_000)],
  ];
  const rows = [];
  for (const [name, text] of cases) {
    const document = client.open(path.join(dir, `huge-${rows.length}.ts`), text);
    const opened = performance.now();
    const published = client.diagnosticsFor(document.uri, 1).then((d) => ({ d, ms: performance.now() - opened }));
    await client.connection.sendRequest("leaklint/rules");
    const requestMs = performance.now() - opened;
    const { d, ms: resultMs } = await published;
    rows.push({ name, mb: text.length / 1e6, resultMs, requestMs, result: d.length === 1 && d[0].code === "analysis-skipped" ? d[0].message.replace(/^leaklint /, "") : `${d.length} diagnostics`, heap: await heapUsed(client) });
    client.close(document.uri);
  }
  return rows;
}

/** A typed document that imports `count` of the packages (the rest of the file stays). */
function importing(count, body) {
  let text = "";
  for (let i = 0; i < count; i++) text += importLine(i);
  return text + body;
}

async function measureImports(client, file) {
  const body = fs.readFileSync(file, "utf8");
  const document = client.open(file, body);
  await client.diagnosticsFor(document.uri, 1);
  const start = await heapUsed(client);
  let next = client.change(document.uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: importing(PACKAGES.length, "") }]);
  await client.diagnosticsFor(document.uri, next.version);
  const loaded = await heapUsed(client);
  next = client.change(document.uri, [{ range: { start: { line: 0, character: 0 }, end: { line: PACKAGES.length, character: 0 } }, newText: "" }]);
  await client.diagnosticsFor(document.uri, next.version);
  await afterReleaseGrace();
  const end = await heapUsed(client);
  client.close(document.uri);
  return { start, loaded, end };
}

async function measureStorm(client, file) {
  const text = fs.readFileSync(file, "utf8");
  const document = client.open(file, text);
  await client.diagnosticsFor(document.uri, 1);
  const start = await heapUsed(client);
  const times = [];
  const heaps = [];
  let imported = 0;
  let adding = true;
  for (let events = 0, burst = 0; events < STORM_EVENTS; burst++) {
    const began = performance.now();
    let version;
    for (let i = 0; i < STORM_BURST; i++, events++) {
      let edit;
      if (i === 0 && burst % 10 === 0) {
        // Add the next import, or remove the last one; 12 in, then 12 out, and again.
        if (adding) edit = { range: { start: { line: imported, character: 0 }, end: { line: imported, character: 0 } }, newText: importLine(imported++) };
        else edit = { range: { start: { line: --imported, character: 0 }, end: { line: imported + 1, character: 0 } }, newText: "" };
        if (imported === PACKAGES.length) adding = false;
        if (imported === 0) adding = true;
      } else {
        const at = editPosition(client.documents.get(document.uri).getText());
        edit = { range: { start: at, end: { line: at.line, character: at.character + 1 } }, newText: String((events % 9) + 1) };
      }
      version = client.change(document.uri, [edit]).version;
    }
    await client.diagnosticsFor(document.uri, version);
    times.push(performance.now() - began);
    if (events % 10_000 === 0) heaps.push(await heapUsed(client));
  }
  // Back to the text it started with: no imports.
  const current = client.documents.get(document.uri);
  const last = client.change(document.uri, [{ range: { start: { line: 0, character: 0 }, end: current.positionAt(current.getText().length) }, newText: text }]);
  await client.diagnosticsFor(document.uri, last.version);
  await afterReleaseGrace();
  const end = await heapUsed(client);
  client.close(document.uri);
  return { start, end, heaps, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: Math.max(...times), bursts: times.length };
}

/** A fresh server on a real typed project: open → first diagnostics, then edits in the middle of the file. */
async function benchProject(dir, relative) {
  const file = path.resolve(dir, relative);
  const client = await TestClient.start({ root: dir, initializationOptions: { debounceMs: 0, quickLint: !EXACT }, execArgv: ["--expose-gc"] });
  try {
    const text = fs.readFileSync(file, "utf8");
    const document = client.open(file, text);
    const opened = performance.now();
    const first = await client.diagnosticsFor(document.uri, 1);
    const openMs = performance.now() - opened;
    const stats = await client.connection.sendRequest("leaklint/stats");
    const lines = text.split("\n");
    const line = Math.floor(lines.length / 2);
    const at = { line, character: 0 };
    const times = [];
    for (let i = 0; i < PROJECT_EDITS; i++) {
      // Type a comment at the start of the middle line, and remove it again.
      const edit = i % 2 === 0 ? { range: { start: at, end: at }, newText: "//" } : { range: { start: at, end: { line, character: 2 } }, newText: "" };
      const start = performance.now();
      const next = client.change(document.uri, [edit]);
      await client.diagnosticsFor(document.uri, next.version);
      times.push(performance.now() - start);
    }
    const after = await client.connection.sendRequest("leaklint/stats");
    console.log(`\nproject ${dir}: ${relative} (${lines.length} lines; the program holds ${stats.sourceFiles} parsed files)`);
    // The open's split: building the program (parse, bind, checker) and the rules, from the server's own totals.
    console.log(`  open → first diagnostics ${ms(openMs)} (program ${ms(stats.programMs)}, rules ${ms(stats.lintMs)}; ${first.length} diagnostics); ${PROJECT_EDITS} edits: didChange→publish median ${ms(quantile(times, 0.5))}, p95 ${ms(quantile(times, 0.95))}; quick lints ${after.quick}, corrected ${after.corrected}; heap ${mb(after.heapUsed)}`);
  } finally {
    await client.stop();
  }
}

async function main() {
  const root = path.join(REPO, "test", ".tmp", `bench-server-${process.pid}`);
  fs.mkdirSync(path.join(root, "src"), { recursive: true });
  fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", lib: ["ES2022"], types: ["node"], strict: true, skipLibCheck: true, noEmit: true },
    include: ["src"],
  }, null, 2));
  // Every file exists before the server starts, so each belongs to the tsconfig project.
  const file = (name) => path.join(root, "src", name);
  for (const lines of [2000, 10000]) fs.writeFileSync(file(`file-${lines}.ts`), generate(lines));
  fs.writeFileSync(file("heap.ts"), generate(2000));
  fs.writeFileSync(file("imports.ts"), generate(200));
  fs.writeFileSync(file("storm.ts"), generate(400));
  const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, quickLint: !EXACT }, execArgv: ["--expose-gc"] });
  try {
    console.log(`leaklint server benchmark (node ${process.version}, typed project)\n`);
    if (wanted("latency")) {
      console.log(`latency: ${EDITS} one-character edits per file`);
      console.log("file          open+first   didChange→publish median   p95        codeAction median   p95       diagnostics   (mean: program update + rules)");
      for (const lines of [2000, 10000]) {
        const r = await measureLatency(client, file(`file-${lines}.ts`));
        console.log(`${String(r.lines).padStart(6)} lines  ${ms(r.openMs).padStart(10)}   ${ms(r.median).padStart(22)}   ${ms(r.p95).padStart(8)}   ${ms(r.actionMedian).padStart(17)}   ${ms(r.actionP95).padStart(7)}   ${String(r.diagnostics).padStart(11)}   (${ms(r.programMean)} + ${ms(r.lintMean)})`);
      }
      for (const gap of TYPING_GAPS_MS) {
        for (const lines of [2000, 10000]) {
          const r = await measureTyping(client, file(`file-${lines}.ts`), gap);
          console.log(`typing (${TYPED_EDITS} edits, one every ${gap} ms), ${lines} lines: didChange→publish median ${ms(r.median)}, p95 ${ms(r.p95)}`);
        }
      }
      const stats = await client.connection.sendRequest("leaklint/stats");
      console.log(`${EXACT ? "exact lints only" : `quick lints: ${stats.quick}, quick results the exact lint changed: ${stats.corrected}`} (of ${stats.analyses} analyses)`);
    }
    if (wanted("heap")) {
      const heaps = await measureHeap(client, file("heap.ts"));
      console.log(`\nheap after 100 didChange events: ${mb(heaps[100])}; after ${HEAP_EVENTS}: ${mb(heaps[HEAP_EVENTS])} (${((heaps[HEAP_EVENTS] / heaps[100] - 1) * 100).toFixed(1)}%)`);
    }
    if (wanted("huge")) {
      console.log("\nhuge documents            size       result published   request answered   heap after   result");
      for (const r of await measureHuge(client, path.join(root, "src"))) {
        console.log(`${r.name.padEnd(24)} ${r.mb.toFixed(1).padStart(5)} MB   ${ms(r.resultMs).padStart(16)}   ${ms(r.requestMs).padStart(16)}   ${mb(r.heap).padStart(10)}   ${r.result}`);
      }
    }
    if (wanted("imports")) {
      const r = await measureImports(client, file("imports.ts"));
      console.log(`\nimports: heap ${mb(r.start)} → ${mb(r.loaded)} with ${PACKAGES.length} packages imported → ${mb(r.end)} after removing them (${((r.end / r.start - 1) * 100).toFixed(1)}% of the start)`);
    }
    if (wanted("project") && option("--project")) await benchProject(option("--project"), option("--open"));
    if (wanted("storm")) {
      const r = await measureStorm(client, file("storm.ts"));
      console.log(`\nstorm: ${STORM_EVENTS} didChange events in ${r.bursts} bursts, imports added and removed: burst→publish p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, max ${ms(r.max)}; heap ${mb(r.start)} → ${mb(r.end)} (${((r.end / r.start - 1) * 100).toFixed(1)}%; every 10,000 events: ${r.heaps.map(mb).join(", ")})`);
    }
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
