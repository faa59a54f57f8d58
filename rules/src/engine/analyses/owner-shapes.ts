// The syntactic shapes of owners, for the owners analysis: the object a factory returns,
// an ES5 constructor's prototype methods (`C.prototype.m = function`, `C.prototype = {…}`,
// `Object.assign(C.prototype, {…})`, `util.inherits`), the teardown among an object's
// methods, and `var self = this` aliases.
import ts from "typescript";
import { type FunctionNode, enclosingFunction, isFunctionNode, propertyNameText } from "../core/ast";
import type { Facts } from "../core/facts";
import type { PropertyAssignment } from "../core/syntax-index";
import { TEARDOWN_METHODS } from "./lifetime";
import { programCalls } from "./program-calls";

/** `return { … }`, or `return server` where `const server = { … }` in the same body. */
export function returnedObject(body: ts.Block, value: ts.Expression): ts.ObjectLiteralExpression | undefined {
  if (ts.isObjectLiteralExpression(value)) return value;
  if (!ts.isIdentifier(value)) return undefined;
  for (const statement of body.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (ts.isIdentifier(decl.name) && decl.name.text === value.text && decl.initializer && ts.isObjectLiteralExpression(decl.initializer)) {
        return decl.initializer;
      }
    }
  }
  return undefined;
}

export function teardownOf(methods: ReadonlyMap<string, FunctionNode>): { name: string; fn: FunctionNode } | undefined {
  for (const name of TEARDOWN_METHODS) {
    const fn = methods.get(name);
    if (fn) return { name, fn };
  }
  return undefined;
}

/**
 * `C.prototype.m = function`, `C.prototype = { m() {} }`, `Object.assign(C.prototype, {…})`, `util.inherits(C, B)`.
 * The candidates are the file's property assignments and calls (from its syntax index),
 * merged back into pre-order: later assignments of a method win, as in a walk.
 */
export function collectPrototypeMethods(facts: Facts, es5: Map<string, { methods: Map<string, FunctionNode>; evidence: boolean }>): void {
  const addObject = (entry: { methods: Map<string, FunctionNode> }, object: ts.Expression): void => {
    if (!ts.isObjectLiteralExpression(object)) return;
    for (const property of object.properties) {
      const name = property.name ? propertyNameText(property.name) : undefined;
      if (!name) continue;
      if (ts.isMethodDeclaration(property)) entry.methods.set(name, property);
      else if (ts.isPropertyAssignment(property) && isFunctionNode(property.initializer)) entry.methods.set(name, property.initializer);
    }
  };
  const assignment = (node: PropertyAssignment): void => {
    const left = node.left;
    if (ts.isPropertyAccessExpression(left.expression) && left.expression.name.text === "prototype" && ts.isIdentifier(left.expression.expression)) {
      const entry = es5.get(left.expression.expression.text);
      if (entry) {
        entry.evidence = true;
        if (isFunctionNode(node.right)) entry.methods.set(left.name.text, node.right);
      }
    } else if (left.name.text === "prototype" && ts.isIdentifier(left.expression)) {
      const entry = es5.get(left.expression.text);
      if (entry) {
        entry.evidence = true;
        addObject(entry, node.right);
      }
    }
  };
  const call = (node: ts.CallExpression): void => {
    // Only a callee ending in one of these names can pass the tests on its text below (which cost a `getText`).
    const last = ts.isIdentifier(node.expression) ? node.expression.text : ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : "";
    if (last !== "inherits" && last !== "setPrototypeOf" && last !== "assign") return;
    const callee = node.expression.getText();
    const [first, second] = node.arguments;
    if (/(^|\.)inherits$|^Object\.setPrototypeOf$/.test(callee) && first && ts.isIdentifier(first)) {
      const entry = es5.get(first.text);
      if (entry) entry.evidence = true;
    } else if (callee === "Object.assign" && first && ts.isPropertyAccessExpression(first) && first.name.text === "prototype"
      && ts.isIdentifier(first.expression) && second) {
      const entry = es5.get(first.expression.text);
      if (entry) {
        entry.evidence = true;
        addObject(entry, second);
      }
    }
  };
  // Both lists are in pre-order; at the same start the enclosing node (the longer one) comes first.
  const assignments = facts.propertyAssignmentsWithin();
  const calls = facts.callsWithin();
  for (let i = 0, j = 0; i < assignments.length || j < calls.length;) {
    const a = assignments[i];
    const c = calls[j];
    if (c === undefined || (a !== undefined && (a.pos < c.pos || (a.pos === c.pos && a.end >= c.end)))) {
      assignment(a);
      i++;
    } else {
      call(c);
      j++;
    }
  }
}

