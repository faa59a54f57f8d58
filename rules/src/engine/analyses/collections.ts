// Collections: which long-lived bindings hold a `Map`, `Set`, array or dictionary
// object, and what each reference to one does to it — grows it (`set`, `add`, `push`,
// `obj[k] = v`), shrinks or bounds it (`delete`, `clear`, `pop`, `length = 0`,
// reassignment, a size check), iterates or sizes it, or lets it escape to code we
// cannot see. Growth rules ask this for every mutation of a collection across a file;
// the WeakMap advice asks whether a collection's keys are objects.
import ts from "typescript";
import { calleeMemberName, conjuncts, enclosingFunction, isStoringAssignment, referenceKey, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { outerReference } from "./ownership";

export type CollectionKind = "map" | "set" | "array" | "object";
export type CollectionUseKind = "grow" | "shrink" | "bound" | "iterate" | "size" | "read" | "escape";

export interface CollectionUse {
  ref: ts.Expression;
  kind: CollectionUseKind;
  /** For growth: the key (`set`/`add`/`obj[k]`) or pushed value. */
  key?: ts.Expression;
  /** The method or operator: "set", "push", "[]=", "delete" … */
  via: string;
}

const GROW_METHODS = new Set(["set", "add", "push", "unshift"]);
/** The calls that may grow a collection: the growing methods and `splice` (which inserts when given items). */
const GROWING_CALLS = [...GROW_METHODS, "splice"];
const SHRINK_METHODS = new Set(["delete", "clear", "pop", "shift", "length"]);
const ITERATE_METHODS = new Set([
  "forEach", "keys", "values", "entries", "map", "filter", "reduce", "reduceRight", "some", "every", "find", "findIndex", "findLast",
  "join", "slice", "sort", "reverse", "flat", "flatMap", "concat", "toString", "toJSON", "at",
]);
const READ_METHODS = new Set(["get", "has", "indexOf", "includes", "lastIndexOf", "hasOwnProperty"]);
/** Functions that look at a collection without keeping or changing it. */
const INSPECTING_FUNCTIONS = new Set([
  "keys", "values", "entries", "from", "stringify", "log", "info", "warn", "error", "debug", "isArray", "assign", "freeze", "getOwnPropertyNames",
]);
const COMPARISON_OPERATORS = new Set([
  ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken,
  ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken,
]);

/** `new Map()`, `new Set(…)`, `[]`, `{}`, `Object.create(null)` → its kind; anything else → undefined. */
export function collectionKindOf(init: ts.Expression | undefined): CollectionKind | undefined {
  if (!init) return undefined;
  while (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
  if (ts.isNewExpression(init) && ts.isIdentifier(init.expression)) {
    if (init.expression.text === "Map") return "map";
    if (init.expression.text === "Set") return "set";
    if (init.expression.text === "Array") return "array";
    return undefined;
  }
  if (ts.isArrayLiteralExpression(init)) return "array";
  if (ts.isObjectLiteralExpression(init)) return init.properties.length === 0 ? "object" : undefined;
  // (the name before the text: `getText` of every call's callee costs)
  if (ts.isCallExpression(init) && ts.isPropertyAccessExpression(init.expression) && init.expression.name.text === "create"
    && init.expression.getText() === "Object.create" && init.arguments[0]?.kind === ts.SyntaxKind.NullKeyword) {
    return "object";
  }
  return undefined;
}

/**
 * Whether anything in the file can grow a collection, as `classifyCollectionUse` sees
 * growth: a `.set/.add/.push/.unshift/.splice(…)` call, or a store to a computed target
 * (`x[k] = v`). Names and the syntax index answer it, so a rule can ask before costlier questions.
 */
export function fileMayGrowCollections(facts: Facts): boolean {
  if (facts.computedStoresWithin().length > 0) return true;
  return GROWING_CALLS.some((name) => facts.identifiersNamed(name).some((id) => ts.isPropertyAccessExpression(id.parent) && id.parent.name === id
    && ts.isCallExpression(id.parent.parent) && id.parent.parent.expression === id.parent));
}

/** What one reference (`cache`, `Registry.items`, `this.items`) does to the collection. */
export function classifyCollectionUse(ref: ts.Expression): CollectionUse {
  const expr = outerReference(ref);
  const parent = expr.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === expr) return memberUse(ref, parent);
  if (ts.isElementAccessExpression(parent) && parent.expression === expr) return elementUse(ref, parent);
  if (ts.isBinaryExpression(parent) && parent.left === expr && isStoringAssignment(parent.operatorToken.kind)) {
    return { ref, kind: "shrink", via: "reassignment" };
  }
  if ((ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.expression === expr) return { ref, kind: "iterate", via: "for" };
  if (ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent)) return { ref, kind: "iterate", via: "spread" };
  if (ts.isCallExpression(parent) && parent.arguments.includes(expr)) {
    const callee = calleeMemberName(parent) ?? "";
    if (INSPECTING_FUNCTIONS.has(callee)) return { ref, kind: isSizeCheck(parent) ? "bound" : "iterate", via: callee };
    return { ref, kind: "escape", via: callee };
  }
  if (ts.isTypeOfExpression(parent) || ts.isIfStatement(parent) || ts.isPrefixUnaryExpression(parent)
    || (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.InKeyword && parent.right === expr)) {
    return { ref, kind: "read", via: "test" };
  }
  if (ts.isTypeQueryNode(parent) || ts.isExpressionStatement(parent)) return { ref, kind: "read", via: "type" };
  return { ref, kind: "escape", via: "alias" };
}

function memberUse(ref: ts.Expression, access: ts.PropertyAccessExpression): CollectionUse {
  const name = access.name.text;
  const call = ts.isCallExpression(access.parent) && access.parent.expression === access ? access.parent : undefined;
  if (!call) {
    if (name === "length" || name === "size") {
      const outer = outerReference(access);
      if (ts.isBinaryExpression(outer.parent) && outer.parent.left === outer && isStoringAssignment(outer.parent.operatorToken.kind)) {
        return { ref, kind: "shrink", via: "length =" };
      }
      return { ref, kind: isSizeCheck(access) ? "bound" : "size", via: name };
    }
    return { ref, kind: "read", via: name };
  }
  if (name === "splice") {
    const deleteCount = call.arguments[1];
    const inserts = call.arguments.length > 2 && deleteCount !== undefined && ts.isNumericLiteral(deleteCount) && deleteCount.text === "0";
    return inserts ? { ref, kind: "grow", key: call.arguments[2], via: "splice" } : { ref, kind: "shrink", via: "splice" };
  }
  if (GROW_METHODS.has(name)) return { ref, kind: "grow", key: call.arguments[0], via: name };
  if (SHRINK_METHODS.has(name)) return { ref, kind: "shrink", via: name };
  if (ITERATE_METHODS.has(name)) return { ref, kind: "iterate", via: name };
  if (READ_METHODS.has(name)) return { ref, kind: "read", via: name };
  return { ref, kind: "escape", via: name };
}

function elementUse(ref: ts.Expression, access: ts.ElementAccessExpression): CollectionUse {
  const outer = outerReference(access);
  const parent = outer.parent;
  if (ts.isDeleteExpression(parent)) return { ref, kind: "shrink", via: "delete" };
  const key = access.argumentExpression;
  if (ts.isBinaryExpression(parent) && parent.left === outer && isStoringAssignment(parent.operatorToken.kind)) {
    // `obj["fixed"] = v` and `arr[0] = v` do not grow without bound.
    if (ts.isStringLiteralLike(key) || ts.isNumericLiteral(key)) return { ref, kind: "read", via: "[]=" };
    return { ref, kind: "grow", key, via: "[]=" };
  }
  return { ref, kind: "read", via: "[]" };
}

/** `x.size > MAX`, `Object.keys(x).length >= n`: a comparison on the size. */
function isSizeCheck(node: ts.Expression): boolean {
  let current: ts.Node = outerReference(node);
  if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.parent) && current.parent.name.text === "length") {
    current = outerReference(current.parent);
  }
  const parent = current.parent;
  return ts.isBinaryExpression(parent) && COMPARISON_OPERATORS.has(parent.operatorToken.kind);
}

