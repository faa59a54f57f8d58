// Fix builders that put a release into the owner's teardown: the class's teardown
// method (created as `dispose()` when there is none), the React/Svelte effect's
// cleanup (created as `return () => …` when there is none), a Vue unmount hook, or a
// VS Code extension's `context.subscriptions`. Rules for timers, listeners and
// subscriptions share them.
import ts from "typescript";
import { containingStatement, indentUnit, indentationAt } from "../core/ast";
import type { Owner } from "../analyses/lifetime";
import type { TextEdit } from "../core/types";

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
        const indent = indentationAt(text, teardown.getStart(sourceFile)) + unit;
        const at = teardown.body.getStart(sourceFile) + 1;
        return { edits: [{ start: at, end: at, newText: `\n${indent}${releaseExpr};` }], where: `${teardown.name.getText(sourceFile)}()`, created: false };
      }
      const close = owner.classNode.end - 1;
      const memberIndent = indentationAt(text, owner.classNode.getStart(sourceFile)) + unit;
      const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
      const method = `\n${memberIndent}dispose()${typed ? ": void" : ""} {\n${memberIndent}${unit}${releaseExpr};\n${memberIndent}}\n`;
      const lineStart = text.lastIndexOf("\n", close - 1) + 1;
      const onlySpaceBefore = text.slice(lineStart, close).trim() === "";
      const at = onlySpaceBefore ? lineStart - 1 : close;
      return { edits: [{ start: at, end: at, newText: method }], where: "a new dispose()", created: true };
    }
    case "effect": {
      const cleanup = owner.cleanup;
      if (cleanup) {
        const body = cleanup.body;
        if (!body) return undefined;
        if (ts.isBlock(body)) {
          const indent = indentationAt(text, body.getStart(sourceFile)) + unit;
          const at = body.getStart(sourceFile) + 1;
          return { edits: [{ start: at, end: at, newText: `\n${indent}${releaseExpr};` }], where: "the effect cleanup", created: false };
        }
        const expression = body.getText(sourceFile);
        return {
          edits: [{ start: body.getStart(sourceFile), end: body.getEnd(), newText: `{\n${releaseExprBlock(text, cleanup, sourceFile, unit, [releaseExpr, expression])}}` }],
          where: "the effect cleanup",
          created: false,
        };
      }
      const body = owner.effect.body;
      if (!body || !ts.isBlock(body)) return undefined;
      const closing = body.getEnd() - 1;
      const indent = indentationAt(text, body.statements[0]?.getStart(sourceFile) ?? body.getStart(sourceFile))
        || indentationAt(text, body.getStart(sourceFile)) + unit;
      const lineStart = text.lastIndexOf("\n", closing - 1) + 1;
      const insertAt = text.slice(lineStart, closing).trim() === "" ? lineStart : closing;
      const prefix = insertAt === closing ? "\n" : "";
      return {
        edits: [{ start: insertAt, end: insertAt, newText: `${prefix}${indent}return () => ${releaseExpr};\n` }],
        where: "a cleanup returned from the effect",
        created: false,
      };
    }
    case "vue-setup": {
      const hook = owner.unmountHook;
      const callback = hook?.arguments[0];
      if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) || !ts.isBlock(callback.body)) return undefined;
      const at = callback.body.getStart(sourceFile) + 1;
      const indent = indentationAt(text, hook!.getStart(sourceFile)) + unit;
      return { edits: [{ start: at, end: at, newText: `\n${indent}${releaseExpr};` }], where: "the unmount hook", created: false };
    }
    case "vscode": {
      const statement = containingStatement(anchor);
      if (!owner.context || !statement) return undefined;
      const indent = indentationAt(text, statement.getStart(sourceFile));
      const at = afterTrailingComment(text, statement.getEnd());
      return {
        edits: [{ start: at, end: at, newText: `\n${indent}${owner.context}.subscriptions.push({ dispose: () => ${releaseExpr} });` }],
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
      const indent = indentationAt(text, statement.getStart(sourceFile));
      const at = afterTrailingComment(text, statement.getEnd());
      return {
        edits: [{ start: at, end: at, newText: `\n${indent}${emitter}.on("close", () => ${releaseExpr});` }],
        where: `${emitter}.on("close")`,
        created: false,
      };
    }
    default:
      return undefined;
  }
}

