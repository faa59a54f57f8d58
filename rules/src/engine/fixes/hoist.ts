// Hoisting an inline function or value to a name that a teardown can reach: a
// `const` just before the statement that uses it (effects, request handlers, VS Code
// activation), or a class field (`private readonly onResize = (…) => …`) when the
// owner is a class. Fixes that must later release the same function reference (a
// listener to remove, a subscription to dispose) build on this.
import ts from "typescript";
import { containingStatement, enclosingFunction, indentationAt } from "../core/ast";
import type { Facts } from "../core/facts";
import type { Owner } from "../analyses/lifetime";
import type { TextEdit } from "../core/types";
import { freshName } from "./teardown-fixes";

export interface Hoisted {
  edits: TextEdit[];
  /** How code refers to the hoisted value: `onResize` or `this.onResize`. */
  reference: string;
}

/**
 * Moves `value` (an inline arrow or expression) into a name `base`, replacing it in
 * place. Undefined when the owner has no scope that both the code and its teardown see.
 */
export function hoistToName(facts: Facts, owner: Owner, value: ts.Expression, base: string): Hoisted | undefined {
  const sourceFile = facts.sourceFile;
  const text = sourceFile.text;
  const statement = containingStatement(value);
  if (!statement) return undefined;
  const valueText = value.getText(sourceFile);
  if (owner.kind === "class") {
    // A field initialiser keeps `this` only for arrows.
    if (!ts.isArrowFunction(value) || !enclosingFunction(value)) return undefined;
    const classNode = owner.classNode;
    const name = freshName(sourceFile, base, (n) => classNode.members.some((m) => m.name?.getText(sourceFile) === n));
    const first = classNode.members[0];
    const memberIndent = first ? indentationAt(text, first.getStart(sourceFile)) : "  ";
    const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
    const body = reindent(valueText, indentationAt(text, statement.getStart(sourceFile)), memberIndent);
    const open = classNode.members.pos;
    return {
      edits: [
        { start: open, end: open, newText: `\n${memberIndent}${typed ? "private readonly " : ""}${name} = ${body};` },
        { start: value.getStart(sourceFile), end: value.getEnd(), newText: `this.${name}` },
      ],
      reference: `this.${name}`,
    };
  }
  if (owner.kind === "vue-setup" || owner.kind === "module") return undefined;
  if (!isOwnerScope(owner, statement)) return undefined;
  const name = freshName(sourceFile, base, (n) => isNameTakenAt(facts, statement, n));
  const indent = indentationAt(text, statement.getStart(sourceFile));
  const at = statement.getStart(sourceFile);
  return {
    edits: [
      { start: at, end: at, newText: `const ${name} = ${valueText};\n${indent}` },
      { start: value.getStart(sourceFile), end: value.getEnd(), newText: name },
    ],
    reference: name,
  };
}

/** The statement sits directly in the body of the owner's function, where its teardown can see a new `const`. */
export function isOwnerScope(owner: Owner, statement: ts.Node): boolean {
  const fn = owner.kind === "effect" ? owner.effect : owner.kind === "request" ? owner.handler : owner.kind === "vscode" ? owner.activate
    : owner.kind === "vue-setup" ? owner.setup : undefined;
  return fn?.body !== undefined && statement.parent === fn.body;
}

/** Re-indents the continuation lines of a multi-line snippet from one base indentation to another. */
function reindent(snippet: string, from: string, to: string): string {
  return snippet.split("\n").map((line, i) => (i === 0 ? line : line.startsWith(from) ? to + line.slice(from.length) : line)).join("\n");
}

/**
 * Whether `name` is already bound or used where a new `const` at `at` would live: at
 * module level, in a function enclosing `at`, or inside the function that holds `at`.
 */
export function isNameTakenAt(facts: Facts, at: ts.Node, name: string): boolean {
  const home = enclosingFunction(at);
  return facts.identifiersNamed(name).some((id) => {
    const fn = enclosingFunction(id);
    if (!fn || (home && id.pos >= home.pos && id.end <= home.end)) return true;
    return at.pos >= fn.pos && at.end <= fn.end;
  });
}

/** `resize` → `onResize`, `data-ready` → `onDataReady`. */
export function handlerNameFor(event: ts.Expression): string {
  if (!ts.isStringLiteralLike(event)) return "handler";
  const words = event.text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (words.length === 0) return "handler";
  return "on" + words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}
