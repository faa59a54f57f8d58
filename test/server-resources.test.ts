// The language server under load, over stdio: documents over the size or time budget get
// one visible "analysis skipped: file too large" diagnostic instead of a hang; requests
// are answered while a long analysis runs; a newer version stops the analysis of the old
// one; parsed files a document no longer needs are released; a file the checker
// overflows on does not cost the project its types. Every wait is on an event.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { CodeAction, Diagnostic } from "vscode-languageserver-protocol";
import { REPO, TestClient } from "./lib/lsp-client";

interface Stats {
  analyses: number;
  skipped: number;
  stale: number;
  sourceFiles: number;
  analysing: string | null;
}

const LEAK = "setInterval(() => {}, 5);\n";
const text = (diagnostic: Diagnostic): string => String(diagnostic.message);
const codes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code));
const stats = (client: TestClient): Promise<Stats> => client.connection.sendRequest<Stats>("leaklint/stats");

/** Asks for stats until the server says it is analysing `uri` (each answer comes between two slices of the analysis). */
async function whileAnalysing(client: TestClient, uri: string): Promise<number> {
  for (let answered = 1; ; answered++) {
    const current = await stats(client);
    if (current.analysing === uri) return answered;
    assert.ok(!client.publishedVersions(uri).length, "the analysis ended before it was seen running");
  }
}

describe("language server: budgets and responsiveness", () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-budget-")); // no tsconfig above it: loose documents
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test("a document over the size budget gets one 'analysis skipped: file too large' diagnostic, no fix-all, and its findings back once it shrinks", async () => {
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, maxDocumentSize: 50_000, customNotifications: true } });
    try {
      const document = client.open(path.join(root, "big.js"), LEAK.repeat(2_500));
      const skipped = await client.diagnosticsFor(document.uri, 1);
      assert.deepEqual(codes(skipped), ["analysis-skipped"]);
      assert.match(text(skipped[0]), /^leaklint analysis skipped: file too large \(it has 65,000 characters \(the limit is 50,000\)\)$/);
      assert.equal(skipped[0].severity, 2);
      const status = await client.waitFor<{ uri: string; state: string; message: string }>("leaklint/status", (s) => s.uri === document.uri);
      assert.equal(status.state, "warn");
      assert.match(status.message, /file too large/);
      const fixAll = await client.connection.sendRequest<CodeAction[]>("textDocument/codeAction", {
        textDocument: { uri: document.uri }, range: skipped[0].range, context: { diagnostics: [], only: ["source.fixAll.leaklint"] },
      });
      assert.deepEqual(fixAll, []);
      const small = client.change(document.uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 2_500, character: 0 } }, newText: "" }]);
      assert.deepEqual(codes(await client.diagnosticsFor(document.uri, small.version)), ["uncleared-interval"]);
      assert.equal((await stats(client)).skipped, 1);
    } finally {
      await client.stop();
    }
  });

  test("an analysis over its time budget is given up with the same diagnostic", async () => {
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, analysisBudgetMs: 1 } });
    try {
      const document = client.open(path.join(root, "slow.js"), LEAK.repeat(20_000));
      const skipped = await client.diagnosticsFor(document.uri, 1);
      assert.deepEqual(codes(skipped), ["analysis-skipped"]);
      assert.match(text(skipped[0]), /^leaklint analysis skipped: file too large \(its analysis took longer than its 1 ms budget\)$/);
    } finally {
      await client.stop();
    }
  });

  test("requests are answered during a long analysis, and a newer version stops it: only the newest is published", async () => {
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, analysisBudgetMs: 600_000 } });
    try {
      const other = client.open(path.join(root, "other.js"), LEAK);
      const [found] = await client.diagnosticsFor(other.uri, 1);
      const before = await stats(client);
      const document = client.open(path.join(root, "long.js"), LEAK.repeat(30_000));
      await whileAnalysing(client, document.uri);
      const actions = await client.codeActions(other.uri, found); // another document's quick fixes, mid-analysis
      assert.ok(actions.length > 0);
      const rules = await client.connection.sendRequest<unknown[]>("leaklint/rules");
      assert.ok(rules.length > 0);
      assert.deepEqual(client.publishedVersions(document.uri), [], "the long analysis is still running");
      const newer = client.change(document.uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 30_000, character: 0 } }, newText: "" }]);
      assert.deepEqual(codes(await client.diagnosticsFor(document.uri, newer.version)), ["uncleared-interval"]);
      assert.deepEqual(client.publishedVersions(document.uri), [newer.version], "the stale version was never published");
      const after = await stats(client);
      assert.equal(after.stale - before.stale, 1, "the analysis of version 1 was stopped");
      assert.equal(after.analyses - before.analyses, 1, "only the newest version was analysed to the end");
    } finally {
      await client.stop();
    }
  });

  test("shutdown is answered during a long analysis", async () => {
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, analysisBudgetMs: 600_000 } });
    const document = client.open(path.join(root, "long-shutdown.js"), LEAK.repeat(30_000));
    await whileAnalysing(client, document.uri);
    await client.connection.sendRequest("shutdown");
    assert.deepEqual(client.publishedVersions(document.uri), []);
    await client.stop();
  });
});

