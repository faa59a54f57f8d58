// eslint-plugin-leaklint reports what the CLI reports: on the example project with
// typescript-eslint's typed parser (ESLint 9 and 10), on the typed fixtures (where types
// change the findings, so the parser's program was used), on the loose JavaScript fixtures
// with ESLint's default parser and on TypeScript without a program; its fixes are the
// golden fixes of the fixtures and its suggestions the CLI's.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { applyFixes, isComponentFile, runLint, rules } from "leaklint";
import { FIXTURES_DIR, listFixtureFiles } from "./lib/fixtures";
import { ESLINTS, ESLINT_9, EXAMPLE, cliLines, eslintFor, eslintLines, javascriptFiles, typescriptFiles } from "./lib/eslint";

const typedDirs = fs.readdirSync(FIXTURES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap(({ name: rule }) => fs.readdirSync(path.join(FIXTURES_DIR, rule))
  .map((entry) => path.join(FIXTURES_DIR, rule, entry))
  .filter((dir) => fs.existsSync(path.join(dir, "tsconfig.json"))));
const isTyped = (file: string): boolean => typedDirs.some((dir) => file.startsWith(dir + path.sep));
const fixtureFiles = listFixtureFiles(FIXTURES_DIR).filter((file) => !isComponentFile(file));
const typedFiles = fixtureFiles.filter(isTyped);
const looseFiles = fixtureFiles.filter((file) => !isTyped(file));
const isJavaScript = (file: string): boolean => /\.[cm]?jsx?$/.test(file);

for (const [name, eslint] of ESLINTS) {
  test(`${name} with typescript-eslint's typed parser (a program per tsconfig) reports the CLI's findings on the example project`, async () => {
    const cli = cliLines(runLint({ paths: [EXAMPLE], cwd: EXAMPLE, rules }), EXAMPLE);
    const results = await eslintFor(eslint, EXAMPLE, [typescriptFiles(EXAMPLE, "project")]).lintFiles(["src"]);
    assert.ok(cli.length >= rules.length, `the CLI found only ${cli.length}`);
    assert.deepEqual(eslintLines(results, EXAMPLE), cli);
  });
}

test("on the typed fixtures ESLint with typescript-eslint's project service reports the CLI's typed findings, which differ from the loose ones", async () => {
  const cli = cliLines(runLint({ paths: typedFiles, cwd: FIXTURES_DIR, rules }), FIXTURES_DIR);
  const typed = eslintLines(await eslintFor(ESLINT_9, FIXTURES_DIR, [typescriptFiles(FIXTURES_DIR, "service")]).lintFiles(typedFiles), FIXTURES_DIR);
  assert.deepEqual(typed, cli);
  // Without a program ESLint gets the CLI's --no-types findings, and they are not the typed ones.
  const cliLoose = cliLines(runLint({ paths: typedFiles, cwd: FIXTURES_DIR, rules, types: false }), FIXTURES_DIR);
  const loose = eslintLines(await eslintFor(ESLINT_9, FIXTURES_DIR, [typescriptFiles(FIXTURES_DIR, "none")]).lintFiles(typedFiles), FIXTURES_DIR);
  assert.deepEqual(loose, cliLoose);
  assert.notDeepEqual(typed, loose);
});

test("with the default parser on the JavaScript fixtures and without a program on the TypeScript ones, ESLint reports the CLI's loose findings", async () => {
  const results = await eslintFor(ESLINT_9, FIXTURES_DIR, [javascriptFiles, typescriptFiles(FIXTURES_DIR, "none")]).lintFiles(looseFiles);
  // Files espree cannot read (ESLint's own parse error) are compared on the rest.
  const unreadable = new Set(results.filter((r) => r.messages.some((m) => m.fatal)).map((r) => r.filePath));
  const compared = looseFiles.filter((file) => !unreadable.has(file));
  assert.ok(compared.filter(isJavaScript).length >= 60, `only ${compared.filter(isJavaScript).length} JavaScript fixtures parsed`);
  const cli = cliLines(runLint({ paths: compared, cwd: FIXTURES_DIR, rules, types: false }), FIXTURES_DIR);
  assert.ok(cli.length >= 150, `the CLI found only ${cli.length}`);
  assert.deepEqual(eslintLines(results.filter((r) => !unreadable.has(r.filePath)), FIXTURES_DIR), cli);
});

test("eslint --fix produces the golden .fixed file of every fixture, typed and loose", async () => {
  const withGolden = fixtureFiles.filter((file) => fs.existsSync(`${file}.fixed`));
  assert.ok(withGolden.length >= 40, `only ${withGolden.length} golden fixes`);
  const configs = [javascriptFiles, { ...typescriptFiles(FIXTURES_DIR, "service"), ignores: looseFiles.map((f) => path.relative(FIXTURES_DIR, f)) },
    { ...typescriptFiles(FIXTURES_DIR, "none"), files: looseFiles.filter((f) => !isJavaScript(f)).map((f) => path.relative(FIXTURES_DIR, f)) }];
  const results = await eslintFor(ESLINT_9, FIXTURES_DIR, configs, true).lintFiles(withGolden);
  const wrong = results.filter((r) => (r.output ?? fs.readFileSync(r.filePath, "utf8")) !== fs.readFileSync(`${r.filePath}.fixed`, "utf8"))
    .map((r) => path.relative(FIXTURES_DIR, r.filePath));
  assert.deepEqual(wrong, []);
});

test("every finding has the CLI's suggestions, in order, with their descriptions and edits", async () => {
  const cli = new Map(runLint({ paths: fixtureFiles, cwd: FIXTURES_DIR, rules }).files.map((f) => [f.filePath, f.diagnostics]));
  const results = [
    ...await eslintFor(ESLINT_9, FIXTURES_DIR, [typescriptFiles(FIXTURES_DIR, "service")]).lintFiles(typedFiles),
    ...await eslintFor(ESLINT_9, FIXTURES_DIR, [javascriptFiles, typescriptFiles(FIXTURES_DIR, "none")]).lintFiles(looseFiles),
  ];
  let checked = 0;
  const wrong: string[] = [];
  for (const r of results) {
    const text = fs.readFileSync(r.filePath, "utf8");
    for (const m of r.messages.filter((message) => !message.fatal)) {
      const finding = cli.get(r.filePath)?.find((d) => d.startPos.line === m.line && d.startPos.column === m.column && `leaklint/${d.ruleId}` === m.ruleId);
      const expected = (finding?.fixes ?? []).filter((f) => !f.safe);
      const got = m.suggestions ?? [];
      const where = `${path.relative(FIXTURES_DIR, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`;
      if (got.length !== expected.length) wrong.push(`${where}: ${got.length} suggestions, the CLI has ${expected.length}`);
      got.forEach((s, i) => {
        const applied = `${text.slice(0, s.fix.range[0])}${s.fix.text}${text.slice(s.fix.range[1])}`;
        if (s.desc !== expected[i]?.description || applied !== applyFixes(text, [expected[i]]).text) wrong.push(`${where}: suggestion ${i} differs`);
        checked++;
      });
    }
  }
  assert.ok(checked >= 40, `only ${checked} suggestions checked`);
  assert.deepEqual(wrong, []);
});
