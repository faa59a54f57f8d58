// Where an owner's teardown reaches, for the owners analysis: callbacks the instance hands to
// its own dispose hooks (`this._register(toDisposable(() => …))`, `this.on("close", …)`) or
// registers for what it holds closing, and its own handlers for an event the teardown emits.
// Both read the calls of the owner's one walk (owner-index.ts). And the disposer list: the
// callbacks the instance pushes into a field whose every entry the teardown calls.
import ts from "typescript";
import { type FunctionNode, isFunctionNode, walk } from "../core/ast";
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

/**
 * `this._disposables.push(() => this.editor.off("x", h))` … `destroy() { this._disposables.forEach((d) => d()) }`
 * (or `for (const d of this.disposers) d()`): the teardown `fn` calls every entry of an instance
 * list, so the functions put into that list (`push`, `add`, `unshift`) run on teardown too.
 */
export function calledListEntries(analysis: OwnersAnalysis, owner: InstanceOwner, fn: FunctionNode): FunctionNode[] {
  const fields = new Set<string>();
  walk(fn, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "forEach") {
      const [each] = node.arguments;
      const field = analysis.fieldOf(owner, node.expression.expression);
      if (field !== undefined && each && isFunctionNode(each) && callsParameter(each)) fields.add(field);
    } else if (ts.isForOfStatement(node) && ts.isVariableDeclarationList(node.initializer)) {
      const name = node.initializer.declarations[0]?.name;
      const field = analysis.fieldOf(owner, node.expression);
      if (field !== undefined && name && ts.isIdentifier(name) && callsName(node.statement, name.text)) fields.add(field);
    }
    return undefined;
  });
  if (fields.size === 0) return [];
  const result: FunctionNode[] = [];
  for (const call of analysis.syntaxOf(owner).calls) {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !/^(push|add|unshift)$/.test(callee.name.text)) continue;
    const field = analysis.fieldOf(owner, callee.expression);
    if (field === undefined || !fields.has(field)) continue;
    for (const arg of call.arguments) {
      if (isFunctionNode(arg)) result.push(arg);
      else if (ts.isPropertyAccessExpression(arg) && analysis.isInstanceReference(owner, arg.expression)) {
        const method = owner.methods.get(arg.name.text);
        if (method) result.push(method);
      }
    }
  }
  return result;
}

/** `(d) => d()`, `function (dispose) { dispose(); }`: the callback calls its first parameter. */
function callsParameter(fn: FunctionNode): boolean {
  const first = fn.parameters[0]?.name;
  return first !== undefined && ts.isIdentifier(first) && fn.body !== undefined && callsName(fn.body, first.text);
}

function callsName(body: ts.Node, name: string): boolean {
  let found = false;
  walk(body, (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name) found = true;
    return found ? false : undefined;
  });
  return found;
}
