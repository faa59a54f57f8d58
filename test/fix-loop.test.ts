// The fix-until-stable loop (`--fix`, fix-all) with rules whose safe fixes do not make
// their finding go away: per fix, the re-lint of the pass shows the same finding (same
// rule, message and node) and the fix is left out as a suggestion, while the file's other
// fixes are applied; a finding that moves to another node on every pass is caught by the
// 10-pass bound. Real parses and the real linter; the rules are small test rules of the
// shapes that used to re-apply (a release put where the rule cannot see it).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import ts from "typescript";
import { type LintDiagnostic, type RuleModule, MAX_FIX_PASSES, defineRule, fixUntilStable, insertAfter, insertAt, lintText, makeFix, mapOffset, replaceNode } from "leaklint";

const SETTINGS = { resources: [], listeners: [], pools: [] };

function rule(id: string, visit: (node: ts.Node, context: { sourceFile: ts.SourceFile; report: (node: ts.Node, fix: ReturnType<typeof makeFix>) => void }) => void): RuleModule {
  return defineRule({
    id,
    meta: { family: "timer", description: `test rule ${id}`, fix: ["safe", "suggestion"], requiresTypeInfo: false, requires: [], defaultSeverity: "warning" },
    messages: { m: "found {{what}}" },
    schema: {},
    defaultOptions: {},
    create: (context) => ({
      onFileEnd: () => {
        const walk = (node: ts.Node): void => {
          visit(node, { sourceFile: context.sourceFile, report: (at, fix) => context.report({ node: at, messageId: "m", data: { what: at.getText(context.sourceFile) }, fixes: [fix] }) });
          ts.forEachChild(node, walk);
        };
        walk(context.sourceFile);
      },
    }),
  }) as RuleModule;
}

/**
 * The Vue-setup / try-in-effect shape: `setInterval(…)` is reported unless its own block
 * clears it, and the fix adds the clear somewhere else (the end of the file), so every
 * pass would add one more.
 */
const misplacedClear = rule("misplaced-clear", (node, { sourceFile, report }) => {
  if (!ts.isCallExpression(node) || node.expression.getText(sourceFile) !== "setInterval" || !ts.isExpressionStatement(node.parent)) return;
  const block = node.parent.parent;
  if (block.getText(sourceFile).includes("clearInterval(")) return;
  report(node.expression, makeFix("Clear it", true, [insertAt(sourceFile.text.length, "clearInterval(0);\n")]));
});

/** A fix that converges: `debugger;` is removed. */
const noDebugger = rule("no-debugger-test", (node, { sourceFile, report }) => {
  if (node.kind === ts.SyntaxKind.DebuggerStatement) report(node, makeFix("Remove it", true, [replaceNode(node, sourceFile, "")]));
});

/** `mark(…)` calls want a `/*ok*\/` after them; the fix of `mark(2)` puts it at the file's start instead. */
const markOk = rule("mark-ok", (node, { sourceFile, report }) => {
  if (!ts.isCallExpression(node) || node.expression.getText(sourceFile) !== "mark") return;
  if (sourceFile.text.startsWith("/*ok*/", node.getEnd())) return;
  const wrong = node.arguments[0]?.getText(sourceFile) === "2";
  report(node, makeFix("Mark it", true, [wrong ? insertAt(0, "/*ok*/") : insertAfter(node, "/*ok*/")]));
});

/** The finding moves on: the last `tick();` is reported and the fix appends another one. */
const appendTick = rule("append-tick", (node, { sourceFile, report }) => {
  if (!ts.isSourceFile(node)) return;
  const last = node.statements[node.statements.length - 1];
  if (last && last.getText(sourceFile) === "tick();") report(last, makeFix("Tick again", true, [insertAfter(last, "\ntick();")]));
});

function loop(text: string, rules: RuleModule[]): { result: ReturnType<typeof fixUntilStable>; lints: number } {
  let lints = 0;
  const lint = (current: string): LintDiagnostic[] => {
    lints++;
    return lintText("/virtual/fix-loop.ts", current, { rules: rules.map((r) => ({ rule: r, severity: "warning" as const, options: {} })), settings: SETTINGS });
  };
  return { result: fixUntilStable(text, lint), lints };
}

