// Fix builders for the resource rules: release on the early exit that leaks
// (`await res.body?.cancel()`, `res.resume()`, `stream.destroy()`), wrap the rest of
// the block in `try { … } finally { release }`, turn the declaration into
// `await using` / `using` when the type is disposable, and hoist a per-request
// client to module scope. Each builder says whether its edit is safe (semantics kept)
// or only a suggestion.
import ts from "typescript";
import { type FunctionNode, enclosingFunction, hasModifier, indentUnit, indentationAt, isInside } from "../core/ast";
import type { Facts } from "../core/facts";
import { outerReference } from "../analyses/ownership";
import type { ResourceTrack } from "../analyses/resource-tracking";
import { isDisposableType } from "../apis/resources";
import type { Fix, TextEdit } from "../core/types";
import { insertAt, makeFix, replaceNode, replaceRange } from "./fixer";

/** The statement text that releases `name` on an early exit, adapted to non-async code. */
export function earlyReleaseText(track: ResourceTrack, name: string, at: ts.Node): { text: string; safe: boolean } | undefined {
  const template = track.spec.earlyRelease;
  if (!template) return undefined;
  const text = template.replace(/\$/g, name);
  if (!text.startsWith("await ") || isAsyncContext(at)) return { text, safe: true };
  return { text: `void ${text.slice("await ".length)}`, safe: false };
}

/** Inserts the release right before the `return` / `throw` that leaves with the resource open. */
export function releaseBeforeExit(track: ResourceTrack, sourceFile: ts.SourceFile, description: string): Fix | undefined {
  // Open only through a caught throw: the release belongs before that throw, where the binding is in scope.
  const exit = track.leak?.via?.kind === "throw" ? track.leak.via.node : track.leak?.node;
  if (!track.binding || !exit || !(ts.isReturnStatement(exit) || ts.isThrowStatement(exit))) return undefined;
  // An exit the binding cannot see (a `return` after the `try` block that declares it) has no
  // place for the release; a name declared twice in its scope has no one meaning for it.
  const scope = bindingScope(track.binding);
  if (!scope || !isInside(exit, scope) || isRedeclared(track.binding, scope)) return undefined;
  const release = earlyReleaseText(track, track.binding.text, exit);
  if (!release) return undefined;
  const text = sourceFile.text;
  const start = exit.getStart(sourceFile);
  // A release before the exit may be on another path to it: released twice there (`cancel()` of a
  // body already read rejects: the stream is locked), so only a suggestion.
  if (track.releases.some((ref) => ref.getStart(sourceFile) < start && !leavesBefore(ref, exit))) release.safe = false;
  const parent = exit.parent;
  if (ts.isBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
    const indent = indentationAt(text, start);
    return makeFix(description, release.safe, [insertAt(start, `${release.text}\n${indent}`)]);
  }
  return makeFix(description, release.safe, [replaceNode(exit, sourceFile, `{ ${release.text} ${exit.getText(sourceFile)} }`)]);
}

/** Inserts the release as the first statement of a callback that never consumes its resource (`res.resume()`). */
export function releaseAtStart(track: ResourceTrack, sourceFile: ts.SourceFile, description: string): Fix | undefined {
  const body = track.scope.body;
  if (!track.binding || !body || !ts.isBlock(body) || track.mode !== "callback") return undefined;
  const release = earlyReleaseText(track, track.binding.text, body);
  if (!release) return undefined;
  const first = body.statements[0];
  const indent = first ? indentationAt(sourceFile.text, first.getStart(sourceFile)) : indentationAt(sourceFile.text, body.getStart(sourceFile)) + indentUnit(sourceFile.text);
  const at = first ? first.getStart(sourceFile) : body.getStart(sourceFile) + 1;
  return makeFix(description, release.safe, [insertAt(at, first ? `${release.text}\n${indent}` : `\n${indent}${release.text}`)]);
}

/**
 * `const x = acquire(); …rest` → `const x = acquire(); try { …rest } finally { release }`,
 * removing the release statements of the rest. Safe when the only release is the last
 * statement of the block and nothing hands the resource off; a suggestion when the
 * release sits earlier (something after it may depend on the early release).
 */
