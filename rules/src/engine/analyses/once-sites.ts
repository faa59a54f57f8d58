// Once sites, read from syntax alone: whether a call runs once per process (the top level, an IIFE, a
// run-once function, a promise callback or a one-shot event's listener there), and how a self-rescheduling
// loop is started. Program calls (program-calls.ts) follow callers across files on top of these.
import ts from "typescript";
import { type FunctionNode, ONE_SHOT_EVENTS, enclosingFunction, functionName, isIife } from "../core/ast";

/** Functions that run once per process or extension host by convention. */
const ONCE_FUNCTIONS = new Set(["main", "bootstrap", "activate"]);

/**
 * The call runs once: at the top level, in an IIFE, in a run-once function (`main()`, `activate()`, or a
 * file-local function only the top level calls), in a promise callback there (`connect().then(…)`), or in the
 * listener of an event that fires once (`app.on("ready", …)`, `.once(…)`).
 */
export function runsOnce(call: ts.CallExpression | ts.NewExpression): boolean {
  for (let fn = enclosingFunction(call); fn; fn = enclosingFunction(fn)) {
    if (isIife(fn) || isOnceThen(fn) || isOneShotListener(fn)) continue;
    const name = functionName(fn);
    if (name !== undefined && ONCE_FUNCTIONS.has(name) && !enclosingFunction(fn)) return true;
    if (!isCalledOnlyByTopLevel(fn)) return false;
  }
  return true;
}

/** The listener of an event that fires once (`app.on("ready", …)`) or of `.once(…)`. */
export function isOneShotListener(fn: FunctionNode): boolean {
  const call = fn.parent;
  if (!ts.isCallExpression(call) || !call.arguments.some((arg) => arg === fn) || !ts.isPropertyAccessExpression(call.expression)) return false;
  const method = call.expression.name.text;
  const event = call.arguments[0];
  return method === "once" || (/^(on|addListener|addEventListener)$/.test(method) && event !== undefined && ts.isStringLiteralLike(event) && ONE_SHOT_EVENTS.has(event.text));
}

/** A file-local, unexported function declared at the top level whose every use in its file is a direct call from the top level. */
function isCalledOnlyByTopLevel(fn: FunctionNode): boolean {
  const declaration = ts.isFunctionDeclaration(fn) ? fn : ts.isVariableDeclaration(fn.parent) ? fn.parent : undefined;
  const name = declaration?.name;
  if (!declaration || !name || !ts.isIdentifier(name) || enclosingFunction(fn) !== undefined) return false;
  const holder = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  if (ts.canHaveModifiers(holder) && ts.getModifiers(holder)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return false;
  let calls = 0;
  let other = false;
  const visit = (node: ts.Node): void => {
    if (other) return;
    if (ts.isIdentifier(node) && node.text === name.text && node !== name) {
      if (ts.isCallExpression(node.parent) && node.parent.expression === node && enclosingFunction(node) === undefined) calls++;
      else other = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.getSourceFile());
  return calls > 0 && !other;
}

/** `setTimeout(function tick() { …; setTimeout(tick, ms) }, ms)`: the call that starts a loop written inline. */
export function inlineLoopStart(fn: FunctionNode): ts.CallExpression | undefined {
  return ts.isFunctionExpression(fn) && ts.isCallExpression(fn.parent) && isOneShotHost(fn.parent) ? fn.parent : undefined;
}

/** The call a reference to a loop function starts it with: `poll()`, `this.poll()`, `setTimeout(poll, ms)`, `.then(poll)`. */
export function loopStart(id: ts.Identifier): ts.CallExpression | undefined {
  const callee = ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? id.parent : id;
  const site = callee.parent;
  return ts.isCallExpression(site) && (site.expression === callee || (site.arguments.includes(callee) && isOneShotHost(site))) ? site : undefined;
}

/** A call that runs a function handed to it at most once: a one-shot timer, a microtask, a promise callback. */
function isOneShotHost(call: ts.CallExpression): boolean {
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
  return /^(setTimeout|setImmediate|queueMicrotask|nextTick|requestAnimationFrame|then|catch|finally)$/.test(name);
}

/** A promise's `.then()` / `.catch()` / `.finally()` callback: it runs at most once per evaluation of that call. */
export function isOnceThen(fn: FunctionNode): boolean {
  const call = fn.parent;
  return ts.isCallExpression(call) && call.arguments.some((arg) => arg === fn) && ts.isPropertyAccessExpression(call.expression)
    && /^(then|catch|finally)$/.test(call.expression.name.text);
}
