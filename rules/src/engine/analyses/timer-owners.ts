// Timer handles and their owners: where a timer's handle lives (a field of an
// instance — `this.t`, `self.t` in an ES5 constructor — or a closure variable of a
// factory, hook, effect or composable), which references clear it, and the owner
// questions the timer rules ask about it: is a clear on the owner's teardown path
// (not merely before re-arming)? is a live handle overwritten by code that runs again?
// Hook-like owners without an instance (React effects, Vue composables) get their
// teardown here too: the effect's returned cleanup, `onScopeDispose` / `onUnmounted`.
import ts from "typescript";
import { type FunctionNode, callbackHost, calleeMemberName, enclosingFunction, isInside, walk } from "../core/ast";
import { skipOuterExpressions } from "../core/names";
import { type Registration, parseRegistration, selfRemovingOption } from "./listeners";
import type { Facts } from "../core/facts";
import { missingTeardownHook } from "./owner-components";
import { type ScopeTeardown, isOnScopeTeardown, scopeTeardownAt, scopeTeardownText } from "./scope-teardown";
import { type InstanceOwner, type OwnersAnalysis, owners } from "./owners";
import { classifyReference, outerReference } from "./ownership";
import { isInAbortedRejection } from "./aborted-work";
import { releaseBeforeStatement, releaseInFunction, releaseInNewHook } from "../fixes/teardown-fixes";
import type { Fix } from "../core/types";

const CLEAR_FUNCTIONS = ["clearTimeout", "clearInterval", "clearImmediate", "cancelAnimationFrame", "cancelIdleCallback"];
const CLEAR_OWNERSHIP = { releaseMethods: [] as string[], releaseFunctions: CLEAR_FUNCTIONS };
/** Teardown names that often mean something else (`end()` the End key, `release()` a key-up): not evidence of a teardown for timers. */
const WEAK_TEARDOWNS = new Set(["end", "release"]);

export interface TimerHome {
  /** For messages and fixes: `this._t`, `self.heartbeat`, `timer`. */
  name: string;
  /** The expression the handle is assigned to (`this._t`, `timer`), or the declared name. */
  target: ts.Expression | ts.Identifier;
  /** Every other reference to the field or variable. */
  refs: ts.Expression[];
  /** References passed to a clear function. */
  clears: ts.Expression[];
  /** Some reference hands the handle on (returned, passed, stored elsewhere): we cannot follow it. */
  handedOff: boolean;
  /** The instance whose field (or factory closure variable) holds it. */
  instance?: InstanceOwner;
  /** The variable's declaration when it is a closure variable. */
  declaration?: ts.VariableDeclaration;
}

/**
 * Where the handle at `handle` (the timer call, or the expression carrying it) is stored:
 * a field of an owner instance or a closure variable. A handle returned by a local
 * arrow (`const later = () => setTimeout(…)`) is followed to the one assignment of
 * its call (`timer = later()`).
 */
export function timerHome(facts: Facts, handle: ts.Expression): TimerHome | undefined {
  const returnedBy = localFunctionReturning(handle);
  if (returnedBy) {
    const calls = facts.referencesTo(returnedBy).filter((r) => ts.isCallExpression(r.parent) && r.parent.expression === r).map((r) => r.parent as ts.CallExpression);
    return calls.length === 1 ? timerHome(facts, outerReference(calls[0])) : undefined;
  }
  const parent = handle.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === handle && ts.isIdentifier(parent.name)) {
    return closureHome(facts, parent, parent.name, []);
  }
  if (!ts.isBinaryExpression(parent) || parent.right !== handle || parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const target = parent.left;
  if (ts.isIdentifier(target)) {
    const declaration = facts.symbolAt(target)?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
    return closureHome(facts, declaration, target, [target]);
  }
  if (!ts.isPropertyAccessExpression(target)) return undefined;
  const ownersOfFile = facts.analysis(owners);
  const instance = ownersOfFile.instanceAt(target);
  const field = instance ? ownersOfFile.fieldOf(instance, target) : undefined;
  if (!instance || field === undefined) return undefined;
  // A private field is only ever another instance's own: `clearInterval(instance.timer)` in a static `stop()` clears it too.
  const others = instance.kind === "class" ? facts.otherInstanceReferences(instance.node as ts.ClassLikeDeclaration, field) : [];
  const refs = [...ownersOfFile.fieldReferences(instance, field), ...others].filter((r) => r !== target);
  return { name: target.getText(), target, refs, instance, ...classify(refs) };
}

