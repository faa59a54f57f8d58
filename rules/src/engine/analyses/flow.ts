// The acquire → release analysis (the lostcancel shape): walk the statements of the
// function that acquires a resource, tracking the set of states the resource may be in
// (not yet acquired / open / released-or-handed-off), and report the first exit —
// early return, throw, the end of the function, or (optionally) an exception thrown by
// a call while the resource is open outside any try/finally that releases it — that can
// be reached with the resource still open.
//
// Which references release or hand off the resource is the caller's business (see
// `classifyReference`); the walk only needs "does this statement release it?".
import ts from "typescript";
import { defineAnalysis } from "../core/analysis";
import { type FunctionNode, enclosingFunction, isInside } from "../core/ast";
import { ThrowSummaries } from "./throwing";

export type UseKind = "release" | "handoff" | "use";
export type ExitKind = "return" | "throw" | "end" | "exception";

export interface LeakPath {
  kind: ExitKind;
  /** The statement (or closing brace position) where the resource is still open. */
  node: ts.Node;
  /**
   * The `throw` (or throwing statement) whose catch led to this exit, when the resource is
   * only open on that path: the exit that needs the release is the throw, not the `return`.
   */
  via?: { kind: "throw" | "exception"; node: ts.Node };
}

export interface TrackedResource {
  /** The statement or expression at which the resource becomes live. */
  acquisition: ts.Node;
  /** References that release it or hand it off, anywhere (including nested callbacks). */
  releases: ReadonlySet<ts.Node>;
  /** Consider exceptions thrown by calls while the resource is open. */
  exceptions: boolean;
  /**
   * Narrows which statements count as throwing while the resource is open (default:
   * any call, `new` or `await`). Rules use it to ignore calls unrelated to the resource.
   */
  mayThrow?: (node: ts.Node) => boolean;
  /**
   * The variable that holds the resource once acquired (an object or a descriptor, never falsy):
   * a branch taken only when it is unset (`if (!stream) return data;`) cannot hold the resource open.
   */
  handle?: string;
}

const NONE = 1;
const OPEN = 2;
const DONE = 4;

interface TryFrame {
  catchStates?: number[];
  finallyBlock?: ts.Block;
  /** Throws raised inside the try block with the resource open, in order. */
  openThrows?: Array<{ kind: "throw" | "exception"; node: ts.Node }>;
}

interface LoopFrame {
  breakStates: number[];
  /** A switch: `continue` passes it by, to the loop around it. */
  isSwitch?: boolean;
  /** For each open state that left by `break`/`continue`, the caught throw it owed its openness to. */
  openVias?: Array<LeakPath["via"]>;
}

const EXIT_PREFERENCE: ExitKind[] = ["return", "end", "throw", "exception"];

/** Finds a path from the acquisition to an exit of `fn` on which the resource is still open. */
export interface FlowAnalysis {
  /** The acquire → release walk over `scope` (default: the function, or module, that holds the acquisition). */
  leakPath(resource: TrackedResource, scope?: FunctionNode | ts.SourceFile): LeakPath | undefined;
  /** Every exit reached with the resource open, the one `leakPath` returns first. */
  leakPaths(resource: TrackedResource, scope?: FunctionNode | ts.SourceFile): LeakPath[];
}

/** The acquire → release walk, as a declared analysis. */
export const flow = defineAnalysis<FlowAnalysis>({
  id: "flow",
  run: ({ sourceFile }) => ({
    leakPath: (resource, scope) => findLeakPath(scope ?? enclosingFunction(resource.acquisition) ?? sourceFile, resource),
    leakPaths: (resource, scope) => findLeakPaths(scope ?? enclosingFunction(resource.acquisition) ?? sourceFile, resource),
  }),
});

export function findLeakPath(fn: FunctionNode | ts.SourceFile, resource: TrackedResource): LeakPath | undefined {
  return findLeakPaths(fn, resource)[0];
}

