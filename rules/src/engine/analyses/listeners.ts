// Listener registrations: `target.on(event, handler)`, `addListener`,
// `prependListener`, `addEventListener(event, handler, options)` — their parts, the
// hand-offs that make them safe (`{ once: true }`, `{ signal }`), and the removals in
// the file that match them. A removal matches only with the same event, the same
// function reference and the same `capture` flag; a fresh arrow or a fresh
// `.bind(this)` handed to `removeEventListener` never matches anything. Rules about
// listeners on emitters, DOM targets and abort signals share this.
import ts from "typescript";
import { calleeMemberName, calleeReceiver, enclosingFunction, propertyNameText, referenceKey, thisClass } from "../core/ast";
import type { Facts } from "../core/facts";
import { skipOuterExpressions } from "../core/names";
import { isRemovedThroughEntry } from "./registration-lists";

export const REGISTER_METHODS = new Set(["on", "addListener", "prependListener", "addEventListener"]);
export const REMOVE_METHODS = ["removeListener", "off", "removeEventListener", "removeAllListeners"];
const PAGE_GLOBALS = new Set(["document", "window"]);

export interface Registration {
  call: ts.CallExpression;
  method: string;
  target: ts.Expression;
  event: ts.Expression;
  handler: ts.Expression;
  options?: ts.Expression;
  /** `helper.on(target, event, handler)` rather than `target.on(event, handler)`. */
  helper?: boolean;
  /** `on("mousemove", document, handler)`: an imported helper taking the event first (evtd's signature). */
  eventFirst?: boolean;
}

export interface Removal {
  call: ts.CallExpression;
  /** Same event and target (or same handler reference). */
  matches: boolean;
  /** The handler passed to the removal is a fresh function: it can never match. */
  fresh: boolean;
  /** The same handler removed from another page object (`document` for `window`): it never matches. */
  otherTarget?: boolean;
}

/** The parts of `target.on(event, handler[, options])`, or undefined for other shapes. */
export function parseRegistration(call: ts.CallExpression, methods: ReadonlySet<string> = REGISTER_METHODS): Registration | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee) && methods.has(callee.text) && isImportedDomHelper(callee) && isHelperShape(call.arguments, 3)
    && !call.arguments.some(ts.isSpreadElement)) {
    // `on(document, "click", handler)`: a DOM helper imported from another module, the target first.
    const args = call.arguments;
    return { call, method: callee.text, target: args[0], event: args[1], handler: args[args.length - 1], helper: true };
  }
  if (ts.isIdentifier(callee) && methods.has(callee.text) && isImportedDomHelper(callee) && isEventFirstShape(call.arguments)) {
    // `on("mousemove", document, handler)`: an imported helper taking the event, then the target.
    const [event, target, handler, options] = call.arguments;
    return { call, method: callee.text, target, event, handler, options, helper: true, eventFirst: true };
  }
  if (!ts.isPropertyAccessExpression(callee) || !methods.has(callee.name.text) || call.arguments.length < 2) return undefined;
  const args = call.arguments;
  if (args.some(ts.isSpreadElement)) return undefined;
  if (isHelperShape(args, 3)) {
    // `EventHandler.on(element, "click", [selector,] handler)`: a helper whose first argument is the target.
    return { call, method: callee.name.text, target: args[0], event: args[1], handler: args[args.length - 1], helper: true };
  }
  const [event, handler, options] = args;
  return { call, method: callee.name.text, target: registrationTarget(call) ?? callee.expression, event, handler, options };
}

/**
 * A bare `on` / `off` imported by name from a module of the project or a package
 * (`import { on, off } from "../utils/dom"`): a DOM helper taking the target first. Not Node's
 * `events.on(emitter, name)`, which returns an async iterator rather than registering a handler.
 */
function isImportedDomHelper(id: ts.Identifier): boolean {
  for (const statement of id.getSourceFile().statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (/^(node:)?events$/.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings) && bindings.elements.some((e) => e.name.text === id.text)) return true;
  }
  return false;
}

