// Fix-all as one edit: the engine's host layer (`fixFile`) applies every safe fix, re-lints and
// repeats until nothing changes; this turns the result into one edit covering the changed
// span — one edit cannot overlap anything, and the client applies it atomically.
import type { TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { commonAffixes } from "./text-diff";

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
