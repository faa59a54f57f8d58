// Abort controllers and signals: recognising `new AbortController()` and signal
// expressions (by type when the program has types, by name otherwise), where a
// signal comes from and how long it lives relative to the code that uses it
// (a module-level controller's signal, a parameter, `AbortSignal.any` over a
// long-lived input, a local controller). Shared by the context-family rules.
import ts from "typescript";
import { lifetimes } from "./lifetime";
import { type FunctionNode, callableName, calleeMemberName, declaredName, enclosingFunction, isExportedDeclaration, isFunctionNode, isInside, propertyNameText, walk } from "../core/ast";
import { type ProgramCalls, programCalls } from "./program-calls";
import type { Facts } from "../core/facts";
import { skipOuterExpressions } from "../core/names";

export type SignalOrigin = "module" | "static" | "instance" | "param" | "local" | "request" | "unknown";

/** `new AbortController()` (the global, not a local class of that name). */
export function isAbortControllerCreation(facts: Facts, node: ts.Node): node is ts.NewExpression {
  return ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "AbortController"
    && facts.calleeName(node) === "global:AbortController";
}

/** `AbortSignal.any([...])`, `AbortSignal.timeout(ms)` … → "any", "timeout"; undefined for other calls. */
export function abortSignalFactory(facts: Facts, call: ts.CallExpression): string | undefined {
  const name = calleeMemberName(call);
  if (name !== "any" && name !== "timeout" && name !== "abort") return undefined;
  return facts.calleeName(call) === `global:AbortSignal.${name}` ? name : undefined;
}

/**
 * `anySignal([a, b])` from the `any-signal` package: a composite signal that adds an
 * "abort" listener to each input and removes them only in its `clear()` (or when an
 * input aborts). Not `AbortSignal.any`, which holds its inputs weakly and has no clear.
 */
export function isClearableSignalCreation(facts: Facts, node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && facts.calleeName(node) === "any-signal:anySignal";
}

/** Whether `expr` denotes an AbortSignal: its type when known, otherwise a name ending in `signal`. */
export function isAbortSignalExpression(facts: Facts, expr: ts.Expression): boolean {
  const typed = facts.typeIs(expr, ["AbortSignal"]);
  // Typed `any` (an AbortSignal from a package whose types are not installed): known by its name, as without types.
  if (typed !== undefined && !(typed === false && facts.isAnyTyped(expr))) return typed;
  const inner = skipOuterExpressions(expr);
  const name = ts.isIdentifier(inner) ? inner.text : ts.isPropertyAccessExpression(inner) ? inner.name.text : undefined;
  return name !== undefined && /signal$/i.test(name);
}

/**
 * Where the signal `expr` comes from, seen from the code at `at`: a module-level
 * controller or signal, a static or instance field, a parameter of the enclosing
 * function (a caller's signal, reused across calls), a request's signal, or a
 * controller created in the same function (local).
 */
export function signalOrigin(facts: Facts, expr: ts.Expression, at: ts.Node): SignalOrigin {
  const inner = skipOuterExpressions(expr);
  // `ac.signal`, `options.signal`, `this.controller.signal`: the lifetime of the holder.
  const holder = ts.isPropertyAccessExpression(inner) ? inner.expression : inner;
  if (holder.kind === ts.SyntaxKind.ThisKeyword) return "instance";
  if (ts.isPropertyAccessExpression(holder) && holder.expression.kind === ts.SyntaxKind.ThisKeyword) return "instance";
  const root = rootIdentifier(holder);
  if (!root) return "unknown";
  const lifetime = facts.analysis(lifetimes).targetLifetime(root, at);
  if (lifetime === "module" || lifetime === "global") return "module";
  if (lifetime === "static") return "static";
  if (lifetime === "request") return "request";
  const decl = facts.symbolAt(root)?.valueDeclaration;
  if (!decl) return "unknown";
  if (ts.isParameter(decl) || isInsideParameter(decl)) return "param";
  // `const { signal } = options` / `const { signal } = init ?? {}`: the holder's origin.
  const destructured = destructuringSource(decl);
  if (destructured) return signalOrigin(facts, destructured, at);
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = skipOuterExpressions(decl.initializer);
    if (isAbortControllerCreation(facts, init)) return "local";
    if (ts.isCallExpression(init) && abortSignalFactory(facts, init)) return "local";
    if (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init)) return signalOrigin(facts, init, at);
    // `let entry = this.entries.get(key)`: an entry the instance keeps and hands out again on the next call.
    if (ts.isCallExpression(init) && calleeMemberName(init) === "get" && ts.isPropertyAccessExpression(init.expression)
      && signalOrigin(facts, init.expression.expression, at) === "instance") return reassignedBefore(root, at) ? "local" : "instance";
  }
  return "unknown";
}