/** `("mousemove", target, handler[, options])`: an event name first, then a target that is not a function, then a function. */
function isEventFirstShape(args: ts.NodeArray<ts.Expression>): boolean {
  if (args.length < 3 || args.length > 4 || args.some(ts.isSpreadElement)) return false;
  const [event, target, handler] = args;
  return (ts.isStringLiteralLike(event) || ts.isTemplateExpression(event)) && !isFreshFunction(target) && !ts.isStringLiteralLike(target)
    && (ts.isIdentifier(handler) || ts.isPropertyAccessExpression(handler) || isFreshFunction(handler));
}

/** `(target, event, …)` rather than `(event, handler, …)`: the second argument names an event (a string or an `EVENT_X` constant). */
function isHelperShape(args: ts.NodeArray<ts.Expression>, min: number): boolean {
  if (args.length < min) return false;
  const [first, second] = args;
  if (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first) || isFreshFunction(first)) return false;
  // `Events.on(document, fsApi.fullscreenchange, handler)`: a page global is a target, never an event name.
  if (ts.isIdentifier(first) && PAGE_GLOBALS.has(first.text)) return true;
  if (ts.isStringLiteralLike(second) || ts.isTemplateExpression(second) || (ts.isIdentifier(second) && /^[A-Z][A-Z0-9_]*$/.test(second.text))) return true;
  // `on(element, eventIn, selector, (event) => …)`: the function comes last, not second.
  return min === 3 && !isFreshFunction(second) && isFreshFunction(args[args.length - 1]);
}

/** `() => …`, `function () { … }`, `fn.bind(this)`: a new function object on every evaluation. */
export function isFreshFunction(expr: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) expr = expr.expression;
  if (ts.isArrowFunction(expr) || ts.isFunctionExpression(expr)) return true;
  return ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && expr.expression.name.text === "bind";
}

/** `{ once: true }` or `{ signal }` in the options: the registration removes itself. */
export function selfRemovingOption(options: ts.Expression | undefined): "once" | "signal" | undefined {
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const property of options.properties) {
    const name = property.name && propertyNameText(property.name);
    if (name === "signal") return "signal";
    if (name === "once" && ts.isPropertyAssignment(property) && property.initializer.kind !== ts.SyntaxKind.FalseKeyword) return "once";
  }
  return undefined;
}

