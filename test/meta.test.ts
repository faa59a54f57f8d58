// Keeps the registry, the rule modules, their docs, their fixtures and the README
// table in step, and runs every doc's ❌ / ✅ examples through the engine.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { RULE_DOCS_DIR, declaredFixKinds, docsUrlFor, isAnalysis, lintSourceFile, lintText, parseLooseFile, rules } from "leaklint";
import { FIXTURES_DIR, allRules, lintFixtures, lintOptions, listFixtureFiles } from "./lib/fixtures";
import { README, readmeWithTable } from "./lib/rules-table";
import { PACKAGE_JSON, RULE_OPTIONS_SCHEMA, packageJsonWithRules, ruleOptionsSchemaText } from "./lib/settings-schema";

const FAMILIES = ["resource", "growth", "listener", "timer", "context"];
const DOC_HEADINGS = ["## What it reports", "## Why it leaks", "## Examples", "### ❌ Incorrect", "### ✅ Correct", "## Options", "## When not to use it", "## Related"];

interface DocExample {
  kind: "incorrect" | "correct";
  lang: string;
  code: string;
}

function docExamples(doc: string): DocExample[] {
  const examples: DocExample[] = [];
  let kind: DocExample["kind"] | undefined;
  const blocks = /^(### ❌|### ✅|## )|^```(\w+)\n([\s\S]*?)^```/gm;
  for (let m = blocks.exec(doc); m; m = blocks.exec(doc)) {
    if (m[1] === "### ❌") kind = "incorrect";
    else if (m[1] === "### ✅") kind = "correct";
    else if (m[1] === "## ") kind = undefined;
    else if (kind && m[2]) examples.push({ kind, lang: m[2], code: m[3] });
  }
  return examples;
}

describe("registry", () => {
  test("ids are unique, kebab-case and sorted", () => {
    const ids = rules.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort(), "registry must be sorted by id");
    assert.equal(new Set(ids).size, ids.length, "duplicate rule ids");
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z]+)*$/);
  });

  test("the extension's rule schemas are generated from the rule modules (npm run docs:schema)", () => {
    const manifest = fs.readFileSync(PACKAGE_JSON, "utf8");
    assert.equal(manifest, packageJsonWithRules(manifest));
    assert.equal(fs.existsSync(RULE_OPTIONS_SCHEMA) ? fs.readFileSync(RULE_OPTIONS_SCHEMA, "utf8") : "", ruleOptionsSchemaText());
    const listed = Object.keys(JSON.parse(manifest).contributes.configuration.properties["leaklint.rules"].properties);
    assert.deepEqual(listed, rules.map((r) => r.id));
  });

  test("README rule table is generated from the registry (npm run docs:table)", () => {
    const readme = fs.readFileSync(README, "utf8");
    assert.equal(readme, readmeWithTable(readme));
  });

  test("fix edits are built with the fixer API: no hand-made { start, end, newText } in rules, analyses or fix builders", () => {
    const src = path.join(RULE_DOCS_DIR, "..");
    const dirs = [RULE_DOCS_DIR, path.join(src, "engine", "analyses"), path.join(src, "engine", "fixes")];
    const handMade: string[] = [];
    for (const dir of dirs) {
      for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "fixer.ts")) {
        fs.readFileSync(path.join(dir, name), "utf8").split("\n").forEach((line, i) => {
          if (/\bnewText\s*:/.test(line)) handMade.push(`${path.relative(src, path.join(dir, name))}:${i + 1}`);
        });
      }
    }
    assert.deepEqual(handMade, [], "use replaceNode / insertAt / insertBefore / addStatement / … from fixes/fixer.ts");
  });
});

