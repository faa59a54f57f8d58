// Media query lists the page keeps. `matchMedia(query)` returns a new MediaQueryList on each call,
// and a list with a change listener stays alive with its document (the browser must keep it to
// fire `change`), so the listener's closure does too. A component or object that gives a fresh list
// a handler per instance (`mql.onchange = …`, `mql.addEventListener("change", …)`, `mql.addListener(…)`)
// and never takes it back keeps every destroyed instance reachable from the page.
import ts from "typescript";
import { type FunctionNode, isFunctionNode, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { skipOuterExpressions } from "../core/names";
import type { InstanceOwner, OwnersAnalysis } from "./owners";
import { isModuleSingleton } from "./owner-shapes";
import { isFreshFunction } from "./listeners";

export interface InstanceMediaQuery {
  owner: InstanceOwner;
  /** The instance method or hook that gives the list its handler. */
  method: string;
}

/**
 * The instance whose method gives `list` a handler, when `list` holds a fresh `matchMedia(…)` result:
 * the call itself, a local or field set from it, or from an instance method that returns it
 * (`const mql = this.getMatchMedia()`). Undefined outside an instance, on its teardown path, or for
 * the module's one instance (`export default new Settings()`), which lives as long as the page.
 */
export function instanceMediaQuery(facts: Facts, own: OwnersAnalysis, list: ts.Expression, at: ts.Node): InstanceMediaQuery | undefined {
  const owner = own.instanceAt(at);
  const method = owner && own.methodAt(owner, at);
  if (!owner || !method || own.isOnTeardownPath(owner, at)) return undefined;
  if (isModuleSingleton(facts, owner)) return undefined; // the module's one instance: it lives as long as the page
  return isMatchMediaList(facts, own, owner, list, 0) ? { owner, method: method.name } : undefined;
}

/** `mql.onchange = handler` (a fresh function or a method) on an instance's fresh `matchMedia(…)` list, never set back: the instance that sets it. */
export function keptOnchangeHandler(facts: Facts, own: OwnersAnalysis, assignment: ts.BinaryExpression): InstanceMediaQuery | undefined {
  const left = assignment.left;
  if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(left) || left.name.text !== "onchange") return undefined;
  if (!isFreshFunction(assignment.right) && !ts.isPropertyAccessExpression(assignment.right)) return undefined;
  const kept = instanceMediaQuery(facts, own, left.expression, assignment);
  return kept && isHandlerNeverReset(facts, assignment) ? kept : undefined;
}

/** `list.onchange = handler` where nothing in the file sets that list's `onchange` back (`= null`). */
export function isHandlerNeverReset(facts: Facts, assignment: ts.BinaryExpression): boolean {
  const left = skipOuterExpressions(assignment.left);
  if (!ts.isPropertyAccessExpression(left)) return false;
  let reset = false;
  walk(facts.sourceFile, (node) => {
    if (reset) return false;
    if (node !== assignment && ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const other = skipOuterExpressions(node.left);
      if (ts.isPropertyAccessExpression(other) && other.name.text === left.name.text) reset = true;
    }
    return undefined;
  });
  return !reset;
}

function isMatchMediaList(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, expr: ts.Expression, depth: number): boolean {
  const value = skipOuterExpressions(expr);
  if (depth > 3) return false;
  if (ts.isCallExpression(value)) {
    const name = facts.calleeName(value);
    if (name === "global:matchMedia") return true;
    const callee = value.expression;
    const method = ts.isPropertyAccessExpression(callee) && own.isInstanceReference(owner, callee.expression) ? owner.methods.get(callee.name.text) : undefined;
    return method !== undefined && returnsMatchMedia(facts, own, owner, method, depth);
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.EqualsToken) return isMatchMediaList(facts, own, owner, value.right, depth + 1);
  if (ts.isConditionalExpression(value)) return isMatchMediaList(facts, own, owner, value.whenTrue, depth + 1) || isMatchMediaList(facts, own, owner, value.whenFalse, depth + 1);
  if (ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword) return fieldSetFromMatchMedia(facts, own, owner, value.name.text, depth);
  if (ts.isIdentifier(value)) {
    const decl = facts.symbolAt(value)?.valueDeclaration;
    return decl !== undefined && ts.isVariableDeclaration(decl) && decl.initializer !== undefined && isMatchMediaList(facts, own, owner, decl.initializer, depth + 1);
  }
  return false;
}

/** `this.narrow = matchMedia(q)`: a field that some assignment in the file (a method of the instance) sets to a fresh list. */
function fieldSetFromMatchMedia(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, field: string, depth: number): boolean {
  let found = false;
  walk(facts.sourceFile, (node) => {
    if (found) return false;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)
      && node.left.expression.kind === ts.SyntaxKind.ThisKeyword && node.left.name.text === field && isMatchMediaList(facts, own, owner, node.right, depth + 1)) found = true;
    return undefined;
  });
  return found;
}

/** An instance method one of whose returns is a `matchMedia(…)` call (`return IN_BROWSER ? matchMedia(q) : false`). */
function returnsMatchMedia(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, method: FunctionNode, depth: number): boolean {
  if (method.body && !ts.isBlock(method.body)) return isMatchMediaList(facts, own, owner, method.body, depth + 1);
  let found = false;
  if (method.body) {
    walk(method.body, (node) => {
      if (found || (isFunctionNode(node) && node !== method)) return false;
      if (ts.isReturnStatement(node) && node.expression && isMatchMediaList(facts, own, owner, node.expression, depth + 1)) found = true;
      return undefined;
    });
  }
  return found;
}
