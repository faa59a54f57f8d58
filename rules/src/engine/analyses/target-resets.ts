// A target that clears its own listeners when the owner's teardown stops it: the teardown calls a
// method of the target (`this.$runController.stop(…)`), and that method's implementation — in the
// class that declares it, or, for a method of an interface, in each class of the program that
// implements the interface — calls `this.removeAllListeners(event)` for the registered event (or
// `this.removeAllListeners()`). The listener then goes on the owner's teardown path, through the
// target's own code in another module. Typed tier only: the implementation is found by the checker.
import ts from "typescript";
import { type FunctionNode, referenceKey, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import type { Registration } from "./listeners";
import type { InstanceOwner, OwnersAnalysis } from "./owners";

/** Whether a call on `owner`'s teardown path stops the registration's target, which then removes the event's listeners itself. */
export function teardownResetsTarget(facts: Facts, own: OwnersAnalysis, owner: InstanceOwner, registration: Registration): boolean {
  if (!facts.hasTypes || registration.helper) return false;
  const targetKey = referenceKey(registration.target);
  if (targetKey === undefined) return false;
  for (const fn of own.teardownFunctions(owner)) {
    for (const call of facts.callsWithin(fn)) {
      const callee = call.expression;
      if (!ts.isPropertyAccessExpression(callee) || referenceKey(callee.expression) !== targetKey) continue;
      if (implementations(facts.checker, facts.program, callee.name).some((method) => removesAllOf(facts.checker, method, registration.event))) return true;
    }
  }
  return false;
}

/** The bodies of the method `name` names: its class's method, or each implementing class's for an interface method. */
function implementations(checker: ts.TypeChecker, program: ts.Program, name: ts.MemberName): FunctionNode[] {
  const result: FunctionNode[] = [];
  for (const decl of checker.getSymbolAtLocation(name)?.declarations ?? []) {
    if (ts.isMethodDeclaration(decl) && decl.body) result.push(decl);
    else if (ts.isMethodSignature(decl) && ts.isInterfaceDeclaration(decl.parent)) result.push(...implementingMethods(checker, program, decl.parent, name.text));
  }
  return result;
}

/** `class RunController extends EventEmitter implements IRunController { stop() { … } }` in the program's own files. */
function implementingMethods(checker: ts.TypeChecker, program: ts.Program, face: ts.InterfaceDeclaration, method: string): FunctionNode[] {
  const symbol = checker.getSymbolAtLocation(face.name);
  if (!symbol) return [];
  const result: FunctionNode[] = [];
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file) || !file.text.includes(face.name.text)) continue;
    for (const statement of file.statements) {
      if (!ts.isClassDeclaration(statement) || !implementsInterface(checker, statement, symbol)) continue;
      for (const member of statement.members) {
        if (ts.isMethodDeclaration(member) && member.body && ts.isIdentifier(member.name) && member.name.text === method) result.push(member);
      }
    }
  }
  return result;
}

function implementsInterface(checker: ts.TypeChecker, node: ts.ClassDeclaration, face: ts.Symbol): boolean {
  return (node.heritageClauses ?? []).some((clause) => clause.token === ts.SyntaxKind.ImplementsKeyword
    && clause.types.some((type) => checker.getSymbolAtLocation(type.expression) === face));
}

/** `this.removeAllListeners(event)` (the same event: the same literal or the same constant) or `this.removeAllListeners()` in `method`. */
function removesAllOf(checker: ts.TypeChecker, method: FunctionNode, event: ts.Expression): boolean {
  let found = false;
  walk(method, (node) => {
    if (found) return false;
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== "removeAllListeners"
      || node.expression.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
    const [removed] = node.arguments;
    found = !removed || sameEvent(checker, removed, event);
    return undefined;
  });
  return found;
}

function sameEvent(checker: ts.TypeChecker, a: ts.Expression, b: ts.Expression): boolean {
  if (ts.isStringLiteralLike(a) && ts.isStringLiteralLike(b)) return a.text === b.text;
  const symbolOf = (e: ts.Expression) => checker.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e);
  const [sa, sb] = [symbolOf(a), symbolOf(b)];
  return sa !== undefined && sa === sb;
}
