// Fix-all: applies every safe fix of a document, re-lints the result and repeats until
// nothing changes (bounded), then returns one edit covering the changed span — one edit
// cannot overlap anything, and the client applies it atomically.
import { type LintDiagnostic, applyFixes, safeFixes } from "leaklint";
import type { TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { commonAffixes } from "./text-diff";

const MAX_PASSES = 10;

/** `lint(text)` lints the document as if it had that text. */
export function fixUntilStable(text: string, lint: (text: string) => LintDiagnostic[]): string {
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const fixes = safeFixes(lint(current));
    if (fixes.length === 0) break;
    const next = applyFixes(current, fixes).text;
    if (next === current) break;
    current = next;
  }
  return current;
}

/** The smallest single edit turning the document's text into `fixed` (none when equal). */
export function singleEdit(document: TextDocument, fixed: string): TextEdit[] {
  const original = document.getText();
  if (original === fixed) return [];
  const { prefix, suffix } = commonAffixes(original, fixed);
  return [{
    range: { start: document.positionAt(prefix), end: document.positionAt(original.length - suffix) },
    newText: fixed.slice(prefix, fixed.length - suffix),
  }];
}