export function wrapInTryFinally(track: ResourceTrack, sourceFile: ts.SourceFile, defaultRelease: string | undefined): Fix | undefined {
  const declared = declarationStatement(track);
  if (!declared) return undefined;
  const { statement, block } = declared;
  const rest = block.statements.slice(block.statements.indexOf(statement) + 1);
  if (rest.length === 0) return undefined;
  const releaseStatements = releaseStatementsIn(track, rest);
  if (!releaseStatements) return undefined; // a hand-off or a nested release: try/finally would change ownership
  const releaseText = releaseStatements[0]?.getText(sourceFile).replace(/;$/, "") ?? defaultRelease;
  if (!releaseText) return undefined;
  const last = rest[rest.length - 1];
  const hoisted = rest.some((s) => ts.isFunctionDeclaration(s) || (ts.isVariableStatement(s) && !(s.declarationList.flags & ts.NodeFlags.BlockScoped)));
  const safe = !hoisted && releaseStatements.length === 1 && releaseStatements[0] === last;
  const text = sourceFile.text;
  const indent = indentationAt(text, statement.getStart(sourceFile));
  const unit = indentUnit(text);
  const bodyStart = lineStart(text, rest[0].getStart(sourceFile));
  let inner = "";
  let cursor = bodyStart;
  for (const removed of releaseStatements) {
    inner += text.slice(cursor, lineStart(text, removed.getStart(sourceFile)));
    cursor = lineEnd(text, removed.getEnd());
  }
  inner += text.slice(cursor, last.getEnd());
  const indented = inner.split("\n").map((line) => (line.trim() === "" ? line.trimEnd() : unit + line)).join("\n").replace(/\n+$/, "");
  const newText = `${indent}try {\n${indented}\n${indent}} finally {\n${indent}${unit}${releaseText};\n${indent}}`;
  return makeFix(`Release ${track.binding?.text ?? "it"} in a finally block`, safe,
    [replaceRange(bodyStart, cursor > last.getEnd() ? cursor - 1 : last.getEnd(), newText)]);
}

/**
 * `const x = await open()` → `await using x = await open()` (or `using`) when the
 * type is disposable and the target/lib allow it; the trailing release statement is
 * removed. Safe when that release was the block's last statement and nothing else
 * releases or hands it off.
 */
export function convertToUsing(track: ResourceTrack, facts: Facts, sourceFile: ts.SourceFile): Fix | undefined {
  const declared = declarationStatement(track);
  if (!declared || !track.binding || !libAllowsUsing(facts.compilerOptions)) return undefined;
  const { statement, block } = declared;
  const list = statement.declarationList;
  if (list.declarations.length !== 1 || !(list.flags & ts.NodeFlags.Const)) return undefined;
  const async = isDisposableType(facts, track.binding, false);
  if (!async && !isDisposableType(facts, track.binding, true)) return undefined;
  if (async && !isAsyncContext(statement)) return undefined;
  const rest = block.statements.slice(block.statements.indexOf(statement) + 1);
  const releaseStatements = releaseStatementsIn(track, rest);
  if (!releaseStatements) return undefined;
  const keyword = list.getFirstToken(sourceFile)!;
  const edits: TextEdit[] = [replaceNode(keyword, sourceFile, async ? "await using" : "using")];
  const text = sourceFile.text;
  for (const removed of releaseStatements) edits.push(replaceRange(lineStart(text, removed.getStart(sourceFile)), lineEnd(text, removed.getEnd()), ""));
  const safe = releaseStatements.length === 0 ? false : releaseStatements.length === 1 && releaseStatements[0] === rest[rest.length - 1];
  return makeFix(`Declare ${track.binding.text} with \`${async ? "await using" : "using"}\` so it is disposed on every path`, safe, edits);
}

/** Moves `const x = new Client(…)` out of the function to module scope (a suggestion: the client becomes shared). */
export function hoistToModule(declaration: ts.VariableDeclaration, facts: Facts, sourceFile: ts.SourceFile): Fix | undefined {
  const statement = declaration.parent.parent;
  if (!ts.isVariableStatement(statement) || statement.declarationList.declarations.length !== 1 || !ts.isIdentifier(declaration.name)) return undefined;
  const topLevel = topLevelStatement(statement);
  if (!topLevel || !declaration.initializer || usesLocals(declaration.initializer, facts, topLevel)) return undefined;
  const name = declaration.name.text;
  if (sourceFile.statements.some((s) => s !== topLevel && declaresName(s, name))) return undefined;
  const text = sourceFile.text;
  const declText = `const ${name} = ${declaration.initializer.getText(sourceFile)};`;
  const at = lineStart(text, topLevel.getStart(sourceFile));
  return makeFix(`Create ${name} once at module scope and share it`, false, [
    insertAt(at, `${declText}\n\n`),
    replaceRange(lineStart(text, statement.getStart(sourceFile)), lineEnd(text, statement.getEnd()), ""),
  ]);
}

/**
 * `ref` sits in a branch that ends in its own `return` / `throw` (`if (!ok) { …cancel(); return; }`):
 * it never reaches `exit` — unless `exit` is in the `catch` of a `try` around it (`json()` rejects
 * after reading the body).
 */
