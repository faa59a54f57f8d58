// Fix until stable, the loop `--fix` and the server's fix-all share: apply every safe
// fix, re-lint, repeat. Two guards keep a file from growing on every pass:
// - per fix: the re-lint after each pass is also the convergence check. A safe fix whose
//   own finding is still there after it was applied (same rule, same message, the same
//   node and related locations — their ranges carried through the pass's edits; a message
//   that names a line can name another exit that moved there) does not converge: the pass is
//   redone without it, and the finding comes back with that fix as a suggestion only.
//   This costs a lint only when it happens; a pass where every fix converges costs none.
// - per rule: bounded (10 passes, as ESLint). When safe fixes are still offered after the
//   last pass (a fix whose finding moves on to another node each time), the rules that
//   offered them did not converge; the loop starts again from the original text without
//   those rules' fixes, so a file never keeps the output of a non-converging fix.
// Both are named in `notConverged`.
import { applyFixes } from "./fixes";
import type { Fix, LintDiagnostic, TextEdit } from "../core/types";

export const MAX_FIX_PASSES = 10;

export interface FixLoopResult {
  text: string;
  /** The diagnostics of the final text (the last lint of the loop); fixes that did not converge are suggestions there. */
  diagnostics: LintDiagnostic[];
  /** Passes that changed the text. */
  passes: number;
  /** Rule ids whose safe fixes did not converge (their fixes were left out). */
  notConverged: string[];
}

/** A finding whose safe fix did not make it go away, by its place (and its related places) in the current text. */
interface Stuck {
  ruleId: string;
  message: string;
  start: number;
  end: number;
  related: Span[];
}

interface Span {
  start: number;
  end: number;
}

/**
 * `lint(text)` lints the file as if it had that text; `first` are the diagnostics of
 * `text` when the caller has them already.
 */
export function fixUntilStable(text: string, lint: (text: string) => LintDiagnostic[], first?: LintDiagnostic[]): FixLoopResult {
  const excluded = new Set<string>();
  for (;;) {
    const result = runPasses(text, lint, excluded, excluded.size === 0 ? first : undefined);
    const notConverged = [...new Set([...excluded, ...result.stuckRules])].sort();
    if (result.pending.length === 0) return { text: result.text, diagnostics: result.diagnostics, passes: result.passes, notConverged };
    const before = excluded.size;
    for (const id of result.pending) excluded.add(id);
    if (excluded.size === before) return { text: result.text, diagnostics: result.diagnostics, passes: result.passes, notConverged }; // cannot happen
  }
}

function runPasses(original: string, lint: (text: string) => LintDiagnostic[], excluded: ReadonlySet<string>, first: LintDiagnostic[] | undefined):
  { text: string; diagnostics: LintDiagnostic[]; passes: number; pending: string[]; stuckRules: string[] } {
  let text = original;
  let diagnostics = first ?? lint(text);
  let passes = 0;
  let stuck: Stuck[] = [];
  const stuckRules = new Set<string>();
  const done = (pending: string[]) => ({ text, diagnostics: demote(diagnostics, stuck), passes, pending, stuckRules: [...stuckRules] });
  for (;;) {
    const fixes = fixesOf(diagnostics, excluded, stuck);
    if (fixes.length === 0) return done([]);
    if (passes === MAX_FIX_PASSES) return done([...new Set(fixes.map((f) => f.diagnostic.ruleId))]);
    const applied = applyFixes(text, fixes.map((f) => f.fix));
    if (applied.text === text) return done([]);
    const next = lint(applied.text);
    const edits = applied.chosen.flatMap((fix) => fix.edits).sort((a, b) => a.start - b.start || a.end - b.end);
    const chosen = new Set(applied.chosen);
    const again = fixes.filter((f) => chosen.has(f.fix) && stillThere(f.diagnostic, text, edits, next));
    if (again.length > 0) {
      // Redo this pass without them: they stay suggestions for the rest of the loop.
      for (const { diagnostic } of again) {
        stuck.push({ ruleId: diagnostic.ruleId, message: diagnostic.message, start: diagnostic.start, end: diagnostic.end, related: diagnostic.related });
        stuckRules.add(diagnostic.ruleId);
      }
      continue;
    }
    stuck = stuck.flatMap((s) => {
      const mapped = mapFinding(s, text, edits);
      return mapped ? [mapped] : [];
    });
    text = applied.text;
    diagnostics = next;
    passes++;
  }
}