function closureHome(facts: Facts, declaration: ts.VariableDeclaration, target: ts.Identifier, skip: ts.Node[]): TimerHome {
  const refs = facts.referencesTo(declaration.name as ts.Identifier).filter((r) => !skip.includes(r));
  const instance = facts.analysis(owners).instanceAt(declaration);
  return { name: target.text, target, refs, declaration, instance: instance?.kind === "factory" ? instance : undefined, ...classify(refs) };
}

function classify(refs: ts.Expression[]): { clears: ts.Expression[]; handedOff: boolean } {
  const clears: ts.Expression[] = [];
  let handedOff = false;
  for (const ref of refs) {
    const kind = classifyReference(ref, CLEAR_OWNERSHIP);
    if (kind === "release") clears.push(ref);
    else if (kind === "handoff" && !isReassignment(ref)) handedOff = true;
  }
  return { clears, handedOff };
}

/** `t = setTimeout(…)` again, or `t = undefined`: the handle stays here. */
function isReassignment(ref: ts.Expression): boolean {
  const parent = outerReference(ref).parent;
  return ts.isBinaryExpression(parent) && parent.left === outerReference(ref) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** `const later = () => setTimeout(…)`: the local function's name when `handle` is its returned value. */
function localFunctionReturning(handle: ts.Expression): ts.Identifier | undefined {
  const fn = handle.parent;
  if (!ts.isArrowFunction(fn) || fn.body !== handle) return undefined;
  const decl = fn.parent;
  return ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer === fn ? decl.name : undefined;
}

/** Clears inside the timer's own callback: a timer that ends itself (`if (done) clearInterval(t)`). */
export function clearsItself(call: ts.CallExpression, home: TimerHome): boolean {
  const callback = call.arguments[0];
  return callback !== undefined && home.clears.some((c) => isInside(c, callback));
}

/** Whether some clear of the handle runs when its owner is torn down. */
export function isClearedOnTeardown(facts: Facts, home: TimerHome, scope: ScopeTeardown | undefined): boolean {
  if (home.instance) {
    const ownersOfFile = facts.analysis(owners);
    // A clear in the rejection handler of a request the teardown aborts runs on teardown too.
    return home.clears.some((c) => ownersOfFile.isOnTeardownPath(home.instance!, c) || isInAbortedRejection(ownersOfFile, home.instance!, c));
  }
  return scope !== undefined && home.clears.some((c) => isOnScopeTeardown(facts, scope, c));
}

/** The teardown function of an instance owner to point at and to put a release in: its teardown method, else a dispose hook's callback. */
export function instanceTeardown(facts: Facts, instance: InstanceOwner): { name: string; fn: FunctionNode } | undefined {
  if (instance.teardown) {
    // `destroy(resource)`: a required argument means it tears that down, not the instance.
    const first = instance.teardown.fn.parameters[0];
    const actsOnArgument = first !== undefined && !first.initializer && !first.questionToken && !first.dotDotDotToken;
    return WEAK_TEARDOWNS.has(instance.teardown.name) || actsOnArgument ? undefined : instance.teardown;
  }
  const [first] = facts.analysis(owners).teardownFunctions(instance);
  return first ? { name: "the dispose callback", fn: first } : undefined;
}

/**
 * The assignment overwrites a live handle: it sits in a method of the instance that
 * runs again (a handler, a (re)connect, a method callbacks call again), and nothing in
 * that method reads the handle before it (a clear, an `if (this.t)` check).
 */
export function isOverwrittenWhileLive(facts: Facts, home: TimerHome, assignment: ts.Node): boolean {
  const instance = home.instance;
  if (!instance) return isRearmedByHandler(home, assignment) !== undefined;
  const ownersOfFile = facts.analysis(owners);
  const method = ownersOfFile.methodAt(instance, assignment);
  if (!method || (home.declaration && isInside(home.declaration, method.fn)) || !ownersOfFile.runsRepeatedly(instance, method)) return false;
  // `start()` paired with a teardown that clears the handle is the canonical lifecycle: one start per stop.
  if (/^_*start$/.test(method.name) && isClearedOnTeardown(facts, home, undefined)) return false;
  return !home.refs.some((r) => isInside(r, method.fn) && r.getStart() < assignment.getStart())
    && !guardedByOwnState(assignment, method.fn) && !callsHelperReadingFirst(ownersOfFile, instance, home, method.fn, assignment);
}

/**
 * `let t; on(el, "mousedown", () => { t = setInterval(tick, 100) })`: a closure variable re-armed
 * by an event handler, which runs on every event, without reading the handle first (a clear, an
 * `if (t)` check). A second event before the clear (a `mouseup` released outside the window)
 * loses the running timer. Returns the registration whose handler re-arms it.
 */
export function isRearmedByHandler(home: TimerHome, assignment: ts.Node): Registration | undefined {
  const fn = enclosingFunction(assignment);
  if (!home.declaration || !fn || isInside(home.declaration, fn)) return undefined;
  const host = callbackHost(fn);
  const registration = host && parseRegistration(host);
  if (!registration || skipOuterExpressions(registration.handler) !== fn || selfRemovingOption(registration.options)) return undefined;
  return home.refs.some((r) => isInside(r, fn) && r.getStart() < assignment.getStart()) ? undefined : registration;
}

/** `this.clearTimer(); this.timer = setInterval(…)`: an instance method called first deals with the old handle. */
function callsHelperReadingFirst(ownersOfFile: OwnersAnalysis, instance: InstanceOwner, home: TimerHome, fn: FunctionNode, assignment: ts.Node): boolean {
  let found = false;
  walk(fn, (node) => {
    if (found || node.getStart() >= assignment.getStart()) return false;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ownersOfFile.isInstanceReference(instance, node.expression.expression)) {
      const helper = instance.methods.get(node.expression.name.text);
      if (helper && home.refs.some((r) => isInside(r, helper))) found = true;
    }
    return undefined;
  });
  return found;
}

