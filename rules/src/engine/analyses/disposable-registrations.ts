// Disposable registrations: when is a dropped `Disposable` a leak? A VS Code
// registration made once while the extension activates lives as long as the
// extension host and never piles up; one made in a command handler or an event
// callback does. A disposable held by an instance (ES class, ES5 constructor,
// factory) is released with it when the instance has a dispose convention
// (`dispose()`, `extends Disposable`, `this._register(…)`); an `Event<T>`-style
// subscription (`target.onDidX(listener)` returning an `IDisposable`) on an object
// the instance did not create outlives the instance unless it is registered; one on
// an emitter created in the same function dies with that emitter. Also vueuse's
// scope-bound helpers (`useEventListener`, …) whose stop function is dropped where
// no effect scope removes them: after an `await`, or in code that runs again.
import ts from "typescript";
import { type FunctionNode, callbackHost, calleeMemberName, enclosingFunction, isFunctionNode, isInside, runningFunction, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import type { InstanceOwner, OwnersAnalysis } from "./owners";
import { lifetimes } from "./lifetime";
import { repetitionAt } from "./repetition";
import { closedOnTeardown } from "./owned-listeners";

/** Hosts whose callback runs once per command or event: `registerCommand(id, cb)`, `onDidChangeX(cb)`. */
const REGISTRATION_HOST = /^(register[A-Z]\w*|on[A-Z]\w*)$/;
/** vueuse helpers that remove what they add when the current effect scope is disposed, and return a stop function. */
export const SCOPE_BOUND_HELPERS = new Set(["useEventListener", "useResizeObserver", "useMutationObserver", "useIntersectionObserver"]);

/**
 * Why the code at `node` runs again and again (a phrase for messages), or undefined:
 * inside a callback given to a VS Code registration or event (`registerCommand`,
 * `onDidChangeX`), or wherever the shared repetition analysis (strict) says so.
 * Code that runs once while the extension activates does not repeat.
 */
export function registrationRepetition(facts: Facts, node: ts.Node): string | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const host = callbackHost(fn);
    const name = host ? calleeMemberName(host) ?? "" : "";
    if (REGISTRATION_HOST.test(name)) return `the \`${name}\` callback runs`;
  }
  return repetitionAt(facts, node, { strict: true })?.when;
}

/** The instance is meant to be disposed: a `dispose()` method, `extends …Disposable`, or it `this._register(…)`s disposables. */
export function hasDisposeConvention(ownersAnalysis: OwnersAnalysis, owner: InstanceOwner): boolean {
  return owner.teardown?.name === "dispose" || extendsDisposable(owner) || ownersAnalysis.fieldReferences(owner, "_register").length > 0;
}

/** `this._register(x)` is available and `this` at `node` is the instance: a class extending `…Disposable` or calling `this._register` itself. */
export function canRegisterOnInstance(ownersAnalysis: OwnersAnalysis, owner: InstanceOwner, node: ts.Node): boolean {
  if (owner.kind !== "class" || !(extendsDisposable(owner) || ownersAnalysis.fieldReferences(owner, "_register").length > 0)) return false;
  let fn = enclosingFunction(node);
  while (fn && ts.isArrowFunction(fn)) fn = enclosingFunction(fn);
  return fn !== undefined && fn.parent === owner.node;
}

/**
 * `target.onX(listener[, thisArgs])`: a VS Code-style `Event<T>` subscription whose
 * result is the `IDisposable` that removes the listener. With types the call must
 * return something with `dispose()`; without types the name and a function-like
 * first argument have to do (callers add the dispose-convention evidence).
 */
export function isEventSubscription(facts: Facts, call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !/^on[A-Z]/.test(callee.name.text) || callee.expression.kind === ts.SyntaxKind.ThisKeyword) return false;
  const [listener] = call.arguments;
  if (!listener || call.arguments.length > 2 || !isListenerLike(listener)) return false;
  if (!facts.hasTypes) return true;
  const type = facts.checker.getTypeAtLocation(call);
  const dispose = type.getProperty("dispose");
  return dispose !== undefined && !(type.flags & ts.TypeFlags.Any);
}

