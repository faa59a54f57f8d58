// Timers: which calls start one (by import-resolved name, after a cheap syntactic
// filter), where the handle goes (dropped, a variable, a `this.` field, `.unref()`ed),
// whether anything clears it, how long a literal delay is, and the fixes that store a
// dropped handle and clear it in the owner's teardown. Shared by the timer rules and
// by the abort-controller rule (its hand-made abort timers).
import ts from "typescript";
import { type FunctionNode, calleeMemberName, declaredName, enclosingFunction, isExportedDeclaration, isFunctionNode, isInside, thisClass } from "../core/ast";
import { flow } from "./flow";
import type { Facts } from "../core/facts";
import type { Owner } from "./lifetime";
import { classifyReference, outerReference } from "./ownership";
import { inlineLoopStart, loopStart } from "./once-sites";
import { programCalls } from "./program-calls";
import { runsOnce } from "./repetition";
import { freshName, releaseInTeardown } from "../fixes/teardown-fixes";
import { addClassMember, insertStatementBefore, makeFix, replaceNode } from "../fixes/fixer";
import type { Fix, TextEdit } from "../core/types";

/** Timer starters and the function that clears each. */
export const TIMER_CLEARERS: Readonly<Record<string, string>> = {
  setTimeout: "clearTimeout",
  setInterval: "clearInterval",
  setImmediate: "clearImmediate",
  requestAnimationFrame: "cancelAnimationFrame",
  requestIdleCallback: "cancelIdleCallback",
};
export const TIMER_CLEAR_FUNCTIONS = ["clearTimeout", "clearInterval", "clearImmediate", "cancelAnimationFrame", "cancelIdleCallback"];
const CLEAR_OWNERSHIP = { releaseMethods: [] as string[], releaseFunctions: TIMER_CLEAR_FUNCTIONS };

/** The global timer a call starts ("setTimeout", …) or undefined; `names` narrows the set. */
export function timerStarted(facts: Facts, call: ts.CallExpression, names: readonly string[] = Object.keys(TIMER_CLEARERS)): string | undefined {
  const name = calleeMemberName(call);
  if (name === undefined || !names.includes(name)) return undefined;
  return facts.calleeName(call) === `global:${name}` && !isDisabledCode(facts, call) ? name : undefined;
}

/** Under `if (FLAG)` where `FLAG` is a `const` initialised to `false` (a debug switch turned off): code that never runs. */
function isDisabledCode(facts: Facts, node: ts.Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (!ts.isIfStatement(parent) || parent.thenStatement !== child) continue;
    const condition = parent.expression;
    if (condition.kind === ts.SyntaxKind.FalseKeyword) return true;
    const decl = ts.isIdentifier(condition) ? facts.symbolAt(condition)?.valueDeclaration : undefined;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer?.kind === ts.SyntaxKind.FalseKeyword
      && ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.Const) !== 0) return true;
  }
  return false;
}

/** The expression that carries the handle: the call, or `setInterval(…).unref()`. */
export function timerHandleExpression(call: ts.CallExpression): ts.Expression {
  const outer = outerReference(call);
  const access = outer.parent;
  if (ts.isPropertyAccessExpression(access) && (access.name.text === "unref" || access.name.text === "ref")
    && ts.isCallExpression(access.parent) && access.parent.expression === access) {
    return outerReference(access.parent);
  }
  return outer;
}

export function isUnrefed(call: ts.CallExpression): boolean {
  const handle = timerHandleExpression(call);
  return handle !== outerReference(call) && handle.getText().endsWith("unref()");
}

export function isUnrefCall(ref: ts.Expression): boolean {
  const access = outerReference(ref).parent;
  return ts.isPropertyAccessExpression(access) && access.name.text === "unref";
}

/** The handle is thrown away: `setTimeout(…);` or `void setTimeout(…)`. */
export function isHandleDropped(handle: ts.Expression): boolean {
  return ts.isExpressionStatement(handle.parent) || ts.isVoidExpression(handle.parent);
}

