// Development-only code: a branch that runs only when the program says it is in development
// (`if (mode === "development")`, `process.env.NODE_ENV !== "production" && …`, `if (__DEV__)`,
// `import.meta.env.DEV ? … : …`). Live reload hooks, debug panels and dev servers leak in a
// process nobody keeps running; the linter drops findings there (a production leak is what a
// senior engineer acts on).
import ts from "typescript";
import { skipParens } from "./ast";

/** Names of the flags and environment fields that say which mode the program runs in. */
const MODE_NAME = /^(?:mode|env|environment|nodeEnv|NODE_ENV|APP_ENV|ENV)$/i;
const DEV_FLAG = /^(?:__DEV__|isDev|isDevelopment|isDevMode|devMode|IS_DEV|DEV)$/;
const DEV_VALUES = new Set(["development", "dev"]);
const PRODUCTION_VALUES = new Set(["production", "prod"]);

/** Whether `node` only runs in development: it sits in a branch guarded by a development check. */
export function isDevelopmentOnly(node: ts.Node): boolean {
  for (let current = node; current.parent && !ts.isSourceFile(current.parent); current = current.parent) {
    const parent = current.parent;
    if (ts.isIfStatement(parent)) {
      if (parent.thenStatement === current && guardsDevelopment(parent.expression, true)) return true;
      if (parent.elseStatement === current && guardsDevelopment(parent.expression, false)) return true;
    } else if (ts.isConditionalExpression(parent)) {
      if (parent.whenTrue === current && guardsDevelopment(parent.condition, true)) return true;
      if (parent.whenFalse === current && guardsDevelopment(parent.condition, false)) return true;
    } else if (ts.isBinaryExpression(parent) && parent.right === current
      && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && guardsDevelopment(parent.left, true)) {
      return true;
    }
  }
  return false;
}

/** Whether `condition` being `outcome` means the program runs in development (an `&&` chain needs one such conjunct). */
function guardsDevelopment(condition: ts.Expression, outcome: boolean): boolean {
  const expr = skipParens(condition);
  if (ts.isPrefixUnaryExpression(expr) && expr.operator === ts.SyntaxKind.ExclamationToken) return guardsDevelopment(expr.operand, !outcome);
  if (ts.isBinaryExpression(expr)) {
    const op = expr.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return outcome && (guardsDevelopment(expr.left, true) || guardsDevelopment(expr.right, true));
    if (op === ts.SyntaxKind.BarBarToken) return !outcome && (guardsDevelopment(expr.left, false) || guardsDevelopment(expr.right, false));
    const equal = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    const unequal = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    if (!equal && !unequal) return false;
    const value = modeComparison(expr.left, expr.right) ?? modeComparison(expr.right, expr.left);
    if (value === undefined) return false;
    const holds = equal === outcome; // the comparison is `===` and holds, or `!==` and fails
    return holds ? DEV_VALUES.has(value) : PRODUCTION_VALUES.has(value);
  }
  return outcome && isDevFlag(expr);
}

/** `mode === "development"`: the compared string when `subject` names the run mode. */
function modeComparison(subject: ts.Expression, value: ts.Expression): string | undefined {
  const literal = skipParens(value);
  if (!ts.isStringLiteralLike(literal)) return undefined;
  const name = lastName(skipParens(subject));
  return name !== undefined && MODE_NAME.test(name) ? literal.text.toLowerCase() : undefined;
}

/** `__DEV__`, `isDev`, `import.meta.env.DEV`, `config.isDevelopment`, `isDev()`. */
function isDevFlag(expr: ts.Expression): boolean {
  const target = ts.isCallExpression(expr) && expr.arguments.length === 0 ? expr.expression : expr;
  const name = lastName(target);
  return name !== undefined && DEV_FLAG.test(name);
}

function lastName(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  if (ts.isElementAccessExpression(expr) && ts.isStringLiteralLike(expr.argumentExpression)) return expr.argumentExpression.text;
  return undefined;
}
