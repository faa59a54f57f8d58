// Listeners owned by an instance: whether a registration made by a class, an ES5
// constructor or a factory lands on a target that outlives that instance — a
// browser/process global, a module-level or static binding, a singleton
// (`X.getInstance()`), an emitter or options object the caller passed to the
// constructor (or a field copied from one: `this.bus = opts.bus`), the document a
// DOM node belongs to (`el.ownerDocument`) — and which removals run on the
// instance's teardown path. A removal somewhere else (in a handler, in a method
// nothing calls on teardown) does not release the listener when the instance goes.
import ts from "typescript";
import { type FunctionNode, enclosingFunction, isFunctionNode, isInside, referenceKey, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { type Registration, findRemovals, isFreshFunction } from "./listeners";
import { longLivedTarget } from "./listener-targets";
import { programCalls } from "./program-calls";
import type { InstanceOwner, OwnersAnalysis } from "./owners";

/** Properties that lead from any DOM node to the page-wide document or window. */
const PAGE_PROPERTIES = new Set(["ownerDocument", "defaultView"]);
const PAGE_GLOBALS = new Set(["document", "window"]);
const PAGE_TYPES = new Set(["Document", "Window", "HTMLDocument"]);
/** `Foo.getInstance()`, `Foo.get()`, `getInstance()`: an accessor of a process-wide singleton. */
const SINGLETON_ACCESSOR = /^(getInstance|getSingleton|instance|shared|getDefault|get)$/;

export interface OwnedRegistration {
  owner: InstanceOwner;
  /** The method (or constructor) that registers. */
  method: { name: string; fn: FunctionNode };
  /** For messages: why the target outlives the instance. */
  target: string;
}

/**
 * The instance that owns `registration` when the owner has a teardown path and the
 * target outlives the instance; undefined when the question does not apply.
 */
export function ownedRegistration(facts: Facts, own: OwnersAnalysis, registration: Registration): OwnedRegistration | undefined {
  const owner = own.instanceAt(registration.call);
  if (!owner || own.teardownFunctions(owner).size === 0) return undefined;
  const method = own.methodAt(owner, registration.call);
  if (!method) return undefined;
  if (method.name === "constructor" && handlerTearsDown(own, owner, registration.handler)) return undefined;
  if (isKeptOnInstance(facts, own, owner, registration.handler) || holdsNothing(registration.handler)) return undefined;
  const target = outlivingTarget(facts, own, owner, registration.target, registration.call, registration.handler);
  return target ? { owner, method, target } : undefined;
}

/**
 * `constructor(room) { this.xmpp = room.xmpp; this.xmpp.on(E, this.onMessage.bind(this)) }`
 * in a class with no teardown at all: the target is something the caller's object holds
 * (shared beyond this instance), the handler is a fresh function nobody keeps, and the file
 * removes nothing for that event from it, so no code can ever take the listener off and
 * every instance stays reachable from the shared target. Returns the target's description.
 */
export function unremovableWithoutTeardown(facts: Facts, own: OwnersAnalysis, registration: Registration): OwnedRegistration | undefined {
  const owner = own.instanceAt(registration.call);
  if (!owner || owner.kind !== "class" || own.teardownFunctions(owner).size > 0 || !isFreshFunction(registration.handler)) return undefined;
  const method = own.methodAt(owner, registration.call);
  if (method?.name !== "constructor" || holdsNothing(registration.handler) || handlerTearsDown(own, owner, registration.handler)) return undefined;
  const target = stripNonNull(registration.target);
  const field = own.fieldOf(owner, target);
  const values = field === undefined ? [target] : assignedValues(own, owner, field);
  // A property of a parameter (`room.xmpp`), not the parameter itself: the instance was not made for that target.
  const shared = values.length > 0 && values.every((v) => ts.isPropertyAccessExpression(stripNonNull(v)) && constructorParameterRoot(facts, owner, v) !== undefined);
  // A connection or stream the instance wraps (`room.socket`) goes with it; a request-scoped object (`options.request`) ends with the request.
  if (!shared || isAdopted(facts, own, owner, target) || OPERATION_NAME.test(propertyName(values[0])) || findRemovals(facts, registration).length > 0) return undefined;
  const root = constructorParameterRoot(facts, owner, values[0])!;
  return { owner, method, target: `\`${registration.target.getText()}\` (from the constructor's \`${root}\`: shared beyond this instance, and it outlives it)` };
}

/** Objects that live for one operation: a listener on them goes when the operation ends. */
const OPERATION_NAME = /(request|req|response|res)$/i;

function propertyName(expr: ts.Expression): string {
  const inner = stripNonNull(expr);
  return ts.isPropertyAccessExpression(inner) ? inner.name.text : "";
}

/** The values assigned to field `name` of the instance. */
function assignedValues(own: OwnersAnalysis, owner: InstanceOwner, name: string): ts.Expression[] {
  return own.fieldReferences(owner, name).flatMap((ref) => {
    const parent = ref.parent;
    return ts.isBinaryExpression(parent) && parent.left === ref && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken ? [parent.right] : [];
  });
}

/**
 * `constructor() { process.on("SIGINT", () => this.stop()) }`: the instance is built to
 * live until that event and tears itself down when it fires.
 */
function handlerTearsDown(own: OwnersAnalysis, owner: InstanceOwner, handler: ts.Expression): boolean {
  const teardown = owner.teardown?.name;
  if (!teardown) return false;
  let found = false;
  walk(handler, (node) => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === teardown && own.isInstanceReference(owner, node.expression)) found = true;
    return found ? false : undefined;
  });
  return found;
}

