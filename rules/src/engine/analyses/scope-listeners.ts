// Listeners of a scope owner removed on another path. A React effect, a Vue composable or a
// component's setup adds a listener to a page-wide or module-level target in one handler or
// branch (drag start, a watcher's active branch) and removes it only in another (drag end, the
// inactive branch). The removal is real, but it runs only if that other path comes first: when
// the component is torn down mid-drag or while open, the listener stays on the target with the
// handler's closure — the component's state — until the page goes. Only the scope's teardown
// path (its cleanups and the local functions they call) releases it on unmount.
import ts from "typescript";
import { type FunctionNode, enclosingFunction, isInside } from "../core/ast";
import type { Facts } from "../core/facts";
import { lifetimes } from "./lifetime";
import type { InstanceOwner, OwnersAnalysis } from "./owners";
import { reactiveBlock } from "./svelte-stores";
import { skipOuterExpressions } from "../core/names";
import type { Registration, Removal } from "./listeners";
import { type ScopeTeardown, isOnScopeTeardown, scopeFunctionName, scopeTeardownAt } from "./scope-teardown";

export interface ScopeRemovalOffTeardown {
  scope: ScopeTeardown;
  /** A removal that matches, on another path. */
  removal: ts.CallExpression;
  /** The functions holding the registration and the removal, for messages ("`onMouseDown()`"). */
  addedIn?: string;
  removedIn?: string;
}

/**
 * The scope owner of `registration` when the registration's own removals (`removals`, those
 * that match) all run off the scope's teardown path. Undefined when the question does not
 * apply: no scope owner, a target that does not outlive the scope, a handler that is not the
 * scope's own closure, or a removal that runs on teardown or that the scope hands out (a
 * returned `stop`, which the caller may run on its own unmount).
 */
export function removedOffScopeTeardown(facts: Facts, registration: Registration, removals: readonly Removal[]): ScopeRemovalOffTeardown | undefined {
  const matching = removals.filter((r) => r.matches);
  if (matching.length === 0) return undefined;
  const scope = scopeTeardownAt(facts, registration.call);
  if (!scope || isOnScopeTeardown(facts, scope, registration.call)) return undefined;
  const lifetime = facts.analysis(lifetimes).targetLifetime(registration.target, registration.call);
  if (lifetime !== "global" && lifetime !== "module" && lifetime !== "static") return undefined;
  if (!isScopeClosure(facts, registration.handler, scope.scope)) return undefined;
  for (const removal of matching) {
    // A removal outside the scope (another function of the file) may run on any path we cannot follow.
    if (!isInside(removal.call, scope.scope) || isOnScopeTeardown(facts, scope, removal.call) || isHandedOut(facts, scope.scope, removal.call)) return undefined;
  }
  const removal = matching[0].call;
  return { scope, removal, addedIn: nameOfHolder(registration.call, scope.scope), removedIn: nameOfHolder(removal, scope.scope) };
}

export interface ComponentRemovalOffTeardown {
  owner: InstanceOwner;
  removal: ts.CallExpression;
  addedIn: string;
  removedIn?: string;
}

/**
 * The same question for a Vue options-API component without a teardown hook: the framework
 * still destroys it, so a listener its watcher or method adds to a page-wide or module-level
 * target and removes only in another method or branch (`isFocused(val) { if (val) add … else
 * remove … }`) stays on the target when the component is destroyed on the adding path.
 * Undefined when the component has a teardown hook (the owner questions ask that case), or a
 * removal runs outside the component's own methods.
 */
export function removedOffComponentTeardown(facts: Facts, own: OwnersAnalysis, registration: Registration, removals: readonly Removal[]): ComponentRemovalOffTeardown | undefined {
  const matching = removals.filter((r) => r.matches);
  if (matching.length === 0) return undefined;
  const owner = own.instanceAt(registration.call);
  if (owner?.kind !== "component" || own.teardownFunctions(owner).size > 0) return undefined;
  const added = own.methodAt(owner, registration.call);
  if (!added) return undefined;
  const lifetime = facts.analysis(lifetimes).targetLifetime(registration.target, registration.call);
  if (lifetime !== "global" && lifetime !== "module" && lifetime !== "static") return undefined;
  const removedIn = new Set<string>();
  for (const removal of matching) {
    const method = own.instanceAt(removal.call) === owner ? own.methodAt(owner, removal.call) : undefined;
    if (!method) return undefined;
    removedIn.add(method.name);
  }
  const [removedName] = removedIn;
  if (removedIn.size === 1 && handlerEndsState(own, owner, registration.handler, removedName)) return undefined;
  return { owner, removal: matching[0].call, addedIn: added.name, removedIn: removedIn.size === 1 && removedName !== added.name ? removedName : undefined };
}

