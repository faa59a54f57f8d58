// `once` is a release only for the pass that sees the event. Until the event fires the
// listener stays, so a `once` added on every pass of a function that calls itself
// again from a callback (`process() { this.once("close", stop); …; stream.on("end",
// () => more ? process() : this.removeListener("close", stop)) }`) piles up one
// listener, and its pass's closure, per pass — unless the pass removes it before it
// starts the next one.
import ts from "typescript";
import { type FunctionNode, enclosingFunction, isFunctionNode, isInside } from "../core/ast";
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
  const fn = enclosingFunction(registration.call);
  const name = fn && declaredName(fn);
  if (!fn || !name) return undefined;
  const removals = findRemovals(facts, registration).filter((r) => r.matches).map((r) => r.call);
  for (const ref of facts.referencesTo(name)) {
    const recall = ref.parent;
    if (!ts.isCallExpression(recall) || recall.expression !== ref || !isInside(recall, fn) || !throughCallback(recall, fn)) continue;
    // `once("ready", () => again())`: the next pass starts when the event fired, so the listener is gone.
    if (isInside(recall, registration.handler)) continue;
    if (removals.some((removal) => runsBefore(removal, recall, fn))) continue;
    return { fn, name: name.text, recall, removal: removals[0] };
  }
  return undefined;
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
