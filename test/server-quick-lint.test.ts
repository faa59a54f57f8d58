// Quick lints after edits (engine core/incremental.ts) against cold lints, over real LSP stdio:
// random edit sequences (seeded) over the example project's typed files — lines deleted,
// duplicated and moved, leaky and releasing statements inserted, identifiers and numbers
// changed, braces broken — each version analysed as it arrives (quick, then confirmed), and at
// checkpoints the settled diagnostics compared with those a fresh server publishes when it
// opens the same text. Push and pull diagnostics both.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Diagnostic } from "vscode-languageserver-protocol";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { TestClient, copyExample, uriOf } from "./lib/lsp-client";
import { Editor, random } from "./lib/random-edits";

const EDITS_PER_FILE = 20;
/** The generated file has many statements: most edits there are quick lints. */
const EDITS_GENERATED = 60;
const CHECK_EVERY = 5;
/** Many small top-level statements that relate through names: classes with a teardown, timers kept in module-level variables and cleared elsewhere. */
function generatedFile(count = 12): string {
  let text = 'import { EventEmitter } from "node:events";\n\n';
  for (let i = 0; i < count; i++) {
    text += `export class Worker${i} extends EventEmitter {
  private timer?: ReturnType<typeof setInterval>;
  private readonly cache = new Map<string, number>();
  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);${i % 3 === 0 ? "\n    setInterval(() => this.tick(), 500);" : ""}
  }
  tick(): void {
    this.cache.set("k${i}", ${i});
    this.emit("tick", ${i});
  }
  dispose(): void {
    clearInterval(this.timer);${i % 4 === 1 ? "" : "\n    this.cache.clear();"}
  }
}

let poll${i}: ReturnType<typeof setInterval> | undefined;
export function startPolling${i}(): void {
  poll${i} = setInterval(() => console.log(${i}), 1000);
}
export function stopPolling${i}(): void {
  clearInterval(poll${i});
}
const seen${i} = new Map<string, number>();
export function remember${i}(key: string): void {
  seen${i}.set(key, ${i});
}

`;
  }
  return text;
}

/** What a diagnostic says, without the document version its fixes carry. */
function comparable(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const data = d.data as { version?: number } | undefined;
    return JSON.stringify({ ...d, data: data && { ...data, version: undefined } });
  }).sort();
}

/** Stats round trips (events, no timers) until no quick result waits for its exact lint and nothing is being analysed. */
async function settled(client: TestClient): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    const stats = await client.connection.sendRequest<{ unconfirmed: number; analysing: string | null }>("leaklint/stats");
    if (stats.unconfirmed === 0 && stats.analysing === null) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("the server never settled");
}

