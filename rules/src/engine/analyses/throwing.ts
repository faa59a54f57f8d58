// Which statements can throw, for the exception edges of the flow walk. A call, `new`,
// `await` or `throw` may throw, except calls that cannot: reads and lookups (`map.get`,
// `headers.has`), logging, number parsing and other built-ins that never throw, and calls
// of same-file functions whose own bodies cannot throw (a helper that reads headers,
// parses numbers or returns literals). Property reads never count. Summaries of
// functions are computed once per walk, bounded in depth.
import ts from "typescript";
import { conjuncts, isFunctionNode } from "../core/ast";

/** Member calls that do not throw on ordinary receivers (lookups, logging, conversions). */
const SAFE_METHODS = new Set(["get", "has", "toString", "toFixed", "includes", "indexOf", "startsWith", "endsWith", "trim", "toLowerCase", "toUpperCase",
  "debug", "info", "log", "warn", "trace"]);
/** Global functions and namespaces whose calls do not throw. */
const SAFE_FUNCTIONS = new Set(["parseInt", "parseFloat", "Number", "String", "Boolean", "isNaN", "isFinite"]);
const SAFE_NAMESPACES = new Set(["Math", "Date", "Array", "Number", "console"]);
const MAX_DEPTH = 3;

export class ThrowSummaries {
  private readonly functions = new Map<string, ts.FunctionDeclaration>();
  private readonly summaries = new Map<ts.FunctionDeclaration, boolean>();

  constructor(sourceFile: ts.SourceFile) {
    for (const statement of sourceFile.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) this.functions.set(statement.name.text, statement);
    }
  }

  /** Whether evaluating `node` (nested functions not run) can throw. */
  mayThrow(node: ts.Node, depth = 0): boolean {
    let found = false;
    const visit = (child: ts.Node): void => {
      if (found || isFunctionNode(child) || ts.isClassLike(child)) return;
      if (ts.isNewExpression(child) || ts.isAwaitExpression(child) || ts.isThrowStatement(child)) {
        found = true;
        return;
      }
      if (ts.isCallExpression(child) && this.callMayThrow(child, depth)) {
        found = true;
        return;
      }
      ts.forEachChild(child, visit);
    };
    visit(node);
    return found;
  }

  private callMayThrow(call: ts.CallExpression, depth: number): boolean {
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const receiver = callee.expression;
      if (ts.isIdentifier(receiver) && SAFE_NAMESPACES.has(receiver.text)) return false;
      return !SAFE_METHODS.has(callee.name.text);
    }
    if (!ts.isIdentifier(callee)) return true;
    if (SAFE_FUNCTIONS.has(callee.text)) return false;
    const declaration = this.functions.get(callee.text);
    if (!declaration || declaration.asteriskToken || depth >= MAX_DEPTH) return true;
    let summary = this.summaries.get(declaration);
    if (summary === undefined) {
      this.summaries.set(declaration, true); // recursion: assume it throws
      summary = this.mayThrow(declaration.body!, depth + 1);
      this.summaries.set(declaration, summary);
    }
    return summary;
  }
}

const PROBE_QUERY = /^\s*select\s+1\s*;?\s*$/i;

/**
 * `await conn.ping()`, `await conn.execute("SELECT 1")`: a connection check. When it throws, the
 * connection is already broken and the driver has closed it, so its exception edge leaks nothing.
 */
export function isLivenessProbe(node: ts.Node, uses: ReadonlySet<ts.Node>): boolean {
  if (!ts.isExpressionStatement(node)) return false;
  let expr = node.expression;
  if (ts.isAwaitExpression(expr)) expr = expr.expression;
  if (!ts.isCallExpression(expr) || !ts.isPropertyAccessExpression(expr.expression) || !uses.has(expr.expression.expression)) return false;
  const method = expr.expression.name.text;
  if (method === "ping") return expr.arguments.length === 0;
  const [query] = expr.arguments;
  return (method === "query" || method === "execute") && query !== undefined && ts.isStringLiteralLike(query) && PROBE_QUERY.test(query.text);
}

/**
 * `session.startTransaction();`, `socket.setNoDelay(true);`: a statement that only calls a method of the
 * resource itself, synchronously and without awaiting anything. Such a call configures what was just
 * acquired; it throws on misuse only, not on the failures (I/O, a rejected query) a release in `finally` is for.
 */
export function isConfiguringCall(node: ts.Node, uses: ReadonlySet<ts.Node>): boolean {
  if (!ts.isExpressionStatement(node) || !ts.isCallExpression(node.expression)) return false;
  const callee = node.expression.expression;
  if (!ts.isPropertyAccessExpression(callee) || !uses.has(callee.expression)) return false;
  return !node.expression.arguments.some((arg) => touchesOrAwaits(arg, uses));
}

/**
 * `await client.connect()`: the resource's own opening call. When it throws, the connection never
 * opened (the driver closes the half-open socket), so there is nothing to release on that edge.
 */
export function isOpeningCall(node: ts.Node, uses: ReadonlySet<ts.Node>): boolean {
  if (!ts.isExpressionStatement(node)) return false;
  const expr = ts.isAwaitExpression(node.expression) ? node.expression.expression : node.expression;
  if (!ts.isCallExpression(expr) || !ts.isPropertyAccessExpression(expr.expression) || !uses.has(expr.expression.expression)) return false;
  return /^(connect|open)$/.test(expr.expression.name.text) && !expr.arguments.some((arg) => touchesOrAwaits(arg, uses));
}

/**
 * `if (threw && fd) closeSync(fd)` in the `finally` of a `try` whose last statement is `threw = false`:
 * the condition holds only when the try block threw, so the release runs on the exception path alone.
 */
export function isInsideThrewGuard(node: ts.Node, scope: ts.Node): boolean {
  for (let current: ts.Node = node; current.parent && current !== scope; current = current.parent) {
    if (ts.isIfStatement(current.parent) && current !== current.parent.expression && isThrewGuard(current.parent)) return true;
    if (isFunctionNode(current.parent)) return false;
  }
  return false;
}

function isThrewGuard(statement: ts.IfStatement): boolean {
  let tryStatement: ts.Node | undefined = statement.parent;
  while (tryStatement && !ts.isTryStatement(tryStatement) && !isFunctionNode(tryStatement)) tryStatement = tryStatement.parent;
  if (!tryStatement || !ts.isTryStatement(tryStatement) || !tryStatement.finallyBlock || statement.pos < tryStatement.finallyBlock.pos) return false;
  const last = tryStatement.tryBlock.statements[tryStatement.tryBlock.statements.length - 1];
  if (!last || !ts.isExpressionStatement(last) || !ts.isBinaryExpression(last.expression) || last.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken
    || last.expression.right.kind !== ts.SyntaxKind.FalseKeyword || !ts.isIdentifier(last.expression.left)) return false;
  const flag = last.expression.left.text;
  return conjuncts(statement.expression).some((c) => ts.isIdentifier(c) && c.text === flag);
}

/** Exceptions worth reporting come from statements that use the resource or await something. */
export function touchesOrAwaits(node: ts.Node, uses: ReadonlySet<ts.Node>): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found || isFunctionNode(child)) return;
    if (ts.isAwaitExpression(child) || uses.has(child)) {
      found = true;
      return;
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}
