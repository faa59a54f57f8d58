// Failure paths: whether the exits at which a tracked resource is still open lie only on paths the
// code takes when something went wrong — a `throw`, an exception, a `catch` block, the branch of an
// `if` that tests the response for failure (`!res.ok`, `res.status !== 200`, `res.statusCode >= 400`,
// the `else` of `if (res.ok)`), or the code after `if (res.ok) return …`. Rules weigh such a leak
// against how often the code runs: on a request made per request or per item it still piles up while
// the upstream fails; on a request made once it is one connection, once. A failure that raises (the
// exit is a `throw`, or an exception leaves the function) surfaces: the caller's operation fails and
// someone sees the error, so it repeats as often as someone retries. One that returns a fallback
// (`return null`, `return []`) hides the failing upstream and repeats unnoticed,
// unless it logs the failure on its way out (`console.error(…); return null`): then someone sees it
// as they would a throw (`failureSurfaces`, which raising failures satisfy too). A request made only on a failure path of another
// response (the refresh after a rejected token) is a rare path of a rare path (`madeOnFailurePath`).
import ts from "typescript";
import type { FunctionNode } from "../core/ast";
import type { LeakPath } from "./flow";
import type { ResourceTrack } from "./resource-tracking";

type Outcome = "failure" | "success" | undefined;

/** Every exit that leaves the resource open is on a failure path (and there is at least one). */
export function leaksOnlyOnFailure(track: ResourceTrack): boolean {
  const exits = track.exits ?? (track.leak ? [track.leak] : []);
  const name = track.binding?.text;
  return exits.length > 0 && exits.every((exit) => onFailurePath(exit, name, track.scope));
}

/**
 * Every exit that leaves the resource open sits under a test for one specific status other than success
 * (`if (res.status === 404) return null`, `res.statusCode === 304`): an answer the code expects in normal
 * traffic — not found, not modified — rather than a failure (`!res.ok`, `res.status !== 200`, `>= 400`), which
 * happens while the upstream is broken. The first repeats at the rate of the code; the second only in an outage.
 */
export function failsOnExpectedStatus(track: ResourceTrack): boolean {
  const exits = track.exits ?? (track.leak ? [track.leak] : []);
  const name = track.binding?.text;
  return name !== undefined && exits.length > 0 && exits.every((exit) => underExpectedStatus(exit.node, name, track.scope));
}

function underExpectedStatus(exit: ts.Node, name: string, scope: FunctionNode): boolean {
  for (let node: ts.Node = exit; node.parent && node !== scope; node = node.parent) {
    const parent = node.parent;
    if (ts.isIfStatement(parent) && node === parent.thenStatement && isExpectedStatusTest(parent.expression, name)) return true;
  }
  return false;
}

/** `res.status === 404` (or `==`), alone or as a conjunct, for a code outside 2xx. */
function isExpectedStatusTest(expr: ts.Expression, name: string): boolean {
  const e = skipParens(expr);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    return isExpectedStatusTest(e.left, name) || isExpectedStatusTest(e.right, name);
  }
  if (!ts.isBinaryExpression(e) || ![ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken].includes(e.operatorToken.kind)) return false;
  if (!isMember(e.left, name, ["status", "statusCode"]) || !ts.isNumericLiteral(e.right)) return false;
  const code = Number(e.right.text);
  return code < 200 || code >= 300;
}

/**
 * Every exit that leaves the resource open surfaces the failure: it raises (a `throw` or an exception
 * leaves the function, not a `return` or the end) or logs the failure before it leaves (`console.warn(…); return null`).
 */
export function failureSurfaces(track: ResourceTrack): boolean {
  const exits = track.exits ?? (track.leak ? [track.leak] : []);
  return exits.length > 0 && exits.every((exit) => exit.kind === "throw" || exit.kind === "exception" || loggedBefore(exit.node));
}

/** An error or warning logged among the statements before `exit` in its block: `console.error(…)`, `logger.warn(…)`, `this.log.error(…)` (not `console.log`). */
function loggedBefore(exit: ts.Node): boolean {
  const block = exit.parent;
  if (!block || !ts.isBlock(block)) return false;
  const index = block.statements.indexOf(exit as ts.Statement);
  return block.statements.slice(0, Math.max(index, 0)).some((s) => ts.isExpressionStatement(s) && isLoggingCall(s.expression));
}

const LOG_METHODS = new Set(["error", "warn", "warning", "fatal", "critical"]);

function isLoggingCall(expr: ts.Expression): boolean {
  const e = ts.isAwaitExpression(expr) ? expr.expression : expr;
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return false;
  const receiver = e.expression.expression;
  const method = e.expression.name.text;
  const receiverName = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : "";
  return LOG_METHODS.has(method) && (receiverName === "console" || /log/i.test(receiverName));
}

/**
 * Whether `node` runs only on a failure path of another response in `scope`: inside the branch of
 * an `if` that tests that response for failure (`if (!resp.ok) { const refreshed = await fetch(…) }`).
 */
export function madeOnFailurePath(node: ts.Node, scope: FunctionNode): boolean {
  for (let child: ts.Node = node; child.parent && child !== scope; child = child.parent) {
    const parent = child.parent;
    if (!ts.isIfStatement(parent) || child === parent.expression) continue;
    const test = child === parent.thenStatement ? whenTrue : whenFalse;
    if (testedResponses(parent.expression).some((name) => test(parent.expression, name) === "failure")) return true;
  }
  return false;
}

