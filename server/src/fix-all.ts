// Fix-all: applies every safe fix of a document, re-lints the result and repeats until
// nothing changes (bounded), then returns one edit covering the changed span — one edit
// cannot overlap anything, and the client applies it atomically.
import { type LintDiagnostic, fixUntilStable as fixLoop, notConvergedMessage } from "leaklint";
import type { TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { commonAffixes } from "./text-diff";

/**
 * `lint(text)` lints the document as if it had that text. The loop is the engine's (bounded,
 * rules whose fixes do not converge left out); `warn` hears which rules those were.
 */
export function fixUntilStable(text: string, lint: (text: string) => LintDiagnostic[], warn?: (message: string) => void): string {
  const result = fixLoop(text, lint);
  if (result.notConverged.length > 0) warn?.(notConvergedMessage(result.notConverged));
  return result.text;
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
