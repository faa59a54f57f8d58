// Scope teardowns: the owners that are not instances — a React effect, a Vue composable, the
// setup of a single-file component (Vue `<script setup>`, a Svelte instance script) — and where
// they release what they hold: the effect's returned cleanups, the dispose hooks
// (`onScopeDispose`, `onUnmounted`, Svelte's `onDestroy`, the function an `onMount` callback
// returns). Rules ask whether a release runs on that path, not merely somewhere: a removal in a
// drag-end handler or in a watcher's other branch does not run when the component goes first.
import ts from "typescript";
import { type FunctionNode, calleeMemberName, enclosingFunction, functionName, isFunctionNode, isInside, propertyNameText, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { lifetimes, returnedFunction } from "./lifetime";
import { isComponentSetup as isOptionsSetup } from "./owner-components";

/** Vue (and VueUse) hooks whose callback runs when the component or effect scope goes away. */
export const SCOPE_DISPOSE_HOOKS = ["onScopeDispose", "tryOnScopeDispose", "onUnmounted", "onBeforeUnmount", "tryOnUnmounted", "tryOnBeforeUnmount"];
/** Component-only teardown hooks: Svelte's `onDestroy`. */
const COMPONENT_DISPOSE_HOOKS = ["onDestroy"];
/** A watcher's cleanup registration (`watch(src, (v, old, onCleanup) => …)`): it also runs when the scope stops the watcher. */
const WATCHER_CLEANUP_HOOKS = ["onCleanup", "onInvalidate", "onWatcherCleanup"];
/** Svelte: the function an `onMount` callback returns runs on destroy. */
const MOUNT_CLEANUP_HOOKS = ["onMount"];

/** Where a hook-like owner (an effect, a composable, a component's setup) releases what it holds. */
export interface ScopeTeardown {
  kind: "effect" | "composable" | "component";
  /** The effect callback, the composable function, or the component's setup. */
  scope: FunctionNode;
  /** Cleanup functions: the effect's returned functions, the dispose hooks' callbacks. */
  cleanups: FunctionNode[];
}

/**
 * The hook-like owner of code at `node` when it is not an instance: the React effect
 * that holds it (its returned cleanups), a Vue composable (an exported function in a
 * file that imports Vue) with its dispose hooks, or a single-file component's setup
 * (the wrapper the component view puts around `<script setup>` and Svelte instance
 * scripts) with its dispose hooks — `cleanups` empty when it has none.
 */
export function scopeTeardownAt(facts: Facts, node: ts.Node): ScopeTeardown | undefined {
  const lifetime = facts.analysis(lifetimes);
  let outermost: FunctionNode | undefined;
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (lifetime.roleOf(fn) === "react-effect" || isStoreStart(facts, fn)) return { kind: "effect", scope: fn, cleanups: returnedFunctions(facts, fn) };
    outermost = fn;
  }
  if (!outermost) return undefined;
  // A per-instance script block's wrapper, or the `setup()` of `defineComponent({…})` / `genericComponent()({…})`.
  if (isComponentSetup(facts.sourceFile, outermost) || (importsVue(facts.sourceFile) && isOptionsSetup(outermost))) {
    const hooks = [...SCOPE_DISPOSE_HOOKS, ...COMPONENT_DISPOSE_HOOKS, ...WATCHER_CLEANUP_HOOKS];
    return { kind: "component", scope: outermost, cleanups: [...disposeHookCallbacks(facts, outermost, hooks), ...mountCleanups(facts, outermost)] };
  }
  if (!importsVue(facts.sourceFile) || !isExportedFunction(outermost) || !isComposable(facts, outermost)) return undefined;
  const hooks = [...SCOPE_DISPOSE_HOOKS, ...WATCHER_CLEANUP_HOOKS];
  return { kind: "composable", scope: outermost, cleanups: [...disposeHookCallbacks(facts, outermost, hooks), ...mountCleanups(facts, outermost)] };
}

/** Whether `node` runs when the scope is torn down: inside a cleanup, or in a local function a cleanup calls (directly or through others). */
export function isOnScopeTeardown(facts: Facts, scope: ScopeTeardown, node: ts.Node): boolean {
  const seen = new Set<FunctionNode>();
  const reaches = (fn: FunctionNode): boolean => {
    if (seen.has(fn)) return false;
    seen.add(fn);
    return isInside(node, fn) || calledFunctions(facts, fn).some(reaches);
  };
  return scope.cleanups.some(reaches);
}

/**
 * The start function of a Svelte store (`readable(value, start)`, `writable(value, start)`): like an effect, the
 * function it returns is its cleanup — Svelte calls it when the store's last subscriber unsubscribes.
 */
function isStoreStart(facts: Facts, fn: FunctionNode): boolean {
  const call = fn.parent;
  if (!ts.isCallExpression(call) || call.arguments[1] !== fn) return false;
  const name = facts.calleeName(call);
  return name === "svelte/store:readable" || name === "svelte/store:writable";
}

/** How the teardown reads in a message: "the effect cleanup", "the scope's dispose hook" … */
export function scopeTeardownText(scope: ScopeTeardown): string {
  if (scope.kind === "effect") return scope.cleanups.length > 0 ? "the effect cleanup" : "the effect (it returns no cleanup)";
  if (scope.kind === "component") return scope.cleanups.length > 0 ? "the component's unmount hook" : "an unmount hook (the component has none)";
  return scope.cleanups.length > 0 ? "the scope's dispose hook" : "a `tryOnScopeDispose` hook (the composable has none)";
}