/** Under `if (!this.started)` / `if (this.state === …)`: a state check decides whether to (re)arm. */
function guardedByOwnState(node: ts.Node, fn: FunctionNode): boolean {
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (ts.isIfStatement(current) && /\bthis\.|\bself\./.test(current.expression.getText())) return true;
  }
  return false;
}

export interface OwnedTimerFinding {
  /** overwritten: re-armed by code that runs again with the old one live; notOnTeardown: cleared, but never on teardown; neverCleared: no clear at all. */
  kind: "overwritten" | "notOnTeardown" | "neverCleared";
  home: TimerHome;
  /** The teardown, described ("`close()`", "the effect cleanup"), and its node for the related location. */
  teardown?: { text: string; node: ts.Node };
  fixes: Fix[];
}

export interface OwnedTimerOptions {
  /** Report a live handle overwritten by code that runs again (intervals). */
  overwrite: boolean;
}

/**
 * The owner question for a stored timer handle: overwritten while live, cleared but
 * not on the owner's teardown path, or never cleared though the owner has a teardown.
 * Undefined when the handle is handed on, the owner has no teardown, or all is well.
 */
export function ownedTimerFinding(facts: Facts, call: ts.CallExpression, home: TimerHome, timer: string, options: OwnedTimerOptions): OwnedTimerFinding | undefined {
  if (home.handedOff || clearsItself(call, home) || isTeardownWatchdog(call)) return undefined;
  const clear = CLEARER[timer] ?? "clearTimeout";
  const sourceFile = facts.sourceFile;
  const assignment = home.target.parent;
  const teardown = teardownOf(facts, call, home);
  // Never cleared at all: the teardown is the first place to clear it (re-arming comes next).
  if (options.overwrite && !(teardown && home.clears.length === 0) && ts.isBinaryExpression(assignment) && isOverwrittenWhileLive(facts, home, assignment)) {
    const fix = releaseBeforeStatement(sourceFile, assignment, `${clear}(${home.name})`);
    return { kind: "overwritten", home, fixes: fix ? [{ description: `Clear the previous timer before re-arming ${home.name}`, safe: true, edits: fix }] : [] };
  }
  if (!teardown || isClearedOnTeardown(facts, home, teardown.scope)) return undefined;
  const edits = teardown.fn ? releaseInFunction(sourceFile, teardown.fn, `${clear}(${home.name})`)
    : teardown.hook && releaseInNewHook(sourceFile, teardown.hook.object, teardown.hook.name, `${clear}(${home.name})`);
  // A new hook is safe too: the framework calls it on unmount (one named for the other Vue version would just never run).
  const fixes = edits ? [{ description: `Clear ${home.name} in ${teardown.hook ? `a new \`${teardown.hook.name}()\` hook` : teardown.text}`, safe: true, edits }] : [];
  return { kind: home.clears.length > 0 ? "notOnTeardown" : "neverCleared", home, teardown: { text: teardown.text, node: teardown.node }, fixes };
}

const CLEARER: Readonly<Record<string, string>> = {
  setTimeout: "clearTimeout", setInterval: "clearInterval", setImmediate: "clearImmediate",
  requestAnimationFrame: "cancelAnimationFrame", requestIdleCallback: "cancelIdleCallback",
};

interface FoundTeardown {
  text: string;
  node: ts.Node;
  /** Where a release goes; undefined when there is none to put it in. */
  fn?: FunctionNode;
  scope?: ScopeTeardown;
  /** A component without a teardown hook: the hook to add to its options object. */
  hook?: { object: ts.ObjectLiteralExpression; name: string };
}

/** A component's framework teardown when its options object has no hook for it. */
function componentWithoutTeardown(instance: InstanceOwner): FoundTeardown {
  const object = instance.node as ts.ObjectLiteralExpression;
  const name = missingTeardownHook(object);
  return { text: `its \`${name}()\` hook, which it lacks`, node: object, hook: { object, name } };
}

