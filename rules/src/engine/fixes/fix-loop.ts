// Fix until stable, the loop `--fix` and the server's fix-all share: apply every safe
// fix, re-lint, repeat. It is bounded (10 passes, as ESLint): when safe fixes are still
// offered after the last pass, the rules that offered them did not converge (their fix
// does not make their finding go away, and the file would grow on every pass). The loop
// then starts again from the original text without those rules' fixes, so a file never
// keeps the output of a non-converging fix, and says which rules they were.
import { applyFixes } from "./fixes";
import type { Fix, LintDiagnostic } from "../core/types";

export const MAX_FIX_PASSES = 10;

export interface FixLoopResult {
  text: string;
  /** The diagnostics of the final text (the last lint of the loop). */
  diagnostics: LintDiagnostic[];
  /** Passes that changed the text. */
  passes: number;
  /** Rule ids whose safe fixes did not converge within the bound (their fixes were left out). */
  notConverged: string[];
}

/**
 * `lint(text)` lints the file as if it had that text; `first` are the diagnostics of
 * `text` when the caller has them already.
 */
export function fixUntilStable(text: string, lint: (text: string) => LintDiagnostic[], first?: LintDiagnostic[]): FixLoopResult {
  const excluded = new Set<string>();
  for (;;) {
    const result = runPasses(text, lint, excluded, excluded.size === 0 ? first : undefined);
    if (result.pending.length === 0) return { ...result, notConverged: [...excluded].sort() };
    const before = excluded.size;
    for (const id of result.pending) excluded.add(id);
    if (excluded.size === before) return { ...result, notConverged: [...excluded].sort() }; // cannot happen: pending rules are never excluded
  }
}

function runPasses(original: string, lint: (text: string) => LintDiagnostic[], excluded: ReadonlySet<string>, first: LintDiagnostic[] | undefined):
  { text: string; diagnostics: LintDiagnostic[]; passes: number; pending: string[] } {
  let text = original;
  let diagnostics = first ?? lint(text);
  let passes = 0;
  for (;;) {
    const fixes = fixesOf(diagnostics, excluded);
    if (fixes.length === 0) return { text, diagnostics, passes, pending: [] };
    if (passes === MAX_FIX_PASSES) return { text, diagnostics, passes, pending: [...new Set(fixes.map((f) => f.ruleId))] };
    const next = applyFixes(text, fixes.map((f) => f.fix)).text;
    if (next === text) return { text, diagnostics, passes, pending: [] };
    text = next;
    passes++;
    diagnostics = lint(text);
  }
}

function fixesOf(diagnostics: readonly LintDiagnostic[], excluded: ReadonlySet<string>): Array<{ ruleId: string; fix: Fix }> {
  return diagnostics.filter((d) => !excluded.has(d.ruleId)).flatMap((d) => d.fixes.filter((f) => f.safe).map((fix) => ({ ruleId: d.ruleId, fix })));
}

/** The sentence hosts show for rules whose fixes did not converge. */
export function notConvergedMessage(ruleIds: readonly string[]): string {
  const rules = ruleIds.map((id) => `"${id}"`).join(", ");
  return `The safe fixes of ${ruleIds.length === 1 ? "rule" : "rules"} ${rules} did not converge within ${MAX_FIX_PASSES} passes `
    + "(the finding stayed after each fix) and were not applied.";
}