export interface StoredHandle {
  name: string;
  /** Every other reference to the variable or field. */
  refs: ts.Expression[];
  /** The field name when stored as `this.<member>`. */
  member?: string;
  /** The variable's declaration when stored in a variable. */
  declaration?: ts.VariableDeclaration;
}

/** Where the handle is stored: a variable or a `this.field`, with every reference to it; undefined when we cannot follow it. */
export function storedHandle(facts: Facts, handle: ts.Expression): StoredHandle | undefined {
  const parent = handle.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === handle && ts.isIdentifier(parent.name)) {
    return { name: parent.name.text, refs: facts.referencesTo(parent.name), declaration: parent };
  }
  if (!ts.isBinaryExpression(parent) || parent.right !== handle || parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken) {
    return undefined;
  }
  const target = parent.left;
  if (ts.isIdentifier(target)) {
    const declaration = facts.symbolAt(target)?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
    return { name: target.text, refs: facts.referencesTo(declaration.name).filter((r) => r !== target), declaration };
  }
  if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const classNode = thisClass(target);
    if (!classNode) return undefined;
    const refs = [...facts.memberReferences(classNode, target.name.text), ...facts.otherInstanceReferences(classNode, target.name.text)].filter((r) => r !== target);
    return { name: `this.${target.name.text}`, refs, member: target.name.text };
  }
  return undefined;
}

