// `defineRule` gives rule modules their types and derives the docs URL from the id,
// so no rule hand-types a URL.
import type { RuleModule } from "./rule";

export const DOCS_BASE_URL = "https://github.com/leaklint/leaklint/blob/main/rules/src/rules/";

export function docsUrlFor(ruleId: string): string {
  return `${DOCS_BASE_URL}${ruleId}.md`;
}

export function defineRule<MessageId extends string, Options>(
  rule: RuleModule<MessageId, Options>,
): RuleModule<MessageId, Options> {
  return rule;
}
