// Bulk suppressions, a baseline for legacy code in ESLint's format (eslint-suppressions.json):
// `{ "<path relative to the cwd>": { "<rule-id>": { "count": n } } }`. Only error-level
// findings of rules are suppressed (never engine findings such as parse errors). A file keeps
// its suppressed findings of a rule only while it has at most `count` of them: one more, and
// every finding of that rule in that file is reported, so a new leak in a suppressed file
// still fails. A count above what the run finds is an unused suppression.
import fs from "node:fs";
import path from "node:path";
import { ENGINE_RULES, type FileResult, type LintDiagnostic } from "../engine";
import { UsageError } from "./args";

export type Suppressions = Record<string, Record<string, { count: number }>>;

export interface UnusedSuppression {
  file: string;
  ruleId: string;
  /** Suppressed count in the file, and how many findings the run had. */
  count: number;
  found: number;
}

const ENGINE_IDS = new Set<string>(Object.values(ENGINE_RULES));

export function readSuppressions(file: string): Suppressions {
  if (!fs.existsSync(file)) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the suppressions file ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the suppressions file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const bad = (where: string, what: string): never => {
    throw new UsageError(`the suppressions file ${file}: ${where}: ${what}`);
  };
  if (!isRecord(raw)) bad("top level", "must be an object of file paths");
  for (const [name, rules] of Object.entries(raw as object)) {
    if (!isRecord(rules)) bad(name, "must be an object of rule ids");
    for (const [ruleId, entry] of Object.entries(rules as object)) {
      const count = isRecord(entry) ? (entry as { count?: unknown }).count : undefined;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 0) bad(`${name}: ${ruleId}`, "must be { \"count\": <non-negative integer> }");
    }
  }
  return raw as Suppressions;
}

export function writeSuppressions(file: string, suppressions: Suppressions): void {
  const sorted: Suppressions = {};
  for (const name of Object.keys(suppressions).sort()) {
    const rules = Object.keys(suppressions[name]).sort();
    if (rules.length === 0) continue;
    sorted[name] = Object.fromEntries(rules.map((id) => [id, { count: suppressions[name][id].count }]));
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(sorted, null, 2) + "\n");
}

/** The key of a file in the suppressions file: relative to the cwd, forward slashes (as ESLint). */
export function suppressionKey(filePath: string, cwd: string): string {
  return path.relative(cwd, filePath).split(path.sep).join("/");
}

/** Error-level rule findings per rule id in one file. */
function suppressibleCounts(diagnostics: readonly LintDiagnostic[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of diagnostics) if (isSuppressible(d)) counts.set(d.ruleId, (counts.get(d.ruleId) ?? 0) + 1);
  return counts;
}

function isSuppressible(d: LintDiagnostic): boolean {
  return d.severity === "error" && !ENGINE_IDS.has(d.ruleId);
}

/**
 * `--suppress-all` (rules undefined) or `--suppress-rule`: the counts of the linted files are
 * set to what this run found for those rules; other files and rules keep their entries.
 */
export function suppress(existing: Suppressions, results: readonly FileResult[], cwd: string, rules: readonly string[] | undefined): Suppressions {
  const next: Suppressions = structuredClone(existing);
  for (const result of results) {
    const key = suppressionKey(result.filePath, cwd);
    const entry = { ...next[key] };
    for (const id of Object.keys(entry)) if (!rules || rules.includes(id)) delete entry[id];
    for (const [id, count] of suppressibleCounts(result.diagnostics)) if (!rules || rules.includes(id)) entry[id] = { count };
    next[key] = entry;
  }
  return next;
}

/** `--prune-suppressions`: counts lowered to what the linted files still have; entries of files that no longer exist are dropped. */
export function prune(existing: Suppressions, results: readonly FileResult[], cwd: string): Suppressions {
  const byKey = new Map(results.map((r) => [suppressionKey(r.filePath, cwd), r]));
  const next: Suppressions = {};
  for (const [key, rules] of Object.entries(existing)) {
    const result = byKey.get(key);
    if (!result) {
      if (fs.existsSync(path.resolve(cwd, key))) next[key] = rules;
      continue;
    }
    const counts = suppressibleCounts(result.diagnostics);
    const entry: Record<string, { count: number }> = {};
    for (const [id, { count }] of Object.entries(rules)) {
      const kept = Math.min(count, counts.get(id) ?? 0);
      if (kept > 0) entry[id] = { count: kept };
    }
    next[key] = entry;
  }
  return next;
}

/**
 * Removes suppressed findings from the results (in place) and returns how many were
 * suppressed and the suppressions this run did not use up.
 */
export function applySuppressions(results: FileResult[], suppressions: Suppressions, cwd: string): { suppressed: number; unused: UnusedSuppression[] } {
  let suppressed = 0;
  const unused: UnusedSuppression[] = [];
  for (const result of results) {
    const key = suppressionKey(result.filePath, cwd);
    const rules = suppressions[key];
    if (!rules) continue;
    const counts = suppressibleCounts(result.diagnostics);
    const silenced = new Set<string>();
    for (const [ruleId, { count }] of Object.entries(rules)) {
      const found = counts.get(ruleId) ?? 0;
      if (found <= count) silenced.add(ruleId);
      if (found < count) unused.push({ file: key, ruleId, count, found });
    }
    const kept = result.diagnostics.filter((d) => !(isSuppressible(d) && silenced.has(d.ruleId)));
    suppressed += result.diagnostics.length - kept.length;
    result.diagnostics = kept;
  }
  return { suppressed, unused };
}

export function describeUnused(unused: readonly UnusedSuppression[], location: string): string {
  const lines = unused.map((u) => `  ${u.file}: ${u.ruleId} (suppressed ${u.count}, found ${u.found})`);
  return `leaklint: ${unused.length} suppression(s) in ${location} no longer match a finding:\n${lines.join("\n")}\n`
    + "Remove them with `--prune-suppressions` (or pass `--pass-on-unpruned-suppressions`).\n";
}

function isRecord(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
