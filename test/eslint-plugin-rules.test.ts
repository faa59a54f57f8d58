// eslint-plugin-leaklint's rules as ESLint sees them: metadata and configs.recommended, rule
// options through ESLint's schema check, leaklint's directives and ESLint's own, the leaklint
// config file (file kinds, unused directives, a broken file), and the engine entry point's
// rule for a program it cannot use.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import ts from "typescript";
import type { Linter } from "eslint";
import plugin from "eslint-plugin-leaklint";
import { LEAKY, scratchProjects } from "./lib/scratch";
import { declaredFixKinds, docsUrlFor, lintHostedFile, lintText, rules } from "leaklint";
import { ESLINT_9, PLUGIN_DIR, tseslint } from "./lib/eslint";
import { lintOptions } from "./lib/fixtures";

const project = scratchProjects("leaklint-eslint-");

function lint(code: string, options: { dir?: string; file?: string; rules?: Linter.RulesRecord } = {}): Linter.LintMessage[] {
  const dir = options.dir ?? project({});
  const linter = new ESLINT_9.Linter({ cwd: dir });
  const config: Linter.Config[] = [
    { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } },
    plugin.configs.recommended,
    ...(options.rules ? [{ rules: options.rules }] : []),
  ];
  return linter.verify(code, config, { filename: path.join(dir, options.file ?? "src/poller.ts") });
}

const summary = (messages: Linter.LintMessage[]): string[] => messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`);

test("every rule is exposed with leaklint's metadata, and configs.recommended turns each on at its default severity", () => {
  const pkg = require(path.join(PLUGIN_DIR, "package.json")) as { name: string; version: string };
  assert.deepEqual(plugin.meta, { name: pkg.name, version: pkg.version });
  assert.deepEqual(Object.keys(plugin.rules), rules.map((r) => r.id));
  for (const rule of rules) {
    const meta = plugin.rules[rule.id].meta!;
    const kinds = declaredFixKinds(rule.meta);
    assert.equal(meta.docs?.url, docsUrlFor(rule.id));
    assert.equal(meta.docs?.description, rule.meta.description);
    assert.equal(meta.fixable, kinds.includes("safe") ? "code" : undefined, rule.id);
    assert.equal(meta.hasSuggestions, kinds.includes("suggestion"), rule.id);
    assert.deepEqual(meta.schema, [rule.schema]);
    assert.equal(plugin.configs.recommended.rules?.[`leaklint/${rule.id}`], rule.meta.defaultSeverity === "error" ? "error" : "warn");
  }
  assert.equal(plugin.configs.recommended.plugins?.leaklint, plugin);
});

test("a finding carries the CLI's message, range and severity", () => {
  const dir = project({});
  const messages = lint(LEAKY, { dir });
  const cli = lintText(path.join(dir, "src/poller.ts"), LEAKY, lintOptions());
  assert.equal(cli.length, 1);
  assert.deepEqual(messages.map((m) => [m.ruleId, m.message, m.line, m.column, m.endLine, m.endColumn, m.severity]), cli.map((d) => [
    `leaklint/${d.ruleId}`, d.message, d.startPos.line, d.startPos.column, d.endPos.line, d.endPos.column, 2]));
});

test("leaklint's directives silence findings as in the CLI, and so do ESLint's", () => {
  const line = "    setInterval(() => this.poll(), 1000);";
  const variants = {
    nextLine: LEAKY.replace(line, `    // leaklint-disable-next-line uncleared-interval -- polls for the process lifetime\n${line}`),
    sameLine: LEAKY.replace(line, `${line} // leaklint-disable-line`),
    block: `/* leaklint-disable uncleared-interval */\n${LEAKY}`,
    eslint: LEAKY.replace(line, `    // eslint-disable-next-line leaklint/uncleared-interval\n${line}`),
  };
  for (const [name, code] of Object.entries(variants)) assert.deepEqual(summary(lint(code)), [], name);
  const otherRule = LEAKY.replace(line, `    // leaklint-disable-next-line unclosed-stream\n${line}`);
  assert.deepEqual(lint(otherRule).map((m) => m.ruleId), ["leaklint/uncleared-interval"]);
});

