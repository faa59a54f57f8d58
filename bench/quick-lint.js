#!/usr/bin/env node
// How often a quick lint (engine core/incremental.ts: re-visit only the top-level statements an
// edit can affect) gives the exact lint's findings, and what it costs, on real applications:
// random edit sequences (test/lib/random-edits.ts) over files sampled from each application
// under --work, each version parsed incrementally as the language server does, linted quick
// (what the editor shows first) and then exactly (what replaces it when it differs). Loose tier.
//
//   node bench/quick-lint.js --work /work/apps [--files-per-app 6] [--edits 12] [--seed 1] [--min-lines 150]
//
// Prints per application and in total: quick lints, full ones (and why), quick results that
// differ from the exact ones (findings added / missing), and the CPU ms of both lints (p50/p95).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { TextDocument } = require("vscode-languageserver-textdocument");
const { LintMemo, defaultConfig, lintSourceFile, resolveRules, rules, LOOSE_PARSE_OPTIONS, isLintable } = require("../rules/dist/index.js");
const { Editor, random } = require("../test/out/lib/random-edits.js");
const { commonAffixes } = require("../server/dist/text-diff.js");

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const WORK = arg("work", "/work/apps");
const FILES_PER_APP = Number(arg("files-per-app", 6));
const EDITS = Number(arg("edits", 12));
const MIN_LINES = Number(arg("min-lines", 150));
const next = random(Number(arg("seed", 1)));

function sourceFiles(dir, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "dist" || entry.name === "build") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, found);
    else if (isLintable(full) && !/\.(vue|svelte)$|\.min\.js$|\.d\.ts$/.test(full)) found.push(full);
  }
  return found;
}

const cpu = (action) => {
  const before = process.cpuUsage();
  const value = action();
  const used = process.cpuUsage(before);
  return { value, ms: (used.user + used.system) / 1000 };
};
const key = (d) => `${d.ruleId}@${d.start}-${d.end}:${d.message}|${JSON.stringify(d.related)}|${JSON.stringify(d.fixes)}`;
const setParentRecursive = ts.setParentRecursive;
const quantile = (values, q) => (values.length ? [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] : 0);

function reparse(old, text) {
  const { prefix, suffix } = commonAffixes(old.text, text);
  return ts.updateSourceFile(old, text, ts.createTextChangeRange(ts.createTextSpan(prefix, old.text.length - prefix - suffix), text.length - prefix - suffix));
}

const total = { files: 0, edits: 0, quick: 0, differing: 0, added: 0, missing: 0, quickMs: [], exactMs: [], full: new Map() };
console.log("application                    files  edits  quick  differ  added  missing   quick ms p50/p95   exact ms p50/p95");
for (const app of fs.readdirSync(WORK).sort()) {
  const dir = path.join(WORK, app);
  if (!fs.statSync(dir).isDirectory()) continue;
  const candidates = sourceFiles(dir).filter((file) => fs.readFileSync(file, "utf8").split("\n").length >= MIN_LINES).sort();
  const step = Math.max(1, Math.floor(candidates.length / FILES_PER_APP));
  const chosen = candidates.filter((_, i) => i % step === 0).slice(0, FILES_PER_APP);
  const row = { files: chosen.length, edits: 0, quick: 0, differing: 0, added: 0, missing: 0, quickMs: [], exactMs: [] };
  for (const file of chosen) {
    const options = { rules: resolveRules(rules, defaultConfig(path.dirname(file))), settings: defaultConfig(dir).settings };
    const memo = new LintMemo();
    let document = TextDocument.create(`file://${file}`, "typescript", 1, fs.readFileSync(file, "utf8"));
    let sourceFile = ts.createSourceFile(file, document.getText(), LOOSE_PARSE_OPTIONS, false);
    lintSourceFile(sourceFile, undefined, { ...options, incremental: { memo, exact: true } });
    const editor = new Editor(document.getText(), next);
    for (let i = 0; i < EDITS; i++) {
      const edit = editor.edit(document);
      document = TextDocument.create(document.uri, "typescript", document.version + 1, TextDocument.applyEdits(document, [edit]));
      sourceFile = reparse(sourceFile, document.getText());
      // What the first lint of a version pays for both (line starts, parent pointers): paid before either is timed.
      sourceFile.getLineStarts();
      setParentRecursive?.(sourceFile, true);
      const taken = memo.quick;
      const quick = cpu(() => lintSourceFile(sourceFile, undefined, { ...options, incremental: { memo, exact: false } }));
      const exact = cpu(() => lintSourceFile(sourceFile, undefined, { ...options, incremental: { memo, exact: true } }));
      row.edits++;
      row.exactMs.push(exact.ms);
      if (memo.quick === taken) {
        const why = quick.value.some((d) => d.ruleId === "parse-error") ? "parse error" : memo.fullBecause ?? "full";
        total.full.set(why, (total.full.get(why) ?? 0) + 1);
        continue;
      }
      row.quick++;
      row.quickMs.push(quick.ms);
      const want = new Set(exact.value.map(key));
      const got = new Set(quick.value.map(key));
      const added = [...got].filter((k) => !want.has(k)).length;
      const missing = [...want].filter((k) => !got.has(k)).length;
      if (added + missing > 0) {
        row.differing++;
        if (process.env.SHOW) console.log(`  ${path.relative(WORK, file)} edit ${i + 1}: +${added} -${missing}`);
      }
      row.added += added;
      row.missing += missing;
    }
  }
  for (const k of ["files", "edits", "quick", "differing", "added", "missing"]) total[k] += row[k];
  total.quickMs.push(...row.quickMs);
  total.exactMs.push(...row.exactMs);
  const times = (values) => `${quantile(values, 0.5).toFixed(1)}/${quantile(values, 0.95).toFixed(1)}`.padStart(16);
  console.log(`${app.padEnd(30)} ${String(row.files).padStart(5)}  ${String(row.edits).padStart(5)}  ${String(row.quick).padStart(5)}  ${String(row.differing).padStart(6)}  ${String(row.added).padStart(5)}  ${String(row.missing).padStart(7)}   ${times(row.quickMs)}   ${times(row.exactMs)}`);
}
console.log(`\ntotal: ${total.files} files, ${total.edits} edits, ${total.quick} quick lints (${((100 * total.quick) / total.edits).toFixed(0)} %), ${total.differing} quick results differing from the exact lint (${total.added} findings added, ${total.missing} missing)`);
console.log(`CPU per lint: quick p50 ${quantile(total.quickMs, 0.5).toFixed(1)} ms, p95 ${quantile(total.quickMs, 0.95).toFixed(1)} ms; exact p50 ${quantile(total.exactMs, 0.5).toFixed(1)} ms, p95 ${quantile(total.exactMs, 0.95).toFixed(1)} ms`);
console.log(`full instead of quick: ${[...total.full].map(([why, n]) => `${n} ${why}`).join(", ")}`);
