// Disposables: values that must be released by a method call on them — RxJS
// `Subscription.unsubscribe()`, VS Code `Disposable.dispose()`, DOM observers'
// `disconnect()` — and the fixes that keep such a value where the owner's teardown
// can reach it: a `this.` field released in the teardown method, a `const` released
// in an effect cleanup / request close / `context.subscriptions`.
import ts from "typescript";
import { containingStatement, enclosingFunction, indentationAt } from "./ast";
import type { Facts } from "./facts";
import type { Owner } from "./lifetime";
import { classifyReference } from "./ownership";
import { isNameTakenAt, isOwnerScope } from "./hoist";
import { freshName, releaseInTeardown } from "./teardown-fixes";
import type { Fix, TextEdit } from "./types";

export interface StoreAndRelease {
  /** Base name for the new field or const: "subscription", "observer" … */
  base: string;
  /** The release statement for a reference: `x` → `x.unsubscribe()`. */
  release: (ref: string, optional: boolean) => string;
  /** The structural type of the new field in TypeScript: `{ unsubscribe(): void }`. */
  fieldType: string;
  /** What the fix description calls the value. */
  what: string;
}

/** True when some reference releases the value with one of `methods` or hands it on (returned, passed, stored elsewhere). */
export function isReleasedOrHandedOff(refs: readonly ts.Expression[], methods: readonly string[]): boolean {
  return refs.some((ref) => classifyReference(ref, { releaseMethods: methods }) !== "use");
}

/**
 * Fixes for a value whose handle is dropped (`value` is the full expression statement's
 * expression): store it in a field or const and release it in the owner's teardown.
 * Safe when the teardown exists already.
 */
export function storeAndReleaseFixes(
  facts: Facts, value: ts.Expression, owner: Owner, spec: StoreAndRelease, continuation?: (ref: string) => TextEdit[],
): Fix[] {
  const sourceFile = facts.sourceFile;
  const valueText = value.getText(sourceFile);
  if (owner.kind === "class") {
    const classNode = owner.classNode;
    const field = freshName(sourceFile, spec.base, (n) => classNode.members.some((m) => m.name?.getText(sourceFile) === n));
    const teardown = releaseInTeardown(owner, sourceFile, value, spec.release(`this.${field}`, true));
    if (!teardown) return [];
    const open = classNode.members.pos;
    const first = classNode.members[0];
    const indent = first ? indentationAt(sourceFile.text, first.getStart(sourceFile)) : "  ";
    const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
    const edits: TextEdit[] = [
      { start: open, end: open, newText: `\n${indent}${typed ? `private ${field}?: ${spec.fieldType};` : `${field};`}` },
      { start: value.getStart(sourceFile), end: value.getEnd(), newText: `this.${field} = ${valueText}` },
      ...teardown.edits,
      ...(continuation?.(`this.${field}`) ?? []),
    ];
    return [{ description: `Store the ${spec.what} in this.${field} and release it in ${teardown.where}`, safe: !teardown.created, edits }];
  }
  const statement = containingStatement(value);
  if (!enclosingFunction(value) || owner.kind === "module" || !statement || !isOwnerScope(owner, statement)) return [];
  const name = freshName(sourceFile, spec.base, (n) => isNameTakenAt(facts, value, n));
  const teardown = releaseInTeardown(owner, sourceFile, value, spec.release(name, false));
  if (!teardown) return [];
  const edits: TextEdit[] = [{ start: value.getStart(sourceFile), end: value.getStart(sourceFile), newText: `const ${name} = ` }, ...teardown.edits,
    ...(continuation?.(name) ?? [])];
  return [{ description: `Store the ${spec.what} and release it in ${teardown.where}`, safe: !teardown.created, edits }];
}

/** Fixes for a stored value nobody releases: release it in the owner's teardown. */
export function releaseStoredFixes(facts: Facts, anchor: ts.Node, owner: Owner, stored: { name: string; member?: string }, spec: StoreAndRelease): Fix[] {
  const statement = containingStatement(anchor);
  if (stored.member === undefined && (owner.kind === "class" || !statement || !isOwnerScope(owner, statement))) return [];
  const teardown = releaseInTeardown(owner, facts.sourceFile, anchor, spec.release(stored.name, stored.member !== undefined));
  if (!teardown) return [];
  return [{ description: `Release ${stored.name} in ${teardown.where}`, safe: !teardown.created, edits: teardown.edits }];
}