/** Every exit of `fn` reached with the resource open, the preferred kind (EXIT_PREFERENCE) first. */
export function findLeakPaths(fn: FunctionNode | ts.SourceFile, resource: TrackedResource): LeakPath[] {
  const walker = new FlowWalker(resource, ts.isSourceFile(fn) ? fn : fn.getSourceFile());
  const body = ts.isSourceFile(fn) ? fn : fn.body;
  if (!body) return [];
  let end: number;
  if (ts.isSourceFile(body)) end = walker.block(body.statements, NONE);
  else if (ts.isBlock(body)) end = walker.block(body.statements, NONE);
  else end = walker.simple(body, NONE);
  if (end & OPEN) walker.exit("end", ts.isSourceFile(body) ? body.endOfFileToken : lastToken(body), end);
  return EXIT_PREFERENCE.flatMap((kind) => walker.leaks.filter((e) => e.kind === kind));
}

function lastToken(node: ts.Node): ts.Node {
  const children = node.getChildren();
  return children.length > 0 ? children[children.length - 1] : node;
}

class FlowWalker {
  readonly leaks: LeakPath[] = [];
  private readonly tries: TryFrame[] = [];
  private readonly loops: LoopFrame[] = [];
  private readonly releaseStatements = new Map<ts.Node, boolean>();
  /** The caught throw through which the open state reaches the statements now walked. */
  private via: LeakPath["via"];

  private readonly throwing: ThrowSummaries;

  constructor(private readonly resource: TrackedResource, sourceFile: ts.SourceFile) {
    this.throwing = new ThrowSummaries(sourceFile);
  }

  private mayThrow(node: ts.Node): boolean {
    return this.throwing.mayThrow(node);
  }

  exit(kind: ExitKind, node: ts.Node, state: number): void {
    if (state & OPEN) this.leaks.push(this.via && kind !== "throw" && kind !== "exception" ? { kind, node, via: this.via } : { kind, node });
  }

  block(statements: readonly ts.Statement[], state: number): number {
    let current = state;
    for (const statement of statements) {
      if (current === 0) break; // unreachable
      current = this.statement(statement, current);
    }
    return current;
  }

  statement(node: ts.Statement, state: number): number {
    if (!this.touches(node) && !(state & OPEN)) return state; // nothing to learn here
    switch (node.kind) {
      case ts.SyntaxKind.Block:
        return this.block((node as ts.Block).statements, state);
      case ts.SyntaxKind.IfStatement: {
        const ifs = node as ts.IfStatement;
        const afterCond = this.simple(ifs.expression, state);
        const handle = this.resource.handle;
        const unsetWhen = (truth: boolean) => handle !== undefined && impliesUnset(ifs.expression, handle, truth);
        const thenState = this.statement(ifs.thenStatement, unsetWhen(true) ? notOpen(afterCond) : afterCond);
        const elseEntry = unsetWhen(false) ? notOpen(afterCond) : afterCond;
        const elseState = ifs.elseStatement ? this.statement(ifs.elseStatement, elseEntry) : elseEntry;
        return thenState | elseState;
      }
      case ts.SyntaxKind.ReturnStatement: {
        const ret = node as ts.ReturnStatement;
        const after = ret.expression ? this.simple(ret.expression, state) : state;
        this.leave("return", node, after);
        return 0;
      }
      case ts.SyntaxKind.ThrowStatement: {
        const after = this.simple((node as ts.ThrowStatement).expression, state);
        this.raise("throw", node, after);
        return 0;
      }
      case ts.SyntaxKind.TryStatement:
        return this.tryStatement(node as ts.TryStatement, state);
      case ts.SyntaxKind.ForStatement:
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
        return this.loop(node as ts.IterationStatement, state);
      case ts.SyntaxKind.SwitchStatement:
        return this.switchStatement(node as ts.SwitchStatement, state);
      case ts.SyntaxKind.LabeledStatement:
        return this.statement((node as ts.LabeledStatement).statement, state);
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement: {
        const frame = node.kind === ts.SyntaxKind.ContinueStatement ? [...this.loops].reverse().find((f) => !f.isSwitch) : this.loops[this.loops.length - 1];
        frame?.breakStates.push(state);
        if (frame && state & OPEN) (frame.openVias ??= []).push(this.via);
        return 0;
      }
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.ClassDeclaration:
        return this.touches(node) ? release(state) : state;
      default:
        return this.simple(node, state);
    }
  }

  /** A statement or expression without control flow of its own. */
  simple(node: ts.Node, state: number): number {
    if (isInside(this.resource.acquisition, node)) {
      // The resource becomes live here; a release in the same statement (a chained
      // `.pipe()`, a callback that closes it) settles it at once.
      return this.releasesIn(node) ? DONE : OPEN;
    }
    if (this.resource.exceptions && state & OPEN && this.mayThrow(node) && (this.resource.mayThrow?.(node) ?? true) && !this.releasesIn(node)) {
      this.raise("exception", node, state);
    }
    return this.releasesIn(node) ? release(state) : state;
  }

