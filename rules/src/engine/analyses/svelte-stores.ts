// Svelte store subscriptions made by hand in a component. `store.subscribe(run)` returns the
// unsubscribe function; the store keeps `run` — and through it the component's state — until
// that function is called. A store the component creates (`writable(…)` in its script) dies
// with it; a store from the parent (`getContext(…)`, or a `getX()` accessor of it) or from
// another module lives on, so a dropped unsubscribe keeps every destroyed instance
// subscribed, and a `$:` block that subscribes again on each re-run without unsubscribing
// the previous subscription piles them up. (`$store` auto-subscriptions are Svelte's to release.)
import ts from "typescript";
import { calleeReceiver, isInside, skipParens } from "../core/ast";
import type { Facts } from "../core/facts";
import { outerReference } from "./ownership";
import { isRootComponentFile } from "./repetition";
import { scopeTeardownAt } from "./scope-teardown";

export interface StoreSubscription {
  /** dropped: the unsubscribe function is thrown away; resubscribed: a `$:` block overwrites the live one. */
  kind: "dropped" | "resubscribed";
  /** The store as written (`ctx.tableRows`). */
  store: string;
  /** Why the store outlives the component, for messages. */
  origin: string;
  /** For "resubscribed": the variable that holds the unsubscribe function. */
  name?: string;
}

/** Accessors of a store that already exists (`getModalStore()`, `getToastStore()`), not factories. */
const STORE_ACCESSOR = /^get[A-Z]/;

/** The leak of a store subscription at `call`, in a Svelte component's instance script; undefined when there is none to tell. */
export function svelteStoreSubscription(facts: Facts, call: ts.CallExpression): StoreSubscription | undefined {
  if (!facts.sourceFile.fileName.endsWith(".svelte") || call.arguments.length === 0) return undefined;
  if (isRootComponentFile(facts.sourceFile)) return undefined; // the root layout is mounted once per page load

  const receiver = calleeReceiver(call);
  if (!receiver || scopeTeardownAt(facts, call)?.kind !== "component") return undefined;
  const origin = outlivingStore(facts, receiver);
  if (!origin) return undefined;
  const store = receiver.getText(facts.sourceFile);
  const handle = outerReference(call);
  const parent = handle.parent;
  if (ts.isExpressionStatement(parent)) return { kind: "dropped", store, origin };
  if (!ts.isBinaryExpression(parent) || parent.right !== handle || parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isIdentifier(parent.left)) return undefined;
  const block = reactiveBlock(parent);
  if (!block || unsubscribesBefore(block, parent.left.text, parent)) return undefined;
  return { kind: "resubscribed", store, origin, name: parent.left.text };
}

/** Why the store the receiver denotes outlives the component, or undefined when it may be the component's own. */
function outlivingStore(facts: Facts, receiver: ts.Expression): string | undefined {
  let root = skipParens(receiver);
  while (ts.isPropertyAccessExpression(root) || ts.isNonNullExpression(root) || ts.isElementAccessExpression(root)) root = skipParens(root.expression);
  if (!ts.isIdentifier(root)) return undefined;
  const decl = facts.symbolAt(root)?.declarations?.[0];
  if (!decl) return undefined;
  if (ts.isImportSpecifier(decl) || ts.isImportClause(decl) || ts.isNamespaceImport(decl)) {
    return `\`${root.text}\` is imported from another module and lives as long as the app`;
  }
  if (!ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
  const source = accessorCall(decl.initializer);
  if (!source || !ts.isIdentifier(source.expression)) return undefined;
  const name = source.expression.text;
  const calleeDecl = facts.symbolAt(source.expression)?.declarations?.[0];
  const imported = calleeDecl !== undefined && (ts.isImportSpecifier(calleeDecl) || ts.isImportClause(calleeDecl));
  if (name === "getContext" && imported) return `\`${root.text}\` comes from \`getContext()\`: the parent's, and it outlives this component`;
  if (STORE_ACCESSOR.test(name) && imported) return `\`${root.text}\` comes from \`${name}()\` (another module's accessor of a store that already exists), which outlives this component`;
  return undefined;
}

/** `getContext("k")`, `getContext("k") ?? {}`, `getContext("k") || {}`: the call that produces the value. */
function accessorCall(init: ts.Expression): ts.CallExpression | undefined {
  const value = skipParens(init);
  if (ts.isCallExpression(value)) return value;
  if (ts.isBinaryExpression(value) && (value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || value.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    const left = skipParens(value.left);
    return ts.isCallExpression(left) ? left : undefined;
  }
  return undefined;
}

/** The `$: …` statement that holds `node` (it re-runs whenever what it reads changes). */
export function reactiveBlock(node: ts.Node): ts.LabeledStatement | undefined {
  for (let current: ts.Node | undefined = node.parent; current && !ts.isSourceFile(current); current = current.parent) {
    if (ts.isFunctionLike(current)) return undefined;
    if (ts.isLabeledStatement(current) && current.label.text === "$") return current;
  }
  return undefined;
}

/** `unsubscribe?.()` / `unsubscribe()` / `if (unsubscribe) unsubscribe()` in the block before the assignment. */
function unsubscribesBefore(block: ts.LabeledStatement, name: string, assignment: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || node.getStart() >= assignment.getStart()) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(skipParens(node.expression)) && (skipParens(node.expression) as ts.Identifier).text === name && isInside(node, block)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(block);
  return found;
}
