// The engine's shared analyses on small programs: import-resolved names, the
// acquire → release walk, lifetimes and owners, directives and fault isolation.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import {
  isComponentFile, Directives, Facts, LOOSE_COMPILER_OPTIONS, type RuleModule, classifyReference, defineAnalysis, flow, lifetimes, owners, defineRule, lintSourceFile, lintText, parseLooseFile, walk,
} from "leaklint";
import { FIXTURES_DIR, REPO_ROOT, listFixtureFiles } from "./lib/fixtures";

function analyse(text: string, fileName = "/virtual/file.ts"): { facts: Facts; sourceFile: ts.SourceFile } {
  const sourceFile = parseLooseFile(fileName, text);
  return { facts: new Facts(sourceFile, undefined), sourceFile };
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

describe("scope index (names without a binder)", () => {
  const declarationOf = (facts: Facts, id: ts.Identifier): string => {
    const decl = facts.symbolAt(id)?.declarations?.[0];
    return decl ? `${ts.SyntaxKind[decl.kind]}@${facts.sourceFile.getLineAndCharacterOfPosition(decl.getStart()).line + 1}` : "none";
  };
  const identifiers = (root: ts.Node, text: string): ts.Identifier[] => {
    const found: ts.Identifier[] = [];
    walk(root, (node) => void (ts.isIdentifier(node) && node.text === text && found.push(node)));
    return found;
  };

  test("hoisting, block scopes, shadowing, parameters, catch, loops, function expression names, members", () => {
    const { facts, sourceFile } = analyse([
      /* 1 */ "import { a as b } from 'm';",
      /* 2 */ "function f(p, { q = b, r: [s] }) {",
      /* 3 */ "  if (p) { var v = 1; let w = 2; }",
      /* 4 */ "  try { v; w; } catch (e) { e; }",
      /* 5 */ "  for (let i = 0; i < 1; i++) i;",
      /* 6 */ "  const g = function h() { h; var v; v; };",
      /* 7 */ "  return q + s + v;",
      /* 8 */ "}",
      /* 9 */ "class K { x = 1; static t = 2; constructor(private y) {} m() { this.x; this.y; K.x; K.t; this.z; } }",
    ].join("\n"), "/virtual/scopes.ts");
    const at = (text: string): string[] => identifiers(sourceFile, text).map((id) => declarationOf(facts, id));
    assert.deepEqual(at("b"), ["ImportSpecifier@1", "ImportSpecifier@1"]);
    assert.deepEqual(at("a"), ["none"]);
    assert.deepEqual(at("v"), ["VariableDeclaration@3", "VariableDeclaration@3", "VariableDeclaration@6", "VariableDeclaration@6", "VariableDeclaration@3"]);
    assert.deepEqual(at("w"), ["VariableDeclaration@3", "none"]);
    assert.deepEqual(at("e"), ["VariableDeclaration@4", "VariableDeclaration@4"]);
    assert.deepEqual(at("i"), ["VariableDeclaration@5", "VariableDeclaration@5", "VariableDeclaration@5", "VariableDeclaration@5"]);
    assert.deepEqual(at("h"), ["FunctionExpression@6", "FunctionExpression@6"]);
    assert.deepEqual(at("q"), ["BindingElement@2", "BindingElement@2"]);
    assert.deepEqual(at("s"), ["BindingElement@2", "BindingElement@2"]);
    assert.deepEqual(at("r"), ["none"]);
    assert.deepEqual(at("x"), ["PropertyDeclaration@9", "PropertyDeclaration@9", "none"]);
    assert.deepEqual(at("t"), ["PropertyDeclaration@9", "PropertyDeclaration@9"]);
    assert.deepEqual(at("y"), ["Parameter@9", "Parameter@9"]);
    assert.deepEqual(at("z"), ["none"]);
    const [declared, ...uses] = identifiers(sourceFile, "v");
    assert.equal(facts.symbolAt(declared), facts.symbolAt(uses[3]), "one symbol per binding");
  });

  test("agrees with the binder on every variable reference in the fixtures and the example project", () => {
    // Components (.vue, .svelte) are left out: TypeScript's program does not read them.
    const files = [...listFixtureFiles(FIXTURES_DIR), ...listFixtureFiles(path.join(REPO_ROOT, "examples", "leaky-service", "src"))]
      .filter((file) => !isComponentFile(file));
    const program = ts.createProgram({ rootNames: files, options: LOOSE_COMPILER_OPTIONS });
    const checker = program.getTypeChecker();
    const variableKinds = new Set([ts.SyntaxKind.VariableDeclaration, ts.SyntaxKind.Parameter, ts.SyntaxKind.BindingElement, ts.SyntaxKind.FunctionDeclaration,
      ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.ImportSpecifier, ts.SyntaxKind.ImportClause, ts.SyntaxKind.NamespaceImport, ts.SyntaxKind.FunctionExpression]);
    const disagreements: string[] = [];
    let compared = 0;
    for (const file of files) {
      const bound = program.getSourceFile(file)!;
      const facts = new Facts(parseLooseFile(file, bound.text), undefined);
      const ours = new Map<number, ts.Identifier>();
      walk(facts.sourceFile, (node) => void (ts.isIdentifier(node) && ours.set(node.getStart(), node)));
      walk(bound, (node) => {
        if (!ts.isIdentifier(node) || (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) return;
        const theirs = ts.isShorthandPropertyAssignment(node.parent) ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node);
        const expected = theirs?.declarations?.[0];
        const actual = facts.symbolAt(ours.get(node.getStart())!)?.declarations?.[0];
        if (!(expected && variableKinds.has(expected.kind)) && !(actual && variableKinds.has(actual.kind))) return;
        compared++;
        if (expected?.getStart() !== actual?.getStart()) {
          disagreements.push(`${path.relative(REPO_ROOT, file)}:${bound.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.text}`);
        }
      });
    }
    assert.ok(compared > 1000, `compared ${compared} references`);
    assert.deepEqual(disagreements, []);
  });
});

describe("acquire → release walk", () => {
  function leak(code: string, exceptions = false): string | undefined {
    const { facts, sourceFile } = analyse(code);
    const acquisition = callNamed(sourceFile, "open");
    const declaration = acquisition.parent as ts.VariableDeclaration;
    const refs = facts.referencesTo(declaration.name as ts.Identifier);
    const releases = new Set<ts.Node>(refs.filter((r) => classifyReference(r, { releaseMethods: ["close"] }) !== "use"));
    const path = facts.analysis(flow).leakPath({ acquisition, releases, exceptions });
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
  const roles = [0, 1, 2, 3, 4].map((i) => facts.analysis(lifetimes).roleAt(callNamed(sourceFile, "tick", i)));

  test("roles", () => {
    assert.deepEqual(roles, ["request-handler", "method", "react-effect", "vscode-activate", "module"]);
  });

  test("owners", () => {
    const kinds = [0, 1, 2, 3, 4].map((i) => facts.analysis(lifetimes).ownerOf(callNamed(sourceFile, "tick", i)).kind);
    assert.deepEqual(kinds, ["request", "class", "effect", "vscode", "module"]);
    const owner = facts.analysis(lifetimes).ownerOf(callNamed(sourceFile, "tick", 1));
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
      return f.analysis(lifetimes).targetLifetime((call.expression as ts.PropertyAccessExpression).expression);
    });
    assert.deepEqual(targets, ["global", "module", "local", "request", "request"]);
  });
});