/** The names `x` of `x.ok`, `x.status`, `x.statusCode` in a condition. */
function testedResponses(expr: ts.Expression): string[] {
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ["ok", "status", "statusCode"].includes(node.name.text)) names.push(node.expression.text);
    else ts.forEachChild(node, visit);
  };
  visit(expr);
  return names;
}

function onFailurePath(exit: LeakPath, name: string | undefined, scope: FunctionNode): boolean {
  if (exit.kind === "throw" || exit.kind === "exception" || exit.via) return true;
  for (let node: ts.Node = exit.node; node.parent && node !== scope; node = node.parent) {
    const parent = node.parent;
    if (ts.isCatchClause(parent)) return true;
    if (name && ts.isIfStatement(parent) && node !== parent.expression) {
      if ((node === parent.thenStatement ? whenTrue : whenFalse)(parent.expression, name) === "failure") return true;
    }
    if (name && ts.isBlock(parent) && followsSuccessReturn(parent, node, name)) return true;
  }
  return false;
}

/** `if (res.ok) return await res.json();` earlier in the block, without an else: what follows runs on failure. */
function followsSuccessReturn(block: ts.Block, statement: ts.Node, name: string): boolean {
  const index = block.statements.indexOf(statement as ts.Statement);
  return block.statements.slice(0, Math.max(index, 0)).some((s) => ts.isIfStatement(s) && !s.elseStatement
    && whenTrue(s.expression, name) === "success" && alwaysExits(s.thenStatement));
}

function alwaysExits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  const last = ts.isBlock(statement) ? statement.statements[statement.statements.length - 1] : undefined;
  return last !== undefined && (ts.isReturnStatement(last) || ts.isThrowStatement(last));
}

/** What the condition being true says about the response `name`. */
function whenTrue(expr: ts.Expression, name: string): Outcome {
  const e = skipParens(expr);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return whenFalse(e.operand, name);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return either(whenTrue(e.left, name), whenTrue(e.right, name));
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.BarBarToken) return both(whenTrue(e.left, name), whenTrue(e.right, name));
  return leaf(e, name);
}

/** What the condition being false says about the response `name`. */
function whenFalse(expr: ts.Expression, name: string): Outcome {
  const e = skipParens(expr);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return whenTrue(e.operand, name);
  // !(a && b) is !a || !b; !(a || b) is !a && !b.
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return both(whenFalse(e.left, name), whenFalse(e.right, name));
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.BarBarToken) return either(whenFalse(e.left, name), whenFalse(e.right, name));
  return opposite(leaf(e, name));
}

/** Both hold: one failure decides it. */
function either(a: Outcome, b: Outcome): Outcome {
  return a === "failure" || b === "failure" ? "failure" : a ?? b;
}

/** One of them holds: a failure only when neither says success. */
function both(a: Outcome, b: Outcome): Outcome {
  if (a === "success" || b === "success") return a === b ? "success" : undefined;
  return a === "failure" || b === "failure" ? "failure" : undefined;
}

function opposite(outcome: Outcome): Outcome {
  return outcome === "failure" ? "success" : outcome === "success" ? "failure" : undefined;
}

/** `res.ok`, `res.ok === false`, `res.status === 404`, `res.statusCode >= 400`, `res.status < 300` … */
function leaf(e: ts.Expression, name: string): Outcome {
  if (isMember(e, name, ["ok"])) return "success";
  if (!ts.isBinaryExpression(e)) return undefined;
  const op = e.operatorToken.kind;
  const equality = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
  const inequality = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
  if (isMember(e.left, name, ["ok"]) && (equality || inequality) && (e.right.kind === ts.SyntaxKind.TrueKeyword || e.right.kind === ts.SyntaxKind.FalseKeyword)) {
    const okWhenTrue = (e.right.kind === ts.SyntaxKind.TrueKeyword) === equality;
    return okWhenTrue ? "success" : "failure";
  }
  if (!isMember(e.left, name, ["status", "statusCode"]) || !ts.isNumericLiteral(e.right)) return undefined;
  const code = Number(e.right.text);
  const ok = code >= 200 && code < 300;
  if (equality) return ok ? "success" : "failure";
  if (inequality) return ok ? "failure" : undefined;
  if (op === ts.SyntaxKind.GreaterThanEqualsToken) return code >= 300 ? "failure" : undefined;
  if (op === ts.SyntaxKind.GreaterThanToken) return code >= 299 ? "failure" : undefined;
  if (op === ts.SyntaxKind.LessThanToken) return code <= 300 && code > 200 ? "success" : undefined;
  if (op === ts.SyntaxKind.LessThanEqualsToken) return code < 300 && code >= 200 ? "success" : undefined;
  return undefined;
}

function isMember(e: ts.Expression, name: string, members: string[]): boolean {
  const x = skipParens(e);
  return ts.isPropertyAccessExpression(x) && members.includes(x.name.text) && ts.isIdentifier(x.expression) && x.expression.text === name;
}

function skipParens(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x)) x = x.expression;
  return x;
}
