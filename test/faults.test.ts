// Faults stay in their box (issue 15), through the built `leaklint` binary on scratch
// projects: whatever a plugin rule throws, a file the checker cannot handle, a symlink
// loop, fix edits a plugin gets wrong, plugin ids that collide, broken tsconfig files
// and a config saved with a byte order mark.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { REPO_ROOT } from "./lib/fixtures";
import { LEAKY, scratchProjects } from "./lib/scratch";

const BIN = path.join(REPO_ROOT, "rules", "bin", "leaklint.js");
const TSCONFIG = JSON.stringify({ compilerOptions: { strict: true, types: [], lib: ["ES2022"], noEmit: true }, include: ["src"] });

interface Finding { filePath: string; ruleId: string; severity: string; message: string; line: number; fixes: Array<{ edits: unknown[] }> }

const project = scratchProjects("leaklint-faults-");

function leaklint(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string; findings: Finding[] } {
  const result = spawnSync(process.execPath, [BIN, "--format", "json", ...args], { cwd, encoding: "utf8", env: { ...process.env, CI: "true" }, timeout: 60_000 });
  let findings: Finding[] = [];
  try {
    findings = JSON.parse(result.stdout) as Finding[];
  } catch {
    // not JSON: the test asserts on stderr / the exit code
  }
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, findings };
}

/** A plugin module (plain CommonJS) exporting one rule; `body` is the rule object's code after its id. */
function plugin(id: string, body: string, meta = `family: "resource", description: "test", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "error"`): string {
  return `module.exports.rules = [{ id: ${JSON.stringify(id)}, meta: { ${meta} }, messages: { x: "found {{what}}" }, schema: {}, defaultOptions: {}, ${body} }];\n`;
}

const rel = (dir: string, f: Finding): string => `${path.relative(dir, f.filePath).split(path.sep).join("/")}:${f.ruleId}`;

describe("faults stay in their box: rules that throw", () => {
  const thrown: Record<string, string> = {
    "an Error": `new Error("boom")`,
    "a string": `"a string"`,
    undefined: "undefined",
    "a null-prototype object": "Object.create(null)",
    "an object whose toString throws": `{ toString() { throw new Error("no text"); } }`,
    "an Error whose message getter throws": `Object.defineProperty(new Error("x"), "message", { get() { throw new Error("no message"); } })`,
  };
  for (const [what, value] of Object.entries(thrown)) {
    test(`a plugin rule that throws ${what}: one internal-error per file, the other rules report, the exit code is theirs`, () => {
      const dir = project({
        "a.ts": LEAKY,
        "clean.ts": "export const x = 1;\n",
        "plugin.js": plugin("throws-anything", `create() { return { onFileEnd() { throw ${value}; } }; }`),
      });
      const result = leaklint(dir, "--plugin", "./plugin.js", "a.ts", "clean.ts");
      assert.deepEqual(result.findings.map((f) => rel(dir, f)).sort(),
        ["a.ts:internal-error", "a.ts:uncleared-interval", "clean.ts:internal-error"]);
      for (const f of result.findings.filter((d) => d.ruleId === "internal-error")) {
        assert.match(f.message, /^Rule "throws-anything" failed on this file and was skipped for it: \S/);
      }
      assert.equal(result.code, 1, "the uncleared-interval error gives 1");
      const quiet = leaklint(dir, "--plugin", "./plugin.js", "clean.ts");
      assert.equal(quiet.code, 0, `only the fault: the exit code of no findings\n${quiet.stderr}`);
      assert.match(quiet.stderr, /1 rule fault/);
    });
  }

  test("a plugin whose visitor table getter throws is skipped the same way", () => {
    const dir = project({ "a.ts": LEAKY, "plugin.js": plugin("bad-visitors", `create() { return { get onFileEnd() { throw 42; } }; }`) });
    const result = leaklint(dir, "--plugin", "./plugin.js", "a.ts");
    assert.deepEqual(result.findings.map((f) => rel(dir, f)), ["a.ts:internal-error", "a.ts:uncleared-interval"]);
    assert.match(result.findings[0].message, /bad-visitors.*: 42$/);
  });
});