/**
 * Does the object an event is subscribed on outlive the instance? Only when we know:
 * a parameter (of the constructor or a method), a field filled from a constructor
 * parameter (`constructor(private _core: Core)`, `this._core = core`), or an import.
 * A field the instance creates itself (`this._x = new X()`, `_x = this._register(new X())`)
 * dies with it, and so does what is subscribed on it.
 */
export function isLongerLivedTarget(facts: Facts, ownersAnalysis: OwnersAnalysis, owner: InstanceOwner, target: ts.Expression): boolean {
  let root = target;
  while (ts.isPropertyAccessExpression(root) && ownersAnalysis.fieldOf(owner, root) === undefined) root = root.expression;
  const field = ownersAnalysis.fieldOf(owner, root);
  if (field !== undefined) return isParameterField(ownersAnalysis, owner, field);
  if (!ts.isIdentifier(root)) return false;
  const decl = facts.symbolAt(root)?.declarations?.[0];
  if (decl !== undefined && ts.isParameter(decl) && isPerCallToken(decl)) return false;
  return decl !== undefined && (ts.isParameter(decl) || ts.isImportSpecifier(decl) || ts.isImportClause(decl) || ts.isNamespaceImport(decl));
}

/** Methods that store a value in a collection: `this.sessions.set(id, session)`, `this.items.push(item)`. */
const STORING_METHODS = new Set(["set", "add", "push", "unshift"]);

/**
 * The event's target is a part of the instance, and what is subscribed on it goes with that part: the
 * instance closes or disposes it on its teardown path (`dispose() { this.session.close() }`, for a
 * constructor's `session` kept as `this.session`), or the registering method keeps the parameter it
 * subscribes on in the instance (`this.sessions.set(id, session)`, `this.current = session`).
 */
export function isInstancePart(facts: Facts, ownersAnalysis: OwnersAnalysis, owner: InstanceOwner, target: ts.Expression): boolean {
  let root = target;
  while (ts.isPropertyAccessExpression(root) && ownersAnalysis.fieldOf(owner, root) === undefined) root = root.expression;
  const closed = closedOnTeardown(facts, ownersAnalysis, owner);
  const field = ownersAnalysis.fieldOf(owner, root);
  if (field !== undefined) return closed.has(`this.${field}`);
  if (!ts.isIdentifier(root)) return false;
  const decl = facts.symbolAt(root)?.declarations?.[0];
  if (!decl || !ts.isParameter(decl) || !ts.isIdentifier(decl.name)) return false;
  // `constructor(private readonly session: S)`: the parameter is the field.
  if (ts.isConstructorDeclaration(decl.parent) && ts.getModifiers(decl)?.length && closed.has(`this.${decl.name.text}`)) return true;
  const method = decl.parent;
  if (!ts.isMethodDeclaration(method) || !method.body) return false;
  const name = decl.name.text;
  let kept = false;
  walk(method.body, (node) => {
    if (kept || isFunctionNode(node)) return false;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && STORING_METHODS.has(node.expression.name.text)
      && ownersAnalysis.fieldOf(owner, node.expression.expression) !== undefined && node.arguments.some((a) => ts.isIdentifier(a) && a.text === name)) kept = true;
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.right) && node.right.text === name
      && ownersAnalysis.fieldOf(owner, node.left) !== undefined) kept = true;
    return kept ? false : undefined;
  });
  return kept;
}

/** `refresh(node, token)`: a cancellation token handed to a method is made for that one operation. */
function isPerCallToken(param: ts.ParameterDeclaration): boolean {
  return ts.isIdentifier(param.name) && /(^|[a-z])(token|Token)$/.test(param.name.text) && !ts.isConstructorDeclaration(param.parent);
}

/**
 * The event's emitter is created in the same function (`const w = createFileSystemWatcher(…)`,
 * `for (const w of [createX(), createY()])`, `const e = new EventEmitter()`): disposing it
 * — or reporting it when it is dropped — covers its listeners too.
 */
