// Each leaklint rule as an ESLint rule: same id (under the `leaklint/` prefix), message,
// range and fixes. The safe fixes are ESLint's `fix` (what `eslint --fix` applies, as
// `leaklint --fix` does); the suggestions are ESLint suggestions, in the same order. Findings come from the file's
// shared session (session.ts), so enabling all rules costs one engine run per file.
import type { Rule } from "eslint";
import { type Fix, type LintDiagnostic, type TextEdit, type RuleModule, declaredFixKinds, docsUrlFor, rangesOverlap } from "leaklint";
import { sessionFor } from "./session";

export function eslintRule(rule: RuleModule): Rule.RuleModule {
  const kinds = declaredFixKinds(rule.meta);
  return {
    meta: {
      type: "problem",
      docs: { description: rule.meta.description, url: docsUrlFor(rule.id), recommended: true },
      ...(kinds.includes("safe") ? { fixable: "code" as const } : {}),
      hasSuggestions: kinds.includes("suggestion"),
      schema: [rule.schema as object],
    },
    create(context) {
      const session = sessionFor(context);
      session.join(rule, context.options[0] as Record<string, unknown> | undefined);
      return {
        "Program:exit"() {
          for (const diagnostic of session.findings(rule.id)) context.report(descriptor(context, diagnostic));
          if (!session.isLead(rule.id)) return;
          for (const notice of session.notices()) context.report({ loc: locOf(context, notice.start, notice.end), message: notice.message });
        },
      };
    },
  };
}

function descriptor(context: Rule.RuleContext, diagnostic: LintDiagnostic): Rule.ReportDescriptor {
  const safe = diagnostic.fixes.filter((f) => f.safe);
  const suggestions = diagnostic.fixes.filter((f) => !f.safe);
  return {
    loc: locOf(context, diagnostic.start, diagnostic.end),
    message: diagnostic.message,
    ...(safe.length > 0 ? { fix: fixer(safe) } : {}),
    ...(suggestions.length > 0 ? { suggest: suggestions.map((f) => ({ desc: f.description, fix: fixer([f]) })) } : {}),
  };
}

/** Engine offsets are offsets into the text ESLint handed in (the same text), so they map back one to one. */
function locOf(context: Rule.RuleContext, start: number, end: number): { start: { line: number; column: number }; end: { line: number; column: number } } {
  return { start: context.sourceCode.getLocFromIndex(start), end: context.sourceCode.getLocFromIndex(end) };
}

/**
 * One ESLint fix from leaklint fixes: their edits together, leaving out a fix that overlaps one
 * already taken (ESLint refuses overlapping edits in a fix; `leaklint --fix` skips such a fix too).
 */
function fixer(fixes: readonly Fix[]): Rule.ReportFixer {
  const taken: TextEdit[] = [];
  for (const fix of fixes) {
    if (fix.edits.some((edit) => taken.some((other) => rangesOverlap(edit, other)))) continue;
    taken.push(...fix.edits);
  }
  return (f) => taken.map((edit) => f.replaceTextRange([edit.start, edit.end], edit.newText));
}
