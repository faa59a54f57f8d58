// Registration lists: code that adds a listener and records it with its target in a list
// (`this.listeners.push([window, "resize", onResize])`, `entries.push({ target: window, type, fn })`),
// then removes every recorded listener from its recorded target in one loop over that list
// (`for (const [target, event, handler] of this.listeners) target.removeEventListener(event, handler)`,
// `entries.forEach(({ target, type, fn }) => …)`). The removal names neither the target nor the
// handler, yet it reaches both through the entry they were recorded in.
import ts from "typescript";
import { isFunctionNode, referenceKey } from "../core/ast";
import type { Facts } from "../core/facts";
import { skipOuterExpressions } from "../core/names";

/**
 * The removal's target and handler are bindings of one entry of a loop over a list, and the file puts the
 * registration's handler into that list together with the registration's target (in one array or object literal).
 */
export function isRemovedThroughEntry(facts: Facts, target: ts.Expression, handler: ts.Expression, removedTarget: ts.Expression, removedHandler: ts.Expression): boolean {
  const list = entryList(facts, removedTarget);
  if (!list || entryList(facts, removedHandler) !== list) return false;
  const listKey = referenceKey(list);
  const targetKey = referenceKey(target);
  if (listKey === undefined || targetKey === undefined || !ts.isIdentifier(handler)) return false;
  const decl = facts.symbolAt(handler)?.declarations?.[0];
  const name = decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) ? decl.name : undefined;
  return name !== undefined && facts.referencesTo(name).some((ref) => {
    const literal = ts.isArrayLiteralExpression(ref.parent) ? ref.parent
      : (ts.isShorthandPropertyAssignment(ref.parent) || ts.isPropertyAssignment(ref.parent)) && ts.isObjectLiteralExpression(ref.parent.parent) ? ref.parent.parent : undefined;
    const call = literal?.parent;
    if (!literal || !call || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) || !/^(push|unshift|add)$/.test(call.expression.name.text)
      || referenceKey(call.expression.expression) !== listKey) return false;
    const parts = ts.isArrayLiteralExpression(literal) ? [...literal.elements]
      : literal.properties.map((p) => ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined);
    return parts.some((part) => part !== undefined && referenceKey(part) === targetKey);
  });
}

/** `for (const [t, e, h] of list)` / `list.forEach(({ t, h }) => …)`: the list whose entry binds `expr`. */
function entryList(facts: Facts, expr: ts.Expression): ts.Expression | undefined {
  const id = skipOuterExpressions(expr);
  const decl = ts.isIdentifier(id) ? facts.symbolAt(id)?.valueDeclaration : undefined;
  if (!decl || !ts.isBindingElement(decl)) return undefined;
  let node: ts.Node = decl;
  while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node)) node = node.parent;
  if (ts.isVariableDeclaration(node) && ts.isVariableDeclarationList(node.parent) && ts.isForOfStatement(node.parent.parent)) return node.parent.parent.expression;
  if (!ts.isParameter(node) || !isFunctionNode(node.parent) || node.parent.parameters[0] !== node) return undefined;
  const call = node.parent.parent;
  return ts.isCallExpression(call) && call.arguments[0] === node.parent && ts.isPropertyAccessExpression(call.expression)
    && call.expression.name.text === "forEach" ? call.expression.expression : undefined;
}
