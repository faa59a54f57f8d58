// Protocol tests of the language server: the real server (server/bin/leaklint-lsp.js)
// over stdio, driven by vscode-jsonrpc with LSP types. Every wait is on an event (a
// publishDiagnostics for a given version, a response), never on a timer.
//
// The throwing rule comes in through the `extraRules` initialization option (absolute
// paths of modules exporting rule modules; ignored when the workspace is untrusted).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { CodeAction, Diagnostic, DocumentDiagnosticReport, WorkspaceEdit } from "vscode-languageserver-protocol";
import { TestClient, copyExample, uriOf } from "./lib/lsp-client";

const RULE = "uncleared-interval";
const ours = (diagnostics: Diagnostic[]): Diagnostic[] => diagnostics.filter((d) => d.code === RULE);
const lines = (diagnostics: Diagnostic[]): number[] => ours(diagnostics).map((d) => d.range.start.line + 1);
/** The fixed order: the rule's fix, then disable line, fix all of the rule (two or more safe fixes in the file), disable file, documentation. */
const titlesAfter = (fix: string, fixAll = false): string[] =>
  [fix, `Disable ${RULE} for this line`, ...(fixAll ? [`Fix all ${RULE} problems`] : []), `Disable ${RULE} for the entire file`, `Show documentation for ${RULE}`];