interface SignalParameter {
  /** The function whose parameter carries the signal (file-local unless asked for any). */
  fn: FunctionNode;
  name: ts.Identifier;
  index: number;
  /** `options.signal` / `{ signal }`: the property of the parameter that holds it. */
  property: string | undefined;
}

/** The file-local function and parameter a caller's signal (`signal`, `options.signal`, a destructured `{ signal }`) comes in through. */
function signalParameter(facts: Facts, expr: ts.Expression, anyFunction = false): SignalParameter | undefined {
  const inner = skipOuterExpressions(expr);
  const root = signalRoot(inner);
  const found = root && parameterAt(facts.symbolAt(root)?.valueDeclaration, inner);
  if (!found || anyFunction) return found;
  // File-local only: an exported function's callers may be anywhere.
  const name = declaredName(found.fn);
  return name && !isExportedDeclaration(found.fn) ? { ...found, name } : undefined;
}

/** `signal` or `options.signal`: the name the signal is read through. */
function signalRoot(inner: ts.Expression): ts.Identifier | undefined {
  return ts.isPropertyAccessExpression(inner) && ts.isIdentifier(inner.expression) ? inner.expression : ts.isIdentifier(inner) ? inner : undefined;
}

/** The named function and parameter (with the property, for `options.signal` / a destructured `{ signal }`) that `decl` declares. */
function parameterAt(decl: ts.Declaration | undefined, inner: ts.Expression): SignalParameter | undefined {
  if (!decl) return undefined;
  let param: ts.ParameterDeclaration | undefined;
  let property: string | undefined = ts.isPropertyAccessExpression(inner) ? inner.name.text : undefined;
  if (ts.isParameter(decl)) param = decl;
  else if (ts.isBindingElement(decl) && ts.isObjectBindingPattern(decl.parent) && ts.isParameter(decl.parent.parent) && !property) {
    param = decl.parent.parent;
    property = decl.propertyName && ts.isIdentifier(decl.propertyName) ? decl.propertyName.text : ts.isIdentifier(decl.name) ? decl.name.text : undefined;
    if (!property) return undefined;
  }
  const fn = param?.parent;
  if (!param || !fn || !isFunctionNode(fn)) return undefined;
  const name = callableName(fn);
  return name ? { fn, name, index: fn.parameters.indexOf(param), property } : undefined;
}

/**
 * With a typed program: every call of the function the caller's signal comes in through, across the
 * program, passes a signal made for that call (`const controller = new AbortController();
 * wait(id, controller.signal)`, `createAbortController(id).signal`, `AbortSignal.timeout(ms)`). The
 * signal, and the listeners on it, go when the call's controller does.
 */
export function isPerCallSignalInProgram(facts: Facts, expr: ts.Expression): boolean {
  const calls = facts.analysis(programCalls);
  const param = calls && signalParameter(facts, expr, true);
  if (!calls || !param) return false;
  return everyCallPassesFreshSignal(calls, param, 0);
}

const MAX_HAND_ON_DEPTH = 2;

/**
 * Each call gives the parameter a signal made for it, gives none (`wait(id)` for `wait(id, signal?)`),
 * or hands on its own caller's signal whose callers in turn do (`downloadWine({ abortSignal })` passing
 * it to `downloadFile({ abortSignal })`), followed MAX_HAND_ON_DEPTH functions up.
 */
