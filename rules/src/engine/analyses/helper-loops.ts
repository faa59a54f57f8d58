// Timeout loops an instance runs through a module-level helper. ES5-era objects often keep their
// periodic work outside the prototype: `function poll(client) { …; setTimeout(function () { poll(client) }, ms) }`,
// started from a method with `poll(this)`. The loop is the instance's (its callback holds it), but the
// handle is dropped, so the instance's teardown (`stopClient`, `close`) cannot cancel it; and unless a
// condition of the loop reads state the teardown sets (`if (!client.running) return`), nothing ends
// it: the torn-down instance keeps polling and stays reachable from the timer queue.
import ts from "typescript";
import { type FunctionNode, isFunctionNode, isInside, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { skipOuterExpressions } from "../core/names";
import { type InstanceOwner, owners } from "./owners";
import { instanceTeardown } from "./timer-owners";

export interface HelperLoop {
  /** The module-level helper that re-schedules itself. */
  fn: FunctionNode & { name: ts.Identifier };
  owner: InstanceOwner;
  teardown: { name: string; fn: FunctionNode };
}

/**
 * The helper loop a dropped timer at `call` belongs to: its callback calls the enclosing module-level
 * function again with that function's own parameters, every other call of the function passes an
 * instance (`this`, `self`) from inside the instance's methods, the instance has a teardown, and no
 * condition of the helper reads a field that the teardown path assigns.
 */
export function instanceHelperLoop(facts: Facts, call: ts.CallExpression): HelperLoop | undefined {
  const fn = moduleFunctionAround(call);
  if (!fn || !recallsWithOwnParameters(facts, call.arguments[0], fn)) return undefined;
  const own = facts.analysis(owners);
  let owner: InstanceOwner | undefined;
  let position = -1;
  let pairedStop: { name: string; fn: FunctionNode } | undefined;
  for (const ref of facts.referencesTo(fn.name)) {
    if (ref === fn.name || isInside(ref, fn)) continue;
    const site = ref.parent;
    if (!ts.isCallExpression(site) || site.expression !== ref) return undefined; // handed elsewhere: callers we cannot see
    const instance = own.instanceAt(site);
    const index = instance ? site.arguments.findIndex((arg) => own.isInstanceReference(instance, skipOuterExpressions(arg))) : -1;
    if (!instance || index < 0 || (owner && owner !== instance) || (position >= 0 && position !== index)) return undefined;
    owner = instance;
    position = index;
    pairedStop ??= stopPairedWith(own.methodAt(instance, site)?.name, instance);
  }
  const param = owner ? fn.parameters[position]?.name : undefined;
  const teardown = owner && (instanceTeardown(facts, owner) ?? pairedStop);
  if (!owner || !teardown || !param || !ts.isIdentifier(param)) return undefined;
  if (readsTeardownState(fn, param.text, owner, teardown.fn)) return undefined;
  return { fn, owner, teardown };
}

/** `startClient()` → the instance's `stopClient()`: the method that undoes what its start method began. */
function stopPairedWith(method: string | undefined, owner: InstanceOwner): { name: string; fn: FunctionNode } | undefined {
  const match = method ? /^start([A-Z]\w*)?$/.exec(method) : null;
  if (!match) return undefined;
  const suffix = match[1] ?? "";
  for (const name of [`stop${suffix}`, `close${suffix}`]) {
    const fn = owner.methods.get(name);
    if (fn) return { name, fn };
  }
  return undefined;
}

/** The outermost function around `node` when it is a function declaration at the top of the module. */
function moduleFunctionAround(node: ts.Node): (FunctionNode & { name: ts.Identifier }) | undefined {
  let outer: FunctionNode | undefined;
  for (let current = node.parent; current; current = current.parent) if (isFunctionNode(current)) outer = current;
  return outer && ts.isFunctionDeclaration(outer) && outer.name && ts.isSourceFile(outer.parent) ? outer as FunctionNode & { name: ts.Identifier } : undefined;
}

/** `function () { poll(client); }` / `() => poll(client, opts)`: the helper again, with its own parameters passed through. */
function recallsWithOwnParameters(facts: Facts, callback: ts.Expression | undefined, fn: FunctionNode & { name: ts.Identifier }): boolean {
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return false;
  let body: ts.Node = callback.body;
  if (ts.isBlock(body)) {
    if (body.statements.length !== 1 || !ts.isExpressionStatement(body.statements[0])) return false;
    body = body.statements[0].expression;
  }
  if (!ts.isCallExpression(body) || !ts.isIdentifier(body.expression) || body.arguments.length === 0) return false;
  if (facts.symbolAt(body.expression)?.valueDeclaration !== fn) return false;
  return body.arguments.every((arg, i) => ts.isIdentifier(arg) && facts.symbolAt(arg)?.valueDeclaration === fn.parameters[i]);
}

/**
 * A condition can end the loop after teardown: the helper reads `param.x` (or calls `param.m()`,
 * whose body reads `this.x`) where the teardown, or an instance method it calls, assigns `this.x`.
 */
function readsTeardownState(fn: FunctionNode, param: string, owner: InstanceOwner, teardown: FunctionNode): boolean {
  const assigned = new Set<string>();
  const visited = new Set<FunctionNode>();
  const visit = (method: FunctionNode): void => {
    if (visited.has(method)) return;
    visited.add(method);
    walk(method, (node) => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
        && ts.isPropertyAccessExpression(node.left)) assigned.add(node.left.name.text);
      if (ts.isDeleteExpression(node) && ts.isPropertyAccessExpression(node.expression)) assigned.add(node.expression.name.text);
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const callee = owner.methods.get(node.expression.name.text);
        if (callee) visit(callee);
      }
    });
  };
  visit(teardown);
  const read = new Set<string>();
  walk(fn, (node) => {
    if (!ts.isPropertyAccessExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== param) return undefined;
    if (ts.isBinaryExpression(node.parent) && node.parent.left === node && node.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return undefined; // written, not read
    read.add(node.name.text);
    const method = owner.methods.get(node.name.text);
    if (method) walk(method, (inner) => void (ts.isPropertyAccessExpression(inner) && inner.expression.kind === ts.SyntaxKind.ThisKeyword && read.add(inner.name.text)));
    return undefined;
  });
  return [...read].some((name) => assigned.has(name));
}
