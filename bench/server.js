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
//
// Runs the compiled server (npm run build first; `npm run bench:server` does).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { TestClient, REPO } = require("../test/out/lib/lsp-client.js");

const EDITS = 200;
const CODE_ACTIONS = 50;
const HEAP_EVENTS = 10_000;
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
  const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0 }, execArgv: ["--expose-gc"] });
  try {
    console.log(`leaklint server benchmark (node ${process.version}, ${EDITS} edits per file, typed project)\n`);
    console.log("file          open+first   didChange→publish median   p95        codeAction median   p95       diagnostics   (mean: program update + rules)");
    for (const lines of [2000, 10000]) {
      const r = await measureLatency(client, file(`file-${lines}.ts`));
      console.log(`${String(r.lines).padStart(6)} lines  ${ms(r.openMs).padStart(10)}   ${ms(r.median).padStart(22)}   ${ms(r.p95).padStart(8)}   ${ms(r.actionMedian).padStart(17)}   ${ms(r.actionP95).padStart(7)}   ${String(r.diagnostics).padStart(11)}   (${ms(r.programMean)} + ${ms(r.lintMean)})`);
    }
    const heaps = await measureHeap(client, file("heap.ts"));
    const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.log(`\nheap after 100 didChange events: ${mb(heaps[100])}; after ${HEAP_EVENTS}: ${mb(heaps[HEAP_EVENTS])} (${((heaps[HEAP_EVENTS] / heaps[100] - 1) * 100).toFixed(1)}%)`);
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
