// Once-guards on whole functions: a function that sets a module-level flag and returns at
// once while it is set (`if (bound) return; bound = true; …`), or one whose every call in
// the file sits under `if (!started) …` while it sets `started` itself, runs once per
// process however often its callers run (hyper's `if (!isInit) void init()`, a
// tooltip's `ensureGlobalClick()`). The in-branch form (`if (!x) { x = true; … }`) is
// collections.ts `firstTimeGuard`; repetition asks this one about a function before it
// says the function repeats.
import ts from "typescript";
import { type FunctionNode, conjuncts, declaredName, enclosingFunction, isExportedDeclaration, isFunctionNode } from "../core/ast";
import type { Facts } from "../core/facts";

/** Whether `fn` runs at most once per process because of a module-level flag it sets. */
export function isOnceGuarded(facts: Facts, fn: FunctionNode): boolean {
  if (!fn.body || !ts.isBlock(fn.body)) return false;
  const flags = moduleFlagsSetBy(facts, fn.body);
  if (flags.size === 0) return false;
  if (returnsEarlyWhileSet(facts, fn.body, flags)) return true;
  const name = declaredName(fn);
  if (!name || isExportedDeclaration(fn)) return false;
  const refs = facts.referencesTo(name);
  return refs.length > 0 && refs.every((ref) => ts.isCallExpression(ref.parent) && ref.parent.expression === ref && isCalledUnderGuard(facts, ref, flags));
}

/** The module-level variables the body sets to a truthy literal (`bound = true`), outside nested functions. */
function moduleFlagsSetBy(facts: Facts, body: ts.Block): Set<ts.Symbol> {
  const flags = new Set<ts.Symbol>();
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node) || ts.isClassLike(node)) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && isTruthyLiteral(node.right)) {
      const symbol = facts.symbolAt(node.left);
      if (symbol && isModuleLevelVariable(symbol)) flags.add(symbol);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return flags;
}

function isTruthyLiteral(expr: ts.Expression): boolean {
  return expr.kind === ts.SyntaxKind.TrueKeyword || (ts.isNumericLiteral(expr) && expr.text !== "0")
    || (ts.isStringLiteralLike(expr) && expr.text !== "");
}

function isModuleLevelVariable(symbol: ts.Symbol): boolean {
  const declaration = symbol.declarations?.[0];
  return declaration !== undefined && ts.isVariableDeclaration(declaration) && enclosingFunction(declaration) === undefined
    && !ts.isClassLike(declaration.parent);
}

/** `if (flag) return;` among the first statements of the body. */
function returnsEarlyWhileSet(facts: Facts, body: ts.Block, flags: Set<ts.Symbol>): boolean {
  for (const statement of body.statements.slice(0, 3)) {
    if (ts.isIfStatement(statement) && !statement.elseStatement && isBareReturn(statement.thenStatement) && testsFlag(facts, statement.expression, flags, false)) return true;
  }
  return false;
}

/** A call inside `if (!flag) …`, or after `if (flag) return;` in the calling function. */
function isCalledUnderGuard(facts: Facts, ref: ts.Node, flags: Set<ts.Symbol>): boolean {
  for (let current: ts.Node = ref; current.parent && !isFunctionNode(current) && !ts.isSourceFile(current); current = current.parent) {
    const parent = current.parent;
    if (ts.isIfStatement(parent) && parent.thenStatement === current && testsFlag(facts, parent.expression, flags, true)) return true;
    if (ts.isBlock(parent) && isFunctionNode(parent.parent)) return returnsEarlyWhileSet(facts, parent, flags);
  }
  return false;
}

/** `flag` (or `!flag` when `negated`, possibly one conjunct of an `&&`). */
function testsFlag(facts: Facts, condition: ts.Expression, flags: Set<ts.Symbol>, negated: boolean): boolean {
  if (negated) return conjuncts(condition).some((c) => testsFlagOnce(facts, c, flags, true));
  return testsFlagOnce(facts, condition, flags, false);
}

function testsFlagOnce(facts: Facts, condition: ts.Expression, flags: Set<ts.Symbol>, negated: boolean): boolean {
  let expr = condition;
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (negated) {
    if (!ts.isPrefixUnaryExpression(expr) || expr.operator !== ts.SyntaxKind.ExclamationToken) return false;
    expr = expr.operand;
    while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  }
  if (!ts.isIdentifier(expr)) return false;
  const symbol = facts.symbolAt(expr);
  return symbol !== undefined && flags.has(symbol);
}

/** `return;`, `{ return x; }`, or a block that says why and returns (`{ log.warn("already initialized"); return; }`). */
function isBareReturn(statement: ts.Statement): boolean {
  if (!ts.isBlock(statement)) return ts.isReturnStatement(statement);
  const last = statement.statements[statement.statements.length - 1];
  return last !== undefined && ts.isReturnStatement(last) && statement.statements.slice(0, -1).every((s) => ts.isExpressionStatement(s) && ts.isCallExpression(s.expression));
}

/**
 * Whether `node` runs only while the page is still loading: in the branch of an `if` or `?:` that
 * says so (`document.readyState !== "complete"`, `=== "loading"`, the `else` of `=== "complete"`).
 * Once the page has loaded the branch is never taken again, so what it registers (a `load` listener
 * that scrolls to the anchor) is added a bounded number of times however often the code runs.
 */
export function whileDocumentLoads(node: ts.Node): boolean {
  for (let current: ts.Node = node; current.parent && !isFunctionNode(current) && !ts.isSourceFile(current); current = current.parent) {
    const parent = current.parent;
    let test: ts.Expression;
    let branch: boolean;
    if (ts.isIfStatement(parent) && parent.expression !== current) [test, branch] = [parent.expression, parent.thenStatement === current];
    else if (ts.isConditionalExpression(parent) && parent.condition !== current) [test, branch] = [parent.condition, parent.whenTrue === current];
    else continue;
    const loading = saysLoading(test);
    if (loading !== undefined && loading === branch) return true;
  }
  return false;
}

/** True for a condition meaning "still loading", false for "loaded", undefined when it does not test `document.readyState`. */
function saysLoading(condition: ts.Expression): boolean | undefined {
  let expr = condition;
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (!ts.isBinaryExpression(expr)) return undefined;
  const op = expr.operatorToken.kind;
  const equal = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
  if (!equal && op !== ts.SyntaxKind.ExclamationEqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsToken) return undefined;
  const [state, value] = isReadyState(expr.left) ? [expr.left, expr.right] : [expr.right, expr.left];
  if (!isReadyState(state) || !ts.isStringLiteralLike(value)) return undefined;
  const meansLoading = value.text === "loading" ? true : value.text === "complete" ? false : undefined;
  return meansLoading === undefined ? undefined : equal === meansLoading;
}

function isReadyState(expr: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(expr) && expr.name.text === "readyState" && /^(?:window\.)?document$/.test(expr.expression.getText());
}
