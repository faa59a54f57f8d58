// The engine's quick lints (core/incremental.ts) on given edits: which statements a quick lint
// visits, that it takes the others' findings over at their new offsets and lines, and that its
// findings are the exact lint's in the cases it claims to follow (an edit inside one function;
// lines added; a module-level timer started in one function and cleared in another), and when
// it is a full lint instead. The random sequences over LSP are test/server-quick-lint.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import ts from "typescript";
import { LOOSE_PARSE_OPTIONS, type LintDiagnostic, LintMemo, defaultConfig, lintSourceFile, resolveRules, rules } from "leaklint";

const OPTIONS = { rules: resolveRules(rules, defaultConfig("/virtual")), settings: defaultConfig("/virtual").settings };

/** A file linted, then edited (the first `from` after `anchor` → `to`) and linted quick and exactly. */
function editAndLint(text: string, from: string, to: string, anchor = ""): { quick: LintDiagnostic[]; exact: LintDiagnostic[]; memo: LintMemo; visited: number } {
  const memo = new LintMemo();
  let sourceFile = ts.createSourceFile("/virtual/file.ts", text, LOOSE_PARSE_OPTIONS, false);
  lintSourceFile(sourceFile, undefined, { ...OPTIONS, incremental: { memo, exact: true } });
  const at = text.indexOf(from, text.indexOf(anchor));
  assert.ok(at >= 0, `no ${from} in the text`);
  const next = text.slice(0, at) + to + text.slice(at + from.length);
  sourceFile = ts.updateSourceFile(sourceFile, next, ts.createTextChangeRange(ts.createTextSpan(at, from.length), to.length));
  let visited = 0;
  const plan = memo.plan.bind(memo);
  memo.plan = (...args) => {
    const made = plan(...args);
    visited = made?.visit.size ?? -1;
    return made;
  };
  const quick = lintSourceFile(sourceFile, undefined, { ...OPTIONS, incremental: { memo, exact: false } });
  const exact = lintSourceFile(sourceFile, undefined, { ...OPTIONS, incremental: { memo: new LintMemo(), exact: true } });
  return { quick, exact, memo, visited };
}

const comparable = (diagnostics: LintDiagnostic[]): string[] => diagnostics.map((d) => JSON.stringify(d));

/** Independent classes with dropped intervals, and helpers. */
function workers(count: number): string {
  let text = "";
  for (let i = 0; i < count; i++) {
    text += `export class Worker${i} {\n  start(): void {\n    setInterval(() => this.tick(), 1000);\n  }\n  tick(): void {}\n  dispose(): void {}\n}\n`;
    text += `export function helper${i}(items: number[]): number {\n  let total = 0;\n  for (const item of items) total += item * 1;\n  return total;\n}\n\n`;
  }
  return text;
}

describe("quick lints", () => {
  test("an edit inside one function visits that statement only and moves the other findings", () => {
    const text = workers(20);
    const { quick, exact, memo, visited } = editAndLint(text, "item * 1;", "item * 12345;", "helper10");
    assert.equal(memo.quick, 1);
    assert.equal(visited, 1);
    assert.equal(exact.filter((d) => d.ruleId === "uncleared-interval").length, 20);
    assert.deepEqual(comparable(quick), comparable(exact)); // offsets after the edit moved by 4
  });

  test("lines added above findings move their lines", () => {
    const text = workers(6);
    const { quick, exact, memo } = editAndLint(text, "let total = 0;", "let total = 0;\n  total += 0;\n  total += 0;", "helper2");
    assert.equal(memo.quick, 1);
    assert.deepEqual(comparable(quick), comparable(exact));
  });

  test("a module-level timer cleared in another function: the statements that share its name are visited too", () => {
    const helpers = workers(8);
    const text = `${helpers}let poll: ReturnType<typeof setInterval> | undefined;\nexport function startPolling(): void {\n  poll = setInterval(() => {}, 1000);\n}\nexport function stopPolling(): void {\n}\n${helpers.replace(/Worker|helper/g, (name) => `${name}B`)}`;
    const before = editAndLint(text, "total += item * 1;", "total += item * 2;");
    assert.ok(before.exact.some((d) => d.ruleId === "uncleared-interval" && d.message.includes("`poll`")), "the uncleared module-level timer is reported");
    const { quick, exact, memo, visited } = editAndLint(text, "{\n}", "{\n  clearInterval(poll);\n}", "function stopPolling");
    assert.equal(memo.quick, 1, memo.fullBecause);
    // stopPolling(), and the declaration and startPolling() that share `poll` (the parser may re-parse the statement after the edit too).
    assert.ok(visited >= 3 && visited <= 4, `${visited} statements visited`);
    assert.ok(!exact.some((d) => d.message.includes("`poll`")));
    assert.deepEqual(comparable(quick), comparable(exact));
  });

  test("a changed import, a directive or most of the file affected makes it a full lint", () => {
    const text = `import { EventEmitter } from "node:events";\n${workers(4)}`;
    for (const [from, to, why] of [
      ['from "node:events"', 'from "events"', "an import, export or directive changed"],
      ["  dispose(): void {}\n}\nexport function helper2", "  dispose(): void {}\n}\n// leaklint-disable-next-line\nexport function helper2", "an import, export or directive changed"],
    ] as const) {
      const { quick, exact, memo } = editAndLint(text, from, to);
      assert.equal(memo.quick, 0);
      assert.equal(memo.fullBecause, why);
      assert.deepEqual(comparable(quick), comparable(exact));
    }
    const small = editAndLint("let a = 1;\nlet b = a;\n", "let b = a;", "let b = a + 1;");
    assert.equal(small.memo.fullBecause, "the edit can affect most of the file");
  });
});