/** `() => null`, `function () {}`: a handler that refers to nothing keeps nothing alive. */
function holdsNothing(handler: ts.Expression): boolean {
  if (!ts.isArrowFunction(handler) && !ts.isFunctionExpression(handler)) return false;
  let refers = false;
  walk(handler.body, (node) => {
    if (ts.isIdentifier(node) || node.kind === ts.SyntaxKind.ThisKeyword) refers = true;
    return refers ? false : undefined;
  });
  return !refers;
}

/** `this.cleanupRef = cleanup`: the instance keeps the handler, so whoever removes it may live elsewhere (a subclass, another file). */
function isKeptOnInstance(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, handler: ts.Expression): boolean {
  if (!ts.isIdentifier(handler)) return false;
  const decl = facts.symbolAt(handler)?.declarations?.[0];
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return false;
  return facts.referencesTo(decl.name).some((ref) => ts.isBinaryExpression(ref.parent) && ref.parent.right === ref
    && ref.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(ref.parent.left)
    && own.fieldOf(owner, ref.parent.left) !== undefined);
}

/** Why `target` outlives instances of `owner`, or undefined when it may not (`handler`: the registered one, when known). */
export function outlivingTarget(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, target: ts.Expression, at: ts.Node, handler?: ts.Expression): string | undefined {
  const text = target.getText();
  if (isPageExpression(facts, target)) return `\`${text}\` (the page's document or window)`;
  const known = longLivedTarget(facts, target, at);
  if (known) return known;
  const singleton = singletonAccessor(target);
  if (singleton) return `the singleton \`${text}\``;
  if (isAdopted(facts, own, owner, target) || (handler && forwardsToInstance(own, owner, handler))) return undefined;
  const param = constructorParameterRoot(facts, owner, target);
  if (param && (isCreatorsOwn(facts, owner, param) || isGivenOwn(facts, owner, target) || isActionElement(facts, owner, param, at))) return undefined;
  if (param) return `\`${text}\` (from the constructor's \`${param}\`: the caller owns it, and it outlives this instance)`;
  const field = own.fieldOf(owner, stripNonNull(target));
  if (field !== undefined) {
    const source = copiedFrom(facts, own, owner, field);
    if (source) return `\`${text}\` (${source}, which outlives this instance)`;
  }
  return undefined;
}

/** The removals of `registration` that run when `owner` is torn down. */
export function removalsOnTeardown(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, registration: Registration): { matched: boolean; fresh?: ts.CallExpression } {
  const onPath = (node: ts.Node) => isOnTeardownPathFor(facts, own, owner, registration, node);
  const removals = findRemovals(facts, registration).filter((r) => onPath(r.call));
  return { matched: removals.some((r) => r.matches), fresh: removals.find((r) => r.fresh)?.call };
}

/**
 * Whether `node` runs on `owner`'s teardown path, as far as `registration` is concerned.
 * A teardown that hands off to code the file does not show may release anything the
 * owner holds — but not a fresh function (`Fn.bind(this, this.onKey)`, `() => …`) added
 * directly to the page or the process: nobody holds that function, so no code can remove
 * it by reference, and no code removes every listener of a target the whole page or
 * process shares. For such a registration only the teardown the file shows counts.
 */