/**
 * `;({ async setup() { … } })` at the top of a component view: the wrapper `hosting/sfc.ts`
 * puts around a per-instance script block. Only a file parsed from a component view has it.
 */
function isComponentSetup(sourceFile: ts.SourceFile, fn: FunctionNode): boolean {
  if (!(sourceFile as { leaklintComponent?: unknown }).leaklintComponent) return false;
  if (!ts.isMethodDeclaration(fn) || propertyNameText(fn.name) !== "setup" || !ts.isObjectLiteralExpression(fn.parent)) return false;
  const wrapper = fn.parent.parent;
  return ts.isParenthesizedExpression(wrapper) && ts.isExpressionStatement(wrapper.parent) && ts.isSourceFile(wrapper.parent.parent);
}

/** The local functions `fn` calls by name (`stop()`), outside nested functions' own declarations. */
function calledFunctions(facts: Facts, fn: FunctionNode): FunctionNode[] {
  const result: FunctionNode[] = [];
  walk(fn, (n) => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
      const called = functionValue(facts, n.expression);
      if (called) result.push(called);
    }
    return undefined;
  });
  return result;
}

/** Every `return () => …` of an effect body, nested conditions included, not those of inner functions. */
function returnedFunctions(facts: Facts, effect: FunctionNode): FunctionNode[] {
  const result: FunctionNode[] = [];
  if (!effect.body || !ts.isBlock(effect.body)) return result;
  walk(effect.body, (node) => {
    if (isFunctionNode(node)) return false;
    if (ts.isReturnStatement(node) && node.expression) {
      const fn = functionValue(facts, node.expression);
      if (fn) result.push(fn);
    }
    return undefined;
  });
  return result;
}

/** The dispose hooks' callbacks in a scope: `tryOnScopeDispose(() => …)`, `onUnmounted(close)`, `onDestroy(stop)`. */
function disposeHookCallbacks(facts: Facts, scope: FunctionNode, hooks: readonly string[]): FunctionNode[] {
  const result: FunctionNode[] = [];
  walk(scope, (node) => {
    if (!ts.isCallExpression(node) || !hooks.includes(calleeMemberName(node) ?? "")) return;
    const fn = node.arguments[0] && functionValue(facts, node.arguments[0]);
    if (fn) result.push(fn);
  });
  return result;
}

/** `onMount(() => { …; return () => cleanup() })`: the returned functions. */
function mountCleanups(facts: Facts, scope: FunctionNode): FunctionNode[] {
  const result: FunctionNode[] = [];
  walk(scope, (node) => {
    if (!ts.isCallExpression(node) || !MOUNT_CLEANUP_HOOKS.includes(calleeMemberName(node) ?? "")) return;
    const callback = node.arguments[0] && functionValue(facts, node.arguments[0]);
    const cleanup = callback && returnedFunction(callback);
    if (cleanup) result.push(cleanup);
  });
  return result;
}

export function functionValue(facts: Facts, expr: ts.Expression): FunctionNode | undefined {
  if (isFunctionNode(expr)) return expr;
  if (!ts.isIdentifier(expr)) return undefined;
  const decl = facts.symbolAt(expr)?.valueDeclaration;
  const value = decl && ts.isVariableDeclaration(decl) ? decl.initializer : decl;
  return value && isFunctionNode(value) ? value : undefined;
}

/** A name for a function in messages: its own, or the variable it is assigned to. */
export function scopeFunctionName(fn: FunctionNode): string | undefined {
  return functionName(fn) ?? (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name.text : undefined);
}

function importsVue(sourceFile: ts.SourceFile): boolean {
  return /from\s+["'](vue|vue-demi|@vue\/[\w-]+|@vueuse\/[\w-]+)["']/.test(sourceFile.text);
}

/** Vue APIs a composable calls in its own body: reactive state, watchers, lifecycle and scope hooks, injection. */
const COMPOSITION_APIS = new Set([
  "ref", "shallowRef", "reactive", "shallowReactive", "computed", "watch", "watchEffect", "toRef", "toRefs", "customRef", "provide", "inject",
  "onMounted", "onBeforeMount", "onUnmounted", "onBeforeUnmount", "onActivated", "onDeactivated", "onScopeDispose", "effectScope", "getCurrentInstance",
]);

/**
 * A composable: named `useX` (Vue's convention), or one that calls the Composition API itself. An exported
 * helper of a Vue file that does neither (`debounce(fn, ms)`) is a plain utility, with no scope to be torn down.
 */
function isComposable(facts: Facts, fn: FunctionNode): boolean {
  if (/^use[A-Z0-9]/.test(functionName(fn) ?? "")) return true;
  return facts.callsWithin(fn).some((call) => enclosingFunction(call) === fn && ts.isIdentifier(call.expression) && COMPOSITION_APIS.has(call.expression.text));
}

function isExportedFunction(fn: FunctionNode): boolean {
  const holder = ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
  return ts.canHaveModifiers(holder) && (ts.getModifiers(holder)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}