/** A delay that is short for sure, or short by default: `10`, `opts.delay ?? 100`, `typeof x === "number" ? x : 100`. */
export function isShortDelay(facts: Facts, expr: ts.Expression | undefined, limit: number): boolean {
  if (!expr) return true;
  const known = literalDelayMs(facts, expr);
  if (known !== undefined) return known < limit;
  const inner = ts.isParenthesizedExpression(expr) ? expr.expression : expr;
  if (ts.isConditionalExpression(inner)) return isShortDelay(facts, inner.whenTrue, limit) || isShortDelay(facts, inner.whenFalse, limit);
  if (ts.isBinaryExpression(inner) && (inner.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || inner.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    const fallback = literalDelayMs(facts, inner.right);
    return fallback !== undefined && fallback < limit;
  }
  return false;
}

/** Names that measure long spans: `intervalHours`, `ttlMinutes`, `days`. */
const LONG_UNIT = /(hours?|minutes?|mins|days?|weeks?)$/i;

/**
 * A delay shown to be at least `limit` ms: known (`120_000`), a product with such a factor
 * (`hours * 3_600_000`), a branch or fallback that is, or a name in long units (`ttlMinutes`).
 * A delay we cannot read is not shown to be long.
 */
export function isLongDelay(facts: Facts, expr: ts.Expression | undefined, limit: number): boolean {
  if (!expr) return false;
  const known = literalDelayMs(facts, expr);
  if (known !== undefined) return known >= limit;
  const inner = ts.isParenthesizedExpression(expr) ? expr.expression : expr;
  if (ts.isConditionalExpression(inner)) return isLongDelay(facts, inner.whenTrue, limit) || isLongDelay(facts, inner.whenFalse, limit);
  if (ts.isBinaryExpression(inner)) {
    const op = inner.operatorToken.kind;
    if (op === ts.SyntaxKind.AsteriskToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
      return isLongDelay(facts, inner.left, limit) || isLongDelay(facts, inner.right, limit);
    }
    return false;
  }
  const name = ts.isIdentifier(inner) ? inner.text : ts.isPropertyAccessExpression(inner) ? inner.name.text : undefined;
  return name !== undefined && LONG_UNIT.test(name);
}

/** True when some reference clears the handle or hands it on (returned, passed, stored elsewhere). */
export function isClearedOrHandedOff(stored: StoredHandle): boolean {
  return stored.refs.some((ref) => classifyReference(ref, CLEAR_OWNERSHIP) !== "use");
}

/**
 * Entry points run once per process: a shebang, `require.main === module`, `import.meta.main`, a `.listen(` call,
 * or a script that loads modules but exports nothing (a program or a side-effect entry, not a library module).
 */
export function isEntryPoint(sourceFile: ts.SourceFile): boolean {
  let known = entryPoints.get(sourceFile); // a file question asked per timer: the regexes scan the whole text
  if (known === undefined) {
    const text = sourceFile.text;
    known = text.startsWith("#!") || /require\.main\s*===?\s*module|import\.meta\.main|\.listen\(/.test(text) || exportsNothing(sourceFile);
    entryPoints.set(sourceFile, known);
  }
  return known;
}

const entryPoints = new WeakMap<ts.SourceFile, boolean>();

/**
 * A program: it exports nothing, so nothing imports it as a library, and it either loads modules
 * (`require`, `import`) or lives in a folder of runnable programs (`examples/`, `push-examples/`,
 * `scripts/`, `bin/`). An import-free file elsewhere (a vendored bundle) stays library code.
 */
function exportsNothing(sourceFile: ts.SourceFile): boolean {
  const text = sourceFile.text;
  if (/\bmodule\.exports\b|\bexports\s*[.[]/.test(text)) return false;
  if (!/\brequire\(|^\s*import\b/m.test(text) && !inProgramFolder(sourceFile.fileName)) return false;
  return !sourceFile.statements.some((s) => ts.isExportDeclaration(s) || ts.isExportAssignment(s)
    || (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)));
}

const PROGRAM_FOLDER = /^(?:[\w.]+[-_])?(?:examples?|scripts|bin)$/i;

function inProgramFolder(fileName: string): boolean {
  return fileName.split(/[\\/]/).slice(0, -1).some((segment) => PROGRAM_FOLDER.test(segment));
}

/** A delay known without running the code: `5000`, `5_000`, `5 * 1000`, a `const` holding one. Undefined otherwise. */
export function literalDelayMs(facts: Facts, expr: ts.Expression | undefined, depth = 0): number | undefined {
  if (!expr || depth > 4) return undefined;
  if (ts.isNumericLiteral(expr)) return Number(expr.text.replace(/_/g, ""));
  if (ts.isParenthesizedExpression(expr)) return literalDelayMs(facts, expr.expression, depth + 1);
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
    const left = literalDelayMs(facts, expr.left, depth + 1);
    const right = literalDelayMs(facts, expr.right, depth + 1);
    return left !== undefined && right !== undefined ? left * right : undefined;
  }
  if (ts.isIdentifier(expr)) {
    const decl = facts.symbolAt(expr)?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) {
      return literalDelayMs(facts, decl.initializer, depth + 1);
    }
  }
  return undefined;
}

/**
 * Fixes for a dropped handle: store it (a `this.` field in a class, a `const`
 * elsewhere) and clear it in the owner's teardown. Safe when the teardown exists.
 */
export function storeAndClearFixes(facts: Facts, call: ts.CallExpression, owner: Owner, timer: string): Fix[] {
  if (!hasTeardownPath(owner)) return [];
  const sourceFile = facts.sourceFile;
  const clear = TIMER_CLEARERS[timer] ?? "clearTimeout";
  const base = timer === "setInterval" ? "interval" : "timer";
  const callText = call.getText(sourceFile);
  const statement = call.parent;
  if (owner.kind === "class") {
    const field = freshHandleName(facts, call, owner.classNode, base, (n) => owner.classNode.members.some((m) => m.name?.getText(sourceFile) === n));
    const teardown = releaseInTeardown(owner, sourceFile, call, `${clear}(this.${field})`);
    if (!teardown) return [];
    const edits: TextEdit[] = [replaceNode(call, sourceFile, `this.${field} = ${callText}`), ...teardown.edits];
    edits.push(fieldDeclaration(sourceFile, owner.classNode, field, timer));
    return [makeFix(`Store the timer in this.${field} and clear it in ${teardown.where}`, !teardown.created, edits, [`this.${field}@${owner.classNode.pos}`])];
  }
  if (!enclosingFunction(call)) return [];
  const name = freshHandleName(facts, call, enclosingFunction(call)!, base, (n) => facts.identifiersNamed(n).length > 0);
  const teardown = releaseInTeardown(owner, sourceFile, statement, `${clear}(${name})`);
  if (!teardown) return [];
  const store = storeEdits(sourceFile, call, statement, name, timer, teardown.edits);
  if (!store) return [];
  const edits: TextEdit[] = [...store, ...teardown.edits];
  return [makeFix(`Store the timer and clear it in ${teardown.where}`, !teardown.created, edits, [`${name}@${enclosingFunction(call)!.pos}`])];
}

/** Fixes for a stored handle nobody clears: clear it in the owner's teardown. */
export function clearStoredFixes(facts: Facts, call: ts.CallExpression, owner: Owner, stored: StoredHandle, timer: string): Fix[] {
  if (stored.member === undefined && owner.kind === "class") return []; // a local in a method: no place to clear it from
  if (!hasTeardownPath(owner)) return [];
  const clear = TIMER_CLEARERS[timer] ?? "clearTimeout";
  const teardown = releaseInTeardown(owner, facts.sourceFile, call, `${clear}(${stored.name})`);
  if (!teardown || (stored.declaration && !editsWithin(teardown.edits, declarationScope(stored.declaration)))) return [];
  return [makeFix(`Clear ${stored.name} in ${teardown.where}`, !teardown.created, teardown.edits)];
}

/**
 * A fresh name for the handle of the dropped timer at `call`: every dropped timer earlier in
 * `scope` (the class, or the function) may get a fix in the same `--fix` pass, so this one skips
 * as many free names as there are of them (two timeouts in one handler become `timer` and `timer2`).
 */
function freshHandleName(facts: Facts, call: ts.CallExpression, scope: ts.Node, base: string, isTaken: (name: string) => boolean): string {
  let skip = 0;
  const visit = (node: ts.Node): void => {
    if (node.getStart(facts.sourceFile) >= call.getStart(facts.sourceFile)) return;
    if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression) && node.expression !== call) {
      const timer = timerStarted(facts, node.expression);
      if (timer && (timer === "setInterval") === (base === "interval")) skip++;
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  // freshName asks base, base2, … in order: each free name before the skip count is used up is left to an earlier timer.
  return freshName(facts.sourceFile, base, (name) => isTaken(name) || skip-- > 0);
}

/**
 * `const name = setTimeout(…)`, or — when the statement sits in a nested block (a `try`) the
 * teardown edits are outside of — `let name;` (typed in TypeScript: an untyped `let` is an
 * implicit any under `strict`) before the enclosing statement they can see and
 * `name = setTimeout(…)`. Undefined when a loop or a function lies in between (one variable
 * could not hold every handle).
 */
function storeEdits(sourceFile: ts.SourceFile, call: ts.CallExpression, statement: ts.Node, name: string, timer: string, teardown: readonly TextEdit[]): TextEdit[] | undefined {
  const callText = call.getText(sourceFile);
  if (editsWithin(teardown, statement.parent)) return [replaceNode(call, sourceFile, `const ${name} = ${callText}`)];
  let outer: ts.Node = statement;
  while (!((ts.isBlock(outer.parent) || ts.isSourceFile(outer.parent)) && editsWithin(teardown, outer.parent))) {
    outer = outer.parent;
    if (!outer.parent || ts.isIterationStatement(outer, false) || ts.isFunctionLike(outer)) return undefined;
  }
  return [
    insertStatementBefore(sourceFile, outer as ts.Statement, isTypeScript(sourceFile) ? `let ${name}: ReturnType<typeof ${timer}> | undefined` : `let ${name}`),
    replaceNode(call, sourceFile, `${name} = ${callText}`),
  ];
}

/** Every edit lands inside `scope` (where a local handle is visible). */
function editsWithin(edits: readonly TextEdit[], scope: ts.Node): boolean {
  return edits.every((edit) => edit.start >= scope.getStart() && edit.end <= scope.getEnd());
}

/** Where a variable is visible: its block for `let`/`const`, its function (or the file) for `var`. */
function declarationScope(declaration: ts.VariableDeclaration): ts.Node {
  const list = declaration.parent;
  const blockScoped = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.BlockScoped) !== 0;
  const scope = ts.findAncestor(list, (n) => (blockScoped && (ts.isBlock(n) || ts.isCaseClause(n) || ts.isIterationStatement(n, false)))
    || ts.isFunctionLike(n) || ts.isSourceFile(n));
  return scope ?? declaration.getSourceFile();
}