  private tryStatement(node: ts.TryStatement, state: number): number {
    const frame: TryFrame = { catchStates: node.catchClause ? [] : undefined, finallyBlock: node.finallyBlock, openThrows: [] };
    this.tries.push(frame);
    let after = this.block(node.tryBlock.statements, state);
    this.tries.pop();
    if (node.catchClause) {
      // Any call in the try block may throw, so the catch block is entered with the
      // state at the start of the try as well as the states recorded by `raise`.
      const entry = (frame.catchStates ?? []).reduce((a, b) => a | b, this.catchEntry(node.tryBlock, state, frame));
      if (entry !== 0) {
        const catchFrame: TryFrame = { finallyBlock: node.finallyBlock };
        const outer = this.via;
        // Open only through a throw: exits after the catch owe the leak to that throw.
        const cause = !(after & OPEN) && !(state & OPEN) ? (frame.openThrows ?? [])[0] : undefined;
        if (cause) this.via = cause;
        this.tries.push(catchFrame);
        const caught = this.block(node.catchClause.block.statements, entry);
        this.tries.pop();
        if (!(caught & OPEN)) this.via = outer;
        after |= caught;
      }
    }
    if (node.finallyBlock && after !== 0) after = this.block(node.finallyBlock.statements, after);
    return after;
  }

  /**
   * The states in which the try block's top-level statements may throw. A statement
   * that releases the resource counts as released even when it throws (a failing
   * `closeSync(fd)` or `await res.json()` still settled it); a try block without any
   * call keeps the conservative start state.
   */
  private catchEntry(block: ts.Block, state: number, frame: TryFrame): number {
    let entry = 0;
    let current = state;
    for (const statement of block.statements) {
      if (isInside(this.resource.acquisition, statement)) {
        if (this.mayThrow(statement)) entry |= current;
        current = this.releasesIn(statement) ? DONE : OPEN;
      } else if (this.releasesIn(statement)) {
        current = release(current);
        entry |= current;
      } else if (this.mayThrow(statement) && (!(current & OPEN) || (this.resource.mayThrow?.(statement) ?? true))) {
        entry |= current;
        if (current & OPEN) frame.openThrows?.push({ kind: "exception", node: statement });
      }
    }
    return entry === 0 ? state : entry;
  }

  private loop(node: ts.IterationStatement, state: number): number {
    let current = state;
    if (ts.isForStatement(node)) {
      if (node.initializer) current = this.simple(node.initializer, current);
      if (node.condition) current = this.simple(node.condition, current);
    } else if (ts.isForInStatement(node) || ts.isForOfStatement(node)) {
      current = this.simple(node.expression, current);
      current = this.simple(node.initializer, current);
    } else if (ts.isWhileStatement(node)) {
      current = this.simple(node.expression, current);
    }
    const frame: LoopFrame = { breakStates: [] };
    this.loops.push(frame);
    let after = this.statement(node.statement, current);
    this.loops.pop();
    if (ts.isDoStatement(node)) after = this.simple(node.expression, after);
    const infinite = (ts.isWhileStatement(node) || ts.isDoStatement(node)) && node.expression.kind === ts.SyntaxKind.TrueKeyword
      || (ts.isForStatement(node) && !node.condition);
    const exitsNormally = infinite ? 0 : current | after;
    return this.leaveFrame(frame, exitsNormally);
  }

  private switchStatement(node: ts.SwitchStatement, state: number): number {
    const entry = this.simple(node.expression, state);
    const frame: LoopFrame = { breakStates: [], isSwitch: true };
    this.loops.push(frame);
    let fallthrough = 0;
    let hasDefault = false;
    for (const clause of node.caseBlock.clauses) {
      if (ts.isDefaultClause(clause)) hasDefault = true;
      fallthrough = this.block(clause.statements, entry | fallthrough);
    }
    this.loops.pop();
    return this.leaveFrame(frame, fallthrough | (hasDefault ? 0 : entry));
  }

