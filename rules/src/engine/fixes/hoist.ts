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
import { addClassMember, insertStatementBefore, replaceNode } from "./fixer";

export interface Hoisted {
  edits: TextEdit[];
  /** How code refers to the hoisted value: `onResize` or `this.onResize`. */
  reference: string;
  /** The name it declares with where (`onResize@<function>`, `this.onResize@<class>`): see Fix.declares. */
  declares: string;
  /**
   * False when the hoisted function may lose its parameters' contextual types (a TypeScript
   * file linted without types, or a type that cannot be written where the name goes): then the
   * fix is only a suggestion.
   */
  typesKept: boolean;
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
  const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
  const home = owner.kind === "class" ? owner.classNode : statement;
  const annotated = typed ? withParameterTypes(facts, value, home) : { text: value.getText(sourceFile), typesKept: true };
  const valueText = annotated.text;
  if (owner.kind === "class") {
    // A field initialiser keeps `this` only for arrows.
    if (!ts.isArrowFunction(value) || !enclosingFunction(value)) return undefined;
    const classNode = owner.classNode;
    const name = freshName(sourceFile, base, (n) => classNode.members.some((m) => m.name?.getText(sourceFile) === n));
    // addClassMember indents the continuation lines by the members' indentation.
    const body = reindent(valueText, indentationAt(text, statement.getStart(sourceFile)), "");
    return {
      edits: [
        addClassMember(sourceFile, classNode, `${typed ? "private readonly " : ""}${name} = ${body};`, "start"),
        replaceNode(value, sourceFile, `this.${name}`),
      ],
      reference: `this.${name}`,
      declares: `this.${name}@${classNode.pos}`,
      typesKept: annotated.typesKept,
    };
  }
  if (owner.kind === "vue-setup" || owner.kind === "module") return undefined;
  if (!isOwnerScope(owner, statement)) return undefined;
  const name = freshName(sourceFile, base, (n) => isNameTakenAt(facts, statement, n));
  return {
    edits: [
      insertStatementBefore(sourceFile, statement, `const ${name} = ${valueText}`),
      replaceNode(value, sourceFile, name),
    ],
    reference: name,
    declares: `${name}@${enclosingFunction(statement)?.pos ?? 0}`,
    typesKept: annotated.typesKept,
  };
}

/**
 * The text of `value` with a type written on each parameter that had its type from the
 * context (the call it was passed to): moved out of the call, it would lose it. The types
 * come from the checker; without one (or for a type that names a type parameter, which may
 * not be in scope where the name goes) the types are not kept.
 */
function withParameterTypes(facts: Facts, value: ts.Expression, at: ts.Node): { text: string; typesKept: boolean } {
  const sourceFile = facts.sourceFile;
  const text = value.getText(sourceFile);
  if (!ts.isArrowFunction(value) && !ts.isFunctionExpression(value)) return { text, typesKept: true };
  const untyped = value.parameters.filter((p) => !p.type && !p.initializer);
  if (untyped.length === 0) return { text, typesKept: true };
  if (!facts.hasTypes) return { text, typesKept: false };
  const checker = facts.checker;
  const start = value.getStart(sourceFile);
  const inserts: Array<{ at: number; text: string }> = [];
  for (const parameter of untyped) {
    const type = checker.getTypeAtLocation(parameter);
    const node = checker.typeToTypeNode(type, at, ts.NodeBuilderFlags.NoTruncation);
    if (!node || (type.flags & ts.TypeFlags.Any) !== 0 || !typeNamesVisible(checker, node, at)) return { text, typesKept: false };
    const written = checker.typeToString(type, at, ts.TypeFormatFlags.NoTruncation);
    inserts.push({ at: parameter.getEnd() - start, text: `: ${written}` });
  }
  let result = text;
  for (const insert of inserts.reverse()) result = result.slice(0, insert.at) + insert.text + result.slice(insert.at);
  // `data => …` needs parentheses around a typed parameter.
  if (ts.isArrowFunction(value) && value.parameters.length === 1 && sourceFile.text[value.parameters[0].getStart(sourceFile) - 1] !== "("
    && !text.startsWith("(") && !text.startsWith("async")) {
    const end = value.parameters[0].getEnd() - start + inserts[0].text.length;
    result = `(${result.slice(0, end)})${result.slice(end)}`;
  }
  return { text: result, typesKept: true };
}

/** Every type name the node refers to (the leftmost of `A.B`) is visible at `at`. */
function typeNamesVisible(checker: ts.TypeChecker, node: ts.TypeNode, at: ts.Node): boolean {
  const visible = new Set(checker.getSymbolsInScope(at, ts.SymbolFlags.Type | ts.SymbolFlags.Namespace).map((symbol) => symbol.name));
  let ok = true;
  const visit = (child: ts.Node): void => {
    if (!ok) return;
    if (ts.isTypeReferenceNode(child) || ts.isExpressionWithTypeArguments(child) || ts.isTypeQueryNode(child)) {
      let name: ts.Node = ts.isTypeReferenceNode(child) ? child.typeName : ts.isTypeQueryNode(child) ? child.exprName : child.expression;
      while (ts.isQualifiedName(name) || ts.isPropertyAccessExpression(name)) name = ts.isQualifiedName(name) ? name.left : name.expression;
      if (ts.isIdentifier(name) && !visible.has(ts.idText(name))) ok = false;
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return ok;
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