describe("language server (push diagnostics)", () => {
  let root: string;
  let client: TestClient;
  let metrics: string;

  before(async () => {
    root = copyExample("server-push");
    metrics = path.join(root, "src", "timers", "metrics.ts");
    client = await TestClient.start({ root, initializationOptions: { debounceMs: 10, trusted: true } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("publishes leaklint diagnostics for an opened document", async () => {
    const document = client.open(metrics);
    const diagnostics = await client.diagnosticsFor(document.uri, 1);
    assert.deepEqual(lines(diagnostics), [7, 19, 35]);
    const first = ours(diagnostics)[0];
    assert.equal(first.source, "leaklint");
    assert.equal(first.severity, 1);
    assert.match(first.codeDescription!.href, /uncleared-interval\.md$/);
    assert.equal((first.data as { version: number }).version, 1);
    assert.equal(client.capabilities.diagnosticProvider, undefined, "no pull without the client capability");
  });

  test("code actions come in the fixed order and the safe fix removes the diagnostic", async () => {
    const uri = uriOf(metrics);
    const [, dropped] = ours(await client.diagnosticsFor(uri, 1));
    const actions = await client.codeActions(uri, dropped);
    assert.deepEqual(actions.map((a) => a.title), titlesAfter("Store the timer in this.interval and clear it in dispose()", true));
    assert.equal(actions[0].isPreferred, true);
    const edit = actions[0].edit as WorkspaceEdit;
    assert.equal((edit.documentChanges![0] as { textDocument: { version: number } }).textDocument.version, 1);
    const [changed] = client.applyWorkspaceEdit(edit);
    const after = ours(await client.diagnosticsFor(uri, changed.version));
    assert.equal(after.length, 2);
    assert.ok(!after.some((d) => d.message === dropped.message), "the fixed diagnostic is gone");
    assert.match(changed.getText(), /clearInterval\(this\.interval\)/);
  });

  test("disable-line and disable-file actions silence the rule", async () => {
    const uri = uriOf(metrics);
    const version = client.documents.get(uri)!.version;
    const [noTeardown, perRequest] = ours(await client.diagnosticsFor(uri, version));
    const actions = await client.codeActions(uri, noTeardown);
    assert.deepEqual(actions.map((a) => a.title), titlesAfter("Clear this.timer in a new dispose()"));
    assert.notEqual(actions[0].isPreferred, true, "a suggestion is never preferred");
    const [disabledLine] = client.applyWorkspaceEdit(actions[1].edit!);
    assert.match(disabledLine.getText(), /\n {2}\/\/ leaklint-disable-next-line uncleared-interval\n {2}constructor\(\)/);
    assert.deepEqual(lines(await client.diagnosticsFor(uri, disabledLine.version)), [perRequest.range.start.line + 2]);

    const [rest] = ours(await client.diagnosticsFor(uri, disabledLine.version));
    const more = await client.codeActions(uri, rest);
    const [disabledFile] = client.applyWorkspaceEdit(more.find((a) => a.title.endsWith("entire file"))!.edit!);
    assert.ok(disabledFile.getText().startsWith(`/* leaklint-disable ${RULE} */\n`));
    assert.deepEqual(lines(await client.diagnosticsFor(uri, disabledFile.version)), []);
  });

  test("source.fixAll.leaklint applies every safe fix in one edit", async () => {
    const dashboard = path.join(root, "src", "web", "dashboard.tsx");
    const fresh = client.open(metrics.replace("metrics.ts", "metrics-copy.ts"), fs.readFileSync(metrics, "utf8"));
    assert.deepEqual(lines(await client.diagnosticsFor(fresh.uri, 1)), [7, 19, 35]);
    const [fixAll] = await client.connection.sendRequest<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: fresh.uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ["source.fixAll"] },
    });
    assert.equal(fixAll.kind, "source.fixAll.leaklint");
    const change = fixAll.edit!.documentChanges![0] as { edits: unknown[] };
    assert.equal(change.edits.length, 1, "one non-overlapping edit");
    const [fixed] = client.applyWorkspaceEdit(fixAll.edit!);
    const remaining = ours(await client.diagnosticsFor(fresh.uri, fixed.version));
    assert.deepEqual(remaining.map((d) => d.range.start.line + 1), [7], "only the suggestion-only diagnostic is left");

    // The command variant: the server sends workspace/applyEdit.
    const react = client.open(dashboard);
    assert.equal(ours(await client.diagnosticsFor(react.uri, 1)).length, 1);
    await client.connection.sendRequest("workspace/executeCommand", {
      command: "leaklint.applyFixAll", arguments: [{ uri: react.uri, version: 1 }],
    });
    const applied = client.appliedEdits.at(-1)!;
    const [fixedReact] = client.applyWorkspaceEdit(applied);
    assert.match(fixedReact.getText(), /return \(\) => clearInterval\(/);
    assert.deepEqual(ours(await client.diagnosticsFor(react.uri, fixedReact.version)), []);
  });

  test("settings: rule overrides and enable are pulled per document after didChangeConfiguration", async () => {
    const document = client.open(path.join(root, "src", "timers", "settings.ts"), "export function tick(): void { setInterval(() => {}, 5); }\n");
    assert.equal(ours(await client.diagnosticsFor(document.uri, 1))[0].severity, 1);
    const mark = client.notifications.length;
    client.settings = { rules: { [RULE]: "warn" } };
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: null });
    const warned = await client.waitFor("textDocument/publishDiagnostics", (p: any) => p.uri === document.uri, mark);
    assert.equal(ours(warned.diagnostics)[0].severity, 2);
    const mark2 = client.notifications.length;
    client.settings = { enable: false };
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: null });
    const disabled = await client.waitFor("textDocument/publishDiagnostics", (p: any) => p.uri === document.uri, mark2);
    assert.deepEqual(disabled.diagnostics, []);
    client.settings = {};
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: null });
  });

  test("run: onSave analyses on save, not on change", async () => {
    const file = path.join(root, "src", "timers", "on-save.ts");
    client.settings = { run: "onSave" };
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: null });
    const document = client.open(file, "export {};\n");
    assert.deepEqual(await client.diagnosticsFor(document.uri, 1), []);
    const changed = client.change(document.uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: "export function tick(): void { setInterval(() => {}, 5); }\n" }]);
    await client.connection.sendNotification("textDocument/didSave", { textDocument: { uri: document.uri } });
    assert.equal(ours(await client.diagnosticsFor(document.uri, changed.version)).length, 1);
    assert.deepEqual(client.publishedVersions(document.uri), [1, 2], "nothing was published for the change itself");
    client.settings = {};
    await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: null });
  });

  test("a burst of edits is analysed once, for the newest version", async () => {
    const document = client.open(path.join(root, "src", "timers", "burst.ts"), "export {};\n");
    await client.diagnosticsFor(document.uri, 1);
    let latest = document;
    for (let i = 0; i < 5; i++) {
      latest = client.change(document.uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: `export function tick${i}(): void { setInterval(() => ${i}, 5); }\n` }]);
    }
    assert.equal(ours(await client.diagnosticsFor(document.uri, latest.version)).length, 5);
    assert.deepEqual(client.publishedVersions(document.uri), [1, latest.version], "stale versions were never published");
  });

  test("show documentation: the command asks the client to show the rule's page; the request returns the markdown", async () => {
    await client.connection.sendRequest("workspace/executeCommand", { command: "leaklint.showDocumentation", arguments: [RULE] });
    assert.match(client.shownDocuments.at(-1)!, /uncleared-interval\.md$/);
    const doc = await client.connection.sendRequest<{ markdown: string }>("leaklint/ruleDocumentation", { ruleId: RULE });
    assert.match(doc.markdown, /^# uncleared-interval/m);
  });

  test("survives junk: unparsable, binary and 5 MB minified files", async () => {
    const broken = client.open(path.join(root, "src", "broken.ts"), "export function (\n  setInterval(() => {}, 5);\n");
    const parse = await client.diagnosticsFor(broken.uri, 1);
    assert.equal(parse[0].code, "parse-error");
    const binary = client.open(path.join(root, "src", "image.png"), "\u0000\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR\u0000\u00ff\u00fe", "javascript");
    assert.ok((await client.diagnosticsFor(binary.uri, 1)).every((d) => d.source === "leaklint"));
    const chunk = "!function(){var a={x:1,y:[1,2,3]},b=0;for(var c=0;c<a.y.length;c++)b+=a.y[c];window.q=String(b)}();";
    const minified = chunk.repeat(Math.ceil(5_000_000 / chunk.length)) + "\nexport function tick(){setInterval(function(){},5);}";
    const big = client.open(path.join(root, "src", "vendor.min.js"), minified);
    const found = await client.diagnosticsFor(big.uri, 1);
    assert.ok(found.some((d) => d.range.start.line === 1), "the leak after the minified line is reported");
    assert.ok(client.alive);
    for (const uri of [broken.uri, binary.uri, big.uri]) client.close(uri);
  });
});

