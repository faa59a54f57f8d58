// Editor parity with the ESLint extension, over real LSP stdio: the `leaklint.validate`
// languages (Vue and Svelte through their script blocks), files the CLI would not lint
// (node_modules, .gitignore), "Disable for this line" adding to an existing directive,
// "Fix all <rule> problems", the slow / skipped status, hidden suppressed findings, and
// the config file the CLI and the server pick for a file under a nested config.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { REPO, TestClient, copyExample, uriOf } from "./lib/lsp-client";

/** `leaklint/status` (server/src/protocol.ts), the fields these tests read. */
interface StatusParams {
  uri: string;
  state: string;
  message?: string;
  durationMs?: number;
  slow?: string;
}

const INTERVAL = "uncleared-interval";
/** A machine shared by many jobs can take longer than the 10 s analysis budget: these tests are not about the budget. */
const LOADED = { analysisBudgetMs: 600_000 };
const codes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code)).sort();
const write = (file: string, text: string): string => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

const VUE = '<template><div/></template>\n<script setup lang="ts">\nimport { onMounted } from "vue";\nonMounted(() => {\n  setInterval(() => {}, 1000);\n});\n</script>\n';
const SVELTE = '<script>\n  import { onMount } from "svelte";\n  onMount(() => {\n    setInterval(() => {}, 1000);\n  });\n</script>\n<div/>\n';
/** Two dropped intervals in a class with dispose(): each has a safe fix. */
const TWO_INTERVALS = [
  "export class Poller {",
  "  start(): void {",
  "    setInterval(() => this.tick(), 1000);",
  "    setInterval(() => this.tick(), 5000);",
  "  }",
  "  tick(): void {}",
  "  dispose(): void {}",
  "}",
  "",
].join("\n");

