// The single rule registry, sorted by id, and the library entry point.
import type { RuleModule } from "./engine";
import unclearedInterval from "./rules/uncleared-interval";

export const rules: readonly RuleModule[] = [
  unclearedInterval,
] as RuleModule[];

export function ruleById(id: string): RuleModule | undefined {
  return rules.find((rule) => rule.id === id);
}

export * from "./engine";
export { RULE_DOCS_DIR, readRuleDoc, ruleDocPath } from "./docs";
