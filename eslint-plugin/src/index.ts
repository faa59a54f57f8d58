// eslint-plugin-leaklint: every leaklint rule for ESLint flat config, and
// `configs.recommended` with each rule at its leaklint default severity.
import type { ESLint, Linter, Rule } from "eslint";
import { rules as leaklintRules } from "leaklint";
import { eslintRule } from "./rules";

const { name, version } = require("../package.json") as { name: string; version: string };

const rules: Record<string, Rule.RuleModule> = Object.fromEntries(leaklintRules.map((rule) => [rule.id, eslintRule(rule)]));

/** ESLint has no "info": leaklint's info rules run as warnings. */
const recommendedRules: Linter.RulesRecord = Object.fromEntries(
  leaklintRules.map((rule) => [`leaklint/${rule.id}`, rule.meta.defaultSeverity === "error" ? "error" : "warn"]),
);

const plugin: ESLint.Plugin & { rules: Record<string, Rule.RuleModule>; configs: { recommended: Linter.Config } } = {
  meta: { name, version },
  rules,
  configs: { recommended: { name: "leaklint/recommended", rules: recommendedRules } },
};
plugin.configs.recommended.plugins = { leaklint: plugin };

export = plugin;
