// Work the teardown aborts: an instance keeps an AbortController in a field
// (`this.controller`), hands its signal to a request in a method, and its teardown path
// calls `this.controller.abort()`. Aborting rejects that request, so the request
// chain's rejection handlers (`.catch(fn)`, `.then(ok, fn)`, `.finally(fn)`) run on
// teardown too: a release inside one of them is a release on the teardown path.
//
//   load() {
//     this.controller = new AbortController();
//     const init = { signal: this.controller.signal };   // the signal reaches …
//     fetch(url, init).then(…).catch(() => clearTimeout(this.t)); // … this chain
//   }
//   destroy() { this.controller.abort(); }
import ts from "typescript";
import { type FunctionNode, enclosingFunction, walk } from "../core/ast";
import type { OwnersAnalysis, InstanceOwner } from "./owners";

const CHAIN_METHODS = new Set(["then", "catch", "finally"]);

/**
 * Whether `node` lies in a rejection handler of a promise chain whose request carries
 * the signal of a controller field the owner's teardown path aborts.
 */
export function isInAbortedRejection(analysis: OwnersAnalysis, owner: InstanceOwner, node: ts.Node): boolean {
  const handler = rejectionHandlerAround(node);
  if (!handler) return false;
  const method = analysis.methodAt(owner, handler.chain);
  if (!method) return false;
  const aborted = abortedControllerFields(analysis, owner);
  if (aborted.size === 0) return false;
  const tainted = signalCarriers(analysis, owner, method.fn, aborted);
  return tainted.size > 0 && mentionsAny(chainRoot(handler.chain), tainted);
}

/** The innermost function around `node` that is a rejection handler of a chain call, with that call. */
function rejectionHandlerAround(node: ts.Node): { fn: FunctionNode; chain: ts.CallExpression } | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const call = fn.parent;
    if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) continue;
    const method = call.expression.name.text;
    const index = call.arguments.indexOf(fn as ts.Expression);
    if ((method === "catch" || method === "finally") && index === 0) return { fn, chain: call };
    if (method === "then" && index === 1) return { fn, chain: call };
  }
  return undefined;
}

/** `a.then(…).catch(…)` → `a`: the expression the chain starts from. */
function chainRoot(call: ts.CallExpression): ts.Expression {
  let current: ts.Expression = call;
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && CHAIN_METHODS.has(current.expression.name.text)) {
    current = current.expression.expression;
  }
  return current;
}

/** Fields `x` for which a teardown-path function calls `this.x.abort()` (or `this.x?.abort()`). */
function abortedControllerFields(analysis: OwnersAnalysis, owner: InstanceOwner): Set<string> {
  const fields = new Set<string>();
  for (const fn of analysis.teardownFunctions(owner)) {
    walk(fn, (node) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== "abort") return;
      const field = analysis.fieldOf(owner, node.expression.expression);
      if (field) fields.add(field);
    });
  }
  return fields;
}

/**
 * The names (`init`, `this.request`) that carry the aborted signal inside `fn`: the
 * target of an assignment or declaration whose value mentions `this.x.signal` or an
 * earlier carrier, to a fixed point. Each carrier is a local name or an instance field.
 */
function signalCarriers(analysis: OwnersAnalysis, owner: InstanceOwner, fn: FunctionNode, aborted: ReadonlySet<string>): Set<string> {
  const carriers = new Set<string>();
  const assignments: Array<{ target: string; value: ts.Expression }> = [];
  const signals: ts.Expression[] = [];
  walk(fn, (node) => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === "signal") {
      const field = analysis.fieldOf(owner, node.expression);
      if (field && aborted.has(field)) signals.push(node);
    }
    const target = ts.isVariableDeclaration(node) && node.initializer ? carrierName(node.name) : undefined;
    if (target && ts.isVariableDeclaration(node)) assignments.push({ target, value: node.initializer! });
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const name = carrierName(node.left);
      if (name) assignments.push({ target: name, value: node.right });
    }
  });
  for (const signal of signals) carriers.add(signal.getText());
  for (let changed = true; changed;) {
    changed = false;
    for (const { target, value } of assignments) {
      if (!carriers.has(target) && mentionsAny(value, carriers)) {
        carriers.add(target);
        changed = true;
      }
    }
  }
  return carriers;
}

/** A local name (`init`) or an instance field read (`this.request`), as text. */
function carrierName(node: ts.Node): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) return node.getText();
  return undefined;
}

/** Some identifier or `this.x` read inside `expr` is one of `names`. */
function mentionsAny(expr: ts.Node, names: ReadonlySet<string>): boolean {
  let found = false;
  walk(expr, (node) => {
    if (found) return false;
    if ((ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && names.has(node.getText())) found = true;
    return !found;
  });
  return found;
}