describe("language server: rules that throw, broken config, trust, pull", () => {
  let root: string;
  before(() => {
    root = copyExample("server-faults");
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test("a throwing rule yields one internal-error diagnostic, the other rules still report, and it is logged once", async () => {
    const plugin = path.join(root, "throwing-rule.js");
    fs.writeFileSync(plugin, `module.exports = { id: "test-throws", messages: {}, schema: {}, defaultOptions: {},
      meta: { family: "timer", description: "throws", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "warning" },
      create() { return { onFileEnd() { throw new Error("boom from a test rule"); } }; } };\n`);
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, trusted: true, extraRules: [plugin] } });
    try {
      const document = client.open(path.join(root, "src", "timers", "metrics.ts"));
      const diagnostics = await client.diagnosticsFor(document.uri, 1);
      assert.deepEqual(lines(diagnostics), [7, 19, 35]);
      const crash = diagnostics.filter((d) => d.code === "internal-error");
      assert.equal(crash.length, 1);
      assert.match(String(crash[0].message), /test-throws.*boom from a test rule/);
      const edited = client.change(document.uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: "\n" }]);
      await client.diagnosticsFor(document.uri, edited.version);
      const logs = client.notifications.filter((n) => n.method === "window/logMessage" && /boom from a test rule/.test(n.params.message));
      assert.equal(logs.length, 1, "logged once");
      assert.ok(client.alive);
    } finally {
      await client.stop();
    }
  });

  test("a broken config is reported and linted with the defaults; fixing it (watched file) clears the report", async () => {
    const config = path.join(root, "leaklint.config.json");
    fs.writeFileSync(config, "{ \"rules\": { \"uncleared-interval\": \"off\", }");
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, trusted: true } });
    try {
      const document = client.open(path.join(root, "src", "timers", "metrics.ts"));
      const diagnostics = await client.diagnosticsFor(document.uri, 1);
      assert.equal(diagnostics[0].code, "config-error");
      assert.match(String(diagnostics[0].message), /leaklint\.config\.json: invalid JSON/);
      assert.deepEqual(lines(diagnostics), [7, 19, 35]);
      fs.writeFileSync(config, "{ \"rules\": { \"uncleared-interval\": \"off\" } }");
      const mark = client.notifications.length;
      await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(config), type: 2 }] });
      const after = await client.waitFor("textDocument/publishDiagnostics", (p: any) => p.uri === document.uri, mark);
      assert.deepEqual(after.diagnostics, [], "config now applies: the rule is off");
    } finally {
      await client.stop();
      fs.rmSync(config);
    }
  });

  test("findings the CLI's leaklint-suppressions.json suppresses show as suppressed information; one more makes them errors again", async () => {
    const suppressions = path.join(root, "leaklint-suppressions.json");
    const write = (count: number): void => fs.writeFileSync(suppressions, JSON.stringify({ "src/timers/metrics.ts": { [RULE]: { count } } }));
    write(3);
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, trusted: true } });
    try {
      const document = client.open(path.join(root, "src", "timers", "metrics.ts"));
      const suppressed = ours(await client.diagnosticsFor(document.uri, 1));
      assert.deepEqual(suppressed.map((d) => [d.range.start.line + 1, d.severity]), [[7, 3], [19, 3], [35, 3]]);
      assert.ok(suppressed.every((d) => String(d.message).endsWith("(suppressed in leaklint-suppressions.json)")));
      write(2);
      const end = document.positionAt(document.getText().length);
      const changed = client.change(document.uri, [{ range: { start: end, end }, newText: "\n" }]);
      const exceeded = ours(await client.diagnosticsFor(document.uri, changed.version));
      assert.deepEqual(exceeded.map((d) => [d.range.start.line + 1, d.severity]), [[7, 1], [19, 1], [35, 1]]);
    } finally {
      await client.stop();
    }
    const untrusted = await TestClient.start({ root, initializationOptions: { debounceMs: 0, trusted: false } });
    try {
      write(3);
      const document = untrusted.open(path.join(root, "src", "timers", "metrics.ts"));
      assert.deepEqual(ours(await untrusted.diagnosticsFor(document.uri, 1)).map((d) => d.severity), [1, 1, 1], "an untrusted workspace's baseline is not read");
    } finally {
      await untrusted.stop();
      fs.rmSync(suppressions);
    }
  });

  test("untrusted workspace: config files, rule settings and extra rules are ignored", async () => {
    const config = path.join(root, "leaklint.config.json");
    fs.writeFileSync(config, "{ \"rules\": { \"uncleared-interval\": \"off\" } }");
    const client = await TestClient.start({
      root, settings: { rules: { [RULE]: "off" } },
      initializationOptions: { debounceMs: 0, trusted: false, extraRules: [path.join(root, "throwing-rule.js")] },
    });
    try {
      const document = client.open(path.join(root, "src", "timers", "metrics.ts"));
      const diagnostics = await client.diagnosticsFor(document.uri, 1);
      assert.deepEqual(lines(diagnostics), [7, 19, 35]);
      assert.ok(!diagnostics.some((d) => d.code === "internal-error"));
    } finally {
      await client.stop();
      fs.rmSync(config);
    }
  });

  test("a rule that throws a value that cannot be printed: one internal-error, the file keeps its other findings", async () => {
    const plugin = path.join(root, "throws-unprintable.js");
    fs.writeFileSync(plugin, `module.exports = [
      { id: "test-null-proto", messages: {}, schema: {}, defaultOptions: {},
        meta: { family: "timer", description: "throws", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "warning" },
        create() { return { onFileEnd() { throw Object.create(null); } }; } },
      { id: "test-bad-getter", messages: {}, schema: {}, defaultOptions: {},
        meta: { family: "timer", description: "throws", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "warning" },
        create() { return { onFileEnd() { throw { get message() { throw 1; }, toString() { throw 2; } }; } }; } },
      { id: "${RULE}", messages: {}, schema: {}, defaultOptions: {},
        meta: { family: "timer", description: "collides", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "warning" },
        create() { return {}; } },
    ];\n`);
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0, trusted: true, extraRules: [plugin] } });
    try {
      const document = client.open(path.join(root, "src", "timers", "metrics.ts"));
      const diagnostics = await client.diagnosticsFor(document.uri, 1);
      assert.deepEqual(lines(diagnostics), [7, 19, 35], "the built-in rule still reports (the colliding extra rule was left out)");
      const crashes = diagnostics.filter((d) => d.code === "internal-error").map((d) => String(d.message)).sort();
      assert.equal(crashes.length, 2);
      assert.match(crashes[0], /^Rule "test-bad-getter" failed/);
      assert.match(crashes[1], /^Rule "test-null-proto" failed/);
      assert.ok(client.notifications.some((n) => n.method === "window/logMessage" && /same id as the built-in rule "uncleared-interval"/.test(n.params.message)));
    } finally {
      await client.stop();
    }
  });

  for (const trusted of ["false", 0, null, undefined, "true", 1]) {
    test(`trust fails closed: trusted ${JSON.stringify(trusted) ?? "missing"} loads no workspace config or extra rules`, async () => {
      const config = path.join(root, "leaklint.config.json");
      fs.writeFileSync(config, "{ \"rules\": { \"uncleared-interval\": \"off\" } }");
      const options: Record<string, unknown> = { debounceMs: 0, extraRules: [path.join(root, "throwing-rule.js")] };
      if (trusted !== undefined) options.trusted = trusted;
      const client = await TestClient.start({ root, initializationOptions: options });
      try {
        const document = client.open(path.join(root, "src", "timers", "metrics.ts"));
        const diagnostics = await client.diagnosticsFor(document.uri, 1);
        assert.deepEqual(lines(diagnostics), [7, 19, 35], "the config that turns the rule off was not read");
        assert.ok(!diagnostics.some((d) => d.code === "internal-error"), "the extra rule was not loaded");
      } finally {
        await client.stop();
        fs.rmSync(config);
      }
    });
  }

  test("a client that breaks message framing gets a parse error, and the server keeps serving", async () => {
    const client = await TestClient.start({ root, initializationOptions: { debounceMs: 0 } });
    try {
      for (const broken of ["Content-Length: many\r\n\r\n", "Content-Length: 8\r\n\r\nnot json"]) {
        const answer = client.waitForOutput(/\{"jsonrpc":"2\.0","id":null,"error":\{"code":-32700,"message":"[^"]*cannot read a message from the client/);
        client.writeRaw(broken);
        assert.ok(await answer);
      }
      const rules = await client.connection.sendRequest<unknown[]>("leaklint/rules");
      assert.ok(rules.length > 0, "still answering");
    } finally {
      await client.stop();
    }
  });

  test("pull diagnostics when the client offers textDocument/diagnostic", async () => {
    const client = await TestClient.start({ root, pull: true });
    try {
      assert.equal(client.capabilities.diagnosticProvider?.identifier, "leaklint");
      const document = client.open(path.join(root, "src", "web", "dashboard.tsx"));
      const report = await client.connection.sendRequest<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri: document.uri } });
      assert.equal(report.kind, "full");
      assert.deepEqual(lines((report as { items: Diagnostic[] }).items), [8]);
      assert.ok(!client.notifications.some((n) => n.method === "textDocument/publishDiagnostics" && n.params.diagnostics.length > 0), "nothing pushed");
    } finally {
      await client.stop();
    }
  });
});
