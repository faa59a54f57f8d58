// The engine's shared analyses on small programs: import-resolved names, the
// acquire → release walk, lifetimes and owners, directives and fault isolation.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import ts from "typescript";
import {
  Directives, Facts, LOOSE_COMPILER_OPTIONS, type RuleModule, classifyReference, defineRule, lintSourceFile, lintText, walk,
} from "leaklint";

function analyse(text: string, fileName = "/virtual/file.ts"): { facts: Facts; sourceFile: ts.SourceFile; program: ts.Program } {
  const host = ts.createCompilerHost(LOOSE_COMPILER_OPTIONS, true);
  host.getSourceFile = (name, version) => (name === fileName ? ts.createSourceFile(name, text, version, true) : undefined);
  host.fileExists = (name) => name === fileName;
  const program = ts.createProgram({ rootNames: [fileName], options: LOOSE_COMPILER_OPTIONS, host });
  const sourceFile = program.getSourceFile(fileName)!;
  return { facts: new Facts(sourceFile, program, program.getTypeChecker(), false), sourceFile, program };
}

function find<T extends ts.Node>(root: ts.Node, predicate: (node: ts.Node) => node is T, nth = 0): T {
  const found: T[] = [];
  walk(root, (node) => {
    if (predicate(node)) found.push(node);
  });
  assert.ok(found[nth], "node not found");
  return found[nth];
}

function callNamed(root: ts.Node, name: string, nth = 0): ts.CallExpression {
  return find(root, (n): n is ts.CallExpression => ts.isCallExpression(n) && n.expression.getText().endsWith(name), nth);
}

describe("import-resolved names", () => {
  const cases: Array<[string, string, string]> = [
    ['import { createReadStream } from "node:fs"; createReadStream("a");', "createReadStream", "fs:createReadStream"],
    ['import { createReadStream as open } from "fs"; open("a");', "open", "fs:createReadStream"],
    ['import * as fs from "fs"; fs.createReadStream("a");', "createReadStream", "fs:createReadStream"],
    ['import fs from "fs"; fs.promises.open("a");', "open", "fs:promises.open"],
    ['import { open } from "fs/promises"; open("a");', "open", "fs:promises.open"],
    ['const fs = require("fs"); fs.createReadStream("a");', "createReadStream", "fs:createReadStream"],
    ['const { createReadStream: crs } = require("node:fs"); crs("a");', "crs", "fs:createReadStream"],
    ['const { promises: { open } } = require("fs"); open("a");', "open", "fs:promises.open"],
    ['const fsp = require("fs").promises; fsp.open("a");', "open", "fs:promises.open"],
    ['import fs = require("fs"); fs.openSync("a");', "openSync", "fs:openSync"],
    ["setInterval(tick, 10);", "setInterval", "global:setInterval"],
    ["window.setInterval(tick, 10);", "setInterval", "global:setInterval"],
    ['import { setInterval as every } from "node:timers"; every(tick, 10);', "every", "global:setInterval"],
    ['import pg from "pg"; new pg.Pool();', "Pool", "pg:Pool"],
  ];
  for (const [code, callee, expected] of cases) {
    test(code, () => {
      const { facts, sourceFile } = analyse(code);
      const node = find(sourceFile, (n): n is ts.CallExpression | ts.NewExpression =>
        (ts.isCallExpression(n) || ts.isNewExpression(n)) && n.expression.getText().endsWith(callee));
      assert.equal(facts.calleeName(node), expected);
    });
  }

  test("a local declaration shadows the global", () => {
    const { facts, sourceFile } = analyse("function setInterval(f: () => void) { f(); }\nsetInterval(() => {});");
    assert.equal(facts.calleeName(callNamed(sourceFile, "setInterval")), undefined);
  });

  test("a reassignable binding is not followed", () => {
    const { facts, sourceFile } = analyse('function f() { let fs = require("fs"); fs = other; fs.createReadStream("a"); }');
    assert.equal(facts.calleeName(callNamed(sourceFile, "createReadStream")), undefined);
  });
});

