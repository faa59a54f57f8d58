// Statement-level fix builders: wrap the rest of a block in `try { … } finally { … }`
// so that a release runs on every path (returns and exceptions included), and remove a
// whole statement line. Rules that release in `finally` (abort controllers, streams,
// file handles, connections) share them.
import ts from "typescript";
import { indentUnit, indentationAt, walk } from "../core/ast";
import type { TextEdit } from "../core/types";
import { replaceRange } from "./fixer";

/**
 * Wraps the statements after `statement` (up to the end of its block) in
 * `try { … } finally { <releases> }`. Undefined when `statement` is not directly in a
 * block, nothing follows it, or re-indenting could change the program (multi-line
 * template strings, hoisted declarations the earlier code may use).
 */
export function wrapRestInTryFinally(sourceFile: ts.SourceFile, statement: ts.Statement, releases: readonly string[]): TextEdit | undefined {
  const block = statement.parent;
  if (!ts.isBlock(block) && !ts.isSourceFile(block)) return undefined;
  const index = block.statements.indexOf(statement);
  const rest = block.statements.slice(index + 1);
  if (index < 0 || rest.length === 0) return undefined;
  if (rest.some((s) => ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || hasMultilineTemplate(s))) return undefined;
  const text = sourceFile.text;
  const unit = indentUnit(text);
  const first = rest[0].getStart(sourceFile);
  const indent = indentationAt(text, first);
  const start = first - indent.length;
  const end = lineEnd(text, rest[rest.length - 1].getEnd());
  const body = text.slice(start, end).split("\n").map((line) => (line.trim() ? unit + line : line)).join("\n");
  const finallyBody = releases.map((r) => `${indent}${unit}${r};`).join("\n");
  return replaceRange(start, end, `${indent}try {\n${body}\n${indent}} finally {\n${finallyBody}\n${indent}}`);
}

/** Removes a statement with its line (and its trailing comment) when it stands alone on its lines; otherwise just the statement. */
export function removeStatement(sourceFile: ts.SourceFile, statement: ts.Statement): TextEdit {
  const text = sourceFile.text;
  const start = statement.getStart(sourceFile);
  const indent = indentationAt(text, start);
  const lineStart = start - indent.length;
  const end = lineEnd(text, statement.getEnd());
  const alone = text.slice(lineStart, start).trim() === "" && text.slice(statement.getEnd(), end).trim().replace(/^\/\/.*$/, "") === "";
  if (!alone) return replaceRange(start, statement.getEnd(), "");
  return replaceRange(lineStart, Math.min(text.length, end + 1), "");
}

/** The end of the line that holds `pos`, after a trailing `// comment`, before the newline. */
function lineEnd(text: string, pos: number): number {
  const newline = text.indexOf("\n", pos);
  const end = newline < 0 ? text.length : newline;
  const rest = text.slice(pos, end);
  return /^\s*(\/\/.*)?\r?$/.test(rest) ? (rest.endsWith("\r") ? end - 1 : end) : pos;
}

function hasMultilineTemplate(node: ts.Node): boolean {
  let found = false;
  walk(node, (child) => {
    if (found) return false;
    if ((ts.isTemplateExpression(child) || ts.isNoSubstitutionTemplateLiteral(child)) && child.getText().includes("\n")) found = true;
    return !found;
  });
  return found;
}
