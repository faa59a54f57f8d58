// Small AST helpers shared by the analyses and rules. Walks are iterative so that
// deeply nested input cannot overflow the stack.
import ts from "typescript";

export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.Constructor:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
      return true;
    default:
      return false;
  }
}

export function enclosingFunction(node: ts.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return undefined;
}

/** The class whose `this` is in scope at `node` (arrow functions keep the outer `this`). */
export function thisClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isClassLike(current)) return current;
    if (ts.isFunctionDeclaration(current) || ts.isFunctionExpression(current)) return undefined;
  }
  return undefined;
}

/**
 * Pre-order walk without recursion; return false from `visit` to skip a subtree. It
 * runs for every node of every file, so it allocates nothing per node: children go
 * straight onto the stack and are reversed in place.
 */
export function walk(root: ts.Node, visit: (node: ts.Node) => boolean | void): void {
  const stack: ts.Node[] = [root];
  const push = stackPusher(stack);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) !== false) pushChildren(stack, node, push);
  }
}

/** The `forEachChild` callback of a pre-order walk over `stack` (one per walk, not per node). */
export function stackPusher(stack: ts.Node[]): (child: ts.Node) => undefined {
  return (child) => {
    stack.push(child);
    return undefined;
  };
}

/** Pushes the children of `node` onto the walk's stack so that they pop in source order. */
export function pushChildren(stack: ts.Node[], node: ts.Node, push: (child: ts.Node) => undefined): void {
  const first = stack.length;
  ts.forEachChild(node, push);
  for (let i = first, j = stack.length - 1; i < j; i++, j--) {
    const swap = stack[i];
    stack[i] = stack[j];
    stack[j] = swap;
  }
}

/** True if `inner` is `outer` or lies inside it. */
export function isInside(inner: ts.Node, outer: ts.Node): boolean {
  for (let current: ts.Node | undefined = inner; current; current = current.parent) {
    if (current === outer) return true;
  }
  return false;
}

export function propertyNameText(name: ts.PropertyName | ts.MemberName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return undefined;
}

/** `a.b.c(...)` → "c"; `c(...)` → "c". */
export function calleeMemberName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
    return callee.argumentExpression.text;
  }
  return undefined;
}

/** The receiver of a method call: `a.b.on(...)` → `a.b`. */
export function calleeReceiver(call: ts.CallExpression): ts.Expression | undefined {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) return callee.expression;
  return undefined;
}

/** A stable textual key for simple reference chains: `x`, `this.x`, `this.a.b`; undefined otherwise. */
export function referenceKey(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (expr.kind === ts.SyntaxKind.ThisKeyword) return "this";
  if (ts.isPropertyAccessExpression(expr)) {
    const base = referenceKey(expr.expression);
    return base === undefined ? undefined : `${base}.${expr.name.text}`;
  }
  if (ts.isParenthesizedExpression(expr) || ts.isNonNullExpression(expr)) return referenceKey(expr.expression);
  // `listener as any`, `<Handler>listener`, `listener satisfies Handler`: the same function, retyped.
  if (ts.isAsExpression(expr) || ts.isTypeAssertionExpression(expr) || ts.isSatisfiesExpression(expr)) return referenceKey(expr.expression);
  return undefined;
}

/** The name a function is known by: its own, its variable's, or its property's. */
export function functionName(fn: FunctionNode): string | undefined {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name) || ts.isPrivateIdentifier(fn.name))) {
    return fn.name.text;
  }
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === fn) {
    return propertyNameText(parent.name);
  }
  return undefined;
}

export function isModuleLevel(node: ts.Node): boolean {
  return enclosingFunction(node) === undefined && !isInClassInstanceMember(node);
}

function isInClassInstanceMember(node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isPropertyDeclaration(current)) return !current.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    if (ts.isClassStaticBlockDeclaration(current)) return false;
  }
  return false;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

/** The statement that contains `node` directly inside a block-like list. */
export function containingStatement(node: ts.Node): ts.Statement | undefined {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (current.parent && (ts.isBlock(current.parent) || ts.isSourceFile(current.parent) || ts.isModuleBlock(current.parent)
      || ts.isCaseClause(current.parent) || ts.isDefaultClause(current.parent))) {
      return current as ts.Statement;
    }
  }
  return undefined;
}

/** Leading whitespace of the line that holds `pos`. */
export function indentationAt(text: string, pos: number): string {
  let lineStart = pos;
  while (lineStart > 0 && text[lineStart - 1] !== "\n") lineStart--;
  let end = lineStart;
  while (end < text.length && (text[end] === " " || text[end] === "\t")) end++;
  return text.slice(lineStart, end);
}

