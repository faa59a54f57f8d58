// RxJS helpers that complete: an application's own operators and sources, followed to their
// definitions. `getFirstSucceededRemoteData = () => (source) => source.pipe(filter(…), take(1))`
// is an operator that completes after one value, as `take(1)` does; `getEndpoint()` that returns
// `this.resolve(…).pipe(take(1))` is a source that does. A subscription through either ends by
// itself. The helper is found in the file, or, with a typed program, wherever it is declared.
import ts from "typescript";
import type { Facts } from "../core/facts";

const MAX_DEPTH = 3;

/**
 * Whether `call` — an operator in a `pipe(…)` (`getFirstCompletedRemoteData()`) or a source
 * (`this.halService.getEndpoint(x)`) — is a helper whose returned observable, or returned operator,
 * completes: its body returns a `pipe(…)` with one of `completing` in it (directly or through another helper).
 */
export function completesThroughHelper(facts: Facts, call: ts.CallExpression, completing: ReadonlySet<string>, depth = 0): boolean {
  if (depth >= MAX_DEPTH) return false;
  const fn = declarationOf(facts, call.expression);
  const returned = fn ? returnedExpressions(fn) : [];
  return returned.length > 0 && returned.every((expr) => completesExpression(facts, expr, completing, depth + 1));
}

function completesExpression(facts: Facts, expr: ts.Expression, completing: ReadonlySet<string>, depth: number): boolean {
  let value = expr;
  while (ts.isParenthesizedExpression(value) || ts.isAsExpression(value)) value = value.expression;
  // `(source) => source.pipe(…)`: a returned operator.
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
    const returned = returnedExpressions(value);
    return returned.length > 0 && returned.every((e) => completesExpression(facts, e, completing, depth));
  }
  if (!ts.isCallExpression(value)) return false;
  const name = calleeName(value);
  if (completing.has(name)) return true;
  if (name === "pipe") {
    return value.arguments.some((op) => ts.isCallExpression(op) && (completing.has(calleeName(op)) || completesThroughHelper(facts, op, completing, depth)));
  }
  return completesThroughHelper(facts, value, completing, depth);
}

function calleeName(call: ts.CallExpression): string {
  return ts.isIdentifier(call.expression) ? call.expression.text : ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : "";
}

type HelperFunction = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression;

/** The function a callee names: a local or imported function or `const f = () => …`, or (typed) a method. */
function declarationOf(facts: Facts, callee: ts.Expression): HelperFunction | undefined {
  let declaration: ts.Declaration | undefined;
  if (facts.hasTypes) {
    let symbol = facts.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = facts.checker.getAliasedSymbol(symbol);
    declaration = symbol?.valueDeclaration;
  } else if (ts.isIdentifier(callee)) {
    declaration = facts.symbolAt(callee)?.valueDeclaration;
  }
  if (!declaration || declaration.getSourceFile().isDeclarationFile) return undefined;
  if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) return declaration.body ? declaration : undefined;
  if (ts.isVariableDeclaration(declaration) && declaration.initializer
    && (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer))) return declaration.initializer;
  return undefined;
}

function returnedExpressions(fn: HelperFunction): ts.Expression[] {
  if (!fn.body) return [];
  if (!ts.isBlock(fn.body)) return [fn.body];
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    ts.forEachChild(node, visit);
  };
  fn.body.statements.forEach(visit);
  return found;
}