function fixesOf(diagnostics: readonly LintDiagnostic[], excluded: ReadonlySet<string>, stuck: readonly Stuck[]): Array<{ diagnostic: LintDiagnostic; fix: Fix }> {
  return diagnostics.filter((d) => !excluded.has(d.ruleId) && !stuck.some((s) => sameFinding(s, d)))
    .flatMap((d) => d.fixes.filter((f) => f.safe).map((fix) => ({ diagnostic: d, fix })));
}

/** The finding `d` of `text` is in `next` (the text after `edits`) again: same rule and message, its range carried through the edits. */
function stillThere(d: LintDiagnostic, text: string, edits: readonly TextEdit[], next: readonly LintDiagnostic[]): boolean {
  const mapped = mapFinding({ ruleId: d.ruleId, message: d.message, start: d.start, end: d.end, related: d.related }, text, edits);
  return mapped !== undefined && next.some((n) => sameFinding(mapped, n)); // rewritten beyond recognition: the pass bound decides
}

/** The finding's ranges after `edits`; undefined when one of them was rewritten. */
function mapFinding(s: Stuck, text: string, edits: readonly TextEdit[]): Stuck | undefined {
  const spans = [s, ...s.related].map((span) => ({ start: mapOffset(span.start, text, edits, "start"), end: mapOffset(span.end, text, edits, "end") }));
  if (spans.some((span) => span.start === undefined || span.end === undefined)) return undefined;
  const [own, ...related] = spans as Span[];
  return { ruleId: s.ruleId, message: s.message, ...own, related };
}

function sameFinding(s: Stuck, d: LintDiagnostic): boolean {
  return d.ruleId === s.ruleId && d.start === s.start && d.end === s.end && d.message === s.message
    && d.related.length === s.related.length && d.related.every((r, i) => r.start === s.related[i].start && r.end === s.related[i].end);
}

/**
 * Where offset `at` of `text` is after `edits` (sorted, not overlapping): shifted by the edits
 * before it; inside a replaced span, followed into the new text when that keeps the old span
 * (a fix that wraps or prefixes the node); undefined when the span was rewritten. An insertion
 * at `at` lands before a range's start and after its end (`side`).
 */
export function mapOffset(at: number, text: string, edits: readonly TextEdit[], side: "start" | "end"): number | undefined {
  let delta = 0;
  for (const edit of edits) {
    const inserted = edit.newText.length - (edit.end - edit.start);
    const before = edit.start === edit.end ? (side === "start" ? edit.start <= at : edit.start < at) : edit.end <= at && !(side === "end" && edit.end === at);
    if (before) {
      delta += inserted;
      continue;
    }
    const inside = side === "start" ? edit.start <= at && at < edit.end : edit.start < at && at <= edit.end;
    if (!inside) break;
    const kept = edit.newText.indexOf(text.slice(edit.start, edit.end));
    return kept < 0 ? undefined : edit.start + delta + kept + (at - edit.start);
  }
  return at + delta;
}

/** The diagnostics with the safe fixes of stuck findings turned into suggestions. */
function demote(diagnostics: LintDiagnostic[], stuck: readonly Stuck[]): LintDiagnostic[] {
  if (stuck.length === 0) return diagnostics;
  return diagnostics.map((d) => (!stuck.some((s) => sameFinding(s, d)) ? d
    : { ...d, fixes: d.fixes.map((f) => (f.safe ? { ...f, safe: false, description: `${f.description} (a suggestion: applying it leaves this finding)` } : f)) }));
}

/** The sentence hosts show for rules whose fixes did not converge. */
export function notConvergedMessage(ruleIds: readonly string[]): string {
  const rules = ruleIds.map((id) => `"${id}"`).join(", ");
  return `Some safe fixes of ${ruleIds.length === 1 ? "rule" : "rules"} ${rules} did not converge (the finding stayed after the fix, `
    + `or fixes were still offered after ${MAX_FIX_PASSES} passes) and were not applied.`;
}