describe("language server: editor parity", () => {
  let root: string;
  let client: TestClient;

  before(async () => {
    root = copyExample("server-editor");
    client = await TestClient.start({ root, initializationOptions: { ...LOADED, debounceMs: 0, trusted: true, customNotifications: true } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("validate: .vue and .svelte files get diagnostics at their own lines; a language left out of leaklint.validate gets none", async () => {
    const vue = client.open(write(path.join(root, "src", "web", "Panel.vue"), VUE));
    const vueFound = (await client.diagnosticsFor(vue.uri, 1)).filter((d) => d.code === INTERVAL);
    assert.deepEqual(vueFound.map((d) => d.range.start.line + 1), [5]);
    const svelte = client.open(write(path.join(root, "src", "web", "Clock.svelte"), SVELTE));
    const svelteFound = (await client.diagnosticsFor(svelte.uri, 1)).filter((d) => d.code === INTERVAL);
    assert.deepEqual(svelteFound.map((d) => d.range.start.line + 1), [4]);
    // The safe fix edits the component's own text (offsets mapped back over the setup wrapper).
    const actions = await client.codeActions(svelte.uri, svelteFound[0]);
    const [fixed] = client.applyWorkspaceEdit(actions[0].edit!);
    assert.ok(fixed.getText().startsWith("<script>\n") && fixed.getText().endsWith("</script>\n<div/>\n"), fixed.getText());
    assert.deepEqual((await client.diagnosticsFor(svelte.uri, fixed.version)).filter((d) => d.code === INTERVAL), []);

    client.settings = { validate: ["typescript"] };
    client.connection.sendNotification("workspace/didChangeConfiguration", { settings: {} });
    const other = client.open(write(path.join(root, "src", "web", "Other.vue"), VUE));
    assert.deepEqual(await client.diagnosticsFor(other.uri, 1), []);
    client.settings = {};
    client.connection.sendNotification("workspace/didChangeConfiguration", { settings: {} });
  });

  test("a file in node_modules and a .gitignore'd file get no diagnostics; the same text elsewhere does", async () => {
    const leak = "export function tick(): void { setInterval(() => {}, 1000); }\n";
    write(path.join(root, ".gitignore"), "generated/\n");
    const inModules = client.open(write(path.join(root, "node_modules", "dep", "index.ts"), leak));
    const ignored = client.open(write(path.join(root, "generated", "timers.ts"), leak));
    const linted = client.open(write(path.join(root, "src", "timers", "plain.ts"), leak));
    assert.deepEqual(codes(await client.diagnosticsFor(linted.uri, 1)), [INTERVAL]);
    assert.deepEqual(await client.diagnosticsFor(inModules.uri, 1), []);
    assert.deepEqual(await client.diagnosticsFor(ignored.uri, 1), []);
    const status = await client.waitFor<StatusParams>("leaklint/status", (s) => s.uri === ignored.uri);
    assert.match(status.message ?? "", /ignored/);
  });

  test("Disable for this line adds the rule to the line's leaklint-disable-next-line directive instead of stacking a second one", async () => {
    const text = [
      "export function tick(): void {",
      "",
      "  // leaklint-disable-next-line listener-not-removed -- the bus dies with the request",
      "  setInterval(() => {}, 10);",
      "}",
    ].join("\n");
    const document = client.open(write(path.join(root, "src", "timers", "directive.ts"), text));
    const [interval] = (await client.diagnosticsFor(document.uri, 1)).filter((d) => d.code === INTERVAL);
    assert.ok(interval, "the interval is still reported");
    const disable = (await client.codeActions(document.uri, interval)).find((a) => a.title === `Disable ${INTERVAL} for this line`)!;
    const [disabled] = client.applyWorkspaceEdit(disable.edit!);
    assert.equal(disabled.getText().split("\n")[2],
      `  // leaklint-disable-next-line listener-not-removed, ${INTERVAL} -- the bus dies with the request`);
    assert.equal(disabled.lineCount, document.lineCount, "no second directive line");
    assert.deepEqual((await client.diagnosticsFor(document.uri, disabled.version)).filter((d) => d.code === INTERVAL), []);
  });

  test("Fix all <rule> problems comes after Disable for this line and fixes that rule's findings only", async () => {
    const document = client.open(write(path.join(root, "src", "timers", "poller.ts"), TWO_INTERVALS));
    const found = (await client.diagnosticsFor(document.uri, 1)).filter((d) => d.code === INTERVAL);
    assert.equal(found.length, 2);
    const titles = (await client.codeActions(document.uri, found[0])).map((a) => a.title);
    const at = titles.indexOf(`Fix all ${INTERVAL} problems`);
    assert.ok(at > titles.indexOf(`Disable ${INTERVAL} for this line`) && at < titles.indexOf(`Disable ${INTERVAL} for the entire file`), titles.join(" | "));
    const action = (await client.codeActions(document.uri, found[0]))[at];
    const before = client.appliedEdits.length;
    await client.connection.sendRequest("workspace/executeCommand", action.command);
    assert.equal(client.appliedEdits.length, before + 1);
    const [fixed] = client.applyWorkspaceEdit(client.appliedEdits.at(-1)!);
    assert.equal(fixed.getText().match(/clearInterval\(/g)?.length, 2, fixed.getText());
    assert.deepEqual((await client.diagnosticsFor(document.uri, fixed.version)).filter((d) => d.code === INTERVAL), []);
  });

  test("hideSuppressedFindings leaves out what leaklint-suppressions.json suppresses", async () => {
    const file = write(path.join(root, "src", "timers", "baseline.ts"), "export function tick(): void { setInterval(() => {}, 5); }\n");
    write(path.join(root, "leaklint-suppressions.json"), JSON.stringify({ "src/timers/baseline.ts": { [INTERVAL]: { count: 1 } } }));
    const shown = client.open(file);
    assert.deepEqual((await client.diagnosticsFor(shown.uri, 1)).map((d) => [d.code, d.severity]), [[INTERVAL, 3]]);
    client.settings = { hideSuppressedFindings: true };
    client.connection.sendNotification("workspace/didChangeConfiguration", { settings: {} });
    const end = shown.positionAt(shown.getText().length);
    const hidden = client.change(shown.uri, [{ range: { start: end, end }, newText: "\n" }]);
    assert.deepEqual(await client.diagnosticsFor(hidden.uri, hidden.version), []);
    client.settings = {};
    client.connection.sendNotification("workspace/didChangeConfiguration", { settings: {} });
    fs.rmSync(path.join(root, "leaklint-suppressions.json"));
  });
});

describe("language server: slow and skipped analyses", () => {
  let root: string;
  before(() => {
    root = copyExample("server-slow");
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test("an analysis over leaklint.slowAnalysisMs is a slow status; under it, none; one over the budget is skipped", async () => {
    const metrics = path.join(root, "src", "timers", "metrics.ts");
    const client = await TestClient.start({ root, settings: { slowAnalysisMs: 1 }, initializationOptions: { ...LOADED, debounceMs: 0, trusted: true, customNotifications: true } });
    try {
      const document = client.open(metrics);
      const status = await client.waitFor<StatusParams>("leaklint/status", (s) => s.uri === document.uri);
      assert.equal(status.slow, "slow");
      assert.equal(status.state, "warn");
      assert.ok(status.durationMs! > 1);
      assert.match(status.message ?? "", /slow: \d+\.\d s \(leaklint\.slowAnalysisMs is 1 ms\)/);
    } finally {
      await client.stop();
    }
    const relaxed = await TestClient.start({ root, settings: { slowAnalysisMs: 600_000 }, initializationOptions: { ...LOADED, debounceMs: 0, trusted: true, customNotifications: true } });
    try {
      const document = relaxed.open(metrics);
      const status = await relaxed.waitFor<StatusParams>("leaklint/status", (s) => s.uri === document.uri);
      assert.equal(status.slow, undefined);
      assert.equal(typeof status.durationMs, "number");
    } finally {
      await relaxed.stop();
    }
    const small = await TestClient.start({ root, initializationOptions: { ...LOADED, debounceMs: 0, trusted: true, customNotifications: true, maxDocumentSize: 10 } });
    try {
      const document = small.open(metrics);
      const status = await small.waitFor<StatusParams>("leaklint/status", (s) => s.uri === document.uri);
      assert.equal(status.slow, "skipped");
    } finally {
      await small.stop();
    }
  });
});

describe("config lookup: the CLI and the server agree on a nested config", () => {
  let root: string;
  before(() => {
    root = copyExample("nested-config");
    write(path.join(root, "leaklint.config.json"), JSON.stringify({ rules: { [INTERVAL]: "off" } }));
    write(path.join(root, "src", "timers", "leaklint.config.json"), JSON.stringify({ rules: { [INTERVAL]: "info" } }));
    write(path.join(root, "src", "outer.ts"), "export function tick(): void { setInterval(() => {}, 5); }\n");
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test("each file takes its nearest config in both hosts", async () => {
    const metrics = path.join(root, "src", "timers", "metrics.ts");
    const outer = path.join(root, "src", "outer.ts");
    // The example sits in test/.tmp, which the repository's .gitignore lists: --no-ignore lints it as its own project.
    const cli = spawnSync(process.execPath, [path.join(REPO, "rules", "bin", "leaklint.js"), "--format", "json", "--no-ignore", "src/timers/metrics.ts", "src/outer.ts"],
      { cwd: root, encoding: "utf8" });
    const findings = JSON.parse(cli.stdout) as Array<{ filePath: string; ruleId: string; severity: string; line: number }>;
    const cliIntervals = (file: string): Array<[number, string]> =>
      findings.filter((f) => f.filePath === file && f.ruleId === INTERVAL).map((f) => [f.line, f.severity]);
    assert.deepEqual(cliIntervals(metrics), [[7, "info"], [19, "info"], [35, "info"]]);
    assert.deepEqual(cliIntervals(outer), []);

    const client = await TestClient.start({ root, initializationOptions: { ...LOADED, debounceMs: 0, trusted: true } });
    try {
      const serverIntervals = async (file: string): Promise<Array<[number, string]>> => {
        const document = client.open(file);
        return (await client.diagnosticsFor(document.uri, 1)).filter((d) => d.code === INTERVAL)
          .map((d) => [d.range.start.line + 1, d.severity === 3 ? "info" : String(d.severity)]);
      };
      assert.deepEqual(await serverIntervals(metrics), cliIntervals(metrics));
      assert.deepEqual(await serverIntervals(outer), cliIntervals(outer));
    } finally {
      await client.stop();
    }
    assert.ok(fs.existsSync(uriOf(outer).replace("file://", "")));
  });
});

describe("language server: the workspace's own leaklint", () => {
  let root: string;
  before(() => {
    root = copyExample("workspace-engine");
    // An installed copy of the leaklint package (its manifest, built engine and rule pages), as `npm i -D leaklint` leaves it.
    const installed = path.join(root, "node_modules", "leaklint");
    fs.cpSync(path.join(REPO, "rules", "dist"), path.join(installed, "dist"), { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "rules", "package.json"), "utf8"));
    write(path.join(installed, "package.json"), JSON.stringify({ ...manifest, version: "0.1.0-workspace" }));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const logged = (client: TestClient, pattern: RegExp): Promise<unknown> =>
    client.waitFor<{ message: string }>("window/logMessage", (p) => pattern.test(p.message));

  test("trusted: lints with node_modules/leaklint and says so; the setting or an untrusted workspace keeps the bundled one", async () => {
    const metrics = path.join(root, "src", "timers", "metrics.ts");
    const lines = async (client: TestClient): Promise<number[]> => {
      const document = client.open(metrics);
      return (await client.diagnosticsFor(document.uri, 1)).filter((d) => d.code === INTERVAL).map((d) => d.range.start.line + 1);
    };
    const workspace = await TestClient.start({ root, initializationOptions: { ...LOADED, debounceMs: 0, trusted: true } });
    try {
      assert.deepEqual(await lines(workspace), [7, 19, 35]);
      await logged(workspace, /using the workspace's leaklint 0\.1\.0-workspace from .*node_modules[/\\]leaklint/);
      // Its fixes come back through the same code actions.
      const [, dropped] = (await workspace.diagnosticsFor(uriOf(metrics), 1)).filter((d) => d.code === INTERVAL);
      const actions = await workspace.codeActions(uriOf(metrics), dropped);
      assert.equal(actions[0].title, "Store the timer in this.interval and clear it in dispose()");
    } finally {
      await workspace.stop();
    }
    const off = await TestClient.start({ root, settings: { useWorkspaceLeaklint: false }, initializationOptions: { ...LOADED, debounceMs: 0, trusted: true } });
    try {
      assert.deepEqual(await lines(off), [7, 19, 35]);
      await logged(off, /using the bundled leaklint .*leaklint\.useWorkspaceLeaklint is false/);
    } finally {
      await off.stop();
    }
    const untrusted = await TestClient.start({ root, initializationOptions: { ...LOADED, debounceMs: 0, trusted: false } });
    try {
      assert.deepEqual(await lines(untrusted), [7, 19, 35]);
      await logged(untrusted, /using the bundled leaklint .*the workspace is not trusted/);
    } finally {
      await untrusted.stop();
    }
  });
});
