// The fixer API: the edits of a fix built from nodes and statement texts instead of
// hand-made offsets — replace a node, insert before or after one, add a statement to a
// block, add an import, add a class member. Inserted code follows the file's style: its
// indentation step, quotes and semicolons, and a statement always gets a line of its own
// (an empty or one-line block is opened up: never `x.unsubscribe();}` on a closing line).
// `makeFix` records the names a fix declares, so that two fixes of one pass never declare
// the same name (applyFixes keeps the second for the next pass).
import ts from "typescript";
import { indentUnit, indentationAt } from "../core/ast";
import type { Fix, TextEdit } from "../core/types";

export interface FileStyle {
  /** One indentation step. */
  unit: string;
  quote: "\"" | "'";
  /** The file ends its statements with `;` (most of them do). */
  semicolons: boolean;
}

const STYLE_SAMPLE = 400;
const styles = new WeakMap<ts.SourceFile, FileStyle>();

/** The file's style, read once per parsed file from its first statements and string literals. */
export function fileStyle(sourceFile: ts.SourceFile): FileStyle {
  let style = styles.get(sourceFile);
  if (!style) {
    style = readStyle(sourceFile);
    styles.set(sourceFile, style);
  }
  return style;
}

function readStyle(sourceFile: ts.SourceFile): FileStyle {
  const text = sourceFile.text;
  let single = 0;
  let double = 0;
  let withSemicolon = 0;
  let without = 0;
  const visit = (node: ts.Node): void => {
    if (single + double + withSemicolon + without > STYLE_SAMPLE) return;
    if (ts.isStringLiteral(node) && !ts.isJsxAttribute(node.parent)) {
      if (text[node.getStart(sourceFile)] === "'") single++;
      else double++;
    } else if (ts.isExpressionStatement(node) || ts.isVariableStatement(node) || ts.isReturnStatement(node) || ts.isImportDeclaration(node)
      || ts.isThrowStatement(node)) {
      if (text[node.end - 1] === ";") withSemicolon++;
      else without++;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { unit: indentUnit(text), quote: single > double ? "'" : "\"", semicolons: withSemicolon >= without };
}

/** A string literal in the file's quotes. */
export function quoted(sourceFile: ts.SourceFile, value: string): string {
  if (fileStyle(sourceFile).quote === "\"") return JSON.stringify(value);
  return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, "\"").replace(/'/g, "\\'")}'`;
}

/**
 * A statement's text (`clearInterval(x)`, without its `;`) as the file writes statements.
 * A file without semicolons still gets one where the next code would continue the
 * statement (a following line that starts with `(`, `[`, a template, `+`, `-` or `/`).
 */
export function statementText(sourceFile: ts.SourceFile, code: string, next: number): string {
  const bare = code.replace(/;\s*$/, "");
  if (fileStyle(sourceFile).semicolons || /^[([`+\-/]/.test(sourceFile.text.slice(next).trimStart())) return `${bare};`;
  return bare;
}

/** Text inserted at an offset (a position the builder computed from nodes and lines). */
export function insertAt(pos: number, newText: string): TextEdit {
  return { start: pos, end: pos, newText };
}

/** The text of `[start, end)` replaced (a span of whole lines or nodes the builder computed). */
export function replaceRange(start: number, end: number, newText: string): TextEdit {
  return { start, end, newText };
}

export function replaceNode(node: ts.Node, sourceFile: ts.SourceFile, newText: string): TextEdit {
  return { start: node.getStart(sourceFile), end: node.getEnd(), newText };
}

export function insertBefore(node: ts.Node, sourceFile: ts.SourceFile, newText: string): TextEdit {
  return insertAt(node.getStart(sourceFile), newText);
}

export function insertAfter(node: ts.Node, newText: string): TextEdit {
  return insertAt(node.getEnd(), newText);
}

/** `code` as a statement on its own line just before `statement` (which may share a line with a `{`). */
export function insertStatementBefore(sourceFile: ts.SourceFile, statement: ts.Statement, code: string): TextEdit {
  const text = sourceFile.text;
  const start = statement.getStart(sourceFile);
  const before = lastCodeBefore(text, start);
  if (text.slice(before, start).includes("\n") || before === 0) {
    return { start, end: start, newText: `${statementText(sourceFile, code, start)}\n${indentationAt(text, start)}` };
  }
  const inner = innerIndent(sourceFile, statement);
  return { start: before, end: start, newText: `\n${inner}${statementText(sourceFile, code, start)}\n${inner}` };
}

/** `code` as a statement on its own line just after `statement` (and its trailing `// comment`). */
export function insertStatementAfter(sourceFile: ts.SourceFile, statement: ts.Statement, code: string): TextEdit {
  const text = sourceFile.text;
  const end = afterLineComment(text, statement.getEnd());
  const next = nextCode(text, end);
  const indent = startsLine(text, statement.getStart(sourceFile)) ? indentationAt(text, statement.getStart(sourceFile)) : innerIndent(sourceFile, statement);
  const line = `\n${indent}${statementText(sourceFile, code, next)}`;
  if (next >= text.length || text.slice(end, next).includes("\n")) return { start: end, end, newText: line };
  // Something follows on the same line: the next statement, or the block's `}`.
  const closing = text[next] === "}" && statement.parent && next === statement.parent.getEnd() - 1;
  const after = closing ? indentationAt(text, statement.parent.getStart(sourceFile)) : indent;
  return { start: end, end: next, newText: `${line}\n${after}` };
}

/** `code` as the first or last statement of `block` on a line of its own. */
export function addStatement(sourceFile: ts.SourceFile, block: ts.Block, code: string, where: "start" | "end"): TextEdit {
  const text = sourceFile.text;
  const statements = block.statements;
  const open = block.getStart(sourceFile);
  const close = block.getEnd() - 1;
  const outer = indentationAt(text, open);
  if (statements.length === 0) {
    const inner = outer + fileStyle(sourceFile).unit;
    const between = text.slice(open + 1, close);
    if (between.trim() !== "") return { start: open + 1, end: open + 1, newText: `\n${inner}${statementText(sourceFile, code, close)}` };
    return { start: open + 1, end: close, newText: `\n${inner}${statementText(sourceFile, code, close)}\n${outer}` };
  }
  if (where === "start") {
    const first = statements[0];
    const lineRest = text.slice(open + 1, text.indexOf("\n", open + 1) < 0 ? text.length : text.indexOf("\n", open + 1));
    if (/^\s*(\/\/.*)?$/.test(lineRest) && startsLine(text, first.getStart(sourceFile))) {
      const at = open + 1;
      return { start: at, end: at, newText: `\n${indentationAt(text, first.getStart(sourceFile))}${statementText(sourceFile, code, at)}` };
    }
    return insertStatementBefore(sourceFile, first, code);
  }
  const last = statements[statements.length - 1];
  const closeLine = text.lastIndexOf("\n", close - 1) + 1;
  if (text.slice(closeLine, close).trim() === "" && closeLine > last.getEnd()) {
    const indent = startsLine(text, last.getStart(sourceFile)) ? indentationAt(text, last.getStart(sourceFile)) : outer + fileStyle(sourceFile).unit;
    return { start: closeLine, end: closeLine, newText: `${indent}${statementText(sourceFile, code, close)}\n` };
  }
  return insertStatementAfter(sourceFile, last, code);
}

/** A member as the first or last of `classNode`, indented like its members. */
export function addClassMember(sourceFile: ts.SourceFile, classNode: ts.ClassLikeDeclaration, member: string, where: "start" | "end"): TextEdit {
  const text = sourceFile.text;
  const first = classNode.members[0];
  const indent = first && startsLine(text, first.getStart(sourceFile)) ? indentationAt(text, first.getStart(sourceFile))
    : indentationAt(text, classNode.getStart(sourceFile)) + fileStyle(sourceFile).unit;
  const body = member.split("\n").map((line, i) => (i === 0 || line === "" ? line : indent + line)).join("\n");
  if (where === "start") return { start: classNode.members.pos, end: classNode.members.pos, newText: `\n${indent}${body}` };
  const close = classNode.end - 1;
  const closeLine = text.lastIndexOf("\n", close - 1) + 1;
  if (text.slice(closeLine, close).trim() === "") return { start: closeLine - 1, end: closeLine - 1, newText: `\n${indent}${body}` };
  return { start: close, end: close, newText: `\n${indent}${body}\n${indentationAt(text, classNode.getStart(sourceFile))}` };
}

/**
 * Edits that make `names` importable from `module`: added to an existing
 * `import { … } from "module"`, or as a new import after the last one. Names
 * already imported from it are left alone.
 */
export function namedImportEdits(sourceFile: ts.SourceFile, module: string, names: readonly string[]): TextEdit[] {
  const imports = sourceFile.statements.filter(ts.isImportDeclaration);
  const existing = imports.find((d) => ts.isStringLiteral(d.moduleSpecifier) && d.moduleSpecifier.text === module
    && d.importClause?.namedBindings !== undefined && ts.isNamedImports(d.importClause.namedBindings) && !d.importClause.isTypeOnly);
  const bindings = existing?.importClause?.namedBindings as ts.NamedImports | undefined;
  const missing = names.filter((n) => !bindings?.elements.some((e) => e.name.text === n));
  if (missing.length === 0) return [];
  if (bindings && bindings.elements.length > 0) {
    const last = bindings.elements[bindings.elements.length - 1];
    return [{ start: last.getEnd(), end: last.getEnd(), newText: missing.map((n) => `, ${n}`).join("") }];
  }
  const after = imports[imports.length - 1];
  const at = after ? after.getEnd() : 0;
  const line = `import { ${missing.join(", ")} } from ${quoted(sourceFile, module)}${fileStyle(sourceFile).semicolons ? ";" : ""}`;
  return [{ start: at, end: at, newText: after ? `\n${line}` : `${line}\n` }];
}

export const addImport = namedImportEdits;

/** A fix from its edits; `declares` are the names it binds in the file. */
export function makeFix(description: string, safe: boolean, edits: TextEdit[], declares: readonly string[] = []): Fix {
  return declares.length > 0 ? { description, safe, edits, declares: [...declares] } : { description, safe, edits };
}

/** The indentation of statements inside the block (or clause) that holds `statement`. */
function innerIndent(sourceFile: ts.SourceFile, statement: ts.Statement): string {
  const text = sourceFile.text;
  const container = statement.parent;
  const sibling = (ts.isBlock(container) || ts.isSourceFile(container) || ts.isModuleBlock(container) || ts.isCaseOrDefaultClause(container))
    ? container.statements.find((s) => startsLine(text, s.getStart(sourceFile))) : undefined;
  if (sibling) return indentationAt(text, sibling.getStart(sourceFile));
  return ts.isSourceFile(container) ? "" : indentationAt(text, container.getStart(sourceFile)) + fileStyle(sourceFile).unit;
}

function startsLine(text: string, pos: number): boolean {
  const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
  return text.slice(lineStart, pos).trim() === "";
}

/** Just past the last non-blank character before `pos`. */
function lastCodeBefore(text: string, pos: number): number {
  let i = pos;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  return i;
}

/** The first non-blank character at or after `pos`. */
function nextCode(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

/** Past a `// comment` that follows `end` on its line (inserted lines go below it). */
function afterLineComment(text: string, end: number): number {
  const newline = text.indexOf("\n", end);
  const lineEnd = newline < 0 ? text.length : newline;
  const rest = text.slice(end, lineEnd);
  return /^\s*\/\/.*$/.test(rest) ? (rest.endsWith("\r") ? lineEnd - 1 : lineEnd) : end;
}
