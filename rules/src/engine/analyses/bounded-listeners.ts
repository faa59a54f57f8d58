// Bounded listeners: registrations whose life is bounded by something other than the code that
// adds them, so that a missing removal on its teardown is not a leak.
// - Process exit handlers: `process.on("SIGINT" | "SIGTERM" | "exit" …, cleanup)` runs at most once,
//   when the process ends. Registered once per process (a server's start, a command), it is how
//   cleanup is done; it piles up only where the registration repeats — in a loop, per item, per
//   event or request — or where the handler keeps a torn-down instance (`this.close.bind(this)`).
//   A handler that stops the instance and then ends the process (`await this.stop(); process.exit(0)`)
//   is the program's shutdown: it keeps the instance no longer than the process.
// - Gesture listeners in an application: `document.addEventListener("pointermove", onMove)` removed
//   by a handler that is itself registered on the same target for the gesture's end (`pointerup`,
//   `mouseup`, `touchend` …). The gesture ends whatever happens to the component that started it, and
//   the end handler removes the listeners then: a component unmounted mid-drag leaves them only until
//   the next pointer-up. A library's component is used by apps we cannot see, and its maintainers do
//   remove them on unmount too (vuetify's and naive-ui's sliders), so there it stays a finding.
import ts from "typescript";
import { declaredName, enclosingFunction, isFunctionNode, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { type Registration, type Removal, parseRegistration } from "./listeners";
import { TEARDOWN_METHODS } from "./lifetime";
import { packageRole } from "./package-role";
import { repeatsPerItem } from "./repetition";

const PROCESS_EXIT_EVENTS = new Set([
  "exit", "beforeExit", "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGBREAK", "SIGUSR2", "uncaughtException", "uncaughtExceptionMonitor", "unhandledRejection",
]);
export const GESTURE_END_EVENTS = new Set(["mouseup", "pointerup", "pointercancel", "touchend", "touchcancel", "dragend", "drop", "lostpointercapture"]);

/**
 * A process exit handler added where nothing shows it repeats, whose handler does not keep an
 * instance (`this`, a bound method): it runs once, at the end, and holds what it needs until then.
 */
export function isOnceProcessExitHandler(facts: Facts, registration: Registration): boolean {
  const { target, event, handler, call } = registration;
  if (!ts.isIdentifier(target) || target.text !== "process" || facts.qualifiedName(target) !== "global:process") return false;
  if (!ts.isStringLiteralLike(event) || !PROCESS_EXIT_EVENTS.has(event.text)) return false;
  if (repeatsPerItem(facts, call)) return false;
  // Keeping the instance is fine in the program's shutdown handler: it stops the instance and ends the process.
  return !keepsInstance(facts, handler) || shutsDown(facts, handler);
}

/** `async () => { await this.stop(); process.exit(0) }`: the handler calls the instance's own teardown, then ends the process. */
function shutsDown(facts: Facts, handler: ts.Expression): boolean {
  const body = handlerBody(facts, handler);
  if (!body) return false;
  let stops = false;
  let exits = false;
  walk(body, (node) => {
    if (!ts.isPropertyAccessExpression(node)) return undefined;
    if (TEARDOWN_METHODS.includes(node.name.text)
      && (node.expression.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(node.expression) && SELF_ALIAS.test(node.expression.text)))) stops = true;
    if (node.name.text === "exit" && ts.isIdentifier(node.expression) && node.expression.text === "process") exits = true;
    return undefined;
  });
  return stops && exits;
}

/**
 * `this.x`, `this.close.bind(this)`, `() => this.stop()`, `function () { self.close() }` with a `self = this`
 * alias — or a local function (`const cleanup = () => …`) whose body does so.
 */
function keepsInstance(facts: Facts, handler: ts.Expression): boolean {
  const body = handlerBody(facts, handler);
  if (!body) return true; // a parameter or an import: we cannot see what it keeps
  let found = false;
  walk(body, (node) => {
    if (found) return false;
    if (node.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(node) && SELF_ALIAS.test(node.text))) found = true;
    return undefined;
  });
  return found;
}

const SELF_ALIAS = /^(self|that|_this|me)$/;

/** The handler's code: an inline function, or the local function it names; undefined for a parameter or an import. */
function handlerBody(facts: Facts, handler: ts.Expression): ts.Node | undefined {
  if (!ts.isIdentifier(handler)) return handler;
  const decl = facts.symbolAt(handler)?.valueDeclaration;
  return decl && ts.isVariableDeclaration(decl) ? decl.initializer : decl && ts.isFunctionDeclaration(decl) ? decl : undefined;
}

/** In an application, one of `removals` runs in a handler registered on the same target for the end of the gesture. */
export function isRemovedWhenGestureEnds(facts: Facts, registration: Registration, removals: readonly Removal[]): boolean {
  if (facts.analysis(packageRole) !== "application") return false;
  const target = registration.target.getText();
  return removals.some((removal) => removal.matches && isGestureEndHandler(facts, enclosingFunction(removal.call), target));
}

function isGestureEndHandler(facts: Facts, fn: ts.Node | undefined, target: string): boolean {
  if (!fn) return false;
  const parent = fn.parent;
  if (ts.isCallExpression(parent) && isGestureEndRegistration(parent, fn, target)) return true;
  const name = isFunctionNode(fn) ? declaredName(fn) : undefined;
  if (!name) return false;
  return facts.referencesTo(name).some((ref) => ts.isCallExpression(ref.parent) && isGestureEndRegistration(ref.parent, ref, target));
}

function isGestureEndRegistration(call: ts.CallExpression, handler: ts.Node, target: string): boolean {
  const registration = parseRegistration(call);
  return registration !== undefined && registration.handler === handler && registration.target.getText() === target
    && ts.isStringLiteralLike(registration.event) && GESTURE_END_EVENTS.has(registration.event.text);
}
