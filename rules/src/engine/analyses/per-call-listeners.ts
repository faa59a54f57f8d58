// Per-call listeners: registrations that pile up because the code registering them
// runs once per request or per call while the target lives on. Two targets outlive a
// call without being module-level bindings: the keep-alive socket under a request
// (`req.socket`, `ctx.socket`, `res.connection`, the socket a client request's
// `"socket"` event hands over — it serves request after request), and a package's
// module object used as an emitter (`mssql.on("error", …)`: the module is a
// process-wide singleton). One evidence of repetition is added to the usual ones: a
// Promise executor inside an exported function (`exports.query = () => new Promise(…)`)
// runs once per call of an API that callers use per operation. A registration guarded
// by a look at the target's listeners (`if (!s.listeners("error").includes(h))`) is
// added once per target.
import ts from "typescript";
import { type FunctionNode, calleeMemberName, enclosingFunction, functionName, isFunctionNode, isPromiseExecutor, referenceKey } from "../core/ast";
import type { Facts } from "../core/facts";
import type { Registration } from "./listeners";
import { isModuleObject, rootOf } from "./listener-targets";
import { programCalls } from "./program-calls";
import type { Repetition } from "./repetition";

/** Names of request-scoped objects whose `.socket` is the connection under the request. */
const REQUEST_NAMES = /^(req|request|res|response|ctx|context|reply|incoming|message|msg)$/;
const CONNECTION_PROPERTIES = new Set(["socket", "connection"]);
/** Exported functions whose name says they run once, at start-up. */
const BOOT_NAME = /^(init|initiali[sz]e|setup|start|boot|bootstrap|main|listen|configure|install|register)([A-Z_]|$)|^create\w*Server$/;

/** Events that end the connection: a per-request listener for them is how a long-held response (SSE, long poll) notices the client leave. */
const CONNECTION_END_EVENTS = new Set(["close", "end", "finish"]);

/**
 * `req.socket`, `ctx.socket`, `ctx.req.socket`, `res.connection`, or the parameter of a
 * `req.on("socket", (socket) => …)` callback: the connection under a request, which
 * keep-alive reuses for later requests. A phrase for the message, or undefined. Not
 * for the connection's end events, nor under a condition that looks at the connection
 * (`if (!tracked.has(req.socket))`, `if (!req.socket._meta)`): once per connection.
 */
export function connectionTarget(facts: Facts, registration: Registration): string | undefined {
  const { target, event } = registration;
  if (registration.helper || !ts.isStringLiteralLike(event) || CONNECTION_END_EVENTS.has(event.text)) return undefined;
  const key = referenceKey(target);
  if (key === undefined || conditionedOn(registration.call, key)) return undefined;
  const text = target.getText();
  if (ts.isPropertyAccessExpression(target) && CONNECTION_PROPERTIES.has(target.name.text)) {
    const root = rootOf(target);
    if (ts.isIdentifier(root) && REQUEST_NAMES.test(root.text) && target.expression.getText().split(".").length <= 2) {
      return `\`${text}\` (the connection under the request: keep-alive reuses it for later requests)`;
    }
    return undefined;
  }
  if (!ts.isIdentifier(target)) return undefined;
  const decl = facts.symbolAt(target)?.declarations?.[0];
  if (!decl || !ts.isParameter(decl) || !isFunctionNode(decl.parent) || decl.parent.parameters[0] !== decl) return undefined;
  const host = decl.parent.parent;
  if (!ts.isCallExpression(host) || calleeMemberName(host) !== "on" || !host.arguments.includes(decl.parent as ts.Expression)) return undefined;
  const hostEvent = host.arguments[0];
  if (!ts.isStringLiteralLike(hostEvent) || hostEvent.text !== "socket") return undefined;
  return `\`${text}\` (the socket a "socket" event hands over: a keep-alive agent reuses it for later requests)`;
}

/** `mssql.on("error", h)` where `mssql` is a package's module object: a process-wide emitter. */
export function moduleSingletonTarget(facts: Facts, registration: Registration): string | undefined {
  const { target, event } = registration;
  if (registration.helper || !ts.isIdentifier(target) || !ts.isStringLiteralLike(event) || !isModuleObject(facts, target)) return undefined;
  return `the module \`${target.text}\` (a package's module object is one emitter for the whole process)`;
}

/**
 * `exports.query = (q) => new Promise((resolve, reject) => { … })`: the code of a
 * Promise executor runs once per call of the exported function that creates it.
 * Functions named like start-up steps (`init`, `start`, `setup` …) are left out.
 */
export function promisePerCall(facts: Facts, node: ts.Node): Repetition | undefined {
  const executor = enclosingFunction(node);
  if (!executor || !isPromiseExecutor(executor)) return undefined;
  for (let fn = enclosingFunction(executor); fn; fn = enclosingFunction(fn)) {
    if (isPromiseExecutor(fn)) continue;
    const name = exportedName(fn);
    if (!name || BOOT_NAME.test(name)) return undefined;
    // With types, across the program: every call runs once (from a boot path), so one executor runs.
    if (facts.analysis(programCalls)?.everyCallRunsOnce(fn) === true) return undefined;
    return { fn, when: `\`${name}()\` is called (each call runs a new Promise executor)` };
  }
  return undefined;
}

/** The name under which a function is exported: `export function f`, `export const f =`, `exports.f =`, `module.exports.f =`. */
function exportedName(fn: FunctionNode): string | undefined {
  const parent = fn.parent;
  if (ts.isBinaryExpression(parent) && parent.right === fn && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
    && ts.isPropertyAccessExpression(parent.left) && /^(module\.)?exports$/.test(parent.left.expression.getText())) {
    return parent.left.name.text;
  }
  const holder = ts.isVariableDeclaration(parent) ? parent.parent.parent : fn;
  const exported = ts.canHaveModifiers(holder) && (ts.getModifiers(holder)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
  return exported ? functionName(fn) : undefined;
}

/**
 * `if (!~s.listeners("error").indexOf(h)) s.on("error", h)`, `if (s.listenerCount("x") === 0) …`:
 * the registration is made only when the target does not have it yet.
 */
export function guardedByListenerCheck(registration: Registration): boolean {
  const key = referenceKey(registration.target);
  if (key === undefined) return false;
  for (let node: ts.Node = registration.call; !isFunctionNode(node) && !ts.isSourceFile(node); node = node.parent) {
    const parent = node.parent;
    if (!(ts.isIfStatement(parent) && parent.thenStatement === node) && !(ts.isConditionalExpression(parent) && parent.whenTrue === node)
      && !(ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)) continue;
    const condition = ts.isIfStatement(parent) ? parent.expression : ts.isConditionalExpression(parent) ? parent.condition : parent.left;
    if (inspectsListeners(condition, key)) return true;
  }
  return false;
}

/** An enclosing condition (in the same function) mentions `key` or one of its properties. */
function conditionedOn(call: ts.CallExpression, key: string): boolean {
  for (let node: ts.Node = call; !isFunctionNode(node) && !ts.isSourceFile(node); node = node.parent) {
    const parent = node.parent;
    if (!ts.isIfStatement(parent) || parent.thenStatement !== node) continue;
    let found = false;
    const visit = (inner: ts.Node): void => {
      if (found) return;
      if (ts.isExpression(inner) && referenceKey(inner) === key) found = true;
      else ts.forEachChild(inner, visit);
    };
    visit(parent.expression);
    if (found) return true;
  }
  return false;
}

function inspectsListeners(condition: ts.Node, key: string): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(listeners|rawListeners|listenerCount)$/.test(node.expression.name.text)
      && referenceKey(node.expression.expression) === key) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}
