// Component-state-only callbacks: a timer callback that does nothing but update the state of the
// component that started it — React's `useState`/`useReducer` setters, a Vue `ref`'s `.value`, a
// Svelte component `let` (`$state`) — and at most re-arms itself behind a condition. After the
// component is gone such an update is dropped (React, Vue) or lands on a dead instance (Svelte):
// nothing outside the component is touched and nothing is held past the delay. Rules use it to
// leave short one-shot timers in mount code alone (a progress bar, a toast, a "show later").
import ts from "typescript";
import { type FunctionNode, isFunctionNode, skipParens } from "../core/ast";
import type { Facts } from "../core/facts";
import { functionValue } from "./scope-teardown";

const SETTER_HOOKS = new Set(["useState", "useReducer"]);
const REF_FACTORIES = new Set(["ref", "shallowRef"]);
const SVELTE_STATE = new Set(["$state"]);

/** Whether `callback` (inline, or a function declared in `component`) only updates `component`'s state. */
export function onlyUpdatesComponentState(facts: Facts, callback: ts.Expression | undefined, component: FunctionNode | undefined): boolean {
  const fn = callbackFunction(facts, callback);
  if (!fn || !fn.body || !component) return false;
  const statements = ts.isBlock(fn.body) ? fn.body.statements : [ts.factory.createExpressionStatement(fn.body)];
  const self = ts.isFunctionDeclaration(fn) ? fn.name : undefined;
  return statements.length > 0 && statements.every((s) => isStateStatement(facts, s, component, fn, self));
}

/** The callback's function: inline, or a function declared by name (`setTimeout(next, …)` with `function next() {}`). */
function callbackFunction(facts: Facts, callback: ts.Expression | undefined): FunctionNode | undefined {
  const inner = callback && skipParens(callback);
  const fn = inner && functionValue(facts, inner);
  return fn && (fn === inner || ts.isFunctionDeclaration(fn)) ? fn : undefined;
}

function isStateStatement(facts: Facts, statement: ts.Statement, component: FunctionNode, fn: FunctionNode, self: ts.Identifier | undefined): boolean {
  // `const remaining = 1 - p`: a local computed from state.
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.every((d) => !d.initializer || !containsCall(d.initializer));
  // `if (remaining > 0.15) setTimeout(next, …)`: the callback re-arms itself behind a condition;
  // `if (!loaded) { this.setState(…); loaded = true; }`: a state update behind a condition.
  if (ts.isIfStatement(statement) && !statement.elseStatement && !containsCall(statement.expression)) {
    const then = statement.thenStatement;
    const inner = ts.isBlock(then) ? then.statements : [then];
    if (inner.length === 1 && ts.isExpressionStatement(inner[0]) && isSelfRearm(facts, inner[0].expression, fn, self)) return true;
    return inner.length > 0 && inner.every((s) => !ts.isIfStatement(s) && isStateStatement(facts, s, component, fn, self));
  }
  if (!ts.isExpressionStatement(statement)) return false;
  const expr = skipParens(statement.expression);
  if (ts.isCallExpression(expr)) return isStateSetter(facts, expr.expression, component) && expr.arguments.every((a) => !containsCall(a));
  const target = assignmentTarget(expr);
  return target !== undefined && isStateVariable(facts, target, component) && !containsCall(expr);
}

/** `x = …`, `x += …`, `x++`, `r.value = …`: the variable or ref written. */
function assignmentTarget(expr: ts.Expression): ts.Expression | undefined {
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && expr.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return expr.left;
  if ((ts.isPostfixUnaryExpression(expr) || ts.isPrefixUnaryExpression(expr))
    && (expr.operator === ts.SyntaxKind.PlusPlusToken || expr.operator === ts.SyntaxKind.MinusMinusToken)) return expr.operand;
  return undefined;
}

/** A `let` of the component (Svelte state), or `r.value` of a `ref()` declared in it (Vue). */
function isStateVariable(facts: Facts, target: ts.Expression, component: FunctionNode): boolean {
  const holder = ts.isPropertyAccessExpression(target) && target.name.text === "value" ? target.expression : target;
  if (!ts.isIdentifier(holder)) return false;
  const declaration = facts.symbolAt(holder)?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !isDeclaredIn(declaration, component)) return false;
  const init = declaration.initializer && skipParens(declaration.initializer);
  const factory = init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) ? init.expression.text : undefined;
  if (holder !== target) return factory !== undefined && REF_FACTORIES.has(factory);
  const isLet = (declaration.parent.flags & ts.NodeFlags.Let) !== 0;
  return isLet && (factory === undefined || SVELTE_STATE.has(factory));
}

/** `setX` from `const [x, setX] = useState(…)` in the component (or `useReducer`'s dispatch), or a class component's `this.setState`. */
function isStateSetter(facts: Facts, callee: ts.Expression, component: FunctionNode): boolean {
  if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword && callee.name.text === "setState") {
    return isReactClassMember(component);
  }
  const element = ts.isIdentifier(callee) ? facts.symbolAt(callee)?.valueDeclaration : undefined;
  if (!element || !ts.isBindingElement(element) || !ts.isArrayBindingPattern(element.parent) || element.parent.elements[1] !== element) return false;
  const declaration = element.parent.parent;
  if (!ts.isVariableDeclaration(declaration) || !isDeclaredIn(declaration, component)) return false;
  const init = declaration.initializer && skipParens(declaration.initializer);
  const hook = init && ts.isCallExpression(init) ? init.expression : undefined;
  const name = hook && (ts.isIdentifier(hook) ? hook.text : ts.isPropertyAccessExpression(hook) ? hook.name.text : undefined);
  return name !== undefined && SETTER_HOOKS.has(name);
}

/** `setTimeout(next, …)` inside `next` itself. */
function isSelfRearm(facts: Facts, expr: ts.Expression, fn: FunctionNode, self: ts.Identifier | undefined): boolean {
  if (!self || !ts.isCallExpression(expr) || !ts.isIdentifier(expr.expression) || expr.expression.text !== "setTimeout") return false;
  const first = expr.arguments[0];
  return first !== undefined && ts.isIdentifier(first) && facts.symbolAt(first)?.valueDeclaration === fn;
}

function isDeclaredIn(declaration: ts.Node, component: FunctionNode): boolean {
  let scope: ts.Node | undefined = declaration.parent;
  while (scope && !isFunctionNode(scope)) scope = scope.parent;
  return scope === component;
}

function containsCall(node: ts.Node): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(child) || ts.isNewExpression(child) || isFunctionNode(child)) found = true;
    else ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/** A method of a class that extends `Component` / `PureComponent` (React's, by any import name). */
function isReactClassMember(fn: FunctionNode): boolean {
  const classNode = fn.parent;
  if (!ts.isClassLike(classNode)) return false;
  const base = classNode.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const name = base && (ts.isIdentifier(base) ? base.text : ts.isPropertyAccessExpression(base) ? base.name.text : undefined);
  return name === "Component" || name === "PureComponent";
}
