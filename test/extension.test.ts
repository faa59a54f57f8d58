// The extension's static parts: the directive grammar (vscode-tmgrammar-test, against
// a stand-in TypeScript grammar and, when code-server is installed, the real one) and
// the `$leaklint` problem matcher against the CLI's stylish output, with and without colour.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { formatStylish } from "leaklint/dist/cli/formatters";
import type { FileResult, LintDiagnostic } from "leaklint";

const REPO = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
const REAL_TS_GRAMMAR = path.join(REPO, ".e2e/code-server/node_modules/code-server/lib/vscode/extensions/typescript-basics/syntaxes/TypeScript.tmLanguage.json");

describe("directive grammar", () => {
  const grammars = [path.join(REPO, "test/grammar/base-ts.tmLanguage.json")];
  if (fs.existsSync(REAL_TS_GRAMMAR)) grammars.push(REAL_TS_GRAMMAR);
  for (const base of grammars) {
    test(`scopes of leaklint directives inside ${path.basename(path.dirname(path.dirname(base)))} TypeScript comments`, () => {
      const result = spawnSync(path.join(REPO, "node_modules/.bin/vscode-tmgrammar-test"),
        ["-g", base, "-g", path.join(REPO, "syntaxes/leaklint-directives.tmLanguage.json"), "test/grammar/cases/*.ts"],
        { cwd: REPO, encoding: "utf8" });
      assert.equal(result.status, 0, result.stdout + result.stderr);
    });
  }

  test("the manifest injects the grammar into TS/JS", () => {
    const [grammar] = manifest.contributes.grammars;
    assert.equal(grammar.scopeName, JSON.parse(fs.readFileSync(path.join(REPO, grammar.path), "utf8")).scopeName);
    assert.deepEqual(grammar.injectTo, ["source.ts", "source.tsx", "source.js", "source.js.jsx"]);
  });
});

describe("$leaklint problem matcher", () => {
  const [matcher] = manifest.contributes.problemMatchers;
  const [filePattern, linePattern] = matcher.pattern.map((p: { regexp: string }) => new RegExp(p.regexp));
  const diagnostic = (line: number, severity: LintDiagnostic["severity"], ruleId: string, message: string): LintDiagnostic => ({
    fileName: "/w/src/a.ts", ruleId, family: "timer", severity, message, start: 0, end: 1,
    startPos: { line, column: 3 }, endPos: { line, column: 9 }, related: [], fixes: [], docsUrl: "",
  });
  const results: FileResult[] = [{
    filePath: "/w/src/a.ts",
    diagnostics: [diagnostic(7, "error", "uncleared-interval", "The handle of this `setInterval` is dropped:  it leaks."),
      diagnostic(12, "warning", "listener-not-removed", "`on(\"data\")` is never removed")],
  }];

  for (const color of [false, true]) {
    test(`matches stylish output (${color ? "colour" : "plain"})`, () => {
      const found: Array<{ file: string; line: string; column: string; severity: string; message: string; code: string }> = [];
      let file: string | undefined;
      for (const line of formatStylish(results, color).split("\n")) {
        const entry = file ? linePattern.exec(line) : null;
        if (entry) {
          found.push({ file: file!, line: entry[1], column: entry[2], severity: entry[3], message: entry[4], code: entry[5] });
          continue;
        }
        const header = filePattern.exec(line);
        file = header ? header[1] : undefined;
      }
      assert.deepEqual(found, [
        { file: "/w/src/a.ts", line: "7", column: "3", severity: "error", message: "The handle of this `setInterval` is dropped:  it leaks.", code: "uncleared-interval" },
        { file: "/w/src/a.ts", line: "12", column: "3", severity: "warning", message: "`on(\"data\")` is never removed", code: "listener-not-removed" },
      ]);
    });
  }
});