  /**
   * The state after a loop or switch: its normal end joined with its breaks. When the resource is open
   * there only through breaks taken after a caught throw (`catch { continue; }`), the exits that follow
   * owe the leak to that throw, as after a catch block.
   */
  private leaveFrame(frame: LoopFrame, normal: number): number {
    const vias = frame.openVias ?? [];
    if (!(normal & OPEN) && vias.length > 0 && vias.every((v) => v !== undefined)) this.via = vias[0];
    return frame.breakStates.reduce((a, b) => a | b, normal);
  }

  /** A return: run the enclosing finally blocks, then leave the function. */
  private leave(kind: ExitKind, node: ts.Node, state: number): void {
    let current = state;
    for (let i = this.tries.length - 1; i >= 0; i--) {
      const block = this.tries[i].finallyBlock;
      if (block) current = this.inFrameBelow(i, () => this.block(block.statements, current));
    }
    this.exit(kind, node, current);
  }

  /** A throw (explicit or from a call): the nearest catch takes it, finally blocks run on the way out. */
  private raise(kind: ExitKind, node: ts.Node, state: number): void {
    let current = state;
    for (let i = this.tries.length - 1; i >= 0; i--) {
      const frame = this.tries[i];
      if (frame.catchStates) {
        frame.catchStates.push(current);
        if (current & OPEN) recordThrow(frame, kind, node);
        return;
      }
      if (frame.finallyBlock) {
        const block = frame.finallyBlock;
        current = this.inFrameBelow(i, () => this.block(block.statements, current));
      }
    }
    this.exit(kind, node, current);
  }

  /** Runs `action` as if only the try frames below index `depth` were active. */
  private inFrameBelow(depth: number, action: () => number): number {
    const saved = this.tries.splice(depth);
    const savedExceptions = this.resource.exceptions;
    try {
      (this.resource as { exceptions: boolean }).exceptions = false; // no second-order exceptions in finally
      return action();
    } finally {
      (this.resource as { exceptions: boolean }).exceptions = savedExceptions;
      this.tries.push(...saved);
    }
  }

  private touches(node: ts.Node): boolean {
    return this.releasesIn(node) || isInside(this.resource.acquisition, node);
  }

  /** Whether a release/hand-off reference lies inside `node`. */
  private releasesIn(node: ts.Node): boolean {
    const cached = this.releaseStatements.get(node);
    if (cached !== undefined) return cached;
    let found = false;
    for (const ref of this.resource.releases) {
      if (isInside(ref, node)) {
        found = true;
        break;
      }
    }
    this.releaseStatements.set(node, found);
    return found;
  }
}

/** Raised during the walk, so explicit throws come before the statements `catchEntry` adds afterwards. */
function recordThrow(frame: TryFrame, kind: ExitKind, node: ts.Node): void {
  if (kind === "throw" || kind === "exception") (frame.openThrows ??= []).push({ kind, node });
}

/** A branch where the handle is known unset: the resource is not open there (an empty state is an unreachable branch). */
function notOpen(state: number): number {
  return state & ~OPEN;
}

/**
 * Whether `expr` having the value `truth` means the variable `name` is unset (falsy):
 * `!s`, `s == null`, `s === undefined`, `s === null` when true; `s`, `s != null`, `s !== undefined`
 * when false; through `&&` (true: either side says so) and `||` (false: either side says so).
 */
function impliesUnset(expr: ts.Expression, name: string, truth: boolean): boolean {
  let e = expr;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) return e.text === name && !truth;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return impliesUnset(e.operand, name, !truth);
  if (!ts.isBinaryExpression(e)) return false;
  const op = e.operatorToken.kind;
  if (op === ts.SyntaxKind.AmpersandAmpersandToken) return truth && (impliesUnset(e.left, name, true) || impliesUnset(e.right, name, true));
  if (op === ts.SyntaxKind.BarBarToken) return !truth && (impliesUnset(e.left, name, false) || impliesUnset(e.right, name, false));
  const equality = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
  const inequality = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
  if (!equality && !inequality) return false;
  const isName = (x: ts.Expression) => ts.isIdentifier(x) && x.text === name;
  const isNullish = (x: ts.Expression) => x.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(x) && x.text === "undefined");
  const tested = (isName(e.left) && isNullish(e.right)) || (isName(e.right) && isNullish(e.left));
  return tested && truth === equality;
}

function release(state: number): number {
  return state & OPEN ? (state & ~OPEN) | DONE : state;
}