export function isEmitterCreatedHere(facts: Facts, target: ts.Expression): boolean {
  let root = target;
  while (ts.isPropertyAccessExpression(root)) root = root.expression;
  if (!ts.isIdentifier(root)) return false;
  const decl = facts.symbolAt(root)?.declarations?.[0];
  // `const qp = createQuickPick(); await new Promise((resolve) => qp.onDidAccept(…))`: the executor runs once, in the creating call.
  if (!decl || !ts.isVariableDeclaration(decl) || enclosingFunction(decl) !== runningFunction(target)) return false;
  if (decl.initializer) return isCreation(decl.initializer);
  const loop = decl.parent.parent;
  if (!ts.isForOfStatement(loop)) return false;
  const list = loop.expression;
  const listDecl = ts.isIdentifier(list) ? facts.symbolAt(list)?.declarations?.[0] : undefined;
  const literal = ts.isArrayLiteralExpression(list) ? list
    : listDecl && ts.isVariableDeclaration(listDecl) && listDecl.initializer && ts.isArrayLiteralExpression(listDecl.initializer) ? listDecl.initializer : undefined;
  return literal !== undefined && literal.elements.length > 0 && literal.elements.every(isCreation);
}

/**
 * `useEventListener(…)` (and its vueuse siblings) whose stop function is dropped where
 * no effect scope will call it: after an `await` in the same function (the scope is
 * only current synchronously), or in a function that runs again (a `watch` callback,
 * a reconnect) — each run adds another listener. Returns the reason for messages.
 */
export function scopeBoundLeak(facts: Facts, call: ts.CallExpression): "after-await" | { when: string } | undefined {
  const fn = enclosingFunction(call);
  if (!fn) return undefined;
  if (isAfterAwait(fn, call)) return "after-await";
  const role = facts.analysis(lifetimes).roleOf(fn);
  if (role === "react-hook" || role === "react-component" || role === "mount-hook") return undefined;
  const repetition = repetitionAt(facts, call, { strict: true });
  if (!repetition) return undefined;
  const repeatedRole = facts.analysis(lifetimes).roleOf(repetition.fn);
  return repeatedRole === "react-hook" || repeatedRole === "react-component" ? undefined : { when: repetition.when };
}

function isAfterAwait(fn: FunctionNode, call: ts.Node): boolean {
  if (!fn.body || !(ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async)) return false;
  let found = false;
  walk(fn.body, (node) => {
    if (found || node.pos >= call.pos) return false;
    if (isFunctionNode(node)) return false;
    if (ts.isAwaitExpression(node) && node.end <= call.pos && !isInside(call, node)) found = true;
    return undefined;
  });
  return found;
}

function isParameterField(ownersAnalysis: OwnersAnalysis, owner: InstanceOwner, field: string): boolean {
  if (owner.kind === "class") {
    const classNode = owner.node as ts.ClassLikeDeclaration;
    const ctor = classNode.members.find(ts.isConstructorDeclaration);
    const property = ctor?.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === field && (ts.getModifiers(p)?.length ?? 0) > 0);
    if (property) return true;
    const declared = classNode.members.find((m) => ts.isPropertyDeclaration(m) && m.name.getText() === field);
    if (declared && ts.isPropertyDeclaration(declared) && declared.initializer) return false;
  }
  const writes = ownersAnalysis.fieldReferences(owner, field).flatMap((access) => {
    const parent = access.parent;
    return ts.isBinaryExpression(parent) && parent.left === access && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken ? [parent.right] : [];
  });
  return writes.length > 0 && writes.every((value) => ts.isIdentifier(value) && isParameterOf(value, enclosingFunction(value)));
}

function isParameterOf(id: ts.Identifier, fn: FunctionNode | undefined): boolean {
  return fn !== undefined && fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
}

function isCreation(expr: ts.Expression): boolean {
  if (ts.isNewExpression(expr)) return true;
  return ts.isCallExpression(expr) && /^create[A-Z]/.test(calleeMemberName(expr) ?? "");
}

function isListenerLike(expr: ts.Expression): boolean {
  if (isFunctionNode(expr)) return true;
  if (ts.isCallExpression(expr) && calleeMemberName(expr) === "bind") return true;
  return ts.isPropertyAccessExpression(expr) && expr.expression.kind === ts.SyntaxKind.ThisKeyword;
}

function extendsDisposable(owner: InstanceOwner): boolean {
  if (owner.kind !== "class") return false;
  const base = (owner.node as ts.ClassLikeDeclaration).heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  return base !== undefined && /Disposable$/.test(base.expression.getText());
}

