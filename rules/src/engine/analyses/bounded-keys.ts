// Keys that cannot take many values: growth through such a key adds a bounded number of
// entries whatever the owner — a literal or constant key, a key typed as a small literal
// union, an update made only when the key is already present, a key from a fixed list,
// a parameter every caller fills with a literal, or a collection whose declared type names a
// closed key set (`Record<Kind, V>`).
import ts from "typescript";
import { type FunctionNode, calleeMemberName, declaredName, isExportedDeclaration, isFunctionNode } from "../core/ast";
import type { Facts } from "../core/facts";
import { type CollectionUse, guardAt } from "./collections";
import { isConstantExpression, programCalls } from "./program-calls";

const MAX_LITERAL_KEYS = 16;

/**
 * Growth that cannot add many entries: a literal or constant key, a key whose type is a
 * single literal or a small union of literals (`"npm" | "yarn" | "pnpm"`), an update
 * made only when the key is already present (`if (m.has(k)) m.set(k, …)`), or a key
 * taken from a fixed list in the file (`for (const k of ["a", "b"])`).
 */
export function isBoundedKey(facts: Facts, use: CollectionUse): boolean {
  const key = use.key;
  if (!key || use.via === "push" || use.via === "unshift" || use.via === "splice") return false;
  if (ts.isStringLiteralLike(key) || ts.isNumericLiteral(key)) return true;
  if (isUpdateOfPresentKey(use)) return true;
  if (!ts.isIdentifier(key)) return false;
  if (facts.hasTypes) {
    if (isSmallLiteralUnion(facts.checker.getTypeAtLocation(key))) return true;
  }
  const decl = facts.symbolAt(key)?.valueDeclaration;
  if (!decl) return false;
  if (ts.isVariableDeclaration(decl) && decl.initializer && ts.isStringLiteralLike(decl.initializer)
    && (decl.parent.flags & ts.NodeFlags.Const) !== 0) return true;
  if ((ts.isParameter(decl) || ts.isVariableDeclaration(decl)) && decl.type && isLiteralUnionType(facts, decl.type)) return true;
  if (ts.isParameter(decl) && ts.isIdentifier(decl.name) && isFunctionNode(decl.parent) && onlyLiteralArguments(facts, decl)) return true;
  // for (const k of ["a", "b"]) / for (const k of KINDS) with `const KINDS = [...literals]`
  const loop = decl.parent?.parent;
  if (ts.isVariableDeclarationList(decl.parent) && loop && ts.isForOfStatement(loop)) return isLiteralList(facts, loop.expression);
  return false;
}

/**
 * `if (!loaded[lang]) { switch (lang) { case "js": await import("mode/js"); … } loaded[lang] = true }`:
 * the record of which lazily imported modules are loaded. The guarded code imports modules by
 * literal specifiers only, so the record has at most one entry per module the code can load, and
 * the module cache keeps every loaded module anyway.
 */
export function isLazyLoadRecord(use: CollectionUse): boolean {
  const guard = guardAt(use.ref);
  if (!guard || guard.seen.getText() !== use.ref.getText()) return false;
  let literal = 0;
  let other = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      if (node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) literal++;
      else other++;
    }
    ts.forEachChild(node, visit);
  };
  visit(guard.guarded);
  return literal > 0 && other === 0;
}

/**
 * The key is a parameter that every caller fills with a literal (`get(name)` called only as
 * `get("CMake Diagnostics")`, or another constant expression): across the program with types, else the file's own direct calls of a
 * function nothing outside the file can call.
 */
function onlyLiteralArguments(facts: Facts, param: ts.ParameterDeclaration): boolean {
  const fn = param.parent as FunctionNode;
  const index = fn.parameters.indexOf(param);
  if (param.dotDotDotToken) return false;
  const program = facts.analysis(programCalls);
  if (program) return program.passesOnlyLiterals(fn, index);
  const name = declaredName(fn);
  if (!name || isExportedDeclaration(fn)) return false;
  const refs = facts.referencesTo(name);
  return refs.length > 0 && refs.every((ref) => {
    const call = ref.parent;
    const argument = ts.isCallExpression(call) && call.expression === ref ? call.arguments[index] : undefined;
    return argument !== undefined && isConstantExpression(argument);
  });
}

/** A literal type or a union of at most MAX_LITERAL_KEYS literals (strings, numbers, booleans, enum members). */
function isSmallLiteralUnion(type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.length <= MAX_LITERAL_KEYS && parts.every((t) => t.isLiteral() || (t.flags & (ts.TypeFlags.BooleanLiteral | ts.TypeFlags.EnumLiteral)) !== 0);
}

/** A literal union written in the file: `"a" | "b"`, or a type alias of one declared in the same file. */
function isLiteralUnionType(facts: Facts, type: ts.TypeNode, depth = 0): boolean {
  if (ts.isLiteralTypeNode(type)) return true;
  if (ts.isUnionTypeNode(type)) return type.types.length <= MAX_LITERAL_KEYS && type.types.every((t) => isLiteralUnionType(facts, t, depth));
  if (ts.isParenthesizedTypeNode(type)) return isLiteralUnionType(facts, type.type, depth);
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && depth < 2) {
    const name = type.typeName.text;
    const decl = facts.symbolAt(type.typeName)?.declarations?.find(ts.isTypeAliasDeclaration)
      ?? facts.sourceFile.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name);
    return decl !== undefined && isLiteralUnionType(facts, decl.type, depth + 1);
  }
  return false;
}