/**
 * One indentation step, guessed from the file (two spaces by default). Asked once per fix
 * of the same text, and a file without indented lines is scanned to its end: the last
 * answer is kept (50,000 one-line functions made it quadratic).
 */
export function indentUnit(text: string): string {
  if (text === lastIndent.text) return lastIndent.unit;
  const match = /\n( +|\t)\S/.exec(text);
  const unit = !match ? "  " : match[1] === "\t" ? "\t" : match[1].length >= 4 && match[1].length % 4 === 0 ? "    " : "  ";
  lastIndent = { text, unit };
  return unit;
}

let lastIndent = { text: "", unit: "  " };

/** `=`, `??=`, `||=`, `&&=`: the operators that may store the right-hand value in the left. */
export function isStoringAssignment(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.QuestionQuestionEqualsToken || kind === ts.SyntaxKind.BarBarEqualsToken
    || kind === ts.SyntaxKind.AmpersandAmpersandEqualsToken;
}

export function isStringLiteralWithText(node: ts.Node | undefined, values: readonly string[]): boolean {
  return node !== undefined && ts.isStringLiteralLike(node) && values.includes(node.text);
}

/** The expression without the parentheses around it. */
export function skipParens(expr: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  return expr;
}

/** The call that receives `fn` as an argument (through parentheses): `list.forEach((x => …))`. */
export function callbackHost(fn: FunctionNode): ts.CallExpression | undefined {
  let expr: ts.Node = fn;
  while (ts.isParenthesizedExpression(expr.parent)) expr = expr.parent;
  const parent = expr.parent;
  return ts.isCallExpression(parent) && parent.arguments.includes(expr as ts.Expression) ? parent : undefined;
}

/**
 * Events that fire once per emitter: a process's or stream's end, a server's start, a page's load, a bot client's
 * `ready` (discord.js's `clientReady`, Knub's `loadingFinished` once every guild is loaded). A listener of one runs
 * as often as the code that registers it.
 */
export const ONE_SHOT_EVENTS: ReadonlySet<string> = new Set(["exit", "close", "end", "finish", "ready", "listening", "open", "load",
  "DOMContentLoaded", "beforeExit", "spawn", "online", "clientReady", "loadingFinished"]);

/** `(function () { … })()` / `(() => { … })()`: a function called where it is written, once. */
export function isIife(fn: FunctionNode): boolean {
  let expr: ts.Node = fn;
  while (ts.isParenthesizedExpression(expr.parent)) expr = expr.parent;
  return ts.isCallExpression(expr.parent) && expr.parent.expression === expr;
}

/** True when `node` runs inside a loop body of its own function (a new registration per iteration). */
export function isInLoop(node: ts.Node): boolean {
  const fn = enclosingFunction(node);
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (isFunctionNode(current)) return false;
    if ((ts.isForStatement(current) || ts.isForOfStatement(current) || ts.isForInStatement(current) || ts.isWhileStatement(current)
      || ts.isDoStatement(current)) && isInside(node, current.statement)) {
      return true;
    }
  }
  return false;
}

/** The name a function is declared under: `function f() {}`, `const f = () => {}`. */
export function declaredName(fn: FunctionNode): ts.Identifier | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name;
  return ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name : undefined;
}

/** `new Promise((resolve) => …)`: the executor, which runs once, synchronously, where the promise is made. */
export function isPromiseExecutor(fn: FunctionNode): boolean {
  const parent = fn.parent;
  return ts.isNewExpression(parent) && parent.arguments?.[0] === fn && ts.isIdentifier(parent.expression) && parent.expression.text === "Promise";
}

/** The function whose run executes `node`: its enclosing function, Promise executors looked through. */
export function runningFunction(node: ts.Node): FunctionNode | undefined {
  let fn = enclosingFunction(node);
  while (fn && isPromiseExecutor(fn)) fn = enclosingFunction(fn);
  return fn;
}

/** The identifier a function is called by: `function f`, `const f = () => …`, or a method `m() {}`. */
export function callableName(fn: FunctionNode): ts.Identifier | undefined {
  if (ts.isMethodDeclaration(fn)) return ts.isIdentifier(fn.name) ? fn.name : undefined;
  return declaredName(fn);
}

/** `export function f() {}`, `export const f = () => {}`. */
export function isExportedDeclaration(fn: FunctionNode): boolean {
  const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
  return ts.canHaveModifiers(holder) && (ts.getModifiers(holder)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}

/** `a && (b && c)` → [a, b, c] (parentheses looked through); any other condition → [condition]. */
export function conjuncts(condition: ts.Expression): ts.Expression[] {
  let expr = condition;
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  }
  return [expr];
}