/** The `capture` flag of `addEventListener`/`removeEventListener` options (`true` or `{ capture: true }`). */
export function captureFlag(options: ts.Expression | undefined): boolean {
  if (!options) return false;
  if (options.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (!ts.isObjectLiteralExpression(options)) return false;
  return options.properties.some((p) => ts.isPropertyAssignment(p) && propertyNameText(p.name) === "capture"
    && p.initializer.kind === ts.SyntaxKind.TrueKeyword);
}

/** The removals in the file for the same event: `off`/`removeListener`/`removeEventListener`/`removeAllListeners`. */
export function findRemovals(facts: Facts, registration: Registration): Removal[] {
  const targetKey = referenceKey(registration.target);
  const event = eventKey(registration.event);
  const handlerKey = referenceKey(registration.handler);
  const stored = storedHandler(facts, registration.handler);
  const capture = captureFlag(registration.options);
  const result: Removal[] = [];
  for (const method of REMOVE_METHODS) {
    for (const id of facts.identifiersNamed(method)) {
      // `off(document, "click", handler)`: the imported helper's removal, the target first.
      const bare = registration.helper === true && ts.isCallExpression(id.parent) && id.parent.expression === id && isImportedDomHelper(id);
      const access = id.parent;
      if (!bare && (!ts.isPropertyAccessExpression(access) || access.name !== id || !ts.isCallExpression(access.parent))) continue;
      const call = (bare ? id.parent : access.parent) as ts.CallExpression;
      if (!bare && call.expression !== access) continue;
      const eventFirst = bare && registration.eventFirst === true && isEventFirstShape(call.arguments);
      const helper = eventFirst || (registration.helper === true && !registration.eventFirst && isHelperShape(call.arguments, 2));
      if (bare && !helper) continue;
      const removedTarget = eventFirst ? call.arguments[1] : helper ? call.arguments[0] : (access as ts.PropertyAccessExpression).expression;
      const sameTarget = targetKey !== undefined && referenceKey(removedTarget) === targetKey
        && sameBinding(facts, registration.target, removedTarget);
      // `window.addEventListener("scroll", f)` … `document.removeEventListener("scroll", f)`: another object, f stays on `window`.
      if (distinctPageObjects(facts, registration.target, removedTarget)) {
        const removedHandler = eventFirst ? call.arguments[2] : helper ? call.arguments[2] : call.arguments[1];
        if (removedHandler && handlerKey !== undefined && referenceKey(removedHandler) === handlerKey) result.push({ call, matches: false, fresh: false, otherTarget: true });
        continue;
      }
      const [removedEvent, removedHandler, removedOptions] = eventFirst ? [call.arguments[0], ...call.arguments.slice(2)] : helper ? call.arguments.slice(1) : call.arguments;
      if (method === "removeAllListeners" || helper && call.arguments.length === 2 || clearsEventType(method, helper, call)) {
        // `removeAllListeners(event)`; `EventHandler.off(element, EVENT_KEY)` (every handler of the event or namespace);
        // `bus.off("gallery")` (mitt, EventEmitter3, component-emitter, jQuery: every handler of the type).
        const first = removedEvent;
        if (sameTarget && (!first || eventsMayMatch(eventKey(first), event, first, registration.event))) result.push({ call, matches: true, fresh: false });
        continue;
      }
      if (!removedEvent || !removedHandler || !eventsMayMatch(eventKey(removedEvent), event, removedEvent, registration.event)) continue;
      if (isFreshFunction(removedHandler)) {
        if (sameTarget && eventKey(removedEvent) === event) result.push({ call, matches: false, fresh: true });
        continue;
      }
      const removedKey = referenceKey(removedHandler);
      const sameHandler = handlerKey !== undefined && removedKey === handlerKey && sameBinding(facts, registration.handler, removedHandler)
        // `this.cleanupRef = cleanup` … `removeListener(sig, this.cleanupRef)`: the same function under its stored name.
        || removedKey !== undefined && stored.aliases.has(removedKey)
        // `listeners.push({ name, listener })` … `for (const item of listeners) removeListener(item.name, item.listener)`.
        || stored.inCollection && sameTarget && (!ts.isIdentifier(removedHandler) || isReadFromCollection(facts, removedHandler))
        // `for (const { event, handler } of listeners) add(event, handler)` … the same loop over `listeners` removing them.
        || sameTarget && sameLoopEntry(facts, registration.handler, removedHandler)
        // `list.push([window, "resize", h])` … `for (const [target, event, handler] of list) target.removeEventListener(event, handler)`.
        || stored.inCollection && isRemovedThroughEntry(facts, registration.target, registration.handler, removedTarget, removedHandler);
      const sameCapture = method !== "removeEventListener" || captureFlag(removedOptions) === capture;
      if (sameHandler && sameCapture) result.push({ call, matches: true, fresh: false });
    }
  }
  return result;
}

/**
 * `emitter.off(type)` with no handler: mitt ("if `handler` is omitted, all handlers of the given
 * type are removed"), EventEmitter3, component-emitter (socket.io's client) and jQuery clear the
 * type; Node's `EventEmitter.off` requires the listener and throws without one, so code that calls
 * it this way runs on one of the former.
 */
function clearsEventType(method: string, helper: boolean, call: ts.CallExpression): boolean {
  return method === "off" && !helper && call.arguments.length === 1 && !ts.isSpreadElement(call.arguments[0]);
}

/** Both are the same field of the entries of one list, each read in a `for … of` over it (`{ handler }` or `entry.handler`). */
function sameLoopEntry(facts: Facts, added: ts.Expression, removed: ts.Expression): boolean {
  const a = loopEntry(facts, added);
  const b = a && loopEntry(facts, removed);
  return b !== undefined && a!.field === b.field && referenceKey(a!.list) !== undefined
    && referenceKey(a!.list) === referenceKey(b.list) && sameBinding(facts, a!.list, b.list);
}

function loopEntry(facts: Facts, expr: ts.Expression): { list: ts.Expression; field: string } | undefined {
  const [id, field] = ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression) ? [expr.expression, expr.name.text]
    : ts.isIdentifier(expr) ? [expr, undefined] : [undefined, undefined];
  const decl = id && facts.symbolAt(id)?.valueDeclaration;
  if (!decl) return undefined;
  const element = ts.isBindingElement(decl) && ts.isObjectBindingPattern(decl.parent) && field === undefined ? decl : undefined;
  const variable = element ? element.parent.parent : decl;
  const loop = ts.isVariableDeclaration(variable) && ts.isVariableDeclarationList(variable.parent) ? variable.parent.parent : undefined;
  if (!loop || !ts.isForOfStatement(loop)) return undefined;
  const name = element ? (element.propertyName ?? element.name) : undefined;
  const entryField = element ? (name && ts.isIdentifier(name) ? name.text : undefined) : field;
  return entryField === undefined ? undefined : { list: loop.expression, field: entryField };
}

