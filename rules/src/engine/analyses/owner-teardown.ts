// Where an owner's teardown reaches, for the owners analysis: callbacks the instance hands to
// its own dispose hooks (`this._register(toDisposable(() => …))`, `this.on("close", …)`) or
// registers for what it holds closing, and its own handlers for an event the teardown emits.
// Both read the calls of the owner's one walk (owner-index.ts).
import ts from "typescript";
import { type FunctionNode, isFunctionNode } from "../core/ast";
import type { InstanceOwner, OwnersAnalysis } from "./owners";

/** Registrations whose callback runs when the instance itself is torn down. */
const DISPOSE_HOOKS = new Set(["_register", "register", "toDisposable", "addDisposable", "onDispose", "onDidDispose", "add"]);
const DISPOSE_EVENTS = new Set(["dispose", "close", "destroy", "end", "finish", "exit", "unmount", "disposed", "closed", "destroyed", "disconnect", "disconnected"]);

/** Handlers the instance registers on itself for `event` (`this.on("stop", () => …)`). */
export function ownHandlersFor(analysis: OwnersAnalysis, owner: InstanceOwner, event: string): FunctionNode[] {
  const result: FunctionNode[] = [];
  for (const node of analysis.syntaxOf(owner).calls) {
    if (!ts.isPropertyAccessExpression(node.expression) || !/^(on|once|addListener)$/.test(node.expression.name.text)) continue;
    if (!analysis.isInstanceReference(owner, node.expression.expression)) continue;
    const [first, handler] = node.arguments;
    if (first && ts.isStringLiteralLike(first) && first.text === event && handler && isFunctionNode(handler)) result.push(handler);
  }
  return result;
}

/** Callbacks the owner hands to its own dispose hooks: `this._register(toDisposable(() => …))`, `this.on("close", () => …)`. */
export function disposeHookCallbacks(analysis: OwnersAnalysis, owner: InstanceOwner): Array<{ fn: FunctionNode; own: boolean }> {
  const result: Array<{ fn: FunctionNode; own: boolean }> = [];
  for (const node of analysis.syntaxOf(owner).calls) {
    const callee = node.expression;
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : "";
    const event = node.arguments[0];
    // `this.on("close", …)`, and `this.session.once("close", …)`: when what the instance holds
    // closes (often because the teardown closed it), the handler finishes the teardown.
    const disposeEvent = (name === "on" || name === "once" || name === "addListener") && event !== undefined
      && ts.isStringLiteralLike(event) && DISPOSE_EVENTS.has(event.text);
    if (!disposeEvent && !DISPOSE_HOOKS.has(name)) continue; // (the names first: the instance question costs more)
    const onSelf = ts.isPropertyAccessExpression(callee) && analysis.isInstanceReference(owner, callee.expression);
    const ownHook = DISPOSE_HOOKS.has(name) && (onSelf || name === "toDisposable");
    if (!disposeEvent && !ownHook) continue;
    const own = ownHook || (disposeEvent && onSelf);
    for (const arg of node.arguments) {
      if (isFunctionNode(arg)) result.push({ fn: arg, own });
      else if (ts.isPropertyAccessExpression(arg) && analysis.isInstanceReference(owner, arg.expression)) {
        const method = owner.methods.get(arg.name.text);
        if (method) result.push({ fn: method, own });
      }
    }
  }
  return result;
}