for (const rule of rules) {
  describe(`rule ${rule.id}`, () => {
    test("metadata", () => {
      assert.ok(FAMILIES.includes(rule.meta.family), `unknown family ${rule.meta.family}`);
      const fixKinds = Array.isArray(rule.meta.fix) ? rule.meta.fix : [rule.meta.fix];
      assert.ok(fixKinds.length > 0 && fixKinds.every((k: string) => ["none", "safe", "suggestion"].includes(k)), "fix is none, safe, suggestion or a list of them");
      assert.ok(!(fixKinds.length > 1 && fixKinds.includes("none")), "fix lists kinds or says none");
      assert.ok(["error", "warning", "info"].includes(rule.meta.defaultSeverity));
      assert.ok(rule.meta.description.length > 10);
      assert.ok(Object.keys(rule.messages).length > 0);
      assert.ok(docsUrlFor(rule.id).endsWith(`/${rule.id}.md`));
    });

    test("requires lists declared analyses, each once", () => {
      for (const analysis of rule.meta.requires) assert.ok(isAnalysis(analysis), `meta.requires holds ${String(analysis)}, not an analysis made by defineAnalysis`);
      assert.equal(new Set(rule.meta.requires).size, rule.meta.requires.length, "an analysis is listed twice");
    });

    test("fix kinds: the fixtures emit exactly the declared kinds", () => {
      const files = listFixtureFiles(path.join(FIXTURES_DIR, rule.id));
      const emitted = new Set<string>();
      for (const { diagnostics } of lintFixtures(files).values()) {
        assert.deepEqual(diagnostics.filter((d) => d.ruleId === "internal-error").map((d) => d.message), [], "a rule failed on its fixtures");
        for (const d of diagnostics) if (d.ruleId === rule.id) for (const fix of d.fixes) emitted.add(fix.safe ? "safe" : "suggestion");
      }
      assert.deepEqual([...emitted].sort(), [...declaredFixKinds(rule.meta)].sort(), "meta.fix must name every kind of fix the rule emits, and only those");
    });

    test("type info: the rule runs without types exactly when it declares it needs none", () => {
      // Every fixture parsed on its own, as the loose tier lints a file outside any tsconfig.
      const loose = listFixtureFiles(path.join(FIXTURES_DIR, rule.id)).flatMap((file) =>
        lintSourceFile(parseLooseFile(file), undefined, { rules: allRules(), settings: { resources: [], listeners: [], pools: [] } }));
      const reports = loose.filter((d) => d.ruleId === rule.id).length;
      if (rule.meta.requiresTypeInfo) assert.equal(reports, 0, "a rule that requires type info must stay silent without types");
      else assert.ok(reports > 0, "a rule that declares requiresTypeInfo: false must report on its fixtures without types");
    });

    test("module, doc and fixtures exist", () => {
      assert.ok(fs.existsSync(path.join(RULE_DOCS_DIR, `${rule.id}.ts`)), "rule module file named after the id");
      const doc = fs.readFileSync(path.join(RULE_DOCS_DIR, `${rule.id}.md`), "utf8");
      assert.ok(doc.startsWith(`# ${rule.id}\n`), "doc starts with the rule id as title");
      for (const heading of DOC_HEADINGS) assert.ok(doc.includes(heading), `doc lacks "${heading}"`);
      const fixtures = fs.readdirSync(path.join(FIXTURES_DIR, rule.id), { recursive: true }).map(String);
      assert.ok(fixtures.some((f) => /\.[cm]?[jt]sx?$/.test(f)), "at least one fixture");
      const options = Object.keys((rule.schema as { properties?: object }).properties ?? {});
      for (const option of options) assert.ok(doc.includes(`### ${option}`), `doc lacks a heading for option ${option}`);
    });

    const doc = fs.existsSync(path.join(RULE_DOCS_DIR, `${rule.id}.md`)) ? fs.readFileSync(path.join(RULE_DOCS_DIR, `${rule.id}.md`), "utf8") : "";
    const examples = docExamples(doc);
    test("doc has ❌ and ✅ examples", () => {
      assert.ok(examples.some((e) => e.kind === "incorrect"), "no ❌ example");
      assert.ok(examples.some((e) => e.kind === "correct"), "no ✅ example");
    });
    examples.forEach((example, index) => {
      test(`doc example ${index + 1} (${example.kind === "incorrect" ? "❌" : "✅"})`, () => {
        const ext = { ts: ".ts", tsx: ".tsx", js: ".js", jsx: ".jsx" }[example.lang] ?? ".ts";
        const file = path.join(FIXTURES_DIR, rule.id, `__doc-example-${index + 1}${ext}`);
        const found = lintText(file, example.code, lintOptions()).filter((d) => d.ruleId === rule.id || d.family === "engine");
        if (example.kind === "incorrect") assert.ok(found.some((d) => d.ruleId === rule.id), `❌ example does not report ${rule.id}`);
        else assert.deepEqual(found.map((d) => `${d.ruleId}: ${d.message}`), [], "✅ example reports");
      });
    });
  });
}
