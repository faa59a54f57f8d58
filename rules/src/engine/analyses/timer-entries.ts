// Timers stored on the entries of an instance's map: `var sub = this.subs[sid];
// sub.timeout = setTimeout(…)`. When a method removes the entry (`delete this.subs[sid]`,
// `this.subs.delete(sid)`) without touching the entry's timer field, the timer outlives
// the entry it belongs to: it fires for a removed subscription and keeps its callback's
// closure until then.
import ts from "typescript";
import { type FunctionNode, enclosingFunction, isInside, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { type InstanceOwner, owners } from "./owners";
import { outerReference } from "./ownership";

export interface EntryTimer {
  /** The instance field that holds the map (`subs`). */
  map: string;
  /** The entry's field that holds the handle (`timeout`). */
  field: string;
  /** A removal of an entry in a function that never mentions the timer field. */
  removal: ts.Node;
}

/**
 * The entry timer at `call` whose entry some method removes without clearing it, or undefined:
 * the handle must be assigned to `<entry>.<field>` where the entry is `this.<map>[key]` (or
 * `.get(key)`, directly or through a local), and removals inside the timer's own callback
 * (the timer already fired) do not count.
 */
export function entryTimerRemovedUncleared(facts: Facts, call: ts.CallExpression): EntryTimer | undefined {
  const assignment = outerReference(call).parent;
  if (!ts.isBinaryExpression(assignment) || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken || assignment.right !== outerReference(call)) return undefined;
  if (!ts.isPropertyAccessExpression(assignment.left)) return undefined;
  const field = assignment.left.name.text;
  const entry = entryExpression(facts, assignment.left.expression);
  const mapExpr = entry && mapOf(entry);
  const ownersOfFile = facts.analysis(owners);
  const instance = mapExpr && ownersOfFile.instanceAt(call);
  const map = instance ? ownersOfFile.fieldOf(instance, mapExpr) : undefined;
  if (!instance || map === undefined) return undefined;
  const callback = call.arguments[0];
  // Removals inside the timer's own callback (it fired) or in a catch clause (a half-made entry dropped on failure) do not count.
  const removals = ownersOfFile.fieldReferences(instance, map).filter(isEntryRemoval)
    .filter((r) => !(callback && isInside(r, callback)) && !ts.findAncestor(r, ts.isCatchClause));
  const removal = removals.find((r) => {
    const fn = enclosingFunction(r);
    return fn !== undefined && !mentionsField(facts, instance, fn, field, new Set());
  });
  return removal ? { map, field, removal: removal.parent.parent } : undefined;
}

/** `sub` declared as `var sub = this.subs[sid]`, or the expression itself. */
function entryExpression(facts: Facts, expr: ts.Expression): ts.Expression | undefined {
  if (!ts.isIdentifier(expr)) return expr;
  const decl = facts.symbolAt(expr)?.valueDeclaration;
  return decl && ts.isVariableDeclaration(decl) && decl.initializer ? decl.initializer : undefined;
}

/** `this.subs` in `this.subs[key]` or `this.subs.get(key)`. */
function mapOf(entry: ts.Expression): ts.Expression | undefined {
  if (ts.isElementAccessExpression(entry)) return entry.expression;
  if (ts.isCallExpression(entry) && ts.isPropertyAccessExpression(entry.expression) && entry.expression.name.text === "get") return entry.expression.expression;
  return undefined;
}

/** `delete this.subs[key]` or `this.subs.delete(key)`. */
function isEntryRemoval(ref: ts.PropertyAccessExpression): boolean {
  const parent = ref.parent;
  if (ts.isElementAccessExpression(parent) && parent.expression === ref) return ts.isDeleteExpression(parent.parent);
  return ts.isPropertyAccessExpression(parent) && parent.name.text === "delete" && ts.isCallExpression(parent.parent);
}

/** `fn`, or an instance method it calls (`this.removeBuffer(type)`), touches `<anything>.<field>`. */
function mentionsField(facts: Facts, instance: InstanceOwner, fn: FunctionNode, field: string, seen: Set<FunctionNode>): boolean {
  if (seen.has(fn)) return false;
  seen.add(fn);
  let found = false;
  walk(fn, (node) => {
    if (found) return false;
    if (ts.isPropertyAccessExpression(node) && node.name.text === field) found = true;
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)
      && facts.analysis(owners).isInstanceReference(instance, node.expression.expression)) {
      const method = instance.methods.get(node.expression.name.text);
      if (method && mentionsField(facts, instance, method, field, seen)) found = true;
    }
    return undefined;
  });
  return found;
}
