// Every fixture under test/fixtures/<rule-id>/ is linted with all rules: each
// `// expect:` comment must be matched and nothing else may be reported. Golden files
// beside a fixture check the fixes: the fixed text must equal the golden file, still
// parse (and type-check where the fixture folder has a tsconfig), and no longer report.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { lintText } from "leaklint";
import {
  FIXTURES_DIR, applySuggestions, compareExpectations, compileErrors, fixUntilStable, lintFixtures, lintOptions, listFixtureFiles,
  parseExpectations,
} from "./lib/fixtures";

const files = listFixtureFiles(FIXTURES_DIR);
const results = lintFixtures(files);

describe("rule fixtures", () => {
  for (const file of files) {
    const name = path.relative(FIXTURES_DIR, file);
    const text = fs.readFileSync(file, "utf8");
    const result = results.get(file)!;

    test(name, () => {
      const problems = compareExpectations(parseExpectations(text), result.diagnostics);
      assert.deepEqual(problems, [], `${name}:\n  ${problems.join("\n  ")}`);
    });

    const fixedGolden = `${file}.fixed`;
    if (fs.existsSync(fixedGolden)) {
      test(`${name} (safe fixes)`, () => {
        const fixed = fixUntilStable(file, text, result.compilerOptions);
        assert.equal(fixed, fs.readFileSync(fixedGolden, "utf8"), `${name}: fixed text differs from ${path.basename(fixedGolden)}`);
        const before = compileErrors(file, text, result.compilerOptions).length;
        const after = compileErrors(file, fixed, result.compilerOptions);
        assert.ok(after.length <= before, `${name}: the fix introduced errors:\n  ${after.join("\n  ")}`);
        const remaining = lintText(file, fixed, lintOptions(), result.compilerOptions).filter((d) => d.fixes.some((f) => f.safe));
        assert.deepEqual(remaining.map((d) => `${d.ruleId}@${d.startPos.line}`), [], `${name}: fixed text still reports`);
      });
    }

    const suggestedGolden = `${file}.suggested`;
    if (fs.existsSync(suggestedGolden)) {
      test(`${name} (suggestions)`, () => {
        const suggested = applySuggestions(result.diagnostics, text);
        assert.equal(suggested, fs.readFileSync(suggestedGolden, "utf8"), `${name}: text differs from ${path.basename(suggestedGolden)}`);
        const before = compileErrors(file, text, result.compilerOptions).length;
        const after = compileErrors(file, suggested, result.compilerOptions);
        assert.ok(after.length <= before, `${name}: the suggestion introduced errors:\n  ${after.join("\n  ")}`);
        const fixedIds = new Set(result.diagnostics.filter((d) => d.fixes.some((f) => !f.safe)).map((d) => d.ruleId));
        const stillThere = lintText(file, suggested, lintOptions(), result.compilerOptions).filter((d) => fixedIds.has(d.ruleId));
        assert.ok(stillThere.length < result.diagnostics.filter((d) => fixedIds.has(d.ruleId)).length,
          `${name}: suggestions did not remove any diagnostic`);
      });
    }
  }
});