describe("owners", () => {
  const code = `
export class Poller {
  private timer?: ReturnType<typeof setInterval>;
  connect() { this.timer = setInterval(() => this.flush(), 60_000); }
  close() { this.stop(); }
  private stop() { clearInterval(this.timer); }
  private flush() {}
}
function Client(opts) { var self = this; this.opts = opts; self.x = 1; }
Client.prototype.connect = function () { this.heartbeat = setInterval(this.ping.bind(this), 10000); };
Client.prototype.ping = function () { setTimeout(() => this.connect(), 5); };
Client.prototype.close = function () {};
export function createServer(opts) {
  const onAbort = () => server.close();
  opts.signal?.addEventListener("abort", onAbort);
  function release() {}
  const server = { close() { release(); } };
  return server;
}
export function plain() { return { close: 1 }; }
`;
  const { facts, sourceFile } = analyse(code);
  const o = facts.analysis(owners);
  const first = (name: string, i = 0) => callNamed(sourceFile, name, i);

  test("classes, ES5 constructor functions and factories are owners, with their teardown", () => {
    assert.deepEqual(o.all.map((x) => [x.kind, x.name, x.teardown?.name]), [
      ["class", "Poller", "close"], ["factory", "createServer", "close"], ["constructor-function", "Client", "close"],
    ]);
    assert.equal(o.instanceAt(first("setInterval", 1))?.name, "Client");
    assert.equal(o.instanceAt(first("addEventListener"))?.name, "createServer");
  });

  test("teardown path follows calls on the instance", () => {
    const poller = o.all[0];
    assert.ok(o.isOnTeardownPath(poller, first("clearInterval")));
    assert.ok(!o.isOnTeardownPath(poller, first("setInterval")));
    const factory = o.all[1];
    assert.ok([...o.teardownFunctions(factory)].some((fn) => fn.getText().startsWith("function release")));
  });

  test("every teardown method, stored remover functions; an immediately invoked factory is a singleton", () => {
    const { facts: f, sourceFile: sf } = analyse(`
class Conn {
  constructor(target) { this.unsubscribe = () => target.off("x", handler); }
  end() {}
  destroy() { this.unsubscribe(); }
}
const Tray = (function () { return { close() {} }; })();
`);
    const analysis = f.analysis(owners);
    assert.deepEqual(analysis.all.map((x) => x.name), ["Conn"]);
    assert.ok(analysis.isOnTeardownPath(analysis.all[0], callNamed(sf, "off")), "the remover the constructor stored runs on destroy()");
  });

  test("fields through this and self aliases; methods that run again", () => {
    const client = o.all[2];
    assert.deepEqual(o.fieldReferences(client, "x").map((r) => r.getText()), ["self.x"]);
    const connect = o.methodAt(client, first("setInterval", 1))!;
    assert.equal(connect.name, "connect");
    assert.ok(o.runsRepeatedly(client, connect));
    const poller = o.all[0];
    assert.ok(o.runsRepeatedly(poller, o.methodAt(poller, first("setInterval"))!));
    assert.ok(!o.runsRepeatedly(client, { name: "constructor", fn: client.node as never }));
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
    const { sourceFile } = analyse("a();\nb();\n");
    const diagnostics = lintSourceFile(sourceFile, undefined, {
      rules: [{ rule: throwing, severity: "error", options: {} }, { rule: reporting, severity: "warning", options: {} }],
      settings: { resources: [], listeners: [], pools: [] },
    });
    assert.deepEqual(diagnostics.map((d) => [d.ruleId, d.message]), [
      ["internal-error", 'Rule "throws-on-calls" failed on this file and was skipped for it: RangeError: deep'],
      ["reports-calls", "call to a"],
      ["reports-calls", "call to b"],
    ]);
  });

  test("declared analyses: computed once per file, refused when undeclared, fix kinds enforced", () => {
    let runs = 0;
    const counter = defineAnalysis({ id: "counter", run: () => ++runs });
    const consumer = (id: string, requires: RuleModule["meta"]["requires"], fix: RuleModule["meta"]["fix"], safe = true): RuleModule => defineRule({
      id, meta: { family: "timer", description: "uses the counter analysis", fix, requiresTypeInfo: false, requires, defaultSeverity: "warning" },
      messages: { m: "seen {{n}}" }, schema: {}, defaultOptions: {},
      create: (context) => ({ onFileEnd: () => context.report({ node: context.sourceFile, messageId: "m", data: { n: context.use(counter) },
        fixes: [{ description: "f", safe, edits: [] }] }) }),
    });
    const { sourceFile } = analyse("a();\n");
    const diagnostics = lintSourceFile(sourceFile, undefined, {
      rules: [consumer("first", [counter], "safe"), consumer("second", [counter], ["safe", "suggestion"]), consumer("undeclared", [], "safe"),
        consumer("wrong-fix", [counter], "safe", false)].map((rule) => ({ rule, severity: "warning" as const, options: {} })),
      settings: { resources: [], listeners: [], pools: [] },
    });
    assert.equal(runs, 1, "one computation per file, shared by the rules that declare it");
    assert.deepEqual(diagnostics.map((d) => [d.ruleId, d.message]).sort(), [
      ["first", "seen 1"],
      ["internal-error", 'Rule "undeclared" failed on this file and was skipped for it: Error: rule undeclared uses the analysis "counter" without declaring it in meta.requires'],
      ["invalid-fix", 'Rule "wrong-fix" produced a fix that was refused and not applied: it is a suggestion fix, and the rule\'s meta.fix declares safe'],
      ["second", "seen 1"],
      ["wrong-fix", "seen 1"],
    ]);
    assert.deepEqual(diagnostics.find((d) => d.ruleId === "wrong-fix")!.fixes, [], "the finding stays without the refused fix");
  });

  test("report-time fix checks: kind, shape, range and overlap; a refused fix leaves its finding and the rule's other fixes", () => {
    const fixer = (id: string, fix: RuleModule["meta"]["fix"], fixes: unknown): RuleModule => defineRule({
      id, meta: { family: "timer", description: "reports one finding with fixes", fix, requiresTypeInfo: false, requires: [], defaultSeverity: "warning" },
      messages: { m: "found" }, schema: {}, defaultOptions: {},
      create: (context) => ({ onFileEnd: () => context.report({ node: context.sourceFile, messageId: "m", fixes: fixes as never }) }),
    });
    const good = { description: "ok", safe: true, edits: [{ start: 0, end: 1, newText: "b" }] };
    const cases: Array<[string, RuleModule["meta"]["fix"], unknown, string]> = [
      ["none-declared", "none", [good], "it is a safe fix, and the rule's meta.fix declares none"],
      ["no-safe-flag", "safe", [{ description: "x", edits: [] }], "the fix does not say whether it is safe"],
      ["no-description", "safe", [{ safe: true, edits: [] }], "the fix has no description"],
      ["bad-declares", "safe", [{ description: "x", safe: true, edits: [], declares: "timer" }], "the fix's declares is not a list of names"],
      ["not-a-list", "safe", { description: "x" }, "the report's fixes are not a list"],
      ["past-the-end", "safe", [{ description: "x", safe: true, edits: [{ start: 3, end: 9, newText: "" }] }], "an edit [3, 9) is outside the file (0–5)"],
      ["fractional", "safe", [{ description: "x", safe: true, edits: [{ start: 0.5, end: 1, newText: "" }] }], "an edit is not { start, end, newText }"],
      ["overlapping", "safe", [good, { description: "x", safe: true, edits: [{ start: 0, end: 2, newText: "" }, { start: 1, end: 3, newText: "" }] }], "edits [0, 2) and [1, 3) overlap"],
    ];
    const { sourceFile } = analyse("a();\n");
    const diagnostics = lintSourceFile(sourceFile, undefined, {
      rules: cases.map(([id, fix, fixes]) => ({ rule: fixer(id, fix, fixes), severity: "warning" as const, options: {} })),
      settings: { resources: [], listeners: [], pools: [] },
    });
    for (const [id, , , problem] of cases) {
      const refused = diagnostics.filter((d) => d.ruleId === "invalid-fix" && d.message.startsWith(`Rule "${id}" produced a fix that was refused`));
      assert.equal(refused.length, 1, id);
      assert.ok(refused[0].message.includes(problem), `${id}: ${refused[0].message}`);
      assert.equal(diagnostics.filter((d) => d.ruleId === id).length, 1, `${id}: the finding stays`);
    }
    assert.deepEqual(diagnostics.find((d) => d.ruleId === "overlapping")!.fixes.map((f) => f.description), ["ok"], "the valid fix of the same report is kept");
    assert.ok(!diagnostics.some((d) => d.ruleId === "internal-error"), "a refused fix is no rule failure");
  });

  test("deep nesting the parser can take is linted; deeper is a parse error, not a crash", () => {
    const options = { rules: [{ rule: reporting, severity: "warning" as const, options: {} }], settings: { resources: [], listeners: [], pools: [] } };
    const nested = (depth: number): string => `${"[".repeat(depth)}a()${"]".repeat(depth)};`;
    assert.deepEqual(lintText("/virtual/deep.ts", nested(400), options).map((d) => d.ruleId), ["reports-calls"]);
    const tooDeep = lintText("/virtual/deeper.ts", nested(50_000), options);
    assert.deepEqual(tooDeep.map((d) => [d.ruleId, d.message]), [["parse-error", "Parsing error: the file is nested too deeply for the TypeScript parser (the file was not linted)"]]);
  });
});
