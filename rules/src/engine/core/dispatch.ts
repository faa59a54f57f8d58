// The linter's walk and dispatch: one walk of the file collects the nodes some rule visits and
// fills the syntax index; the visitors then run over the collected nodes, in steps. A quick
// lint (core/incremental.ts) visits only the statements its plan names.
import ts from "typescript";
import { pushChildren, stackPusher } from "./ast";
import type { Facts } from "./facts";
import type { IncrementalPlan } from "./incremental";
import { emptySyntaxIndex, indexNode } from "./syntax-index";

/** How many nodes the walk handles, and how many the visitors, between two steps (a visit costs more than a walk's step). */
const NODES_PER_STEP = 4096;
const TARGETS_PER_STEP = 256;

export interface Handler {
  id: string;
  visit: (node: ts.Node) => void;
  /** The rule has whole-file work (`onFileEnd`): a quick lint still runs it on every node. */
  whole: boolean;
}

/**
 * One walk per file: it collects, in pre-order, the nodes some rule visits (with the index
 * of the top-level statement each lies in, -1 for the file itself and its end), and fills
 * the syntax index for `facts` on the way (identifiers, declarations, calls, property
 * assignments: core/syntax-index.ts); the visitors then run over the collected nodes (with
 * the index complete, references, owners and calls cost no second walk of the file). The
 * engine's `walk` is iterative, so deep nesting cannot overflow the stack.
 */
export function* collectTargets(
  root: ts.SourceFile,
  facts: Facts,
  dispatch: ReadonlyMap<ts.SyntaxKind, readonly Handler[]>,
): Generator<void, { targets: ts.Node[]; statementOf: number[] }> {
  const targets: ts.Node[] = [];
  const statementOf: number[] = [];
  const index = emptySyntaxIndex();
  // The engine's `walk` with the per-node work written in: it visits every node of every
  // file, and a loop of its own keeps that work monomorphic (`walk` calls many visitors).
  const stack: ts.Node[] = [root];
  const push = stackPusher(stack);
  let count = 0;
  let statement = -1;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const kind = node.kind;
    // The file's children pop in order: its statements, then the end-of-file token.
    if (node.parent === root) statement = kind === ts.SyntaxKind.EndOfFileToken ? -1 : statement + 1;
    indexNode(index, node, kind);
    if (dispatch.has(kind)) {
      targets.push(node);
      statementOf.push(statement);
    }
    pushChildren(stack, node, push);
    if (++count % NODES_PER_STEP === 0) yield;
  }
  facts.adoptSyntaxIndex(index);
  return { targets, statementOf };
}

/**
 * Runs the handlers over the collected nodes (`run(handler, node, statement)`), in steps; with
 * a plan, nodes of the statements it takes over are visited only by rules with whole-file work.
 */
export function* visitTargets(
  targets: readonly ts.Node[],
  statementOf: readonly number[],
  dispatch: ReadonlyMap<ts.SyntaxKind, readonly Handler[]>,
  plan: IncrementalPlan | undefined,
  run: (handler: Handler, node: ts.Node, statement: number) => void,
): Generator<void, void> {
  const wholeOnly = plan && wholeFileHandlers(dispatch);
  let visits = 0;
  for (let i = 0; i < targets.length; i++) {
    const node = targets[i];
    const statement = statementOf[i];
    const visited = !plan || statement < 0 || plan.visit.has(statement);
    // A statement the quick lint takes over: only rules with whole-file work visit it (none: skip its nodes).
    if (!visited && wholeOnly!.size === 0) {
      while (i + 1 < targets.length && statementOf[i + 1] === statement) i++;
      continue;
    }
    for (const handler of visited ? dispatch.get(node.kind)! : wholeOnly!.get(node.kind) ?? []) run(handler, node, statement);
    if (++visits % TARGETS_PER_STEP === 0) yield;
  }
}

function wholeFileHandlers(dispatch: ReadonlyMap<ts.SyntaxKind, readonly Handler[]>): Map<ts.SyntaxKind, Handler[]> {
  const whole = new Map<ts.SyntaxKind, Handler[]>();
  for (const [kind, handlers] of dispatch) {
    const kept = handlers.filter((h) => h.whole);
    if (kept.length > 0) whole.set(kind, kept);
  }
  return whole;
}


