// Fix builders that put a release into the owner's teardown: the class's teardown
// method (created as `dispose()` when there is none), the React/Svelte effect's
// cleanup (created as `return () => …` when there is none), a Vue unmount hook, or a
// VS Code extension's `context.subscriptions`. Rules for timers, listeners and
// subscriptions share them.
import ts from "typescript";
import { containingStatement, indentUnit, indentationAt } from "../core/ast";
import type { Owner } from "../analyses/lifetime";
import type { Facts } from "../core/facts";
import type { TextEdit } from "../core/types";
import { addStatement, insertAt, insertStatementAfter, insertStatementBefore, quoted, replaceNode, statementText } from "./fixer";

export { namedImportEdits } from "./fixer";

export interface TeardownEdits {
  edits: TextEdit[];
  /** Where the release went, for the fix description: "dispose()", "the effect cleanup" … */
  where: string;
  /** True when a teardown had to be created (nobody calls a new `dispose()` yet). */
  created: boolean;
}

/**
 * Edits that run `releaseExpr` (e.g. `clearInterval(this.timer)`) on the owner's
 * teardown path; `anchor` is the statement that creates the resource.
 */
export function releaseInTeardown(owner: Owner, sourceFile: ts.SourceFile, anchor: ts.Node, releaseExpr: string): TeardownEdits | undefined {
  const text = sourceFile.text;
  const unit = indentUnit(text);
  switch (owner.kind) {
    case "class": {
      const teardown = owner.teardown;
      if (teardown?.body) {
        return { edits: [addStatement(sourceFile, teardown.body, releaseExpr, "start")], where: `${teardown.name.getText(sourceFile)}()`, created: false };
      }
      const close = owner.classNode.end - 1;
      const memberIndent = indentationAt(text, owner.classNode.getStart(sourceFile)) + unit;
      const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
      const method = `\n${memberIndent}dispose()${typed ? ": void" : ""} {\n${memberIndent}${unit}${releaseExpr};\n${memberIndent}}\n`;
      const lineStart = text.lastIndexOf("\n", close - 1) + 1;
      const onlySpaceBefore = text.slice(lineStart, close).trim() === "";
      const at = onlySpaceBefore ? lineStart - 1 : close;
      return { edits: [insertAt(at, method)], where: "a new dispose()", created: true };
    }
    case "effect": {
      const cleanup = owner.cleanup;
      if (cleanup) {
        const body = cleanup.body;
        if (!body) return undefined;
        if (ts.isBlock(body)) return { edits: [addStatement(sourceFile, body, releaseExpr, "start")], where: "the effect cleanup", created: false };
        const expression = body.getText(sourceFile);
        return {
          edits: [replaceNode(body, sourceFile, `{\n${releaseExprBlock(text, cleanup, sourceFile, unit, [releaseExpr, expression])}}`)],
          where: "the effect cleanup",
          created: false,
        };
      }
      const body = owner.effect.body;
      // An async effect (`onMount(async () => …)`) returns a promise: a cleanup returned from it is never called.
      if (!body || !ts.isBlock(body) || ts.getCombinedModifierFlags(owner.effect) & ts.ModifierFlags.Async) return undefined;
      return {
        edits: [addStatement(sourceFile, body, `return () => ${releaseExpr}`, "end")],
        where: "a cleanup returned from the effect",
        created: false,
      };
    }
    case "vue-setup": {
      const hook = owner.unmountHook;
      const callback = hook?.arguments[0];
      if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) || !ts.isBlock(callback.body)) return undefined;
      return { edits: [addStatement(sourceFile, callback.body, releaseExpr, "start")], where: "the unmount hook", created: false };
    }
    case "vscode": {
      const statement = containingStatement(anchor);
      if (!owner.context || !statement) return undefined;
      return {
        edits: [insertStatementAfter(sourceFile, statement, `${owner.context}.subscriptions.push({ dispose: () => ${releaseExpr} })`)],
        where: `${owner.context}.subscriptions`,
        created: false,
      };
    }
    case "request": {
      // The request's end is its teardown: `res.on("close", () => …)` right after the anchor.
      // Koa: the context's raw request is the emitter (`ctx.req.on("close")`).
      const emitter = owner.response ?? (owner.request === "ctx" ? "ctx.req" : undefined);
      const statement = containingStatement(anchor);
      if (!emitter || !statement) return undefined;
      return {
        edits: [insertStatementAfter(sourceFile, statement, `${emitter}.on(${quoted(sourceFile, "close")}, () => ${releaseExpr})`)],
        where: `${emitter}.on("close")`,
        created: false,
      };
    }
    default:
      return undefined;
  }
}