/** The page-wide object a global expression names: `window` (also `globalThis`, `self`), `document`, `document.body`, `document.documentElement`. */
function pageObject(facts: Facts, expr: ts.Expression): string | undefined {
  const name = facts.qualifiedName(skipOuterExpressions(expr));
  if (name === undefined || !name.startsWith("global:")) return undefined;
  // `window`, `globalThis` and `self` resolve to the global object itself ("global:").
  const path = name.slice("global:".length);
  if (path === "") return "window";
  return /^document(\.body|\.documentElement)?$/.test(path) ? path : undefined;
}

/** Both expressions name page-wide objects, and not the same one: a removal from one never takes a listener off the other. */
function distinctPageObjects(facts: Facts, a: ts.Expression, b: ts.Expression): boolean {
  const first = pageObject(facts, a);
  const second = first && pageObject(facts, b);
  return second !== undefined && first !== second;
}

/** Two equal-looking references denote the same thing: the same variable, or `this.x` in the same class. */
function sameBinding(facts: Facts, a: ts.Expression, b: ts.Expression): boolean {
  let rootA = a;
  let rootB = b;
  while (ts.isPropertyAccessExpression(rootA) && ts.isPropertyAccessExpression(rootB)) {
    rootA = rootA.expression;
    rootB = rootB.expression;
  }
  if (rootA.kind === ts.SyntaxKind.ThisKeyword) return thisClass(rootA) === thisClass(rootB);
  if (ts.isIdentifier(rootA) && ts.isIdentifier(rootB)) {
    const symbolA = facts.symbolAt(rootA);
    const symbolB = facts.symbolAt(rootB);
    return symbolA === undefined || symbolA === symbolB || namesItsFunction(symbolA, symbolB) || namesItsFunction(symbolB, symbolA)
      || sameHookParameter(symbolA, symbolB);
  }
  return true;
}

/**
 * `{ mounted(el) { … el.handler … }, unmounted(el) { … el.handler … } }`: the same parameter of two
 * methods of one object literal (a Vue directive's hooks, a plugin's install/uninstall) is handed the same object.
 */
function sameHookParameter(a: ts.Symbol, b: ts.Symbol | undefined): boolean {
  const [pa, pb] = [a.valueDeclaration, b?.valueDeclaration];
  if (!pa || !pb || !ts.isParameter(pa) || !ts.isParameter(pb)) return false;
  const [fa, fb] = [pa.parent, pb.parent];
  const hookOf = (fn: ts.SignatureDeclaration): ts.Node | undefined => {
    const member = ts.isMethodDeclaration(fn) ? fn : ts.isPropertyAssignment(fn.parent) ? fn.parent : undefined;
    return member && ts.isObjectLiteralExpression(member.parent) ? member.parent : undefined;
  };
  const object = hookOf(fa);
  return object !== undefined && object === hookOf(fb) && fa.parameters.indexOf(pa) === fb.parameters.indexOf(pb);
}

/**
 * `var dispose = function dispose() { … removeEventListener("abort", dispose) }`: inside a
 * named function expression its name is a binding of its own, yet it is the same function
 * as the variable it initialises.
 */
function namesItsFunction(variable: ts.Symbol | undefined, ownName: ts.Symbol | undefined): boolean {
  const decl = variable?.valueDeclaration;
  const fn = ownName?.valueDeclaration;
  return decl !== undefined && fn !== undefined && ts.isFunctionExpression(fn) && ts.isVariableDeclaration(decl)
    && decl.initializer !== undefined && skipOuterExpressions(decl.initializer) === fn;
}

/**
 * Where a named handler is also kept: the keys of the fields or variables it is
 * assigned to, and whether it is put into a collection (pushed, set, or placed in an
 * object or array literal) from which a loop may remove it later.
 */
