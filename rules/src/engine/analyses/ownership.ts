// How a reference to a tracked value is used: does it release the value
// (`s.close()`, `clearInterval(h)`), hand ownership to someone else (returned,
// stored in a field or collection, passed to a callee, put in an object literal),
// or merely use it? Rules pass their release vocabulary; the hand-off rules are
// shared so that every rule treats ownership transfers alike.
import ts from "typescript";
import { calleeMemberName, isStoringAssignment } from "../core/ast";
import type { UseKind } from "./flow";

export interface OwnershipSpec {
  /** Methods on the value that release it: `close`, `destroy`, `release` … */
  releaseMethods: readonly string[];
  /** Methods on the value that hand it off: `pipe` for a readable source … */
  handoffMethods?: readonly string[];
  /** Functions that release a value passed to them: `clearInterval` … */
  releaseFunctions?: readonly string[];
  /** Passing the value to any other function counts as a hand-off (default true). */
  argumentIsHandoff?: boolean;
  /** `for (… of value)` / `for await (… of value)` consumes it (default false). */
  iterationIsHandoff?: boolean;
}

/** Callees that only look at a value and never take ownership of it. */
const NON_OWNING_CALLEES = new Set([
  "log", "info", "warn", "error", "debug", "trace", "assert", "String", "Number", "Boolean", "stringify",
  "inspect", "format", "isBuffer", "isArray", "expect", "equal", "strictEqual", "ok", "typeOf", "has", "includes", "indexOf",
]);

/** Climbs from a reference through parentheses and type assertions. */
export function outerReference(ref: ts.Expression): ts.Expression {
  let current: ts.Expression = ref;
  while (
    ts.isParenthesizedExpression(current.parent) || ts.isNonNullExpression(current.parent) || ts.isAsExpression(current.parent)
    || ts.isSatisfiesExpression(current.parent) || ts.isTypeAssertionExpression(current.parent)
  ) {
    current = current.parent;
  }
  return current;
}

export function classifyReference(ref: ts.Expression, spec: OwnershipSpec): UseKind {
  const expr = outerReference(ref);
  const parent = expr.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === expr) {
    const call = parent.parent;
    if (ts.isCallExpression(call) && call.expression === parent) {
      const method = calleeMemberName(call) ?? "";
      if (spec.releaseMethods.includes(method)) return "release";
      if (spec.handoffMethods?.includes(method)) return "handoff";
    }
    return "use";
  }
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(expr)) {
    const callee = calleeMemberName(parent) ?? "";
    if (spec.releaseFunctions?.includes(callee)) return "release";
    if (NON_OWNING_CALLEES.has(callee)) return "use";
    return spec.argumentIsHandoff === false ? "use" : "handoff";
  }
  if (ts.isReturnStatement(parent) || ts.isYieldExpression(parent) || ts.isArrowFunction(parent)) return "handoff";
  if (ts.isBinaryExpression(parent)) {
    if (isStoringAssignment(parent.operatorToken.kind)) return parent.right === expr ? "handoff" : "use";
    // `a ?? b`, `a || b`: the value flows on into whatever holds the result.
    if (isValueFlowOperator(parent.operatorToken.kind)) return classifyReference(parent, spec) === "use" ? "use" : "handoff";
    return "use";
  }
  if (ts.isConditionalExpression(parent) && parent.condition !== expr) {
    return classifyReference(parent, spec);
  }
  if (
    ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent) || ts.isArrayLiteralExpression(parent)
    || ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent) || ts.isExportAssignment(parent)
    || ts.isExportSpecifier(parent) || ts.isJsxExpression(parent)
  ) {
    return "handoff";
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === expr) return "handoff";
  if (ts.isPropertyDeclaration(parent) && parent.initializer === expr) return "handoff";
  if ((ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.expression === expr) {
    return spec.iterationIsHandoff ? "handoff" : "use";
  }
  return "use";
}

function isValueFlowOperator(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.BarBarToken || kind === ts.SyntaxKind.AmpersandAmpersandToken
    || kind === ts.SyntaxKind.CommaToken;
}
