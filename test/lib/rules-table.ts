// The README's rule table, generated from the registry. `npm run docs:table` writes
// it between the markers; the meta test fails when the README is out of date.
import fs from "node:fs";
import path from "node:path";
import { fixLabel, rules } from "leaklint";
import { REPO_ROOT } from "./fixtures";

export const README = path.join(REPO_ROOT, "README.md");
const START = "<!-- rules:start -->";
const END = "<!-- rules:end -->";

export function rulesTable(): string {
  const rows = rules.map((rule) => {
    const fix = fixLabel(rule.meta) === "none" ? "—" : fixLabel(rule.meta);
    const types = rule.meta.requiresTypeInfo ? "required" : "used when available";
    return `| [\`${rule.id}\`](rules/src/rules/${rule.id}.md) | ${rule.meta.family} | ${rule.meta.defaultSeverity} | ${fix} | ${types} | ${rule.meta.description} |`;
  });
  return ["| rule | family | default | fix | types | reports |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

/** The README with a freshly generated table between the markers. */
export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${rulesTable()}\n${readme.slice(end)}`;
}

if (require.main === module && process.argv.includes("--write")) {
  fs.writeFileSync(README, readmeWithTable(fs.readFileSync(README, "utf8")));
  process.stdout.write("README.md rule table updated\n");
}