function storedHandler(facts: Facts, handler: ts.Expression): { aliases: Set<string>; inCollection: boolean } {
  const stored = { aliases: new Set<string>(), inCollection: false };
  if (!ts.isIdentifier(handler)) return stored;
  const decl = facts.symbolAt(handler)?.declarations?.[0];
  const name = decl && (ts.isVariableDeclaration(decl) || ts.isFunctionDeclaration(decl)) && decl.name && ts.isIdentifier(decl.name) ? decl.name : undefined;
  if (!name) return stored;
  for (const ref of facts.referencesTo(name)) {
    const parent = ref.parent;
    if (ts.isBinaryExpression(parent) && parent.right === ref && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const key = referenceKey(parent.left);
      if (key !== undefined) stored.aliases.add(key);
    } else if (ts.isShorthandPropertyAssignment(parent) || (ts.isPropertyAssignment(parent) && parent.initializer === ref)
      || ts.isArrayLiteralExpression(parent)) {
      stored.inCollection = true;
    } else if (ts.isCallExpression(parent) && parent.arguments.includes(ref) && /^(push|unshift|add|set)$/.test(calleeMemberName(parent) ?? "")) {
      stored.inCollection = true;
    }
  }
  return stored;
}

/** `const handler = instances[index]` / `handlers.get(el)`: a handler taken back out of a collection. */
function isReadFromCollection(facts: Facts, handler: ts.Identifier): boolean {
  const decl = facts.symbolAt(handler)?.declarations?.[0];
  const init = decl && ts.isVariableDeclaration(decl) ? decl.initializer : undefined;
  if (!init) return false;
  return ts.isElementAccessExpression(init) || (ts.isCallExpression(init) && /^(get|find|shift|pop|at)$/.test(calleeMemberName(init) ?? ""));
}

/** Equal event names; or a computed event on either side (`process.on(signal, …)` … `removeListener(sig, …)`). */
function eventsMayMatch(removedKey: string, key: string, removed: ts.Expression, registered: ts.Expression): boolean {
  return removedKey === key || !ts.isStringLiteralLike(removed) || !ts.isStringLiteralLike(registered);
}

function eventKey(expr: ts.Expression): string {
  return ts.isStringLiteralLike(expr) ? `"${expr.text}"` : expr.getText();
}

/** The receiver of a registration call, skipping chained registrations: `a.on(…).on(…)` → `a`. */
export function registrationTarget(call: ts.CallExpression): ts.Expression | undefined {
  let receiver = calleeReceiver(call);
  while (receiver && ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(receiver.expression)
    && REGISTER_METHODS.has(receiver.expression.name.text)) {
    receiver = calleeReceiver(receiver);
  }
  return receiver;
}

/** `const listener = (e) => { … target.off("ready", listener) … }`: the removal sits in the handler it removes. */
export function removesItself(removal: ts.Node, handler: ts.Expression): boolean {
  if (!ts.isIdentifier(handler)) return false;
  for (let node = removal.parent; node; node = node.parent) {
    if (ts.isVariableDeclaration(node)) return ts.isIdentifier(node.name) && node.name.text === handler.text;
  }
  return false;
}

/**
 * `target.addEventListener(type, handler)` with a handler that has one identity for the whole module (a
 * module-level function or `const`, or an import): the DOM keeps one registration per (type, listener,
 * capture), so adding it again is a no-op. It cannot pile up, and it holds only module-level state.
 */
export function isDeduplicatedByTarget(facts: Facts, registration: Registration): boolean {
  const callee = registration.call.expression;
  if (registration.helper || !ts.isPropertyAccessExpression(callee) || callee.name.text !== "addEventListener") return false;
  const handler = registration.handler;
  if (!ts.isIdentifier(handler)) return false;
  const decl = facts.symbolAt(handler)?.declarations?.[0];
  if (!decl) return false;
  if (ts.isImportSpecifier(decl) || ts.isImportClause(decl) || ts.isNamespaceImport(decl)) return true;
  if (ts.isFunctionDeclaration(decl)) return enclosingFunction(decl) === undefined && !ts.isClassLike(decl.parent);
  return ts.isVariableDeclaration(decl) && enclosingFunction(decl) === undefined && (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) !== 0
    && decl.initializer !== undefined && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer));
}