function leavesBefore(ref: ts.Node, exit: ts.Node): boolean {
  let leaves = false;
  let node: ts.Node = ref;
  for (; node.parent && !isInside(exit, node); node = node.parent) {
    const last = ts.isBlock(node) ? node.statements[node.statements.length - 1] : node;
    if (last && (ts.isReturnStatement(last) || ts.isThrowStatement(last))) leaves = true;
  }
  return leaves && !(ts.isTryStatement(node) && node.catchClause !== undefined && isInside(exit, node.catchClause));
}

/** The node whose code sees `binding`: the block of a `let` / `const`, the function of a `var` or a parameter. */
function bindingScope(binding: ts.Identifier): ts.Node | undefined {
  let declaration = binding.parent;
  while (ts.isBindingElement(declaration) || ts.isObjectBindingPattern(declaration) || ts.isArrayBindingPattern(declaration)) declaration = declaration.parent; // `const { body } = …`
  if (ts.isParameter(declaration)) return declaration.parent;
  if (!ts.isVariableDeclaration(declaration) || !ts.isVariableDeclarationList(declaration.parent)) return undefined;
  const list = declaration.parent;
  if (!(list.flags & ts.NodeFlags.BlockScoped)) return enclosingFunction(list) ?? list.getSourceFile();
  // `for (const x of …)` scopes to the loop; a statement's list to the block, case block or file around it.
  return ts.isVariableStatement(list.parent) ? list.parent.parent : list.parent;
}

/** Another declaration of the binding's name directly in its scope (`const res` twice: the file does not load). */
function isRedeclared(binding: ts.Identifier, scope: ts.Node): boolean {
  const statements = ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope) ? scope.statements : [];
  return statements.some((s) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => d.name !== binding && ts.isIdentifier(d.name) && d.name.text === binding.text));
}

function declarationStatement(track: ResourceTrack): { statement: ts.VariableStatement; block: ts.Block } | undefined {
  const declaration = track.binding?.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.name !== track.binding) return undefined;
  const statement = declaration.parent.parent;
  if (!ts.isVariableStatement(statement) || !ts.isBlock(statement.parent)) return undefined;
  return { statement, block: statement.parent };
}

/** Top-level release statements (`x.close();`, `await fh.close();`) among `rest`; undefined when another release or hand-off exists. */
function releaseStatementsIn(track: ResourceTrack, rest: readonly ts.Statement[]): ts.Statement[] | undefined {
  const found: ts.Statement[] = [];
  for (const ref of track.releases) {
    const statement = rest.find((s) => isInside(ref, s));
    if (!statement || !ts.isExpressionStatement(statement)) return undefined;
    let expr = statement.expression;
    if (ts.isAwaitExpression(expr)) expr = expr.expression;
    if (!ts.isCallExpression(expr) || !isInside(ref, expr) || !isReleaseCallOf(expr, outerReference(ref))) return undefined;
    if (!found.includes(statement)) found.push(statement);
  }
  return found;
}

function isReleaseCallOf(call: ts.CallExpression, ref: ts.Expression): boolean {
  return (ts.isPropertyAccessExpression(call.expression) && call.expression.expression === ref) || call.arguments.includes(ref);
}

function libAllowsUsing(options: ts.CompilerOptions): boolean {
  const libs = (options.lib ?? []).map((l) => l.toLowerCase());
  return libs.some((l) => /esnext|disposable/.test(l)) || (options.lib === undefined && options.target === ts.ScriptTarget.ESNext);
}

function isAsyncContext(node: ts.Node): boolean {
  const fn: FunctionNode | undefined = enclosingFunction(node);
  return fn === undefined ? ts.isExternalModule(node.getSourceFile()) : hasModifier(fn, ts.SyntaxKind.AsyncKeyword);
}

function topLevelStatement(node: ts.Node): ts.Statement | undefined {
  let current: ts.Node = node;
  while (current.parent && !ts.isSourceFile(current.parent)) current = current.parent;
  return ts.isSourceFile(current.parent) ? (current as ts.Statement) : undefined;
}

/** Whether `expr` refers to a binding declared inside `container` (a parameter, a local). */
function usesLocals(expr: ts.Node, facts: Facts, container: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)
      && !(ts.isPropertyAssignment(node.parent) && node.parent.name === node)) {
      const decl = facts.symbolAt(node)?.declarations?.[0];
      if (decl && decl.getSourceFile() === container.getSourceFile() && isInside(decl, container)) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(expr);
  return found;
}

function declaresName(statement: ts.Statement, name: string): boolean {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) return statement.name?.text === name;
  if (ts.isImportDeclaration(statement)) return statement.importClause?.getText().includes(name) ?? false;
  return false;
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

/** Just past the line break that ends the line holding `pos`. */
function lineEnd(text: string, pos: number): number {
  const newline = text.indexOf("\n", pos);
  return newline < 0 ? text.length : newline + 1;
}