describe("language server: quick lints give the cold lint's diagnostics once settled", () => {
  let root: string;
  let files: string[];
  let cold: TestClient;

  before(async () => {
    root = copyExample("server-quick-lint");
    files = ["timers/metrics.ts", "timers/retry.ts", "growth/sessions.ts", "listener/events.ts", "resource/files.ts", "context/request-state.ts", "listener/widgets.tsx"]
      .map((name) => path.join(root, "src", name));
    files.unshift(path.join(root, "src", "generated.ts"));
    fs.writeFileSync(files[0], generatedFile());
    cold = await TestClient.start({ root, initializationOptions: { debounceMs: 0 } });
  });
  after(async () => {
    await cold.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The diagnostics a fresh analysis of `text` publishes (the cold server opens, reads and closes it). */
  async function coldLint(file: string, text: string): Promise<Diagnostic[]> {
    const from = cold.notifications.length;
    const document = cold.open(file, text);
    const published = await cold.waitFor<{ uri: string; version: number; diagnostics: Diagnostic[] }>("textDocument/publishDiagnostics",
      (p) => p.uri === document.uri && p.version === 1, from);
    cold.close(document.uri);
    return published.diagnostics;
  }

  for (const [mode, seed] of [["push", 1], ["pull", 2]] as const) {
    test(`${mode}: random edit sequences over the example's files`, async () => {
      const client = await TestClient.start({ root, pull: mode === "pull", initializationOptions: { debounceMs: 0, quickLint: !process.env.NOQUICK } });
      const next = random(seed);
      let checks = 0;
      try {
        for (const file of files) {
          let document = client.open(file);
          const uri = uriOf(file);
          const editor = new Editor(document.getText(), next);
          const edits = file === files[0] ? EDITS_GENERATED : EDITS_PER_FILE;
          for (let i = 1; i <= edits; i++) {
            const from = client.notifications.length;
            document = client.change(uri, [editor.edit(document)]);
            if (process.env.DUMP) fs.appendFileSync(process.env.DUMP, `${JSON.stringify({ mode, file, text: document.getText() })}\n`);
            if (mode === "push") await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === document.version, from);
            else await client.connection.sendRequest("textDocument/diagnostic", { textDocument: { uri } });
            if (i % CHECK_EVERY !== 0) continue;
            await settled(client);
            const text = document.getText();
            let settledDiagnostics: Diagnostic[];
            if (mode === "push") {
              const published = client.notifications.filter((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri && n.params.version === document.version);
              settledDiagnostics = published[published.length - 1].params.diagnostics;
            } else {
              settledDiagnostics = (await client.connection.sendRequest<{ items: Diagnostic[] }>("textDocument/diagnostic", { textDocument: { uri } })).items;
            }
            assert.deepEqual(comparable(settledDiagnostics), comparable(await coldLint(file, text)),
              `${path.relative(root, file)} after ${i} edits (seed ${seed}, ${mode}):\n${text}`);
            checks++;
          }
          client.close(uri);
        }
        const stats = await client.connection.sendRequest<{ quick: number; corrected: number }>("leaklint/stats");
        assert.ok(stats.quick > 0, "no quick lint ran: the sequences did not exercise it");
        assert.equal(checks, ((files.length - 1) * EDITS_PER_FILE + EDITS_GENERATED) / CHECK_EVERY);
        console.log(`${mode}: ${stats.quick} quick lints, ${stats.corrected} corrected by the exact lint, ${checks} checkpoints`);
      } finally {
        await client.stop();
      }
    });
  }
});

describe("language server: a version that arrives while an older one is analysed", () => {
  let root: string;
  before(() => {
    root = copyExample("server-stale-version");
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  // TextDocuments updates the document object in place: an analysis that compared the document's
  // version with itself never went stale. With a debounce, the newer version's own analysis is not
  // there yet to preempt it, so the older one ran to its end, was published, and its result was
  // recorded under the newer version; with quick lints that result was then "confirmed" by the
  // newer version's exact lint, which matched it and was never published.
  for (const quickLint of [false, true]) {
    test(`push, quick lints ${quickLint ? "on" : "off"}: the older analysis goes stale and only the newest version is published`, async () => {
      const file = path.join(root, "src", "generated.ts");
      fs.writeFileSync(file, generatedFile(100)); // about 3,000 lines: an analysis of several slices, shorter than the debounce
      const client = await TestClient.start({ root, initializationOptions: { debounceMs: 1500, quickLint } });
      try {
        let document = client.open(file);
        const uri = uriOf(file);
        await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === 1);
        const before = await client.connection.sendRequest<{ stale: number }>("leaklint/stats");
        const insert = (text: string): TextDocument => client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }]);
        const published = (version: number, from: number): boolean => client.notifications.slice(from)
          .some((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri && n.params.version === version);
        for (let round = 0; round < 2; round++) {
          const from = client.notifications.length;
          const older = insert("// a\n").version;
          // Wait until the server is inside the analysis of the older version (requests are answered between its slices).
          for (;;) {
            const stats = await client.connection.sendRequest<{ analysing: string | null }>("leaklint/stats");
            if (stats.analysing === uri) break;
            assert.ok(!published(older, from), "the analysis ended before a request was answered: the file is too small for this test");
            await new Promise((resolve) => setImmediate(resolve));
          }
          document = insert("// b\n");
          await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === document.version, from);
          assert.ok(!published(older, from), `version ${older} was published after version ${document.version} arrived`);
        }
        const stats = await client.connection.sendRequest<{ stale: number }>("leaklint/stats");
        assert.equal(stats.stale - before.stale, 2, "each older analysis went stale");
      } finally {
        await client.stop();
      }
    });
  }
});