function isLiteralList(facts: Facts, expr: ts.Expression): boolean {
  let list: ts.Node | undefined = expr;
  if (ts.isIdentifier(expr)) {
    const decl = facts.symbolAt(expr)?.valueDeclaration;
    list = decl && ts.isVariableDeclaration(decl) && (decl.parent.flags & ts.NodeFlags.Const) !== 0 ? decl.initializer : undefined;
  }
  while (list && (ts.isAsExpression(list) || ts.isSatisfiesExpression(list))) list = list.expression;
  return list !== undefined && ts.isArrayLiteralExpression(list) && list.elements.every((e) => ts.isStringLiteralLike(e) || ts.isNumericLiteral(e));
}

/** `if (m.has(k)) m.set(k, v)` / `if (k in o) o[k] = v`: the key was already there. */
function isUpdateOfPresentKey(use: CollectionUse): boolean {
  const key = use.key!.getText();
  const target = use.ref.getText();
  for (let current: ts.Node = use.ref; current.parent && !isFunctionNode(current); current = current.parent) {
    const parent = current.parent;
    if (!ts.isIfStatement(parent) || parent.thenStatement !== current) continue;
    let condition = parent.expression;
    while (ts.isParenthesizedExpression(condition)) condition = condition.expression;
    if (ts.isCallExpression(condition) && calleeMemberName(condition) === "has" && ts.isPropertyAccessExpression(condition.expression)
      && condition.expression.expression.getText() === target && condition.arguments[0]?.getText() === key) return true;
    if (ts.isBinaryExpression(condition) && condition.operatorToken.kind === ts.SyntaxKind.InKeyword
      && condition.right.getText() === target && condition.left.getText() === key) return true;
  }
  return false;
}


/** Utility types that keep their argument's keys: `Partial<Record<K, V>>` has the keys of `Record<K, V>`. */
const KEY_PRESERVING = new Set(["Partial", "Readonly", "Required"]);

/**
 * Whether the collection declared at `nameNode` (a class field or variable with a type
 * annotation, or `this.x` whose class declares `x: …`) is a dictionary typed over a
 * closed key set: `Record<K, V>` (through `Partial`/`Readonly`/`Required`) or
 * `{ [P in K]?: V }`. With types, K must be a small union of literals (enum members
 * included). Without types, K must be a literal union the file shows, or a type the
 * file imports by name: the loose tier cannot see it, and TypeScript code writes an
 * open dictionary as `Record<string, V>` — naming the key type is the idiom of a closed
 * set (a string-literal union, an enum). A local alias of `string` stays open.
 */
export function hasClosedKeyType(facts: Facts, nameNode: ts.Node): boolean {
  const declared = declaredType(nameNode);
  const key = declared && dictionaryKeyType(declared);
  if (!key) return false;
  if (facts.hasTypes) {
    return isSmallLiteralUnion(facts.checker.getTypeFromTypeNode(key));
  }
  return isLiteralUnionType(facts, key) || isNamedKeySet(facts, key);
}

function declaredType(nameNode: ts.Node): ts.TypeNode | undefined {
  const holder = nameNode.parent;
  if ((ts.isPropertyDeclaration(holder) || ts.isVariableDeclaration(holder)) && holder.name === nameNode) return holder.type;
  // `this.x = {}` in a constructor, with `private x: Record<K, V>;` declared on the class
  if (ts.isPropertyAccessExpression(nameNode) && nameNode.expression.kind === ts.SyntaxKind.ThisKeyword) {
    let classNode: ts.Node | undefined = nameNode.parent;
    while (classNode && !ts.isClassLike(classNode)) classNode = classNode.parent;
    const member = classNode?.members.find((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && m.name.getText() === nameNode.name.text);
    return member?.type;
  }
  return undefined;
}

/** K of `Record<K, V>`, `Partial<Record<K, V>>`, `{ [P in K]?: V }`; undefined for other types. */
function dictionaryKeyType(type: ts.TypeNode): ts.TypeNode | undefined {
  if (ts.isMappedTypeNode(type)) return type.typeParameter.constraint;
  if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  const [first] = type.typeArguments ?? [];
  if (type.typeName.text === "Record" && type.typeArguments?.length === 2) return first;
  return KEY_PRESERVING.has(type.typeName.text) && first ? dictionaryKeyType(first) : undefined;
}

/** `K` names an enum of the file or a type imported into it (`import type { K } from "./kinds"`). */
function isNamedKeySet(facts: Facts, type: ts.TypeNode): boolean {
  if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return false;
  const name = type.typeName.text;
  return facts.sourceFile.statements.some((s) => (ts.isEnumDeclaration(s) && s.name.text === name)
    || (ts.isImportDeclaration(s) && s.importClause?.namedBindings !== undefined && ts.isNamedImports(s.importClause.namedBindings)
      && s.importClause.namedBindings.elements.some((e) => e.name.text === name)));
}