export function isOnTeardownPathFor(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, registration: Registration, node: ts.Node): boolean {
  if (!isUnremovableElsewhere(facts, own, owner, registration)) return own.isOnTeardownPath(owner, node);
  for (const fn of own.teardownFunctions(owner)) if (isInside(node, fn)) return true;
  return false;
}

function isUnremovableElsewhere(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, registration: Registration): boolean {
  if (!isFreshFunction(registration.handler)) return false;
  // `this.on(document, "keydown", fn)`: the instance's own helper may track what it adds and remove it in a base teardown.
  const callee = registration.call.expression;
  if (registration.helper && ts.isPropertyAccessExpression(callee) && own.isInstanceReference(owner, callee.expression)) return false;
  return isPageExpression(facts, registration.target) || facts.qualifiedName(registration.target) === "global:process";
}

/**
 * The owner's teardown adds `registration` (same target, event and handler) again
 * instead of removing it — `dispose() { this.on(t, "x", h) }` where `off` was meant.
 * Given a registration outside the teardown, returns the teardown's repeat of it; given
 * the repeat itself, returns it too (so that it is not judged on its own). The owner's
 * registrations are asked for only when the registration has a key to compare.
 */
export function registrationRepeatedInTeardown(own: OwnersAnalysis, owner: InstanceOwner, registration: Registration,
  registrationsOfOwner: () => readonly Registration[]): Registration | undefined {
  const key = registrationKey(registration);
  if (key === undefined) return undefined;
  const registrations = registrationsOfOwner();
  if (own.isOnTeardownPath(owner, registration.call)) {
    const original = registrations.some((other) => other.call !== registration.call && registrationKey(other) === key && !own.isOnTeardownPath(owner, other.call));
    return original ? registration : undefined;
  }
  return registrations.find((other) => other.call !== registration.call && registrationKey(other) === key && own.isOnTeardownPath(owner, other.call));
}

function registrationKey(registration: Registration): string | undefined {
  const target = referenceKey(registration.target);
  const handler = referenceKey(registration.handler);
  if (target === undefined || handler === undefined) return undefined;
  return `${target}|${registration.event.getText()}|${handler}`;
}

/**
 * `document`, `window` (also as imported shims: `import document from "global/document"`),
 * `el.ownerDocument`, `node.ownerDocument.defaultView`, `value as Document`.
 */
