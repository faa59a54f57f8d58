// Bulk suppressions in the CLI: writing the baseline (`--suppress-all`, `--suppress-rule`),
// pruning it (`--prune-suppressions`), and applying it to the run's results with the
// unused suppressions named. Reading the file and deciding what an entry suppresses is the
// engine's (hosting/suppressions.ts), shared with the language server.
import fs from "node:fs";
import path from "node:path";
import {
  type FileResult, type Suppressions, SuppressionsError, readSuppressions as readFile, suppressedFindings, suppressibleCounts, suppressionKey,
} from "../engine";
import { UsageError } from "./args";

export type { Suppressions };

export interface UnusedSuppression {
  file: string;
  ruleId: string;
  /** Suppressed count in the file, and how many findings the run had. */
  count: number;
  found: number;
}

/** The suppressions file's content; a broken file is a usage error (exit 2). */
export function readSuppressions(file: string): Suppressions {
  try {
    return readFile(file);
  } catch (error) {
    if (error instanceof SuppressionsError) throw new UsageError(error.message);
    throw error;
  }
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
    const outcome = suppressedFindings(result.diagnostics, suppressions[key]);
    unused.push(...outcome.unused.map((u) => ({ file: key, ...u })));
    suppressed += outcome.suppressed.size;
    result.diagnostics = result.diagnostics.filter((d) => !outcome.suppressed.has(d));
  }
  return { suppressed, unused };
}

export function describeUnused(unused: readonly UnusedSuppression[], location: string): string {
  const lines = unused.map((u) => `  ${u.file}: ${u.ruleId} (suppressed ${u.count}, found ${u.found})`);
  return `leaklint: ${unused.length} suppression(s) in ${location} no longer match a finding:\n${lines.join("\n")}\n`
    + "Remove them with `--prune-suppressions` (or pass `--pass-on-unpruned-suppressions`).\n";
}
