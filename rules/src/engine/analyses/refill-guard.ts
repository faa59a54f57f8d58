// Rate-limited refills: a function that first returns a module-level cache while it is fresh
//
//   if (cache && Date.now() < nextCheck) return cache;
//   try { const res = await fetch(url); if (!res.ok) throw …; cache = await res.json(); … }
//   catch { nextCheck = Date.now() + DAY; }
//
// does its work once per period, not once per call, when the failing path re-arms the guard
// (the `catch` assigns a variable the guard reads). A resource left open on that path leaks
// once a period (a day, a week): not what a senior engineer would chase. A failure that does
// not re-arm the guard retries on every call, and stays reported.
import ts from "typescript";
import { type FunctionNode, isInside } from "../core/ast";
import type { Facts } from "../core/facts";
import type { LeakPath } from "./flow";

/** Whether the leak goes through a `catch` that re-arms an early-return guard of `scope` on an outer variable. */
export function leakRearmsEntryGuard(facts: Facts, scope: FunctionNode, acquisition: ts.Node, leak: LeakPath): boolean {
  if (!leak.via || !scope.body || !ts.isBlock(scope.body)) return false;
  const guards = entryGuardVariables(facts, scope, acquisition);
  if (guards.size === 0) return false;
  const thrower = leak.via.node;
  for (let node: ts.Node = thrower; node !== scope; node = node.parent) {
    const parent = node.parent;
    if (ts.isTryStatement(parent) && parent.tryBlock === node && parent.catchClause) {
      return assignsAny(facts, parent.catchClause.block, guards);
    }
  }
  return false;
}

/** Outer variables read by `if (…) return …;` statements of the body that come before the acquisition. */
function entryGuardVariables(facts: Facts, scope: FunctionNode, acquisition: ts.Node): Set<ts.Declaration> {
  const guards = new Set<ts.Declaration>();
  for (const statement of (scope.body as ts.Block).statements) {
    if (statement.getStart() >= acquisition.getStart()) break;
    if (!ts.isIfStatement(statement) || statement.elseStatement || !returns(statement.thenStatement)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const declaration = facts.symbolAt(node)?.valueDeclaration;
        if (declaration && ts.isVariableDeclaration(declaration) && !isInside(declaration, scope)) guards.add(declaration);
      }
      ts.forEachChild(node, visit);
    };
    visit(statement.expression);
  }
  return guards;
}

function returns(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement)) return true;
  return ts.isBlock(statement) && statement.statements.length > 0 && ts.isReturnStatement(statement.statements[statement.statements.length - 1]);
}

function assignsAny(facts: Facts, block: ts.Block, guards: Set<ts.Declaration>): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left)) {
      const declaration = facts.symbolAt(node.left)?.valueDeclaration;
      if (declaration && guards.has(declaration)) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(block);
  return found;
}