describe("faults stay in their box: programs, checkers and discovery", () => {
  test("a file the checker overflows on is linted without types; every other file keeps its types", () => {
    const chain = `export const value = Promise.resolve(1)\n${"  .then((r) => r)\n".repeat(1100)};\n`;
    const typedProbe = plugin("has-types", `create(context) {
      return { onFileEnd() {
        const type = context.facts.checker.getTypeAtLocation(context.sourceFile.statements[0]);
        context.report({ node: { start: 0, end: 0 }, messageId: "x", data: { what: typeof type.flags } });
      } };
    }`, `family: "resource", description: "reports in files with types", fix: "none", requiresTypeInfo: true, requires: [], defaultSeverity: "warning"`);
    const dir = project({
      "tsconfig.json": TSCONFIG,
      "src/deep.ts": chain,
      "src/uses-deep.ts": `import { value } from "./deep";\nexport const again = value;\n`,
      "src/poller.ts": LEAKY,
      "probe.js": typedProbe,
    });
    const result = leaklint(dir, "--plugin", "./probe.js");
    assert.doesNotMatch(result.stderr, /Maximum call stack/);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(result.findings.map((f) => rel(dir, f)).sort(), [
      "src/deep.ts:types-unavailable",
      "src/poller.ts:has-types",
      "src/poller.ts:uncleared-interval",
      "src/uses-deep.ts:has-types",
    ]);
    const note = result.findings.find((f) => f.ruleId === "types-unavailable")!;
    assert.equal(note.severity, "warning");
    assert.match(note.message, /^Linted without types: the TypeScript checker failed .*Maximum call stack size exceeded/);
  });

  test("a directory symlink to an ancestor is not followed forever", () => {
    const dir = project({ "src/a.ts": LEAKY, "tsconfig.json": TSCONFIG });
    fs.symlinkSync("..", path.join(dir, "src", "up"), "dir");
    fs.symlinkSync(dir, path.join(dir, "src", "root-link"), "dir");
    const result = leaklint(dir);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(result.findings.map((f) => rel(dir, f)), ["src/a.ts:uncleared-interval"]);
    assert.deepEqual(leaklint(dir, "--no-types").findings.map((f) => rel(dir, f)), ["src/a.ts:uncleared-interval"]);
  });
});

describe("faults stay in their box: what a rule reports is checked", () => {
  const reporting = (fixes: string, node = "{ start: 0, end: 1 }"): string => plugin("plugin-fixer", `create(context) {
      return { onFileEnd() { context.report({ node: ${node}, messageId: "x", data: { what: "it" }, fixes: ${fixes} }); } };
    }`, `family: "resource", description: "test", fix: "safe", requiresTypeInfo: false, requires: [], defaultSeverity: "warning"`);

  for (const [what, fixes] of Object.entries({
    "outside the file": `[{ description: "wipe", safe: true, edits: [{ start: -100, end: 1e9, newText: "" }] }]`,
    "overlapping another edit of the fix": `[{ description: "twice", safe: true, edits: [{ start: 0, end: 10, newText: "a" }, { start: 5, end: 12, newText: "b" }] }]`,
  })) {
    test(`a fix edit ${what} is refused with a diagnostic and never applied`, () => {
      const text = "export const kept = 1;\nexport const alsoKept = 2;\n";
      const dir = project({ "a.ts": text, "plugin.js": reporting(fixes) });
      const result = leaklint(dir, "--plugin", "./plugin.js", "--fix", "a.ts");
      assert.equal(fs.readFileSync(path.join(dir, "a.ts"), "utf8"), text, "the file is unchanged");
      assert.deepEqual(result.findings.map((f) => rel(dir, f)).sort(), ["a.ts:invalid-fix", "a.ts:plugin-fixer"]);
      assert.deepEqual(result.findings.find((f) => f.ruleId === "plugin-fixer")!.fixes, [], "the finding stays, without the fix");
      assert.match(result.findings.find((f) => f.ruleId === "invalid-fix")!.message, /Rule "plugin-fixer" produced a fix that was refused/);
      assert.equal(result.code, 0, "a warning and a refused fix");
    });
  }

  test("out-of-range report positions are clamped into the file", () => {
    const dir = project({ "a.ts": "export const x = 1;\n", "plugin.js": reporting("[]", "{ start: -5, end: 1e9 }") });
    const [finding] = leaklint(dir, "--plugin", "./plugin.js", "a.ts").findings as Array<Finding & { column: number; endLine: number }>;
    assert.deepEqual([finding.ruleId, finding.line, finding.column, finding.endLine], ["plugin-fixer", 1, 1, 2]);
  });

  test("--fix leaves out a safe fix that never converges, keeps the file's other fixes and names the rule", () => {
    const growing = plugin("growing-fix", `create(context) {
      return { onFileEnd() {
        const end = context.sourceFile.text.length;
        context.report({ node: { start: 0, end: 1 }, messageId: "x", data: { what: "it" }, fixes: [{ description: "append", safe: true, edits: [{ start: end, end, newText: "// more\\n" }] }] });
      } };
    }`, `family: "resource", description: "test", fix: "safe", requiresTypeInfo: false, requires: [], defaultSeverity: "warning"`);
    const dir = project({ "a.ts": LEAKY, "plugin.js": growing });
    const result = leaklint(dir, "--plugin", "./plugin.js", "--fix", "a.ts");
    const fixed = fs.readFileSync(path.join(dir, "a.ts"), "utf8");
    assert.ok(!fixed.includes("// more"), `the growing fix was applied:\n${fixed}`);
    assert.notEqual(fixed, LEAKY, "the built-in rule's fix is applied");
    const note = result.findings.find((f) => f.ruleId === "fix-not-converged");
    assert.match(note?.message ?? "", /rule "growing-fix" did not converge/, result.stdout);
    assert.deepEqual(result.findings.filter((f) => f.ruleId === "uncleared-interval"), [], "the interval was fixed");
  });

  test("a plugin rule whose id is a built-in's is a config error naming both", () => {
    const dir = project({ "a.ts": LEAKY, "plugin.js": plugin("uncleared-interval", "create() { return {}; }") });
    const result = leaklint(dir, "--plugin", "./plugin.js");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /configuration error in plugin "\.\/plugin\.js": rules\[0\]\.id: rule "uncleared-interval" has the same id as the built-in rule "uncleared-interval"/);
    const twice = project({ "a.ts": LEAKY, "one.js": plugin("mine", "create() { return {}; }"), "two.js": plugin("mine", "create() { return {}; }") });
    assert.match(leaklint(twice, "--plugin", "./one.js", "--plugin", "./two.js").stderr, /plugin "\.\/two\.js".*same id as rule "mine" of plugin "\.\/one\.js"/);
  });

  test("a plugin rule without defaultSeverity runs at the documented default (warning)", () => {
    const dir = project({
      "a.ts": "export const x = 1;\n",
      "plugin.js": plugin("no-default", `create(context) { return { onFileEnd() { context.report({ node: context.sourceFile, messageId: "x", data: { what: "it" } }); } }; }`,
        `family: "resource", description: "test", fix: "none", requiresTypeInfo: false, requires: []`),
    });
    const result = leaklint(dir, "--plugin", "./plugin.js", "a.ts");
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.severity]), [["no-default", "warning"]]);
  });
});

