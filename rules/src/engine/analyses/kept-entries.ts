// Entries an object keeps after what they stand for is gone. Two shapes that the
// growth rules' own-collection checks do not see, because the collection is not a
// plain field the object initialises:
//
// - closed entries: a long-lived object adds something that closes on its own (a
//   listener, socket, stream, child process) to one of its collections — directly
//   (`this.sockets.add(socket)`) or to a list inside one (`let list = this.byKey.get(key)`
//   … `list.push(listener)`) —, watches that very entry's `close` / `end` / `exit` event
//   in the same function, and nothing outside its teardown ever removes an entry: every
//   closed entry stays until the owner itself goes;
// - self-registration: a UI component (or an object with a UI teardown such as
//   `ngOnDestroy`) adds itself to a collection of another object it was handed
//   (`this.select.cachedOptions.push(this)`, `this.$parent.items.push(this)`) and neither
//   removes itself nor mentions that collection on its teardown path: every destroyed
//   component stays reachable from the longer-lived one.
import ts from "typescript";
import { type FunctionNode, calleeMemberName, enclosingFunction, isFunctionNode, isInside, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { classifyCollectionUse, collectionKindOf } from "./collections";
import { type InstanceOwner, type OwnersAnalysis } from "./owners";
import { isLongLivedOwner, isUiTeardown, ownedGrowthRepetition } from "./owned-collections";

export interface KeptEntry {
  shape: "closed" | "self";
  /** The growing call: `list.push(listener)`, `this.select.cachedOptions.push(this)`. */
  call: ts.CallExpression;
  /** The collection's field (`listeners`) or property (`cachedOptions`). */
  name: string;
  /** The entry's closing event (`close`) for closed entries. */
  event?: string;
  /** Why the growth repeats (closed entries) or the method that registers (self). */
  when: string;
}

const GROW_CALLS = new Set(["push", "add", "set", "unshift"]);
const SUBSCRIBE_CALLS = new Set(["on", "once", "addListener", "addEventListener", "prependListener", "prependOnceListener"]);
/** Events by which an entry says it is finished. */
const CLOSING_EVENTS = new Set(["close", "closed", "end", "exit", "disconnect", "disconnected"]);
const LOOKUP_CALLS = new Set(["indexOf", "lastIndexOf", "includes", "has", "get", "findIndex", "find"]);
const REMOVING_CALLS = new Set(["splice", "delete", "pop", "shift", "clear", "filter", "remove"]);

/** The kept entries of `owner`, of both shapes. */
export function keptEntries(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner): KeptEntry[] {
  return owners.remember(owner, "kept-entries", () => {
    const calls = growingCalls(owners, owner);
    if (calls.length === 0) return [];
    const self = selfRegistrations(facts, owners, owner, calls);
    const closed = calls.some((c) => !isSelf(owners, owner, c)) && isLongLivedOwner(facts, owners, owner) ? closedEntries(facts, owners, owner, calls) : [];
    return [...self, ...closed];
  });
}

function growingCalls(owners: OwnersAnalysis, owner: InstanceOwner): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  for (const root of owners.rootsOf(owner)) {
    walk(root, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && GROW_CALLS.has(node.expression.name.text)
        && entryArgument(node) !== undefined) found.push(node);
    });
  }
  return found;
}

/** The value a growing call stores: the pushed / added value, or a `set`'s second argument. */
function entryArgument(call: ts.CallExpression): ts.Expression | undefined {
  const name = calleeMemberName(call);
  return name === "set" ? (call.arguments.length === 2 ? call.arguments[1] : undefined) : call.arguments.length === 1 ? call.arguments[0] : undefined;
}

function isSelf(owners: OwnersAnalysis, owner: InstanceOwner, call: ts.CallExpression): boolean {
  const entry = entryArgument(call);
  return entry !== undefined && owners.isInstanceReference(owner, entry);
}

