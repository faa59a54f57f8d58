// Entry scripts: a file that is a one-shot program by its content, wherever it lives (a build
// helper under `meta/`, `tools/`, a package's `bin` source). It exports nothing, its top level
// starts its own work by calling a function declared in it (`main()`, `void main()`,
// `main().catch(…)`, `await run()`, or one of them under a top-level `if`/`else`), and nothing in it keeps the process serving: no request or
// event handler, no `setInterval`, no `listen`/`createServer`, no `while (true)` / `for (;;)`.
// It runs to completion and exits (an uncaught error ends it sooner), like a command: what it
// holds ends with it, and only what piles up within one run is worth reporting.
import ts from "typescript";
import { isFunctionNode, walk } from "../core/ast";
import { defineAnalysis } from "../core/analysis";
import { repeatsOnItsOwn } from "./repetition";

/** Whether the file is an entry script (see the header), once per file. */
export const entryScript = defineAnalysis({
  id: "entry-script",
  run: ({ sourceFile }): boolean => isEntryScript(sourceFile),
});

export function isEntryScript(sourceFile: ts.SourceFile): boolean {
  if (sourceFile.isDeclarationFile || exportsSomething(sourceFile)) return false;
  const declared = new Set(sourceFile.statements.flatMap((s) => (ts.isFunctionDeclaration(s) && s.name ? [s.name.text] : [])));
  if (!topLevelStatements(sourceFile.statements).some((s) => ts.isExpressionStatement(s) && startsLocalFunction(s.expression, declared))) return false;
  let serving = false;
  walk(sourceFile, (node) => {
    if (serving) return false;
    if (isFunctionNode(node) && repeatsOnItsOwn(node)) serving = true;
    else if ((ts.isWhileStatement(node) || ts.isDoStatement(node)) && node.expression.kind === ts.SyntaxKind.TrueKeyword) serving = true;
    else if (ts.isForStatement(node) && !node.condition) serving = true;
    else if (ts.isCallExpression(node) && /(^|\.)(listen|createServer|setInterval)$/.test(node.expression.getText(sourceFile))) serving = true;
    return !serving;
  });
  return !serving;
}

/** The module's top-level statements, with those of top-level `if`/`else` branches (`if (local) runLocal(); else run();`). */
function topLevelStatements(statements: readonly ts.Statement[]): ts.Statement[] {
  return statements.flatMap((s) => {
    if (!ts.isIfStatement(s)) return [s];
    const branches = [s.thenStatement, ...(s.elseStatement ? [s.elseStatement] : [])];
    return topLevelStatements(branches.flatMap((b) => (ts.isBlock(b) ? [...b.statements] : [b])));
  });
}

/** `main()`, `void main()`, `await main()`, `main().catch(…)`, `main().then(…)` with `main` declared in the file. */
function startsLocalFunction(expr: ts.Expression, declared: ReadonlySet<string>): boolean {
  let e = expr;
  while (ts.isVoidExpression(e) || ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  while (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && /^(then|catch|finally)$/.test(e.expression.name.text)) e = e.expression.expression;
  return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && declared.has(e.expression.text);
}

/**
 * Whether the file reads `workerData`, `parentPort` or `isMainThread` from `worker_threads`: an entry
 * script that does is the script of a worker thread. Its thread ends with it, and
 * Node closes what the thread still holds when a Worker exits — sockets, `FileHandle`s and (with
 * `trackUnmanagedFds`, the default) raw descriptors (worker_threads docs, `new Worker` options).
 */
export function readsWorkerData(sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)
    && /^(node:)?worker_threads$/.test(s.moduleSpecifier.text) && /\b(workerData|parentPort|isMainThread)\b/.test(s.importClause?.getText(sourceFile) ?? ""))
    || (/\brequire\(\s*["'](node:)?worker_threads["']\s*\)/.test(sourceFile.text) && /\b(workerData|parentPort)\b/.test(sourceFile.text));
}

/** ES exports (not type-only ones, which vanish at run time), `export =`, `module.exports = …` / `exports.x = …`: something imports the file. */
function exportsSomething(sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some((s) => {
    if (ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s) || (ts.isExportDeclaration(s) && s.isTypeOnly)) return false;
    if (ts.isExportDeclaration(s) || ts.isExportAssignment(s)) return true;
    if (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return true;
    if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression) || s.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
    const target = s.expression.left.getText(sourceFile);
    return /^(module\.exports|exports)\b/.test(target);
  });
}