/** Request handlers end with the response's "close" event, which only a Node/Express response (`res`) has under that name. */
function hasTeardownPath(owner: Owner): boolean {
  return owner.kind !== "request" || (owner.response !== undefined && /^res(ponse)?$/.test(owner.response));
}

function isTypeScript(sourceFile: ts.SourceFile): boolean {
  return !/\.[cm]?jsx?$/.test(sourceFile.fileName);
}

function fieldDeclaration(sourceFile: ts.SourceFile, classNode: ts.ClassLikeDeclaration, field: string, timer: string): TextEdit {
  const typed = isTypeScript(sourceFile);
  return addClassMember(sourceFile, classNode, typed ? `private ${field}?: ReturnType<typeof ${timer}>;` : `${field};`, "start");
}

/**
 * `const t = setTimeout(…); const r = await work(); clearTimeout(t);`: the handle is a local
 * that is only ever cleared, and an `await` between the start and every clear can reject and
 * leave the function with the timer still armed. Returns that `await`'s statement (the
 * shared `flow` walk, exceptions restricted to awaits), or undefined.
 */
export function awaitSkippingClear(facts: Facts, call: ts.CallExpression, stored: StoredHandle): ts.Node | undefined {
  const declaration = outerReference(call).parent;
  if (!ts.isVariableDeclaration(declaration) || !ts.isVariableStatement(declaration.parent.parent)) return undefined;
  const kinds = stored.refs.map((ref) => classifyReference(ref, CLEAR_OWNERSHIP));
  if (!kinds.includes("release") || kinds.includes("handoff")) return undefined;
  const releases = new Set<ts.Node>(stored.refs.filter((_, i) => kinds[i] === "release"));
  const acquisition = declaration.parent.parent;
  const walk = facts.analysis(flow);
  // Only the rejections leave it armed: every path that does not go through a catch clears it.
  const normal = walk.leakPath({ acquisition, releases, exceptions: false });
  if (normal && !ts.findAncestor(normal.node, ts.isCatchClause)) return undefined;
  const leak = walk.leakPath({ acquisition, releases, exceptions: true, mayThrow: containsAwait });
  return leak ? firstAwaitAfter(acquisition) ?? leak.node : undefined;
}