/**
 * `watch: { show(v) { if (v) add(this.close) else remove(this.close) } }, methods: { close() { this.show = false } }`:
 * the handler itself, unconditionally, takes the path that removes it (sets the watched field
 * off, or calls the removing method), so the listener goes at its first event, as `{ once: true }` does.
 */
function handlerEndsState(own: OwnersAnalysis, owner: InstanceOwner, handler: ts.Expression, removedIn: string): boolean {
  const name = own.fieldOf(owner, handler);
  const fn = name !== undefined ? owner.methods.get(name) : undefined;
  if (!fn?.body || !ts.isBlock(fn.body)) return false;
  return fn.body.statements.some((statement) => {
    if (!ts.isExpressionStatement(statement)) return false;
    const expr = skipOuterExpressions(statement.expression);
    if (ts.isCallExpression(expr)) return ts.isPropertyAccessExpression(expr.expression) && own.isInstanceReference(owner, expr.expression.expression) && expr.expression.name.text === removedIn;
    return ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(expr.left)
      && own.fieldOf(owner, expr.left) === removedIn && isFalsyLiteral(expr.right);
  });
}

function isFalsyLiteral(expr: ts.Expression): boolean {
  const value = skipOuterExpressions(expr);
  return value.kind === ts.SyntaxKind.FalseKeyword || value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === "undefined")
    || (ts.isNumericLiteral(value) && value.text === "0") || (ts.isStringLiteralLike(value) && value.text === "");
}

/**
 * `export let target; $: if (target) target.addEventListener("contextmenu", open)` in a Svelte
 * component: the `$:` block runs again whenever the `target` prop changes and adds the listener
 * to the new target, while nothing in the block removes it from the previous one (a cleanup
 * that removes it from `target` reaches only the current one). Every replaced target keeps the
 * handler, and through it the component. Returns the prop's name.
 */
export function reboundOnPropChange(facts: Facts, registration: Registration, removals: readonly Removal[]): string | undefined {
  if (!facts.sourceFile.fileName.endsWith(".svelte")) return undefined;
  const block = reactiveBlock(registration.call);
  const target = skipOuterExpressions(registration.target);
  if (!block || !ts.isIdentifier(target)) return undefined;
  const decl = facts.symbolAt(target)?.valueDeclaration;
  const statement = decl && ts.isVariableDeclaration(decl) ? decl.parent.parent : undefined;
  // `export let target`: a prop (the instance script is linted wrapped as the component's setup).
  const prop = statement !== undefined && ts.isVariableStatement(statement)
    && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true;
  if (!prop || removals.some((r) => isInside(r.call, block))) return undefined;
  return target.text;
}

/** `onMove` declared in the scope (a function or a variable holding one): the handler closes over the scope's state. */
function isScopeClosure(facts: Facts, handler: ts.Expression, scope: FunctionNode): boolean {
  if (!ts.isIdentifier(handler)) return false;
  const decl = facts.symbolAt(handler)?.valueDeclaration;
  return decl !== undefined && isInside(decl, scope) && decl !== scope;
}

/**
 * The function that holds `removal` (or one holding it, up to the scope) leaves the scope:
 * returned (`return { stop }`), exposed (`defineExpose({ close })`), exported from a
 * component (`export function close()`): whoever receives it may call it on their teardown.
 */
function isHandedOut(facts: Facts, scope: FunctionNode, removal: ts.Node): boolean {
  for (let fn = enclosingFunction(removal); fn && fn !== scope; fn = enclosingFunction(fn)) {
    const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
    if (ts.canHaveModifiers(holder) && ts.getModifiers(holder)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return true;
    const name = ts.isFunctionDeclaration(fn) && fn.name ? fn.name : ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name : undefined;
    if (name && facts.referencesTo(name).some((ref) => ref !== name && leavesScope(ref, scope))) return true;
  }
  return false;
}

/** A reference inside the scope's own `return …` or an argument of `defineExpose(…)` / `expose(…)`. */
function leavesScope(ref: ts.Node, scope: FunctionNode): boolean {
  for (let current: ts.Node | undefined = ref.parent; current && current !== scope; current = current.parent) {
    if (ts.isReturnStatement(current)) return enclosingFunction(current) === scope;
    if (ts.isCallExpression(current) && ts.isIdentifier(current.expression) && /^(defineExpose|expose)$/.test(current.expression.text)) return true;
    if (ts.isFunctionLike(current)) return false;
  }
  return false;
}

function nameOfHolder(node: ts.Node, scope: FunctionNode): string | undefined {
  const fn = enclosingFunction(node);
  return fn && fn !== scope ? scopeFunctionName(fn) : undefined;
}
