// Bulk suppressions, read by every host: the CLI applies them to its run (and writes them,
// cli/suppressions.ts), the language server shows suppressed findings as such. The file has
// ESLint's format (eslint-suppressions.json): `{ "<path>": { "<rule-id>": { "count": n } } }`,
// paths relative to the folder the run starts in (the CLI's cwd, the editor's workspace
// folder). Only error-level findings of rules are suppressed, never engine findings. A file
// keeps its suppressed findings of a rule only while it has at most `count` of them: one
// more, and every finding of that rule in that file is reported.
import fs from "node:fs";
import path from "node:path";
import { ENGINE_RULES } from "../core/linter";
import type { LintDiagnostic } from "../core/types";

export const SUPPRESSIONS_FILE = "leaklint-suppressions.json";

export type Suppressions = Record<string, Record<string, { count: number }>>;

export class SuppressionsError extends Error {}

const ENGINE_IDS = new Set<string>(Object.values(ENGINE_RULES));

/** The suppressions in `file` ({} when there is none); a SuppressionsError names what is wrong. */
export function readSuppressions(file: string): Suppressions {
  if (!fs.existsSync(file)) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new SuppressionsError(`cannot read the suppressions file ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SuppressionsError(`the suppressions file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const bad = (where: string, what: string): never => {
    throw new SuppressionsError(`the suppressions file ${file}: ${where}: ${what}`);
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

/** The key of a file in the suppressions file: relative to `base`, forward slashes (as ESLint). */
export function suppressionKey(filePath: string, base: string): string {
  return path.relative(base, filePath).split(path.sep).join("/");
}

export function isSuppressible(d: LintDiagnostic): boolean {
  return d.severity === "error" && !ENGINE_IDS.has(d.ruleId);
}

/** Error-level rule findings per rule id in one file. */
export function suppressibleCounts(diagnostics: readonly LintDiagnostic[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of diagnostics) if (isSuppressible(d)) counts.set(d.ruleId, (counts.get(d.ruleId) ?? 0) + 1);
  return counts;
}

/**
 * Which findings of one file its entry suppresses, and the rules of the entry with fewer
 * findings than suppressed (unused suppressions).
 */
export function suppressedFindings(
  diagnostics: readonly LintDiagnostic[],
  entry: Suppressions[string] | undefined,
): { suppressed: Set<LintDiagnostic>; unused: Array<{ ruleId: string; count: number; found: number }> } {
  const suppressed = new Set<LintDiagnostic>();
  const unused: Array<{ ruleId: string; count: number; found: number }> = [];
  if (!entry) return { suppressed, unused };
  const counts = suppressibleCounts(diagnostics);
  for (const [ruleId, { count }] of Object.entries(entry)) {
    const found = counts.get(ruleId) ?? 0;
    if (found <= count) for (const d of diagnostics) if (d.ruleId === ruleId && isSuppressible(d)) suppressed.add(d);
    if (found < count) unused.push({ ruleId, count, found });
  }
  return { suppressed, unused };
}

function isRecord(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
