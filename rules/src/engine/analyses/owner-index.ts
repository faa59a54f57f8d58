// The owner's syntax, for the owners analysis: the owner questions look things up by name
// again and again (the accesses of field `x`, the fields assigned `watcher`, the
// instance's handlers for event `stop`, the `const { queue } = this` destructurings). The
// candidate nodes come from the file's syntax index (core/syntax-index.ts), sliced to the
// owner's roots — the class or factory, an ES5 constructor and its prototype methods —
// root after root, as a walk of each root would meet them: no walk of the owner at all.
// Each question filters the candidates with its own tests.
import ts from "typescript";
import { walk } from "../core/ast";
import type { Facts } from "../core/facts";
import type { PropertyAssignment } from "../core/syntax-index";

export interface OwnerSyntax {
  /** Names declared `var self = this` (or `const that = this`) inside the owner. */
  readonly thisAliases: ReadonlySet<string>;
  /** `a.b = value`: the candidates for field assignments. */
  readonly assignments: readonly PropertyAssignment[];
  /** Every call. */
  readonly calls: readonly ts.CallExpression[];
  /** `const { a, b } = value`: the candidates for destructurings of the instance. */
  readonly destructurings: readonly (ts.VariableDeclaration & { name: ts.ObjectBindingPattern; initializer: ts.Expression })[];
}

/** The owner's candidate nodes, root by root. */
export function ownerSyntax(facts: Facts, roots: readonly ts.Node[]): OwnerSyntax {
  const thisAliases = new Set<string>();
  const destructurings: (ts.VariableDeclaration & { name: ts.ObjectBindingPattern; initializer: ts.Expression })[] = [];
  const calls: ts.CallExpression[] = [];
  const assignments: PropertyAssignment[] = [];
  for (const root of roots) {
    for (const node of facts.declarationsWithin(root)) {
      if (!ts.isVariableDeclaration(node)) continue;
      if (ts.isIdentifier(node.name) && node.initializer?.kind === ts.SyntaxKind.ThisKeyword) thisAliases.add(node.name.text);
      else if (ts.isObjectBindingPattern(node.name) && node.initializer) destructurings.push(node as (typeof destructurings)[number]);
    }
    calls.push(...facts.callsWithin(root));
    assignments.push(...facts.propertyAssignmentsWithin(root));
  }
  return { thisAliases, assignments, calls, destructurings };
}

/**
 * `x.name` inside the roots where `x` is `this` or an identifier: the candidates for the
 * instance's accesses of field `name` (the file's identifiers spelled `name`, each the
 * name of such an access). Such accesses never nest, so position order is a walk's order.
 */
export function accessCandidates(facts: Facts, roots: readonly ts.Node[], name: string): ts.PropertyAccessExpression[] {
  const result: ts.PropertyAccessExpression[] = [];
  for (const root of roots) {
    if (name.startsWith("#")) {
      // `this.#x`: private names are not identifiers, so the index does not hold them.
      walk(root, (node) => {
        if (ts.isPropertyAccessExpression(node) && ts.isPrivateIdentifier(node.name) && node.name.text === name
          && (node.expression.kind === ts.SyntaxKind.ThisKeyword || ts.isIdentifier(node.expression))) result.push(node);
      });
      continue;
    }
    for (const id of facts.identifiersWithin(name, root)) {
      const access = id.parent;
      if (!ts.isPropertyAccessExpression(access) || access.name !== id) continue;
      if (access.expression.kind === ts.SyntaxKind.ThisKeyword || ts.isIdentifier(access.expression)) result.push(access);
    }
  }
  return result;
}