/** The end of a statement's line when only a trailing `// comment` follows it, so that inserted lines go below the comment. */
function afterTrailingComment(text: string, end: number): number {
  const lineEnd = text.indexOf("\n", end);
  const rest = text.slice(end, lineEnd < 0 ? text.length : lineEnd);
  return /^\s*\/\/.*$/.test(rest) && !rest.includes("*/") ? (lineEnd < 0 ? text.length : lineEnd) : end;
}

function releaseExprBlock(text: string, fn: ts.Node, sourceFile: ts.SourceFile, unit: string, statements: string[]): string {
  const base = indentationAt(text, fn.getStart(sourceFile));
  return statements.map((s) => `${base}${unit}${s};\n`).join("") + base;
}

/** A name not yet used in the file: `interval`, `interval2`, … */
export function freshName(_sourceFile: ts.SourceFile, base: string, isTaken: (name: string) => boolean): string {
  if (!isTaken(base)) return base;
  for (let i = 2; ; i++) if (!isTaken(`${base}${i}`)) return `${base}${i}`;
}

/**
 * Edits that make `names` importable from `module`: added to an existing
 * `import { … } from "module"`, or as a new import after the last one. Names
 * already imported from it are left alone.
 */
export function namedImportEdits(sourceFile: ts.SourceFile, module: string, names: readonly string[]): TextEdit[] {
  const imports = sourceFile.statements.filter(ts.isImportDeclaration);
  const existing = imports.find((d) => ts.isStringLiteral(d.moduleSpecifier) && d.moduleSpecifier.text === module
    && d.importClause?.namedBindings !== undefined && ts.isNamedImports(d.importClause.namedBindings) && !d.importClause.isTypeOnly);
  const bindings = existing?.importClause?.namedBindings as ts.NamedImports | undefined;
  const missing = names.filter((n) => !bindings?.elements.some((e) => e.name.text === n));
  if (missing.length === 0) return [];
  if (bindings && bindings.elements.length > 0) {
    const last = bindings.elements[bindings.elements.length - 1];
    return [{ start: last.getEnd(), end: last.getEnd(), newText: missing.map((n) => `, ${n}`).join("") }];
  }
  const after = imports[imports.length - 1];
  const at = after ? after.getEnd() : 0;
  const line = `import { ${missing.join(", ")} } from "${module}";`;
  return [{ start: at, end: at, newText: after ? `\n${line}` : `${line}\n` }];
}

/** Edits that run `releaseExpr` first thing in `fn` (a teardown method, a dispose callback, an effect cleanup); undefined for an expression body. */
export function releaseInFunction(sourceFile: ts.SourceFile, fn: ts.FunctionLikeDeclaration, releaseExpr: string): TextEdit[] | undefined {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return undefined;
  const text = sourceFile.text;
  const first = body.statements[0];
  const indent = first ? indentationAt(text, first.getStart(sourceFile)) : indentationAt(text, fn.getStart(sourceFile)) + indentUnit(text);
  const at = body.getStart(sourceFile) + 1;
  return [{ start: at, end: at, newText: `\n${indent}${releaseExpr};` }];
}

/** Edits that run `releaseExpr` just before the statement holding `node` (clear the old timer before re-arming). */
export function releaseBeforeStatement(sourceFile: ts.SourceFile, node: ts.Node, releaseExpr: string): TextEdit[] | undefined {
  const statement = containingStatement(node);
  if (!statement) return undefined;
  const at = statement.getStart(sourceFile);
  return [{ start: at, end: at, newText: `${releaseExpr};\n${indentationAt(sourceFile.text, at)}` }];
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
  const method = `\n${indent}${hook}() {\n${indent}${indentUnit(text)}${releaseExpr};\n${indent}}${trailingComma ? "," : ""}`;
  return [{ start: at, end: at, newText: trailingComma ? method : `,${method}` }];
}