function selfRegistrations(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner, calls: ts.CallExpression[]): KeptEntry[] {
  if (owner.kind !== "component" && !(owner.teardown && isUiTeardown(owner.teardown.name))) return [];
  const result: KeptEntry[] = [];
  for (const call of calls) {
    if (!isSelf(owners, owner, call)) continue;
    const target = (call.expression as ts.PropertyAccessExpression).expression;
    // `this.select.cachedOptions`: a property of another object, not one of the instance's own fields.
    if (!ts.isPropertyAccessExpression(target) || owners.isInstanceReference(owner, target.expression)) continue;
    const holder = target.expression;
    if (!ts.isPropertyAccessExpression(holder) && !ts.isIdentifier(holder)) continue;
    if (onTeardown(owners, owner, call) || handsItselfAwayOnTeardown(facts, owners, owner)) continue;
    const name = target.name.text;
    if (removedOrTornDown(owners, owner, name)) continue;
    const method = owners.methodAt(owner, call);
    result.push({ shape: "self", call, name, when: method ? method.name : "setup" });
  }
  return result;
}

/** The teardown hands the instance to a call that may unregister it: `this.parent.unregister(this)` (a lookup such as `indexOf(this)` does not). */
function handsItselfAwayOnTeardown(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner): boolean {
  for (const fn of owners.teardownFunctions(owner)) {
    for (const call of facts.callsWithin(fn)) {
      if (LOOKUP_CALLS.has(calleeMemberName(call) ?? "")) continue;
      if (call.arguments.some((arg) => owners.isInstanceReference(owner, arg))) return true;
    }
  }
  return false;
}

/** Some `x.name` in the owner is shrunk, bounded or handed away, or is mentioned on the teardown path. */
function removedOrTornDown(owners: OwnersAnalysis, owner: InstanceOwner, name: string): boolean {
  let found = false;
  for (const root of owners.rootsOf(owner)) {
    walk(root, (node) => {
      if (found) return false;
      if (ts.isPropertyAccessExpression(node) && node.name.text === name) {
        const use = classifyCollectionUse(node);
        if (use.kind === "shrink" || use.kind === "bound" || use.kind === "escape" || onTeardown(owners, owner, node)) found = true;
      }
      return undefined;
    });
  }
  return found;
}

function closedEntries(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner, calls: ts.CallExpression[]): KeptEntry[] {
  const result: KeptEntry[] = [];
  for (const call of calls) {
    const entry = entryArgument(call);
    const fn = enclosingFunction(call);
    if (!entry || !ts.isIdentifier(entry) || !fn) continue;
    const collection = fieldCollection(facts, owners, owner, (call.expression as ts.PropertyAccessExpression).expression);
    if (!collection) continue;
    const event = closingEvent(facts, entry, fn);
    if (!event) continue;
    if (onTeardown(owners, owner, call) || owners.teardownIsOpaque(owner)) continue;
    if (removedOutsideTeardown(facts, owners, owner, collection.name, collection.nested)) continue;
    const when = ownedGrowthRepetition(owners, owner, call);
    if (when) result.push({ shape: "closed", call, name: collection.name, event, when });
  }
  return result;
}

/** Inside the teardown or a method it calls (not "anywhere" when the teardown is opaque: the shapes here say what that code would have to do). */
function onTeardown(owners: OwnersAnalysis, owner: InstanceOwner, node: ts.Node): boolean {
  for (const fn of owners.teardownFunctions(owner)) if (isInside(node, fn)) return true;
  return false;
}

/** `this.f` (the field itself), or a list inside it: `this.f.get(k)`, `this.f[k]`, or a local initialised from one. */
function fieldCollection(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner, expr: ts.Expression): { name: string; nested: boolean } | undefined {
  const direct = owners.fieldOf(owner, expr);
  if (direct) return { name: direct, nested: false };
  const inner = innerOf(owners, owner, expr);
  if (inner) return { name: inner, nested: true };
  if (!ts.isIdentifier(expr)) return undefined;
  const decl = facts.symbolAt(expr)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || enclosingFunction(decl) !== enclosingFunction(expr)) return undefined;
  const name = innerOf(owners, owner, withoutFallback(decl.initializer));
  return name ? { name, nested: true } : undefined;
}