describe("fix loop: per-fix convergence", () => {
  test("a safe fix that leaves its own finding is not applied and comes back as a suggestion; the other rules' fixes are applied", () => {
    const text = "function setup() {\n  setInterval(tick, 1000);\n  debugger;\n}\n";
    const { result, lints } = loop(text, [misplacedClear, noDebugger]);
    assert.equal(result.text, "function setup() {\n  setInterval(tick, 1000);\n  \n}\n", "only the converging fix is applied");
    assert.deepEqual(result.notConverged, ["misplaced-clear"]);
    const left = result.diagnostics.filter((d) => d.ruleId === "misplaced-clear");
    assert.equal(left.length, 1);
    assert.deepEqual(left[0].fixes.map((f) => f.safe), [false], "offered as a suggestion only");
    assert.match(left[0].fixes[0].description, /leaves this finding/);
    assert.ok(lints <= 4, `found at the first re-lint, not after ${MAX_FIX_PASSES} passes (${lints} lints)`);
  });

  test("of two findings of one rule, the converging fix is applied and the other is left out", () => {
    const { result } = loop("mark(1);\nmark(2);\n", [markOk]);
    assert.equal(result.text, "mark(1)/*ok*/;\nmark(2);\n");
    assert.deepEqual(result.notConverged, ["mark-ok"]);
    assert.deepEqual(result.diagnostics.map((d) => [d.message, d.fixes.map((f) => f.safe)]), [["found mark(2)", [false]]]);
  });

  test("fixing again is stable: the stuck fix is still left out", () => {
    const first = loop("function setup() {\n  setInterval(tick, 1000);\n}\n", [misplacedClear]).result;
    const again = loop(first.text, [misplacedClear]).result;
    assert.equal(again.text, first.text);
  });

  test("a finding that moves to a new node on every pass is caught by the pass bound; the file is left as it was", () => {
    const text = "let n = 0;\ntick();\n";
    const { result, lints } = loop(text, [appendTick, noDebugger]);
    assert.equal(result.text, text);
    assert.deepEqual(result.notConverged, ["append-tick"]);
    assert.ok(lints > MAX_FIX_PASSES, "it took the bound to see it");
  });

  test("fixes that converge in one pass cost no extra lint", () => {
    const { result, lints } = loop("debugger;\nlet a = 1;\ndebugger;\n", [noDebugger]);
    assert.equal(result.text, "\nlet a = 1;\n\n");
    assert.deepEqual(result.notConverged, []);
    assert.equal(lints, 2, "the first lint and the re-lint after the pass");
  });
});

describe("fix loop: offsets carried through a pass's edits", () => {
  const text = "aa setTimeout(f) bb";
  const call = { start: 3, end: 16 };
  test("shifted by edits before, unchanged by edits after, an insertion at a range's edge stays outside it", () => {
    const edits = [{ start: 0, end: 2, newText: "xxxx" }, { start: 17, end: 19, newText: "" }];
    assert.equal(mapOffset(call.start, text, edits, "start"), 5);
    assert.equal(mapOffset(call.end, text, edits, "end"), 18);
    const atEdges = [{ start: 3, end: 3, newText: "const t = " }, { start: 16, end: 16, newText: ".unref()" }];
    assert.deepEqual([mapOffset(call.start, text, atEdges, "start"), mapOffset(call.end, text, atEdges, "end")], [13, 26]);
  });

  test("followed into a replacement that keeps the old text (a wrapped node); lost in one that rewrites it", () => {
    const wrapped = [{ start: 3, end: 16, newText: "const timer = setTimeout(f)" }];
    assert.deepEqual([mapOffset(call.start, text, wrapped, "start"), mapOffset(call.start + 10, text, wrapped, "end")], [17, 27]);
    const rewritten = [{ start: 3, end: 16, newText: "AbortSignal.timeout(5)" }];
    assert.equal(mapOffset(call.start, text, rewritten, "start"), undefined);
  });
});
