// `once` is a release only for the pass that sees the event. Until the event fires the
// listener stays, so a `once` added on every pass of a function that calls itself
// again from a callback (`process() { this.once("close", stop); …; stream.on("end",
// () => more ? process() : this.removeListener("close", stop)) }`) piles up one
// listener, and its pass's closure, per pass — unless the pass removes it before it
// starts the next one.
import ts from "typescript";
import { type FunctionNode, enclosingFunction, isFunctionNode, isInside, referenceKey } from "../core/ast";
import type { Facts } from "../core/facts";
import { type Registration, findRemovals } from "./listeners";

export const ONCE_METHODS = new Set(["once", "prependOnceListener"]);

export interface OncePerPass {
  /** The function whose every pass adds the listener. */
  fn: FunctionNode;
  name: string;
  /** Where the function calls itself again from a callback without removing the listener first. */
  recall: ts.CallExpression;
  /** A removal that runs on some other path (for the message), if any. */
  removal?: ts.CallExpression;
}

/**
 * The `once` registration is made by a named function that calls itself again from a
 * callback inside itself, and on the way to that call no removal of the same listener
 * runs first (a removal in the same block, before the call, or before the callback).
 * A recall from the listener's own handler does not count: by then the event fired.
 */
export function oncePerPass(facts: Facts, registration: Registration): OncePerPass | undefined {
  const recalls = recallsThroughCallbacks(facts, registration);
  if (!recalls) return undefined;
  const removals = findRemovals(facts, registration).filter((r) => r.matches).map((r) => r.call);
  for (const recall of recalls.calls) {
    if (removals.some((removal) => runsBefore(removal, recall, recalls.fn))) continue;
    return { fn: recalls.fn, name: recalls.name, recall, removal: removals[0] };
  }
  return undefined;
}

/**
 * Whether the registering function calls itself again from a callback (outside the
 * listener's handler): without that, `oncePerPass` finds nothing, whatever the target.
 * Syntax and names only, so a rule can ask it before the costlier questions.
 */
export function passesAgain(facts: Facts, registration: Registration): boolean {
  return recallsThroughCallbacks(facts, registration) !== undefined;
}

/** The registering function's calls of itself from a callback inside it (not from the listener's own handler), when there are any. */
function recallsThroughCallbacks(facts: Facts, registration: Registration): { fn: FunctionNode; name: string; calls: ts.CallExpression[] } | undefined {
  const fn = enclosingFunction(registration.call);
  const name = fn && declaredName(fn);
  if (!fn || !name) return undefined;
  const calls: ts.CallExpression[] = [];
  for (const ref of facts.referencesTo(name)) {
    const recall = ref.parent;
    if (!ts.isCallExpression(recall) || recall.expression !== ref || !isInside(recall, fn) || !throughCallback(recall, fn)) continue;
    // `once("ready", () => again())`: the next pass starts when the event fired, so the listener is gone.
    if (isInside(recall, registration.handler)) continue;
    calls.push(recall);
  }
  return calls.length > 0 ? { fn, name: name.text, calls } : undefined;
}

function declaredName(fn: FunctionNode): ts.Identifier | undefined {
  if (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) return fn.name;
  return ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name : undefined;
}

/** Between `node` and `fn` there is a function handed to a call (a listener, a timer, a promise reaction). */
function throughCallback(node: ts.Node, fn: FunctionNode): boolean {
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (isFunctionNode(current) && ts.isCallExpression(current.parent) && current.parent.arguments.includes(current as ts.Expression)) return true;
  }
  return false;
}

/**
 * `removal` is a statement of a block that holds `recall` (between it and `fn`), before
 * the statement that leads to `recall`: it runs whenever the recall does.
 */
function runsBefore(removal: ts.CallExpression, recall: ts.CallExpression, fn: FunctionNode): boolean {
  const statement = removal.parent;
  if (!ts.isExpressionStatement(statement) || !ts.isBlock(statement.parent)) return false;
  const block = statement.parent;
  if (!isInside(recall, block) || !isInside(block, fn)) return false;
  const index = block.statements.indexOf(statement);
  const leading = block.statements.findIndex((s) => isInside(recall, s));
  return index >= 0 && leading > index;
}

/** Events that report a failure: a `once` for one of them races the `once` for the outcome. */
const FAILURE_EVENTS = new Set(["error", "timeout", "abort", "aborted"]);
/**
 * Outcomes after which the target lives on (a connection that just opened): the failure
 * listener left behind stays for the target's whole life. After a terminal outcome
 * (`close`, `end`, `success` of a one-shot request) the target is done, and so is the leftover.
 */
/** Events after which the target is done (closed, ended, destroyed). */
const END_EVENTS = new Set(["close", "end", "finish", "exit", "destroy", "destroyed", "closed", "disconnect"]);
const START_EVENTS = new Set(["connect", "secureConnect", "open", "ready", "listening"]);

/**
 * `conn.once("connect", a); conn.once("error", b)` in one block, on a target handed in
 * by the caller: exclusive outcomes, so when the connection opens the failure listener
 * stays on it for as long as it lives.
 * Returns the other registration of the race when neither handler removes the other
 * (and no removal in the file matches either).
 */
