// Applying fixes (the edits themselves are built with the fixer API, fixer.ts). Fixes whose edits
// overlap an already chosen fix, or that declare a name an already chosen fix declares,
// are left for the next pass (the CLI's --fix and the server's fix-all re-lint and
// repeat, bounded: fix-loop.ts).
import type { Fix, LintDiagnostic, TextEdit } from "../core/types";

export interface AppliedFixes {
  text: string;
  applied: number;
  skipped: number;
  /** The fixes applied (the others overlapped one of them or declared a name one of them declares). */
  chosen: Fix[];
}

export function applyFixes(text: string, fixes: readonly Fix[]): AppliedFixes {
  const chosen: TextEdit[] = [];
  const chosenFixes: Fix[] = [];
  const declared = new Set<string>();
  let applied = 0;
  let skipped = 0;
  const ordered = [...fixes].sort((a, b) => firstStart(a) - firstStart(b));
  for (const fix of ordered) {
    const overlaps = fix.edits.some((edit) => chosen.some((other) => rangesOverlap(edit, other)));
    if (overlaps || fix.declares?.some((name) => declared.has(name))) {
      skipped++;
      continue;
    }
    chosen.push(...fix.edits);
    chosenFixes.push(fix);
    for (const name of fix.declares ?? []) declared.add(name);
    applied++;
  }
  chosen.sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  for (const edit of chosen) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return { text: result, applied, skipped, chosen: chosenFixes };
}

/** The safe fixes of a file's diagnostics (what --fix and fix-all apply). */
export function safeFixes(diagnostics: readonly LintDiagnostic[]): Fix[] {
  return diagnostics.flatMap((d) => d.fixes.filter((f) => f.safe));
}

function firstStart(fix: Fix): number {
  return fix.edits.reduce((min, e) => Math.min(min, e.start), Infinity);
}

export function rangesOverlap(a: TextEdit, b: TextEdit): boolean {
  // Two insertions at the same point conflict too: their order would be arbitrary.
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end || (a.start === a.end && a.start > b.start && a.start < b.end)
    || (b.start === b.end && b.start > a.start && b.start < a.end);
}
