// Gesture end listeners that never remove themselves. A drag starts in a pointer-down handler that
// adds a move listener and an end listener (`mouseup`, `pointerup`, `touchend` …) to a page-wide
// target; the end handler removes the move listener from that target, and so ends the gesture. When
// it forgets the end listener itself, and nothing else in the file removes it, the end listener
// stays on the page-wide target after the gesture: a fresh handler piles up once per gesture, and a
// kept one (`this.onUp`) keeps its component reachable from the target after it is destroyed. The
// end handler's removals are the evidence: its author cleans up at the gesture's end, and missed one.
import ts from "typescript";
import { enclosingFunction, isFunctionNode, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { skipOuterExpressions } from "../core/names";
import { GESTURE_END_EVENTS } from "./bounded-listeners";
import { type Registration, type Removal, REMOVE_METHODS, parseRegistration } from "./listeners";
import type { OwnersAnalysis } from "./owners";

export interface KeptGestureEnd {
  /** The end handler's removal of the gesture's other listener (the one it does remove). */
  removal: ts.CallExpression;
  /** That other listener's event, quoted. */
  otherEvent: string;
}

/**
 * For an end-of-gesture registration nothing removes (`removals` has no match): the removal, in its
 * own handler, of another listener that the same function added to the same target. Undefined
 * when the registration is not a gesture end, is removed somewhere, or its handler removes nothing
 * the gesture added.
 */
export function gestureEndNeverRemoved(facts: Facts, own: OwnersAnalysis, registration: Registration, removals: readonly Removal[]): KeptGestureEnd | undefined {
  const { event, target, handler, call } = registration;
  if (registration.helper || !ts.isStringLiteralLike(event) || !GESTURE_END_EVENTS.has(event.text)) return undefined;
  if (removals.some((r) => r.matches)) return undefined;
  const body = handlerBody(facts, own, handler, call);
  const adder = enclosingFunction(call);
  if (!body || !adder) return undefined;
  const targetText = target.getText();
  const added = new Set<string>();
  walk(adder, (node) => {
    const sibling = ts.isCallExpression(node) && node !== call ? parseRegistration(node) : undefined;
    if (sibling && !sibling.helper && ts.isStringLiteralLike(sibling.event) && sibling.target.getText() === targetText) added.add(sibling.event.text);
  });
  let found: KeptGestureEnd | undefined;
  walk(body, (node) => {
    if (found) return false;
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || !REMOVE_METHODS.includes(node.expression.name.text)) return undefined;
    const removed = node.arguments[0];
    if (node.expression.expression.getText() === targetText && removed && ts.isStringLiteralLike(removed) && removed.text !== event.text && added.has(removed.text)) {
      found = { removal: node, otherEvent: `"${removed.text}"` };
    }
    return undefined;
  });
  return found;
}

/**
 * `this.app` where every assignment in the file is a page-wide lookup (`this.app = document.querySelector("[data-app]")`,
 * `document.body`): an element of the page, not the component's own, so it outlives the component.
 */
export function isPageElementField(facts: Facts, target: ts.Expression): boolean {
  const expr = skipOuterExpressions(target);
  if (!ts.isPropertyAccessExpression(expr) || expr.expression.kind !== ts.SyntaxKind.ThisKeyword) return false;
  const name = expr.name.text;
  let assigned = 0;
  let pageWide = true;
  walk(facts.sourceFile, (node) => {
    if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
    const left = skipOuterExpressions(node.left);
    if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword || left.name.text !== name) return undefined;
    assigned++;
    if (!isDocumentLookup(facts, node.right)) pageWide = false;
    return undefined;
  });
  return assigned > 0 && pageWide;
}

/** `document.querySelector(…)`, `document.getElementById(…)`, `document.body`, `document.documentElement`. */
function isDocumentLookup(facts: Facts, value: ts.Expression): boolean {
  let expr = skipOuterExpressions(value);
  if (ts.isCallExpression(expr)) expr = expr.expression;
  if (!ts.isPropertyAccessExpression(expr) || !ts.isIdentifier(expr.expression)) return false;
  return facts.qualifiedName(expr.expression) === "global:document" && /^(querySelector|getElementById|getElementsByClassName|body|documentElement)$/.test(expr.name.text);
}

/** The end handler's code: an inline function, a local function it names, or the instance's method (`this.onUp`). */
function handlerBody(facts: Facts, own: OwnersAnalysis, handler: ts.Expression, at: ts.Node): ts.Node | undefined {
  const expr = skipOuterExpressions(handler);
  if (isFunctionNode(expr)) return expr;
  if (ts.isIdentifier(expr)) {
    const decl = facts.symbolAt(expr)?.valueDeclaration;
    if (decl && ts.isFunctionDeclaration(decl)) return decl;
    return decl && ts.isVariableDeclaration(decl) && decl.initializer && isFunctionNode(skipOuterExpressions(decl.initializer)) ? decl.initializer : undefined;
  }
  const instance = own.instanceAt(at);
  const field = instance ? own.fieldOf(instance, expr) : undefined;
  return field !== undefined ? instance!.methods.get(field) : undefined;
}