/** The first statement after `statement` in its block that awaits. */
function firstAwaitAfter(statement: ts.Node): ts.Node | undefined {
  const block = statement.parent;
  if (!ts.isBlock(block)) return undefined;
  return block.statements.slice(block.statements.indexOf(statement as ts.Statement) + 1).find(containsAwait);
}

/** An `await` in `node`, not inside a nested function. */
function containsAwait(node: ts.Node): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found || isFunctionNode(child)) return;
    if (ts.isAwaitExpression(child) || (ts.isForOfStatement(child) && child.awaitModifier)) found = true;
    else ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/**
 * Every start of the timer loop `fn` runs once — at load, from boot code — so it is one loop for the process: across
 * the program's files with types, else in its file when `fn` is not exported.
 */
export function loopStartsOnce(facts: Facts, fn: FunctionNode): boolean {
  const calls = facts.analysis(programCalls);
  if (calls) return calls.everyStartRunsOnce(fn);
  const inline = inlineLoopStart(fn);
  if (inline) return runsOnce(facts, inline);
  const name = declaredName(fn);
  if (!name || isExportedDeclaration(fn)) return false;
  const starts = facts.referencesTo(name).filter((id) => id !== name && !isInside(id, fn)).map(loopStart);
  return starts.length > 0 && starts.every((site) => site !== undefined && runsOnce(facts, site));
}
