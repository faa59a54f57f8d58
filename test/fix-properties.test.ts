// Safe fixes, checked as properties over seeded mutants of the fixtures and the example
// project (test/lib/fix-fuzz.ts): they converge, parse, are idempotent, leave no
// safe-fixable finding and add no error. A bounded run; `npm run fuzz` is the long one.
// And every golden `.fixed` file type-checks under `strict: true` wherever its fixture did, and
// a fixed JavaScript file still loads (`node --check`) wherever its fixture did.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { lintText } from "leaklint";
import { addedErrors, errorsOf, fuzzInputs, runFuzz } from "./lib/fix-fuzz";
import { REPO_ROOT, lintOptions } from "./lib/fixtures";

const SEEDED_INPUTS = 48;

describe("safe fixes as properties", () => {
  test(`${SEEDED_INPUTS} seeded mutants: converge, parse, idempotent, finding gone, no added error`, () => {
    const figures = runFuzz(SEEDED_INPUTS, 20261202, { typedEvery: 8 });
    const { failures, ...counts } = figures;
    assert.ok(counts.fixed >= 8, `too few mutants had safe fixes to say anything: ${JSON.stringify(counts)}`);
    assert.deepEqual(failures, [], JSON.stringify(counts));
  });

  test("every golden .fixed file type-checks under strict: true wherever its fixture did", () => {
    const problems: string[] = [];
    for (const input of fuzzInputs()) {
      const golden = `${input.file}.fixed`;
      if (!fs.existsSync(golden)) continue;
      const strict = input.compilerOptions ?? { strict: true, allowJs: true, checkJs: false, noResolve: true, jsx: 1, types: [] };
      const before = errorsOf(input.file, input.text, strict);
      const after = errorsOf(input.file, fs.readFileSync(golden, "utf8"), strict);
      // Loose fixtures import modules that do not exist: one more use of a member of an unresolved
      // base class is no new error; a new kind of error is.
      const added = input.compilerOptions ? addedErrors(before, after) : [...new Set(after)].filter((e) => !before.includes(e));
      if (added.length > 0) problems.push(`${path.relative(REPO_ROOT, golden)}: ${added.join("; ")}`);
    }
    assert.deepEqual(problems, []);
  });

  test("every golden .fixed JavaScript file passes `node --check` wherever its fixture did", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-check-"));
    const loads = (file: string, text: string): { ok: boolean; error: string } => {
      const copy = path.join(dir, path.basename(file)); // same extension: .mjs loads as a module, .cjs / .js as a script
      fs.writeFileSync(copy, text);
      const run = spawnSync(process.execPath, ["--check", copy], { encoding: "utf8" });
      return { ok: run.status === 0, error: run.stderr.split("\n").find((l) => /Error/.test(l)) ?? run.stderr.trim() };
    };
    try {
      const goldens = fuzzInputs().filter((i) => /\.[cm]?js$/.test(i.file) && fs.existsSync(`${i.file}.fixed`));
      assert.ok(goldens.length >= 10, `only ${goldens.length} JavaScript goldens`);
      const problems = goldens.flatMap((input) => {
        if (!loads(input.file, input.text).ok) return [];
        const fixed = loads(input.file, fs.readFileSync(`${input.file}.fixed`, "utf8"));
        return fixed.ok ? [] : [`${path.relative(REPO_ROOT, input.file)}.fixed: ${fixed.error}`];
      });
      assert.deepEqual(problems, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // Not a fixture: the scope test compares every fixture's names with the binder, which splits a
  // redeclared name in two. The fuzzer's `duplicate` mutation makes this shape; its fix used to
  // be applied to one declaration and re-reported for the other on every pass.
  test("a response name declared twice in one block gets no early-release fix", () => {
    const text = `async function twice(url) {
  try {
    const response = await fetch(url);
    const response = await fetch(url);
    if (!response.ok) throw new Error("HTTP " + response.status);
    return await response.json();
  } catch {
    return undefined;
  }
}
module.exports = { twice };
`;
    const found = lintText("/virtual/twice.js", text, lintOptions()).filter((d) => d.ruleId === "unconsumed-response-body");
    assert.equal(found.length, 2, "both are still reported");
    assert.deepEqual(found.flatMap((d) => d.fixes), []);
    const once = lintText("/virtual/once.js", text.replace("    const response = await fetch(url);\n", ""), lintOptions());
    assert.equal(once.find((d) => d.ruleId === "unconsumed-response-body")?.fixes[0]?.safe, true, "declared once, the cancel before the throw is safe");
  });
});
