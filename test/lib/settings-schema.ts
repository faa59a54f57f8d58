// The schemas the extension ships for rules, generated from the rule modules' meta:
// `leaklint.rules` in package.json's settings lists every rule id (with its family,
// default and description), and `rule-options.schema.json` — which VS Code applies to
// leaklint config files beside the main config schema — gives each rule id its options.
// `npm run docs:schema` writes both; the meta test fails when either is out of date.
import fs from "node:fs";
import path from "node:path";
import { docsUrlFor, rules } from "leaklint";
import { REPO_ROOT } from "./fixtures";

export const PACKAGE_JSON = path.join(REPO_ROOT, "package.json");
export const RULE_OPTIONS_SCHEMA = path.join(REPO_ROOT, "rules", "src", "engine", "hosting", "rule-options.schema.json");

const SEVERITIES = ["off", "warn", "error", "info"];
const SETTING_OF = { error: "error", warning: "warn", info: "info" } as const;

function describe(rule: (typeof rules)[number]): string {
  return `${rule.meta.family} · default \`${SETTING_OF[rule.meta.defaultSeverity]}\`: ${rule.meta.description} ([docs](${docsUrlFor(rule.id)}))`;
}

/** Per-rule entries of a config file's `rules` (and `overrides[].rules`): a severity, or [severity, the rule's options]. */
export function ruleOptionsSchema(): object {
  const properties = Object.fromEntries(rules.map((rule) => [rule.id, {
    markdownDescription: describe(rule),
    oneOf: [
      { $ref: "#/definitions/severity" },
      { type: "array", minItems: 1, maxItems: 2, items: [{ $ref: "#/definitions/severity" }, rule.schema] },
    ],
  }]));
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $comment: "Generated from the rule modules by `npm run docs:schema`; do not edit.",
    type: "object",
    definitions: { severity: { enum: SEVERITIES }, rules: { type: "object", properties } },
    properties: {
      rules: { $ref: "#/definitions/rules" },
      overrides: { type: "array", items: { type: "object", properties: { rules: { $ref: "#/definitions/rules" } } } },
    },
  };
}

/** package.json with `leaklint.rules` listing the rule ids. */
export function packageJsonWithRules(text: string): string {
  const manifest = JSON.parse(text);
  const setting = manifest.contributes.configuration.properties["leaklint.rules"];
  setting.properties = Object.fromEntries(rules.map((rule) => [rule.id, { type: "string", enum: SEVERITIES, markdownDescription: describe(rule) }]));
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function ruleOptionsSchemaText(): string {
  return `${JSON.stringify(ruleOptionsSchema(), null, 2)}\n`;
}

if (require.main === module && process.argv.includes("--write")) {
  fs.writeFileSync(PACKAGE_JSON, packageJsonWithRules(fs.readFileSync(PACKAGE_JSON, "utf8")));
  fs.writeFileSync(RULE_OPTIONS_SCHEMA, ruleOptionsSchemaText());
  process.stdout.write("package.json leaklint.rules and rule-options.schema.json updated\n");
}