function isPageExpression(facts: Facts, expr: ts.Expression): boolean {
  let current = stripNonNull(expr);
  if (ts.isAsExpression(current)) return ts.isTypeReferenceNode(current.type) && PAGE_TYPES.has(current.type.getText());
  for (; ts.isPropertyAccessExpression(current); current = stripNonNull(current.expression)) {
    if (PAGE_PROPERTIES.has(current.name.text)) return true;
  }
  if (!ts.isIdentifier(current) || current !== stripNonNull(expr) || !PAGE_GLOBALS.has(current.text)) return false;
  const decl = facts.symbolAt(current)?.declarations?.[0];
  return !decl || decl.getSourceFile() !== facts.sourceFile || ts.isImportClause(decl) || ts.isImportSpecifier(decl)
    || ts.isVariableDeclaration(decl) && decl.initializer !== undefined && /^require\(/.test(decl.initializer.getText());
}

/** A connection the caller hands over (`new Connection(socket)`) or the pool of the client that creates this helper: the instance wraps it and they go together. */
const ADOPTED_NAME = /(socket|stream|port|conn|connection|channel|pipe|ws|duplex|transport|pool)$/i;

/**
 * The instance adopts the target: its name says it is a connection or stream handed
 * over to be wrapped, or the teardown path closes it (`this.socket.destroy()`, `this.bus.removeAllListeners()`).
 */
const CLOSING_METHOD = /^(destroy|close|end|dispose|terminate|removeAllListeners|disconnect|stop|release|abort|kill|unref)$/;
/** Closing methods that also name other operations: only a call without arguments closes (`ctx.remove()`, not `list.remove(x)`). */
const CLOSING_WITHOUT_ARGUMENTS = /^(remove|detach|unmount)$/;

function isAdopted(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, target: ts.Expression): boolean {
  const inner = stripNonNull(target);
  const name = ts.isIdentifier(inner) ? inner.text : ts.isPropertyAccessExpression(inner) ? inner.name.text : undefined;
  if (name !== undefined && ADOPTED_NAME.test(name)) return true;
  const key = referenceKey(inner);
  if (key === undefined) return false;
  // The target itself, or the field it is kept in (`this.watcher = watcher`), closed on teardown.
  const closed = closedOnTeardown(facts, own, owner);
  return closed.has(key) || fieldsHolding(own, owner, key).some((field) => closed.has(field));
}

/** The reference keys of what the teardown path closes (`this.socket.destroy()` → `this.socket`), once per owner. */
export function closedOnTeardown(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner): ReadonlySet<string> {
  return own.remember(owner, "closed-on-teardown", () => {
    const closed = new Set<string>();
    for (const fn of own.teardownFunctions(owner)) {
      for (const node of facts.callsWithin(fn)) {
        if (!ts.isPropertyAccessExpression(node.expression)) continue;
        const method = node.expression.name.text;
        if (!CLOSING_METHOD.test(method) && !(CLOSING_WITHOUT_ARGUMENTS.test(method) && node.arguments.length === 0)) continue;
        const receiver = referenceKey(node.expression.expression);
        if (receiver !== undefined) closed.add(receiver);
      }
    }
    return closed;
  });
}

/**
 * `target.on("mount", this.emit.bind(this, "mount"))`, `(...args) => this.emit("mount", ...args)`:
 * the handler only re-emits the event on the instance. The instance presents the
 * target's events as its own — a facade over a component it was built with (a server
 * over its router) — so the caller's object is the instance's part, and they go
 * together. (Checked after globals, module bindings and singletons, which outlive any facade.)
 */
function forwardsToInstance(own: OwnersAnalysis, owner: InstanceOwner, handler: ts.Expression): boolean {
  const inner = stripNonNull(handler);
  const isInstanceEmit = (callee: ts.Expression): boolean => ts.isPropertyAccessExpression(callee) && /^emit$/.test(callee.name.text)
    && own.isInstanceReference(owner, callee.expression);
  // this.emit.bind(this, "mount")
  if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === "bind") {
    const [self, event] = inner.arguments;
    return isInstanceEmit(inner.expression.expression) && self !== undefined && own.isInstanceReference(owner, self)
      && event !== undefined && ts.isStringLiteralLike(event);
  }
  if (!ts.isArrowFunction(inner) && !ts.isFunctionExpression(inner)) return false;
  let body: ts.Node = inner.body;
  if (ts.isBlock(body)) body = body.statements.length === 1 && ts.isExpressionStatement(body.statements[0]) ? body.statements[0].expression : body;
  if (!ts.isCallExpression(body) || !isInstanceEmit(body.expression)) return false;
  // The event name, then only the handler's own parameters (`...args`, `a, b`).
  const params = new Set(inner.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : "")));
  const [event, ...rest] = body.arguments;
  return event !== undefined && ts.isStringLiteralLike(event)
    && rest.every((arg) => { const value = ts.isSpreadElement(arg) ? arg.expression : arg; return ts.isIdentifier(value) && params.has(value.text); });
}

/** Keys of the instance fields assigned the value whose key is `key` (`this.watcher = watcher` → `this.watcher`). */
function fieldsHolding(own: OwnersAnalysis, owner: InstanceOwner, key: string): string[] {
  const result: string[] = [];
  for (const node of own.syntaxOf(owner).assignments) {
    if (referenceKey(node.right) !== key || own.fieldOf(owner, node.left) === undefined) continue;
    const field = referenceKey(node.left);
    if (field) result.push(field);
  }
  return result;
}

function singletonAccessor(expr: ts.Expression): boolean {
  const inner = stripNonNull(expr);
  if (!ts.isCallExpression(inner) || inner.arguments.length > 0) return false;
  const callee = inner.expression;
  if (ts.isPropertyAccessExpression(callee)) {
    // `Store.getInstance()`, `Registry.get()`: a capitalised holder, not `this.map.get()`.
    return SINGLETON_ACCESSOR.test(callee.name.text) && ts.isIdentifier(callee.expression) && /^[A-Z]/.test(callee.expression.text);
  }
  return ts.isIdentifier(callee) && /^getInstance$|^get[A-Z]\w*Instance$/.test(callee.text);
}

/** The name of the constructor (or factory) parameter `expr` is rooted at: `room.xmpp` → `room`. */
function constructorParameterRoot(facts: Facts, owner: InstanceOwner, expr: ts.Expression): string | undefined {
  let root = stripNonNull(expr);
  while (ts.isPropertyAccessExpression(root) || ts.isNonNullExpression(root)) root = root.expression;
  if (!ts.isIdentifier(root)) return undefined;
  const decl = facts.symbolAt(root)?.declarations?.[0];
  if (!decl) return undefined;
  let param: ts.Node = decl;
  while (ts.isBindingElement(param) || ts.isObjectBindingPattern(param)) param = param.parent;
  if (!ts.isParameter(param) || param.modifiers?.length) return undefined;
  return param.parent === constructorOf(owner) ? root.text : undefined;
}