test("rule options come from the ESLint config, checked against the rule's schema", () => {
  const entry = `import fs from "node:fs";\nsetInterval(() => fs.statSync("."), 1000);\n`;
  assert.deepEqual(summary(lint(entry)), []);
  const checked = lint(entry, { rules: { "leaklint/uncleared-interval": ["error", { checkEntryPoints: true }] } });
  assert.deepEqual(checked.map((m) => `${m.line}:${m.column} ${m.ruleId}`), ["2:1 leaklint/uncleared-interval"]);
  assert.match(checked[0].message, /module-level `setInterval` is never cleared/);
  assert.throws(() => lint(entry, { rules: { "leaklint/uncleared-interval": ["error", { checkEntryPont: true }] } }),
    /leaklint\/uncleared-interval[\s\S]*Unexpected property "checkEntryPont"/);
});

test("the leaklint config file applies as in the CLI: file kinds, unused directives", () => {
  // Timer findings are off in test files (leaklint's built-in file kinds), unless the config drops them.
  assert.deepEqual(summary(lint(LEAKY, { file: "src/poller.test.ts" })), []);
  const dir = project({ "leaklint.config.json": JSON.stringify({ builtinOverrides: false, reportUnusedDirectives: true }) });
  assert.deepEqual(lint(LEAKY, { dir, file: "src/poller.test.ts" }).map((m) => m.ruleId), ["leaklint/uncleared-interval"]);
  const unused = lint(`// leaklint-disable-next-line unclosed-stream\n${LEAKY}`, { dir });
  assert.deepEqual(unused.map((m) => `${m.line} ${m.message}`).sort(), [
    "1 Unused leaklint-disable-next-line directive (no problem of unclosed-stream was reported here).",
    `4 ${lint(LEAKY)[0].message}`,
  ]);
});

test("a broken leaklint config file is one message on the file, not a crash", () => {
  const dir = project({ "leaklint.config.json": JSON.stringify({ rules: { "no-such-rule": "error" } }) });
  const messages = lint(LEAKY, { dir });
  assert.equal(messages.length, 1);
  assert.match(messages[0].message, /^leaklint configuration: .*leaklint\.config\.json: rules\.no-such-rule: unknown rule "no-such-rule"$/);
  assert.deepEqual([messages[0].line, messages[0].column, messages[0].fatal], [1, 1, undefined]);
});

test("lintHostedFile uses a host's program only when it holds the file's text", () => {
  const dir = project({ "src/poller.ts": LEAKY });
  const file = path.join(dir, "src/poller.ts");
  const program = ts.createProgram({ rootNames: [file], options: { noEmit: true, types: [] } });
  const typed = lintHostedFile(file, LEAKY, program, lintOptions());
  assert.deepEqual([typed.typed, typed.untyped, typed.diagnostics.map((d) => d.ruleId)], [true, undefined, ["uncleared-interval"]]);
  const edited = lintHostedFile(file, `${LEAKY}\n`, program, lintOptions());
  assert.deepEqual([edited.typed, edited.untyped], [false, "the parser's program holds another version of this file"]);
  assert.deepEqual(edited.diagnostics.map((d) => d.ruleId), ["uncleared-interval"]);
  const elsewhere = lintHostedFile(path.join(dir, "src/other.ts"), LEAKY, program, lintOptions());
  assert.deepEqual([elsewhere.typed, elsewhere.untyped], [false, "the parser's program does not include this file"]);
  assert.deepEqual(lintHostedFile(file, LEAKY, undefined, lintOptions()).typed, false);
  // A component is linted loose, in place, without a notice: the parser's program holds its script alone.
  const component = lintHostedFile(path.join(dir, "src/Poller.vue"), `<template><p/></template>\n<script lang="ts">\n${LEAKY}</script>\n`, program, lintOptions());
  assert.deepEqual([component.typed, component.untyped, component.diagnostics.map((d) => `${d.ruleId} ${d.startPos.line}:${d.startPos.column}`)],
    [false, undefined, ["uncleared-interval 5:5"]]);
});