describe("acquire → release walk", () => {
  function leak(code: string, exceptions = false): string | undefined {
    const { facts, sourceFile } = analyse(code);
    const acquisition = callNamed(sourceFile, "open");
    const declaration = acquisition.parent as ts.VariableDeclaration;
    const refs = facts.referencesTo(declaration.name as ts.Identifier);
    const releases = new Set<ts.Node>(refs.filter((r) => classifyReference(r, { releaseMethods: ["close"] }) !== "use"));
    const path = facts.findLeakPath({ acquisition, releases, exceptions });
    return path && `${path.kind}@${sourceFile.getLineAndCharacterOfPosition(path.node.getStart()).line + 1}`;
  }

  test("closed on the only path", () => {
    assert.equal(leak("function f() {\n  const h = open();\n  h.read();\n  h.close();\n}"), undefined);
  });
  test("early return before the close", () => {
    assert.equal(leak("function f(x) {\n  const h = open();\n  if (x) return 1;\n  h.close();\n}"), "return@3");
  });
  test("never closed: the end of the function", () => {
    assert.equal(leak("function f() {\n  const h = open();\n  h.read();\n}"), "end@4");
  });
  test("closed in finally covers returns and throws", () => {
    assert.equal(leak("function f(x) {\n  const h = open();\n  try {\n    if (x) return 1;\n    throw new Error();\n  } finally {\n    h.close();\n  }\n}", true), undefined);
  });
  test("an exception between open and close escapes", () => {
    assert.equal(leak("async function f() {\n  const h = open();\n  await h.read();\n  h.close();\n}", true), "exception@3");
  });
  test("returned or handed off is not a leak", () => {
    assert.equal(leak("function f() {\n  const h = open();\n  return h;\n}"), undefined);
    assert.equal(leak("function f() {\n  const h = open();\n  consume(h);\n}"), undefined);
    assert.equal(leak("function f(self) {\n  const h = open();\n  self.handle = h;\n}"), undefined);
  });
  test("explicit throw before close", () => {
    assert.equal(leak("function f(x) {\n  const h = open();\n  if (!x) throw new Error('no');\n  h.close();\n}"), "throw@3");
  });
  test("both branches close", () => {
    assert.equal(leak("function f(x) {\n  const h = open();\n  if (x) { h.close(); } else { h.close(); }\n}"), undefined);
  });
  test("a loop that may not run does not close", () => {
    assert.equal(leak("function f(xs) {\n  const h = open();\n  for (const x of xs) { h.close(); }\n}"), "end@4");
  });
  test("catch that returns while open", () => {
    assert.equal(leak("function f() {\n  const h = open();\n  try { work(); } catch { return; }\n  h.close();\n}"), "return@3");
  });
});

describe("lifetimes and owners", () => {
  const code = `
import express from "express";
import { useEffect } from "react";
const app = express();
app.get("/x", (req, res) => { tick(); });
export class Service { start() { tick(); } dispose() {} }
export function Widget() { useEffect(() => { tick(); }, []); return null; }
export function activate(context) { tick(); }
tick();
`;
  const { facts, sourceFile } = analyse(code, "/virtual/file.tsx");
  const roles = [0, 1, 2, 3, 4].map((i) => facts.lifetime.roleAt(callNamed(sourceFile, "tick", i)));

  test("roles", () => {
    assert.deepEqual(roles, ["request-handler", "method", "react-effect", "vscode-activate", "module"]);
  });

  test("owners", () => {
    const kinds = [0, 1, 2, 3, 4].map((i) => facts.lifetime.ownerOf(callNamed(sourceFile, "tick", i)).kind);
    assert.deepEqual(kinds, ["request", "class", "effect", "vscode", "module"]);
    const owner = facts.lifetime.ownerOf(callNamed(sourceFile, "tick", 1));
    assert.equal(owner.kind === "class" && owner.teardown?.name.getText(), "dispose");
  });

  test("target lifetimes", () => {
    const { facts: f, sourceFile: sf } = analyse(`
const bus = new Emitter();
export function handle(req, res, emitter) {
  const local = new Emitter();
  process.on("x", a); bus.on("x", a); local.on("x", a); req.on("x", a); emitter.on("x", a);
}`);
    const targets = [0, 1, 2, 3, 4].map((i) => {
      const call = find(sf, (n): n is ts.CallExpression => ts.isCallExpression(n) && n.expression.getText().endsWith(".on"), i);
      return f.lifetime.targetLifetime((call.expression as ts.PropertyAccessExpression).expression);
    });
    assert.deepEqual(targets, ["global", "module", "local", "request", "request"]);
  });
});