function teardownOf(facts: Facts, call: ts.CallExpression, home: TimerHome): FoundTeardown | undefined {
  if (home.instance) {
    const found = instanceTeardown(facts, home.instance);
    if (!found) return home.instance.kind === "component" ? componentWithoutTeardown(home.instance) : undefined;
    const node = found.fn.name ?? found.fn;
    return { text: found.name === "the dispose callback" ? found.name : `\`${found.name}()\``, node, fn: found.fn };
  }
  const scope = scopeTeardownAt(facts, call);
  if (!scope || !home.declaration || !isInside(home.declaration, scope.scope) || home.clears.length === 0) return undefined;
  const [first] = scope.cleanups;
  if (scope.kind === "effect") return first ? { text: "the effect cleanup", node: first, fn: first, scope } : undefined;
  return { text: scopeTeardownText(scope), node: first ?? scope.scope, fn: first, scope };
}

const TEARDOWN_CALLS = /^(destroy|close|abort|end|terminate|disconnect|kill|reject)$/;

/**
 * `setTimeout(() => { stream.destroy(new Error("timeout")); this.t = undefined; })`: a timeout
 * whose callback only tears something down is a watchdog — after the owner's teardown it finds it closed.
 */
function isTeardownWatchdog(call: ts.CallExpression): boolean {
  const callback = call.arguments[0];
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) || !ts.isBlock(callback.body)) return false;
  const statements = callback.body.statements.filter((st) => !(ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression)
    && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken));
  return statements.length > 0 && statements.every((st) => ts.isExpressionStatement(st) && ts.isCallExpression(st.expression)
    && TEARDOWN_CALLS.test(calleeMemberName(st.expression) ?? ""));
}
