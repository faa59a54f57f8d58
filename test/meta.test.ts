// Keeps the registry, the rule modules, their docs, their fixtures and the README
// table in step, and runs every doc's ❌ / ✅ examples through the engine.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { RULE_DOCS_DIR, docsUrlFor, lintText, rules } from "leaklint";
import { FIXTURES_DIR, lintOptions } from "./lib/fixtures";
import { README, readmeWithTable } from "./lib/rules-table";

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

  test("README rule table is generated from the registry (npm run docs:table)", () => {
    const readme = fs.readFileSync(README, "utf8");
    assert.equal(readme, readmeWithTable(readme));
  });
});

for (const rule of rules) {
  describe(`rule ${rule.id}`, () => {
    test("metadata", () => {
      assert.ok(FAMILIES.includes(rule.meta.family), `unknown family ${rule.meta.family}`);
      assert.ok(["none", "safe", "suggestion"].includes(rule.meta.fix));
      assert.ok(["error", "warning", "info"].includes(rule.meta.defaultSeverity));
      assert.ok(rule.meta.description.length > 10);
      assert.ok(Object.keys(rule.messages).length > 0);
      assert.ok(docsUrlFor(rule.id).endsWith(`/${rule.id}.md`));
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