function everyCallPassesFreshSignal(calls: ProgramCalls, param: SignalParameter, depth: number): boolean {
  return calls.everyCall(param.fn, (call) => {
    const given = call.arguments[param.index];
    if (given === undefined) return true;
    const arg = param.property ? propertyValue(given, param.property) : given;
    if (arg === undefined) return ts.isObjectLiteralExpression(given);
    if (isSignalMadeHere(arg)) return true;
    const outer = depth < MAX_HAND_ON_DEPTH ? parameterOf(calls.checker, arg) : undefined;
    return outer !== undefined && everyCallPassesFreshSignal(calls, outer, depth + 1);
  });
}

/** The function parameter (or its destructured property) `expr` names, resolved with the program's checker (any file). */
function parameterOf(checker: ts.TypeChecker, expr: ts.Expression): SignalParameter | undefined {
  const inner = skipOuterExpressions(expr);
  const root = signalRoot(inner);
  const symbol = root && (ts.isShorthandPropertyAssignment(root.parent) ? checker.getShorthandAssignmentValueSymbol(root.parent) : checker.getSymbolAtLocation(root));
  return parameterAt(symbol?.valueDeclaration, inner);
}

const CONTROLLER_FACTORY = /(^|[a-z])AbortController$/;

/** `ac.signal` with `const ac = new AbortController()` (or `createAbortController(…)`) in the same function, or `AbortSignal.timeout(…)`. */
function isSignalMadeHere(arg: ts.Expression): boolean {
  const inner = skipOuterExpressions(arg);
  if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.expression.getText() === "AbortSignal") {
    return inner.expression.name.text === "timeout";
  }
  if (!ts.isPropertyAccessExpression(inner) || inner.name.text !== "signal") return false;
  const source = skipOuterExpressions(inner.expression);
  if (makesController(source)) return true;
  if (!ts.isIdentifier(source)) return false;
  const scope = enclosingFunction(arg);
  if (!scope) return false;
  let made = false;
  walk(scope, (node) => {
    if (made) return false;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === source.text && node.initializer
      && makesController(skipOuterExpressions(node.initializer))) made = true;
    return undefined;
  });
  return made;
}

function makesController(expr: ts.Expression): boolean {
  const created = ts.isAwaitExpression(expr) ? skipOuterExpressions(expr.expression) : expr;
  if (ts.isNewExpression(created)) return created.expression.getText() === "AbortController";
  if (!ts.isCallExpression(created)) return false;
  const callee = created.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
  return CONTROLLER_FACTORY.test(name);
}

/**
 * Whether the caller's signal `expr` (a parameter, `options.signal`, a destructured
 * `{ signal }`) is a fresh per-call signal: the function is file-local and every call
 * in the file passes the signal of a controller the caller creates and aborts
 * (`const ac = new AbortController(); start({ signal: ac.signal }); … ac.abort()`).
 */
export function isPerCallSignal(facts: Facts, expr: ts.Expression): boolean {
  return everyReferenceOfFunction(facts, expr, (ref, param) => {
    const call = ref.parent;
    if (!ts.isCallExpression(call) || call.expression !== ref) return false;
    let arg: ts.Expression | undefined = call.arguments[param.index];
    if (arg && param.property) arg = propertyValue(arg, param.property);
    return arg !== undefined && isFreshControllerSignal(facts, arg);
  });
}

/**
 * Whether the function the caller's signal comes in through is file-local and only ever handed
 * to other code as a callback (`startServer({ port, onAwaitEvent })`, `register(onAwaitEvent)`):
 * that code calls it, with a signal this file cannot see — often a per-request controller.
 * Not an API whose callers are known to reuse one signal: cannot tell, so nothing is said.
 */
export function isHandedOffCallbackSignal(facts: Facts, expr: ts.Expression): boolean {
  return everyReferenceOfFunction(facts, expr, (ref) => {
    const parent = ref.parent;
    if (ts.isCallExpression(parent) && parent.arguments.includes(ref)) return true;
    const property = ts.isShorthandPropertyAssignment(parent) || (ts.isPropertyAssignment(parent) && parent.initializer === ref) ? parent.parent : undefined;
    return property !== undefined && ts.isObjectLiteralExpression(property) && ts.isCallExpression(property.parent) && property.parent.arguments.includes(property);
  });
}