/** `this.f.get(k)` / `this.f[k]` → "f". */
function innerOf(owners: OwnersAnalysis, owner: InstanceOwner, expr: ts.Expression): string | undefined {
  if (ts.isElementAccessExpression(expr)) return owners.fieldOf(owner, expr.expression);
  if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && expr.expression.name.text === "get" && expr.arguments.length === 1) {
    return owners.fieldOf(owner, expr.expression.expression);
  }
  return undefined;
}

function withoutFallback(expr: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
  if (ts.isBinaryExpression(expr) && (expr.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || expr.operatorToken.kind === ts.SyntaxKind.BarBarToken)) return expr.left;
  return expr;
}

/** `entry.on("close", () => …)` (or `end`, `exit` …) in `fn`, with a handler written there: the entry closes on its own. */
function closingEvent(facts: Facts, entry: ts.Identifier, fn: FunctionNode): string | undefined {
  const symbol = facts.symbolAt(entry);
  let event: string | undefined;
  walk(fn, (node) => {
    if (event) return false;
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || !SUBSCRIBE_CALLS.has(node.expression.name.text)) return undefined;
    const receiver = node.expression.expression;
    const [name, handler] = node.arguments;
    if (ts.isIdentifier(receiver) && symbol && facts.symbolAt(receiver) === symbol && name && ts.isStringLiteralLike(name) && CLOSING_EVENTS.has(name.text)
      && handler && isFunctionNode(handler)) event = name.text;
    return undefined;
  });
  return event;
}

/**
 * Whether the owner removes entries anywhere but its teardown: a shrink, bound or
 * hand-off of the field, of a list inside it (`this.f.get(k).splice(…)`) or of a local
 * holding such a list. For a nested list, deleting the outer key (`this.f.delete(k)`)
 * drops the whole group at once, not the closed entry, and does not count.
 */
function removedOutsideTeardown(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner, name: string, nested: boolean): boolean {
  for (const ref of owners.fieldReferences(owner, name)) {
    if (onTeardown(owners, owner, ref)) continue;
    const use = classifyCollectionUse(ref);
    if (use.via === "reassignment" && owners.methodAt(owner, ref)?.name === "constructor") continue; // the field's initialisation
    if (use.kind === "shrink" || use.kind === "bound" || use.kind === "escape") {
      if (nested && (use.via === "delete" || use.via === "reassignment")) continue;
      return true;
    }
    if (!nested) continue;
    // The list inside: `this.f.get(k)` / `this.f[k]`, used at once or through a local.
    const inner = ts.isCallExpression(ref.parent.parent) && calleeMemberName(ref.parent.parent) === "get" ? ref.parent.parent
      : ts.isElementAccessExpression(ref.parent) && ref.parent.expression === ref ? ref.parent : undefined;
    if (!inner) continue;
    if (removesList(inner as ts.Expression)) return true;
    let holder: ts.Node = inner;
    while (ts.isParenthesizedExpression(holder.parent) || (ts.isBinaryExpression(holder.parent) && holder.parent.left === holder
      && (holder.parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || holder.parent.operatorToken.kind === ts.SyntaxKind.BarBarToken))) holder = holder.parent;
    const decl = holder.parent;
    if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) {
      for (const alias of facts.referencesTo(decl.name)) {
        if (alias === decl.name || onTeardown(owners, owner, alias)) continue;
        const parent = alias.parent;
        // `list = []` when the entry is missing: the local's own initialisation.
        if (ts.isBinaryExpression(parent) && parent.left === alias && collectionKindOf(parent.right)) continue;
        if (removesList(alias)) return true;
      }
    }
  }
  return false;
}

/** `list.splice(…)` (or `delete`, `pop`, `filter` …), `list.length = 0`, `list` handed to a call (but for storing it: `this.f.set(k, list)`). */
function removesList(list: ts.Expression): boolean {
  const parent = list.parent;
  if (ts.isCallExpression(parent) && parent.arguments.includes(list)) return !GROW_CALLS.has(calleeMemberName(parent) ?? "");
  if (!ts.isPropertyAccessExpression(parent) || parent.expression !== list) return false;
  if (REMOVING_CALLS.has(parent.name.text)) return true;
  return parent.name.text === "length" && ts.isBinaryExpression(parent.parent) && parent.parent.left === parent;
}