/** `var self = this` / `const that = this`: the declaration an identifier refers to, when it is such an alias in an enclosing function. */
export function findAliasDeclaration(id: ts.Identifier): ts.VariableDeclaration | undefined {
  for (let fn = enclosingFunction(id); fn; fn = enclosingFunction(fn)) {
    const body = fn.body;
    if (!body || !ts.isBlock(body)) continue;
    for (const statement of body.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.name.text === id.text) return decl;
      }
    }
  }
  return undefined;
}

/** A function declared at the top of a factory or constructor body under `name` (`function stop() {}`, `const stop = once(async () => …)`). */
export function innerFunctionOf(fn: FunctionNode, name: string): FunctionNode | undefined {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return undefined;
  for (const statement of body.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return statement;
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || decl.name.text !== name || !decl.initializer) continue;
        if (isFunctionNode(decl.initializer)) return decl.initializer;
        // `const stop = once(async () => { … })`: a wrapper that returns the function it is given
        const wrapped = ts.isCallExpression(decl.initializer) ? decl.initializer.arguments.find((arg): arg is FunctionNode & ts.Expression => isFunctionNode(arg)) : undefined;
        if (wrapped) return wrapped;
      }
    }
  }
  return undefined;
}

/**
 * `const monitor = new PerformanceMonitor(); export default monitor;`: the file's one instance of its
 * class, created by the module's top-level code — or, with a typed program, a class whose every
 * construction in the program runs once (`new Cache()` in `activate()`). It lives as long as the
 * process, so what its constructor registers is registered once, whatever its teardown forgets.
 */
/** A class declaration that is its process's one instance (see `isModuleSingleton`). */
export function isSingletonClass(facts: Facts, node: ts.Node | undefined): boolean {
  return node !== undefined && ts.isClassDeclaration(node) && isModuleSingleton(facts, { kind: "class", node, name: node.name?.text ?? "" });
}

export function isModuleSingleton(facts: Facts, owner: { kind: string; node: ts.Node; name: string }): boolean {
  if (owner.kind !== "class" || !ts.isClassDeclaration(owner.node)) return false;
  if (isNestSingleton(facts, owner.node)) return true;
  const news = facts.identifiersNamed(owner.name).filter((id) => ts.isNewExpression(id.parent) && id.parent.expression === id);
  if (news.length === 1 && enclosingFunction(news[0]) === undefined) return true;
  // Across the program (typed tier): every construction runs once (`activate()`, the entry's top level).
  return news.every((id) => enclosingFunction(id) === undefined) && facts.analysis(programCalls)?.constructedOnlyOnce(owner.node) === true;
}

const NEST_PROVIDERS = /^(Injectable|Controller|Resolver|WebSocketGateway|Processor|Module)$/;

/**
 * A NestJS provider, controller, resolver, gateway or queue processor: Nest creates one instance per
 * application (the default scope) unless its decorator asks for `Scope.REQUEST` or `Scope.TRANSIENT`.
 */
function isNestSingleton(facts: Facts, node: ts.ClassDeclaration): boolean {
  if (![...facts.importedModules()].some((module) => module.startsWith("@nestjs/"))) return false;
  return (ts.getDecorators(node) ?? []).some((d) => {
    const call = d.expression;
    if (!ts.isCallExpression(call) || !NEST_PROVIDERS.test(call.expression.getText())) return false;
    return !call.arguments.some((arg) => /\bScope\.(REQUEST|TRANSIENT)\b|\bscope\s*:/.test(arg.getText()));
  });
}
