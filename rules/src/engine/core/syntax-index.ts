// The syntax index: what the linter's one walk of a file collects for `facts`, so that
// analyses look nodes up instead of walking the file (or a class, or a function) again —
// identifiers by text; the classes, functions and variable declarations owners start
// from; every call; every `a.b = value`; every store to something other than a name or a
// property (`x[k] = v`). Lists are in pre-order, which is also position
// order, so the nodes inside any node are one slice, found by binary search (a node's
// descendants are exactly the nodes whose range lies inside its range: ranges nest).
import ts from "typescript";

/** Identifiers by text, each list in position order. */
export type IdentifierIndex = Map<string, ts.Identifier[]>;

/** `a.b = value` (the left side a property access). */
export type PropertyAssignment = ts.BinaryExpression & { left: ts.PropertyAccessExpression };

export interface SyntaxIndex {
  readonly identifiers: IdentifierIndex;
  /** Classes, functions other than methods, variable declarations. */
  readonly declarations: ts.Node[];
  readonly calls: ts.CallExpression[];
  readonly propertyAssignments: PropertyAssignment[];
  /** `=`, `??=`, `||=`, `&&=` to neither a name nor a property: `x[k] = v`, `(x[k]) = v`, `[a, b] = pair`. */
  readonly computedStores: ts.BinaryExpression[];
}

export function emptySyntaxIndex(): SyntaxIndex {
  return { identifiers: new Map(), declarations: [], calls: [], propertyAssignments: [], computedStores: [] };
}

const DECLARATION = 1;
const CALL = 2;
const BINARY = 3;
/** What the index does with each kind, as a table (a switch over many kinds costs more in a walk of every node). */
const SLOTS = new Uint8Array(ts.SyntaxKind.Count);
for (const kind of [
  ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.ClassExpression, ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor, ts.SyntaxKind.VariableDeclaration,
]) SLOTS[kind] = DECLARATION;
SLOTS[ts.SyntaxKind.CallExpression] = CALL;
SLOTS[ts.SyntaxKind.BinaryExpression] = BINARY;

/**
 * Adds `node` (of kind `kind`) to the index; call it in pre-order. The walk passes the
 * kind it has already read: nodes come in many shapes, and each read of `kind` costs.
 */
export function indexNode(index: SyntaxIndex, node: ts.Node, kind: ts.SyntaxKind): void {
  if (kind === ts.SyntaxKind.Identifier) {
    const text = (node as ts.Identifier).text;
    const list = index.identifiers.get(text);
    if (list) list.push(node as ts.Identifier);
    else index.identifiers.set(text, [node as ts.Identifier]);
    return;
  }
  switch (SLOTS[kind]) {
    case DECLARATION:
      index.declarations.push(node);
      return;
    case CALL:
      index.calls.push(node as ts.CallExpression);
      return;
    case BINARY: {
      const binary = node as ts.BinaryExpression;
      const operator = binary.operatorToken.kind;
      if (operator !== ts.SyntaxKind.EqualsToken && operator !== ts.SyntaxKind.QuestionQuestionEqualsToken
        && operator !== ts.SyntaxKind.BarBarEqualsToken && operator !== ts.SyntaxKind.AmpersandAmpersandEqualsToken) return;
      const target = binary.left.kind;
      if (target === ts.SyntaxKind.PropertyAccessExpression) {
        if (operator === ts.SyntaxKind.EqualsToken) index.propertyAssignments.push(binary as PropertyAssignment);
      } else if (target !== ts.SyntaxKind.Identifier) {
        index.computedStores.push(binary);
      }
    }
  }
}

/** The nodes of a pre-order list that lie inside `node` (or are `node`). */
export function nodesWithin<T extends ts.Node>(list: readonly T[], node: ts.Node): T[] {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle].pos < node.pos) low = middle + 1;
    else high = middle;
  }
  // Ancestors that start where `node` does come first in pre-order: they are not inside it.
  while (low < list.length && list[low].pos === node.pos && list[low].end > node.end) low++;
  let last = low;
  while (last < list.length && list[last].end <= node.end) last++;
  return list.slice(low, last);
}