function releaseExprBlock(text: string, fn: ts.Node, sourceFile: ts.SourceFile, unit: string, statements: string[]): string {
  const base = indentationAt(text, fn.getStart(sourceFile));
  return statements.map((s) => `${base}${unit}${s};\n`).join("") + base;
}

/**
 * The teardown can read `expr` (the target or handler a release names, `player` of
 * `player.off(…)`): its root is `this`, a global, or a name whose function encloses the owner
 * (the class, the effect …) or is the owner's own scope (the effect callback, the request
 * handler). A constructor's parameter is not: a release in `dispose()` naming it would throw
 * there. Roots that are no name (a call) are left to the caller.
 */
export function isReadableInTeardown(facts: Facts, expr: ts.Expression, owner: Owner): boolean {
  let root = expr;
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root) || ts.isNonNullExpression(root) || ts.isParenthesizedExpression(root)) {
    root = root.expression;
  }
  if (!ts.isIdentifier(root)) return true;
  const decl = facts.symbolAt(root)?.declarations?.[0];
  if (!decl || decl.getSourceFile() !== facts.sourceFile) return true; // a global
  const scope: ts.Node | undefined = owner.kind === "class" ? owner.classNode : owner.kind === "effect" ? owner.effect : owner.kind === "request" ? owner.handler
    : owner.kind === "vscode" ? owner.activate : owner.kind === "vue-setup" ? owner.setup : undefined;
  const fn = ts.findAncestor(decl.parent, ts.isFunctionLike);
  if (!fn || !scope) return !fn;
  return fn === scope || (fn.pos <= scope.pos && scope.end <= fn.end);
}

/** A name not yet used in the file: `interval`, `interval2`, … */
export function freshName(_sourceFile: ts.SourceFile, base: string, isTaken: (name: string) => boolean): string {
  if (!isTaken(base)) return base;
  for (let i = 2; ; i++) if (!isTaken(`${base}${i}`)) return `${base}${i}`;
}

/** Edits that run `releaseExpr` first thing in `fn` (a teardown method, a dispose callback, an effect cleanup); undefined for an expression body. */
export function releaseInFunction(sourceFile: ts.SourceFile, fn: ts.FunctionLikeDeclaration, releaseExpr: string): TextEdit[] | undefined {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return undefined;
  return [addStatement(sourceFile, body, releaseExpr, "start")];
}

/** Edits that run `releaseExpr` just before the statement holding `node` (clear the old timer before re-arming). */
export function releaseBeforeStatement(sourceFile: ts.SourceFile, node: ts.Node, releaseExpr: string): TextEdit[] | undefined {
  const statement = containingStatement(node);
  if (!statement) return undefined;
  return [insertStatementBefore(sourceFile, statement, releaseExpr)];
}

/**
 * A component options object without a teardown hook: add `hook() { release; }` as its last
 * option. The framework calls it on unmount, so the hook needs no other wiring.
 */
export function releaseInNewHook(sourceFile: ts.SourceFile, object: ts.ObjectLiteralExpression, hook: string, releaseExpr: string): TextEdit[] | undefined {
  const last = object.properties[object.properties.length - 1];
  if (!last) return undefined;
  const text = sourceFile.text;
  const indent = indentationAt(text, last.getStart(sourceFile));
  const trailingComma = object.properties.hasTrailingComma;
  const at = trailingComma ? text.indexOf(",", last.getEnd()) + 1 : last.getEnd();
  const method = `\n${indent}${hook}() {\n${indent}${indentUnit(text)}${statementText(sourceFile, releaseExpr, at)}\n${indent}}${trailingComma ? "," : ""}`;
  return [insertAt(at, trailingComma ? method : `,${method}`)];
}