export function racingOnce(facts: Facts, registration: Registration, parse: (call: ts.CallExpression) => Registration | undefined): Registration | undefined {
  return siblingOnces(registration, parse).find((other) => START_EVENTS.has(eventName(registration)) && FAILURE_EVENTS.has(eventName(other))
    && ![registration, other].some((r) => removesListeners(r.handler, facts, referenceKey(registration.target)!) || findRemovals(facts, r).some((m) => m.matches)));
}

/**
 * `con.once("noData", a); con.once("rowDescription", b)` where `b` removes the `noData`
 * listener — the author knows the outcomes are exclusive — but `a` does not remove `b`'s
 * listener (a removal on another path, an error handler, does not run when `noData` fires).
 * Not when the sibling's event ends or fails the target (`error`, `close`, `abort`): then
 * the target is done, and so is the leftover. Returns the sibling whose firing leaves `registration`
 * behind. `handlerOf` resolves a handler to its function (`this._onRow` → the method).
 */
export function oneWayOnce(facts: Facts, registration: Registration, parse: (call: ts.CallExpression) => Registration | undefined,
  handlerOf: (handler: ts.Expression) => ts.Node | undefined): Registration | undefined {
  const resolve = (handler: ts.Expression): ts.Node | undefined =>
    ts.isIdentifier(handler) ? facts.symbolAt(handler)?.declarations?.[0] : isFunctionNode(handler) ? handler : handlerOf(handler);
  const ownHandler = resolve(registration.handler);
  if (!ownHandler) return undefined;
  const ownRemovals = findRemovals(facts, registration).filter((m) => m.matches);
  return siblingOnces(registration, parse).find((other) => {
    if (FAILURE_EVENTS.has(eventName(other)) || END_EVENTS.has(eventName(other))) return false; // the target is done, and so is the leftover
    const otherHandler = resolve(other.handler);
    return otherHandler !== undefined && !ownRemovals.some((m) => isInside(m.call, otherHandler))
      && findRemovals(facts, other).some((m) => m.matches && isInside(m.call, ownHandler));
  });
}

function eventName(registration: Registration): string {
  return ts.isStringLiteralLike(registration.event) ? registration.event.text : "";
}

/** Whether the block holds another `once` on the same target for another event: without one, `racingOnce` and `oneWayOnce` find nothing. */
export function hasSiblingOnce(registration: Registration, parse: (call: ts.CallExpression) => Registration | undefined): boolean {
  return siblingOnces(registration, parse).length > 0;
}

/** The other `once` registrations on the same target, for other events, among the statements of the block that holds `registration`. */
function siblingOnces(registration: Registration, parse: (call: ts.CallExpression) => Registration | undefined): Registration[] {
  const statement = registration.call.parent;
  if (!ts.isExpressionStatement(statement) || !ts.isBlock(statement.parent) || !ts.isStringLiteralLike(registration.event)) return [];
  const key = referenceKey(registration.target);
  if (key === undefined) return [];
  const result: Registration[] = [];
  for (const sibling of statement.parent.statements) {
    if (sibling === statement || !ts.isExpressionStatement(sibling) || !ts.isCallExpression(sibling.expression)) continue;
    const other = parse(sibling.expression);
    if (other && ts.isStringLiteralLike(other.event) && other.event.text !== registration.event.text && referenceKey(other.target) === key) result.push(other);
  }
  return result;
}


/** The handler (a function here, or the function a name refers to) removes listeners itself, or ends the target. */
function removesListeners(handler: ts.Expression, facts: Facts, targetKey: string): boolean {
  let fn: ts.Node | undefined = handler;
  if (ts.isIdentifier(handler)) fn = facts.symbolAt(handler)?.declarations?.[0];
  if (!fn) return true; // cannot see it: assume it cleans up
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (/^(removeListener|removeAllListeners|off|removeEventListener)$/.test(method)
        || /^(destroy|close|end|terminate)$/.test(method) && referenceKey(node.expression.expression) === targetKey) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(fn);
  return found;
}

/**
 * The target is handed in by the caller: a parameter of the enclosing function, or a
 * field of a local object just set from one (`peer.conn = conn; peer.conn.once(…)`).
 */
export function handedInTarget(facts: Facts, target: ts.Expression): string | undefined {
  const fn = enclosingFunction(target);
  if (!fn) return undefined;
  const param = parameterName(facts, target, fn);
  if (param) return param;
  if (!ts.isPropertyAccessExpression(target) || !fn.body || !ts.isBlock(fn.body)) return undefined;
  const key = referenceKey(target);
  for (const statement of fn.body.statements) {
    if (statement.pos >= target.pos) break;
    const expr = ts.isExpressionStatement(statement) ? statement.expression : undefined;
    if (expr && ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.EqualsToken && referenceKey(expr.left) === key) {
      return parameterName(facts, expr.right, fn);
    }
  }
  return undefined;
}

/** A parameter of `fn`, or a `const` of `fn` initialised with one (`const con = connection`). */
function parameterName(facts: Facts, expr: ts.Expression, fn: FunctionNode): string | undefined {
  if (!ts.isIdentifier(expr)) return undefined;
  const decl = facts.symbolAt(expr)?.declarations?.[0];
  if (decl && ts.isParameter(decl) && decl.parent === fn) return expr.text;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !ts.isIdentifier(decl.initializer) || enclosingFunction(decl) !== fn) return undefined;
  const source = facts.symbolAt(decl.initializer)?.declarations?.[0];
  return source && ts.isParameter(source) && source.parent === fn ? decl.initializer.text : undefined;
}