/** Whether the file-local function a caller's signal comes in through has references, and `test` holds for each. */
function everyReferenceOfFunction(facts: Facts, expr: ts.Expression, test: (ref: ts.Identifier, param: SignalParameter) => boolean): boolean {
  const param = signalParameter(facts, expr);
  if (!param) return false;
  const refs = facts.referencesTo(param.name);
  return refs.length > 0 && refs.every((ref) => test(ref, param));
}

function propertyValue(literal: ts.Expression, name: string): ts.Expression | undefined {
  if (!ts.isObjectLiteralExpression(literal)) return undefined;
  for (const p of literal.properties) {
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

/** `ac.signal` where `ac` is assigned `new AbortController()` in the caller and aborted there. */
function isFreshControllerSignal(facts: Facts, expr: ts.Expression): boolean {
  const inner = skipOuterExpressions(expr);
  if (!ts.isPropertyAccessExpression(inner) || inner.name.text !== "signal" || !ts.isIdentifier(inner.expression)) return false;
  const decl = facts.symbolAt(inner.expression)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !enclosingFunction(decl)) return false;
  const refs = facts.referencesTo(decl.name);
  const created = (decl.initializer && isAbortControllerCreation(facts, skipOuterExpressions(decl.initializer)))
    || refs.some((r) => ts.isBinaryExpression(r.parent) && r.parent.left === r && isAbortControllerCreation(facts, skipOuterExpressions(r.parent.right)));
  const aborted = refs.some((r) => ts.isPropertyAccessExpression(r.parent) && r.parent.name.text === "abort" && ts.isCallExpression(r.parent.parent));
  return Boolean(created) && aborted;
}

/** Whether a `{ signal: <ref> }` option carrying `ref` goes to a listener registration or a call that registers on the signal. */
export function isSignalOption(ref: ts.Expression): ts.CallExpression | undefined {
  const property = ref.parent;
  if (!ts.isPropertyAssignment(property) || property.initializer !== ref || propertyNameText(property.name) !== "signal") return undefined;
  const literal = property.parent;
  const call = literal.parent;
  return ts.isCallExpression(call) && call.arguments.includes(literal) ? call : undefined;
}


function rootIdentifier(expr: ts.Expression): ts.Identifier | undefined {
  let current = skipOuterExpressions(expr);
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = skipOuterExpressions(current.expression);
  return ts.isIdentifier(current) ? current : undefined;
}

/** `entry = { … }` as an earlier statement of a block that holds `at`: here the variable holds a value made in this call. */
function reassignedBefore(name: ts.Identifier, at: ts.Node): boolean {
  for (let current: ts.Node = at; current.parent && !isFunctionNode(current); current = current.parent) {
    const block = current.parent;
    if (!ts.isBlock(block)) continue;
    for (const statement of block.statements) {
      if (statement === current) break;
      if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression)
        && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(statement.expression.left)
        && statement.expression.left.text === name.text) return true;
    }
  }
  return false;
}

/** For a binding element of `const { signal } = <expr>` (also `<expr> ?? {}` / `|| {}`): `<expr>` when it is a name or property access. */
function destructuringSource(decl: ts.Node): ts.Expression | undefined {
  if (!ts.isBindingElement(decl) || !ts.isObjectBindingPattern(decl.parent) || !ts.isVariableDeclaration(decl.parent.parent)) return undefined;
  let init = decl.parent.parent.initializer;
  if (!init) return undefined;
  init = skipOuterExpressions(init);
  if (ts.isBinaryExpression(init) && (init.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || init.operatorToken.kind === ts.SyntaxKind.BarBarToken)
    && ts.isObjectLiteralExpression(skipOuterExpressions(init.right))) init = skipOuterExpressions(init.left);
  return ts.isIdentifier(init) || ts.isPropertyAccessExpression(init) ? init : undefined;
}

function isInsideParameter(decl: ts.Node): boolean {
  for (let current: ts.Node | undefined = decl; current && !isFunctionNode(current); current = current.parent) {
    if (ts.isParameter(current)) return true;
  }
  return false;
}
