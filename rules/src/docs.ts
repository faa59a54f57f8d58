// Rule documentation pages live beside each rule as `<rule-id>.md`; the same text
// serves `leaklint --explain`, hover in the editor and the docs link.
import fs from "node:fs";
import path from "node:path";

/** Directory of the rule sources and their docs (also shipped in the npm package). */
export const RULE_DOCS_DIR = path.resolve(__dirname, "..", "src", "rules");

export function ruleDocPath(ruleId: string): string {
  return path.join(RULE_DOCS_DIR, `${ruleId}.md`);
}

export function readRuleDoc(ruleId: string): string | undefined {
  try {
    return fs.readFileSync(ruleDocPath(ruleId), "utf8");
  } catch {
    return undefined;
  }
}
