// Collections that grow only until the program is ready: the "pending until ready" buffer.
// `app.on("open-file", (e, p) => { if (isReady()) open(p); else filesBeforeOpen.push(p) })`,
// read once by the start-up code (`whenReady().then(() => open(filesBeforeOpen))`): events that
// arrive before start-up ends are kept for it, later ones take the ready branch. The buffer holds
// what arrived in that window and never grows again; it is bounded, not growth per event.
import ts from "typescript";
import { isFunctionNode } from "../core/ast";
import type { Facts } from "../core/facts";
import type { CollectionUse } from "./collections";
import { runsOnce } from "./repetition";

/** Names of a once-only state: `isReady()`, `this.booted`, `initialized`, `appStarted`. */
const READY_NAME = /(?:ready|booted|initiali[sz]ed|started|loaded)$/i;

/**
 * Whether `growth` is taken only while the program is not yet ready (the else of `if (isReady())`,
 * the then of `if (!ready)`), and some other use reads the collection in code that runs once (the
 * start-up step that drains it).
 */
export function growsOnlyBeforeReady(facts: Facts, growth: CollectionUse, uses: readonly CollectionUse[]): boolean {
  if (!isInNotReadyBranch(growth.ref)) return false;
  return uses.some((use) => use !== growth && use.kind !== "grow" && !isInNotReadyBranch(use.ref) && runsOnce(facts, use.ref));
}

function isInNotReadyBranch(node: ts.Node): boolean {
  for (let child = node, parent = node.parent; parent && !isFunctionNode(parent); child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) || ts.isConditionalExpression(parent)) {
      const condition = ts.isIfStatement(parent) ? parent.expression : parent.condition;
      const otherwise = ts.isIfStatement(parent) ? parent.elseStatement : parent.whenFalse;
      const then = ts.isIfStatement(parent) ? parent.thenStatement : parent.whenTrue;
      const readiness = readinessOf(condition);
      if (readiness === true && child === otherwise) return true;
      if (readiness === false && child === then) return true;
    }
  }
  return false;
}

/** `isReady()` / `this.ready` → true, `!isReady()` → false, anything else → undefined. */
function readinessOf(condition: ts.Expression): boolean | undefined {
  let expr = condition;
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (ts.isPrefixUnaryExpression(expr) && expr.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = readinessOf(expr.operand);
    return inner === undefined ? undefined : !inner;
  }
  if (ts.isCallExpression(expr) && expr.arguments.length === 0) expr = expr.expression;
  const name = ts.isIdentifier(expr) ? expr.text : ts.isPropertyAccessExpression(expr) ? expr.name.text : undefined;
  return name !== undefined && READY_NAME.test(name) ? true : undefined;
}