/**
 * A Svelte action (`const tooltip: Action = (node, params) => { …; return { update, destroy } }`)
 * adding a listener to its element when it starts: Svelte destroys the action with the element,
 * and the element takes its listeners with it. Listeners added again in `update()` still pile up on
 * the element, so only the action's own start counts.
 */
function isActionElement(facts: Facts, owner: InstanceOwner, param: string, at: ts.Node): boolean {
  if (owner.kind !== "factory" || !isFunctionNode(owner.node) || enclosingFunction(at) !== owner.node) return false;
  const first = owner.node.parameters[0];
  if (!first || !ts.isIdentifier(first.name) || first.name.text !== param) return false;
  if (![...owner.methods.keys()].every((name) => name === "update" || name === "destroy")) return false;
  const declared = ts.isVariableDeclaration(owner.node.parent) ? owner.node.parent.type?.getText() : undefined;
  return /^Action\b/.test(declared ?? "") || facts.sourceFile.fileName.endsWith(".svelte")
    || [...facts.importedModules()].some((module) => module === "svelte" || module.startsWith("svelte/"));
}

/** The constructor parameter `param` is something the instance's one creator holds, across the program (typed tier). */
function isCreatorsOwn(facts: Facts, owner: InstanceOwner, param: string): boolean {
  const index = constructorParameterIndex(owner, param);
  return index >= 0 && facts.analysis(programCalls)?.constructedOnePerCreator(owner.node as ts.ClassLikeDeclaration, index) === true;
}

/**
 * `expr` is the constructor parameter itself (`dap`, not `room.xmpp`), and every construction across the program
 * (typed tier) makes a new object for it (`new Cursor(pool.request())`): the instance and that object go together.
 */
function isGivenOwn(facts: Facts, owner: InstanceOwner, expr: ts.Expression): boolean {
  const inner = stripNonNull(expr);
  if (!ts.isIdentifier(inner)) return false;
  const index = constructorParameterIndex(owner, inner.text);
  return index >= 0 && facts.analysis(programCalls)?.givenOwnObject(owner.node as ts.ClassLikeDeclaration, index) === true;
}

function constructorParameterIndex(owner: InstanceOwner, param: string): number {
  const ctor = constructorOf(owner);
  if (owner.kind !== "class" || !ctor || !ts.isConstructorDeclaration(ctor)) return -1;
  return ctor.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === param);
}

function constructorOf(owner: InstanceOwner): ts.Node | undefined {
  if (owner.kind !== "class") return owner.node;
  return (owner.node as ts.ClassLikeDeclaration).members.find(ts.isConstructorDeclaration);
}

/**
 * Where field `name` comes from when every assignment copies something the instance
 * does not own: a constructor parameter (or part of one), the page, a global.
 */
function copiedFrom(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, name: string): string | undefined {
  let source: string | undefined;
  for (const ref of own.fieldReferences(owner, name)) {
    const parent = ref.parent;
    if (!ts.isBinaryExpression(parent) || parent.left !== ref || parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const value = parent.right;
    const param = constructorParameterRoot(facts, owner, value);
    if (param && (isCreatorsOwn(facts, owner, param) || isGivenOwn(facts, owner, value))) return undefined;
    const from = param ? `copied from the constructor's \`${param}\``
      : isPageExpression(facts, value) ? "the page's document or window"
      : longLivedTarget(facts, value, value) ? `copied from ${longLivedTarget(facts, value, value)}`
      : undefined;
    if (!from) return undefined; // also assigned something the instance may own (`new Emitter()`)
    source ??= from;
  }
  return source;
}

/** Every registration in the owner's code, in source order (for comparing registrations of one owner). */
export function registrationsOf(own: OwnersAnalysis, owner: InstanceOwner, parse: (call: ts.CallExpression) => Registration | undefined): Registration[] {
  const result: Registration[] = [];
  for (const call of own.syntaxOf(owner).calls) {
    const registration = parse(call);
    if (registration) result.push(registration);
  }
  return result;
}

function stripNonNull(expr: ts.Expression): ts.Expression {
  while (ts.isNonNullExpression(expr) || ts.isParenthesizedExpression(expr)) expr = expr.expression;
  return expr;
}