/**
 * Whether every key of a typed `Map`/`Set` (its first type argument) is an object
 * type — the precondition for `WeakMap`/`WeakSet`. Undefined when it cannot tell.
 */
export function hasObjectKeys(checker: ts.TypeChecker, collection: ts.Node): boolean | undefined {
  const type = checker.getTypeAtLocation(collection);
  const args = type.flags & ts.TypeFlags.Object ? checker.getTypeArguments(type as ts.TypeReference) : [];
  const key = args[0];
  if (!key) return undefined;
  return isObjectType(key);
}

export function isObjectType(type: ts.Type): boolean {
  if (type.isUnion() || type.isIntersection()) return type.types.every(isObjectType);
  return (type.flags & (ts.TypeFlags.Object | ts.TypeFlags.NonPrimitive)) !== 0;
}

/**
 * With types: the references to an exported binding from the program's other source
 * files (imports followed through aliases). Empty without types.
 */
export function referencesInOtherFiles(facts: Facts, name: ts.Identifier): ts.Identifier[] {
  if (!facts.hasTypes) return [];
  const checker = facts.checker;
  const symbol = checker.getSymbolAtLocation(name);
  if (!symbol) return [];
  const result: ts.Identifier[] = [];
  for (const file of facts.program.getSourceFiles()) {
    if (file === facts.sourceFile || file.isDeclarationFile || !file.text.includes(name.text)) continue;
    walk(file, (node) => {
      if (!ts.isIdentifier(node) || node.text !== name.text) return;
      let target = checker.getSymbolAtLocation(node);
      if (target && target.flags & ts.SymbolFlags.Alias) target = checker.getAliasedSymbol(target);
      if (target === symbol && !isImportName(node)) result.push(node);
    });
  }
  return result;
}

function isImportName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent) || ts.isExportSpecifier(parent);
}