describe("faults stay in their box: broken configuration files", () => {
  const cases: Record<string, { tsconfig: string; message: RegExp; extra?: Record<string, string> }> = {
    "bad JSON": { tsconfig: `{ "compilerOptions": { "types": [] }, "include": ["src"] `, message: /tsconfig\.json: '}' expected\./ },
    "a missing extends": { tsconfig: JSON.stringify({ extends: "./missing-base.json", include: ["src"] }), message: /Cannot read file '.*missing-base\.json'/ },
    "unknown options": { tsconfig: JSON.stringify({ compilerOptions: { types: [], notAnOption: true }, include: ["src"] }), message: /Unknown compiler option 'notAnOption'/ },
    "a directory where the file should be": { tsconfig: "", message: /Cannot read file .*tsconfig\.json.*linted without types/ },
  };
  for (const [what, { tsconfig, message }] of Object.entries(cases)) {
    test(`a tsconfig with ${what} is reported with its file and TypeScript's message; its files are still linted`, () => {
      const dir = project(tsconfig ? { "tsconfig.json": tsconfig, "src/a.ts": LEAKY } : { "src/a.ts": LEAKY });
      if (!tsconfig) fs.mkdirSync(path.join(dir, "tsconfig.json"));
      const result = leaklint(dir);
      assert.deepEqual(result.findings.map((f) => rel(dir, f)).sort(), ["src/a.ts:uncleared-interval", "tsconfig.json:tsconfig-error"], result.stderr);
      const problem = result.findings.find((f) => f.ruleId === "tsconfig-error")!;
      assert.match(problem.message, message);
      assert.equal(problem.severity, "warning");
    });
  }

  test("a leaklint config saved with a UTF-8 byte order mark is read", () => {
    const dir = project({ "leaklint.config.json": `\uFEFF${JSON.stringify({ rules: { "uncleared-interval": "off" } })}`, "a.ts": LEAKY });
    const result = leaklint(dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.findings, []);
  });
});