describe("language server: what a document no longer needs is released", () => {
  let root: string;
  before(() => {
    // Inside the repository, so the packages resolve from its node_modules (their real type definitions).
    fs.mkdirSync(path.join(REPO, "test", ".tmp"), { recursive: true });
    root = fs.mkdtempSync(path.join(REPO, "test", ".tmp", "release-"));
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", lib: ["ES2022"], types: [], strict: true, skipLibCheck: true, noEmit: true },
      include: ["src"],
    }));
    fs.writeFileSync(path.join(root, "src", "app.ts"), "export const port = 3000;\n");
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const imports = 'import express from "express";\nimport Koa from "koa";\nimport { Pool } from "pg";\nimport * as React from "react";\n'
    + "export const made = [express, Koa, Pool, React];\n";
  const add = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: imports };
  const remove = { range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } }, newText: "" };

  /** Source files held with the document as it is, then with the imports, then without them again. */
  async function importAndRemove(client: TestClient): Promise<number[]> {
    const document = client.open(path.join(root, "src", "app.ts"));
    await client.diagnosticsFor(document.uri, 1);
    const counts = [(await stats(client)).sourceFiles];
    for (const edit of [add, remove]) {
      const next = client.change(document.uri, [edit]);
      await client.diagnosticsFor(document.uri, next.version);
      counts.push((await stats(client)).sourceFiles);
    }
    client.close(document.uri);
    return counts;
  }

  test("removing a document's imports releases the packages' files it parsed for them", async () => {
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, releaseAfterMs: 0 } });
    try {
      const [baseline, loaded, released] = await importAndRemove(client);
      assert.ok(loaded > baseline + 10, `the packages' declaration files were parsed (${baseline} → ${loaded})`);
      assert.equal(released, baseline);
    } finally {
      await client.stop();
    }
  });

  test("within the release grace the files stay, so an import put back is not parsed again", async () => {
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, releaseAfterMs: 600_000 } });
    try {
      const [baseline, loaded, kept] = await importAndRemove(client);
      assert.ok(loaded > baseline + 10);
      assert.equal(kept, loaded);
    } finally {
      await client.stop();
    }
  });
});

describe("language server: a file the checker overflows on", () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-deep-"));
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, types: [], lib: ["ES2022"], noEmit: true }, include: ["src"] }));
    fs.writeFileSync(path.join(root, "src", "deep.ts"), `export const value = Promise.resolve(1)\n${"  .then((r) => r)\n".repeat(3000)};\n`);
    fs.writeFileSync(path.join(root, "src", "a.ts"), "export const x = 1;\n");
    // A rule that asks the checker in every typed file and says so.
    fs.writeFileSync(path.join(root, "probe.js"), `module.exports = { id: "has-types", messages: { x: "typed" }, schema: {}, defaultOptions: {},
      meta: { family: "resource", description: "reports in typed files", fix: "none", requiresTypeInfo: true, requires: [], defaultSeverity: "warning" },
      create(context) { return { onFileEnd() { context.facts.checker.getTypeAtLocation(context.sourceFile.statements[0]);
        context.report({ node: { start: 0, end: 0 }, messageId: "x" }); } }; } };\n`);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test("loses its types with a note while the project's other files keep theirs; an edit that removes the depth brings them back", async () => {
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, trusted: true, extraRules: [path.join(root, "probe.js")] } });
    try {
      const a = client.open(path.join(root, "src", "a.ts"));
      assert.deepEqual(codes(await client.diagnosticsFor(a.uri, 1)), ["has-types"], "the checker failure on deep.ts did not cost a.ts its types");
      const deep = client.open(path.join(root, "src", "deep.ts"));
      const untyped = await client.diagnosticsFor(deep.uri, 1);
      assert.deepEqual(codes(untyped), ["types-unavailable"]);
      assert.match(text(untyped[0]), /^Linted without types: the TypeScript checker failed .*Maximum call stack size exceeded/);
      const lines = client.documents.get(deep.uri)!.lineCount;
      const shallow = client.change(deep.uri, [{ range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } }, newText: "export const value = 1;\n" }]);
      assert.deepEqual(codes(await client.diagnosticsFor(deep.uri, shallow.version)), ["has-types"]);
      const again = client.change(a.uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: "// edited\n" }]);
      assert.deepEqual(codes(await client.diagnosticsFor(a.uri, again.version)), ["has-types"]);
    } finally {
      await client.stop();
    }
  });
});
