// Paths that were quadratic or slow on ordinary-looking input, checked by what they do
// (findings, fixes, which questions reach the checker), not by timing: the timings are
// in the issue note and `npm run bench:server`.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import { type LintFileOptions, type RuleModule, indentUnit, lintSourceFile, lintSteps, lintText, rules } from "leaklint";
import { REPO_ROOT } from "./lib/fixtures";

const only = (id: string): LintFileOptions => ({
  rules: [{ rule: rules.find((r) => r.id === id)! as RuleModule, severity: "warning", options: {} }],
  settings: { resources: [], listeners: [], pools: [] },
});

describe("linear paths", () => {
  test("unbounded-collection: 4,000 redeclarations of one `var` beside a growing cache: the cache is reported, once", () => {
    const declarations = "var m = new Map();\n".repeat(4_000);
    const handler = "var cache = new Map();\nexport function remember(req) { cache.set(req.query.id, Date.now()); }\n"
      + "export default (req, res) => { remember(req); m.get(req.url); res.end(); };\n";
    const found = lintText("/virtual/maps.js", `${declarations}${handler}`, only("unbounded-collection"));
    assert.deepEqual(found.map((d) => [d.ruleId, d.startPos.line, d.message.slice(0, 30)]), [["unbounded-collection", 4_001, "The module-level `cache` (Map)"]]);
  });

  test("uncleared-interval: 2,000 one-line classes in a file without indented lines each get a fix indented by the default unit", () => {
    const text = Array.from({ length: 2_000 }, (_, i) => `export class Poller${i} { start() { setInterval(() => tick(${i}), 1000); } dispose() { tick(0); } }\n`).join("");
    const found = lintText("/virtual/many.ts", `declare function tick(n: number): void;\n${text}`, only("uncleared-interval"));
    assert.equal(found.length, 2_000);
    const clears = found.map((d) => d.fixes[0]?.edits.find((e) => e.newText.includes("clearInterval"))?.newText ?? "none");
    for (const clear of new Set(clears)) assert.match(clear, /^\n {2}clearInterval\(this\.interval\);/);
  });

  test("indentUnit answers for the text it is given, also right after another text", () => {
    assert.equal(indentUnit("a\n    b\n"), "    ");
    assert.equal(indentUnit("a\n\tb\n"), "\t");
    assert.equal(indentUnit("a\n    b\n"), "    ");
    assert.equal(indentUnit("a;\nb;\n"), "  ");
  });

  test("request-context-escape: a Fastify handler's parameters are known by position, without asking the checker", () => {
    const dir = path.join(REPO_ROOT, "test", "fixtures", "request-context-escape", "typed");
    const fileName = path.join(dir, "fastify-probe.ts");
    const text = `import Fastify from "fastify";
const app = Fastify();
let waiting: unknown;
app.get("/wait", async (request, reply) => {
  waiting = { request, reply };
  return "queued";
});
export { app, waiting };
`;
    const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: ["node"], strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true };
    const host = ts.createCompilerHost(options, true);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, onError, create) => (name === fileName ? ts.createSourceFile(name, text, version, true) : read(name, version, onError, create));
    const program = ts.createProgram({ rootNames: [fileName], options, host });
    let questions = 0;
    const types = { program, get checker() { questions++; return program.getTypeChecker(); } };
    const found = lintSourceFile(program.getSourceFile(fileName)!, types, only("request-context-escape"));
    assert.deepEqual(found.map((d) => [d.ruleId, d.startPos.line]), [["request-context-escape", 5]]);
    assert.equal(questions, 0, "no type question: inferring the parameters' contextual types resolves Fastify's route overloads");
  });

  test("lintSteps yields between slices of a large file and ends with what lintSourceFile gives", () => {
    const text = "setInterval(() => {}, 5);\n".repeat(3_000);
    const sourceFile = ts.createSourceFile("/virtual/steps.js", text, ts.ScriptTarget.Latest, true);
    const steps = lintSteps(sourceFile, undefined, only("uncleared-interval"));
    let yielded = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yielded++;
    assert.ok(yielded > 2, `yielded ${yielded} times`);
    assert.equal(step.value.length, 3_000);
    assert.deepEqual(step.value.map((d) => d.start), lintSourceFile(sourceFile, undefined, only("uncleared-interval")).map((d) => d.start));
  });
});