/**
 * The collection or flag that makes the code at `node` run once (per key): `node` sits in
 * `if (!seen[k]) { seen[k] = true; … }` / `if (!seen.has(k)) { seen.add(k); … }` /
 * `if (!started && msg.type === "VARS") { started = true; … }` (the test may be one
 * conjunct of an `&&`; a flag must outlive the function: declared outside it or a
 * field), or after `if (seen.has(k)) return; seen.add(k);` in the same block.
 * Undefined otherwise.
 */
export function firstTimeGuard(node: ts.Node): ts.Expression | undefined {
  return guardAt(node)?.seen;
}

/** The first-time guard at `node` and the code it lets run once per key (the `if`'s block, or the block after the early return). */
export function guardAt(node: ts.Node): { seen: ts.Expression; guarded: ts.Node } | undefined {
  for (let current: ts.Node = node; current.parent && !isFunctionLikeBoundary(current); current = current.parent) {
    const parent = current.parent;
    if (ts.isIfStatement(parent) && parent.thenStatement === current) {
      for (const conjunct of conjuncts(parent.expression)) {
        const seen = membershipTest(conjunct, true);
        if (seen && insertsInto(parent.thenStatement, seen)) return { seen, guarded: parent.thenStatement };
        const flag = negatedFlag(conjunct);
        if (flag && setsFlag(parent.thenStatement, flag) && outlivesFunction(flag, parent)) return { seen: flag, guarded: parent.thenStatement };
      }
    }
    if (ts.isBlock(parent)) {
      for (const statement of parent.statements) {
        if (statement === current) break;
        if (!ts.isIfStatement(statement) || !exits(statement.thenStatement)) continue;
        const seen = membershipTest(statement.expression, false);
        if (seen && parent.statements.some((s) => s.pos < current.pos && insertsInto(s, seen))) return { seen, guarded: parent };
      }
    }
  }
  return undefined;
}

/** `!x[k]`, `!x.has(k)`, `!(k in x)` (negated) or `x[k]`, `x.has(k)`, `k in x` → `x`. */
function membershipTest(condition: ts.Expression, negated: boolean): ts.Expression | undefined {
  let expr = condition;
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (negated) {
    if (!ts.isPrefixUnaryExpression(expr) || expr.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
    expr = expr.operand;
    while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  }
  if (ts.isElementAccessExpression(expr)) return expr.expression;
  if (ts.isCallExpression(expr) && calleeMemberName(expr) === "has" && ts.isPropertyAccessExpression(expr.expression)) return expr.expression.expression;
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.InKeyword) return expr.right;
  return undefined;
}

/** `a && b && c` → [a, b, c]. */
/** `!flag` / `!this.flag` → the flag. */
function negatedFlag(condition: ts.Expression): ts.Expression | undefined {
  if (!ts.isPrefixUnaryExpression(condition) || condition.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
  let operand: ts.Expression = condition.operand;
  while (ts.isParenthesizedExpression(operand)) operand = operand.expression;
  return ts.isIdentifier(operand) || (ts.isPropertyAccessExpression(operand) && operand.expression.kind === ts.SyntaxKind.ThisKeyword) ? operand : undefined;
}

/** `flag = true` (or any other truthy literal) as a statement of the guarded block. */
function setsFlag(statement: ts.Statement, flag: ts.Expression): boolean {
  const key = referenceKey(flag);
  const statements = ts.isBlock(statement) ? statement.statements : [statement];
  return statements.some((s) => ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression)
    && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && referenceKey(s.expression.left) === key
    && (s.expression.right.kind === ts.SyntaxKind.TrueKeyword || ts.isNumericLiteral(s.expression.right) && s.expression.right.text !== "0"
      || ts.isStringLiteralLike(s.expression.right) && s.expression.right.text !== ""));
}

/** A field, or a variable not declared in the function that holds `at` (so it keeps its value between calls). */
function outlivesFunction(flag: ts.Expression, at: ts.Node): boolean {
  if (!ts.isIdentifier(flag)) return true;
  for (let current: ts.Node | undefined = at.parent; current && !isFunctionLikeBoundary(current); current = current.parent) {
    if (declaresName(current, flag.text)) return false;
  }
  const fn = enclosingFunction(at);
  return !(fn && fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === flag.text));
}

function declaresName(container: ts.Node, name: string): boolean {
  const statements = ts.isBlock(container) || ts.isSourceFile(container) ? container.statements : [];
  return statements.some((s) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name));
}

function insertsInto(statement: ts.Node, seen: ts.Expression): boolean {
  const key = referenceKey(seen);
  let found = false;
  walk(statement, (node) => {
    if (found) return false;
    if ((ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && key !== undefined && referenceKey(node) === key) {
      found = classifyCollectionUse(node).kind === "grow";
    }
  });
  return found;
}

function exits(statement: ts.Statement): boolean {
  const last = ts.isBlock(statement) ? statement.statements[statement.statements.length - 1] : statement;
  return last !== undefined && (ts.isReturnStatement(last) || ts.isThrowStatement(last) || ts.isContinueStatement(last));
}

function isFunctionLikeBoundary(node: ts.Node): boolean {
  return ts.isFunctionLike(node) || ts.isClassLike(node) || ts.isSourceFile(node);
}