describe("directives", () => {
  test("comments only, not strings; kinds and reasons", () => {
    const { sourceFile } = analyse([
      'const s = "// leaklint-disable-line";',
      "// leaklint-disable-next-line rule-a, rule-b -- because",
      "x();",
      "/* leaklint-disable */",
      "y();",
      "/* leaklint-enable */",
    ].join("\n"));
    const directives = new Directives(sourceFile);
    assert.deepEqual(directives.all.map((d) => [d.kind, d.rules, d.reason]), [
      ["disable-next-line", ["rule-a", "rule-b"], "because"],
      ["disable", [], undefined],
      ["enable", [], undefined],
    ]);
    const line = (n: number): number => sourceFile.getLineStarts()[n - 1];
    assert.equal(directives.isSilenced("rule-a", line(3)), true);
    assert.equal(directives.isSilenced("rule-c", line(3)), false);
    assert.equal(directives.isSilenced("anything", line(5)), true);
    assert.equal(directives.isSilenced("anything", line(1)), false);
  });
});

describe("fault isolation", () => {
  const throwing: RuleModule = defineRule({
    id: "throws-on-calls",
    meta: { family: "timer", description: "throws on every call", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "error" },
    messages: { m: "m" },
    schema: {},
    defaultOptions: {},
    create: () => ({ [ts.SyntaxKind.CallExpression]: () => { throw new RangeError("deep"); } }),
  }) as RuleModule;
  const reporting: RuleModule = defineRule({
    id: "reports-calls",
    meta: { family: "timer", description: "reports every call", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "warning" },
    messages: { call: "call to {{name}}" },
    schema: {},
    defaultOptions: {},
    create: (context) => ({
      [ts.SyntaxKind.CallExpression]: (node: ts.CallExpression) => context.report({ node, messageId: "call", data: { name: node.expression.getText() } }),
    }),
  }) as RuleModule;

  test("one internal error per rule and file; other rules keep reporting", () => {
    const { sourceFile, program } = analyse("a();\nb();\n");
    const diagnostics = lintSourceFile(sourceFile, program, program.getTypeChecker(), false, {
      rules: [{ rule: throwing, severity: "error", options: {} }, { rule: reporting, severity: "warning", options: {} }],
      settings: { resources: [], listeners: [], pools: [] },
    });
    assert.deepEqual(diagnostics.map((d) => [d.ruleId, d.message]), [
      ["internal-error", 'Rule "throws-on-calls" failed on this file and was skipped for it: RangeError: deep'],
      ["reports-calls", "call to a"],
      ["reports-calls", "call to b"],
    ]);
  });

  test("deep nesting the parser can take is linted; deeper is a parse error, not a crash", () => {
    const options = { rules: [{ rule: reporting, severity: "warning" as const, options: {} }], settings: { resources: [], listeners: [], pools: [] } };
    const nested = (depth: number): string => `${"[".repeat(depth)}a()${"]".repeat(depth)};`;
    assert.deepEqual(lintText("/virtual/deep.ts", nested(400), options).map((d) => d.ruleId), ["reports-calls"]);
    const tooDeep = lintText("/virtual/deeper.ts", nested(50_000), options);
    assert.deepEqual(tooDeep.map((d) => [d.ruleId, d.message]), [["parse-error", "Parsing error: the file is nested too deeply for the TypeScript parser (the file was not linted)"]]);
  });
});
