// abort-controller-not-aborted: an AbortController with a path to an exit on which it is neither aborted nor handed off (lostcancel), composite `anySignal()` signals never cleared, and hand-made abort timers that are never cleared.
import ts from "typescript";
import {
  type Fix, type LeakPath, calleeMemberName, type TextEdit, TIMER_CLEAR_FUNCTIONS, classifyReference, defineRule, enclosingFunction, freshName, isFunctionNode, isAbortControllerCreation,
  isClearableSignalCreation, isHandleDropped, isInside, isSignalOption, insertBefore, literalDelayMs, makeFix, removeStatement, replaceNode, skipOuterExpressions, storedHandle, timerHandleExpression, timerStarted,
  wrapRestInTryFinally, flow, runtime, findRemovals, parseRegistration,
} from "../engine";

type MessageId = "notAborted" | "listenersKept" | "timerNotCleared" | "notCleared";
type Options = Record<string, never>;

const CONTROLLER_OWNERSHIP = { releaseMethods: ["abort"] };
/** A composite signal is released by its `clear()`; handing it to a call (`fetch(url, { signal })`) only uses it. */
const COMPOSITE_OWNERSHIP = { releaseMethods: ["clear"], argumentIsHandoff: false };
const TIMER_OWNERSHIP = { releaseMethods: [] as string[], releaseFunctions: TIMER_CLEAR_FUNCTIONS };
/** Calls whose `{ signal }` option removes a listener when the signal aborts. */
const LISTENER_REGISTRATIONS = new Set(["addEventListener", "on", "once", "addListener", "prependListener", "watch", "subscribe"]);
/** An abort timer cleared on the work's usual path and missed on another holds its controller at most this long. */
const SHORT_MISSED_CLEAR_MS = 60_000;
const EXIT_WORDS = { return: "this return", end: "the end of the function", throw: "this throw", exception: "an exception thrown here" };

interface AbortTimer {
  call: ts.CallExpression;
  statement: ts.Statement;
  /** The variable holding the handle, when stored. */
  name?: string;
  clears: ts.Expression[];
}

export default defineRule<MessageId, Options>({
  id: "abort-controller-not-aborted",
  meta: {
    family: "context",
    description: "an AbortController whose abort() is not reached on every path, an anySignal() never cleared, or a hand-made abort timer never cleared",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [flow, runtime],
    defaultSeverity: "warning",
  },
  messages: {
    notAborted: "`{{name}}` is aborted on some paths but not on the path through {{exit}}: whatever is waiting on its signal keeps running and keeps its listeners and closures alive.",
    listenersKept: "`{{name}}` is never aborted, but its signal is used to remove listeners: they stay registered (with their closures) for as long as the target lives.",
    notCleared: "`{{name}}` (`anySignal(…)`) is not cleared on {{exit}}: it keeps an \"abort\" listener on each of its input signals until one of them aborts, which for a caller's or a long-lived signal may be never, so every call leaves a listener holding its composite signal and closure on that input.",
    timerNotCleared: "The hand-made abort timer for `{{name}}` is not cleared when the work finishes (path through {{exit}}): it keeps the controller, its signal and the closure alive for {{delay}} after the work is done.",
  },
  schema: { type: "object", additionalProperties: false, properties: {} },
  defaultOptions: {},
  create(context) {
    const leakFlow = context.use(flow);
    const { facts, sourceFile } = context;
    const usesAnySignal = sourceFile.text.includes("any-signal");
    return {
      [ts.SyntaxKind.NewExpression](node: ts.NewExpression) {
        if (!ts.isIdentifier(node.expression) || node.expression.text !== "AbortController") return;
        const declaration = skipParents(node);
        if (!ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name) || !enclosingFunction(node)) return;
        if (isAbortControllerCreation(facts, node)) checkController(node, declaration as ts.VariableDeclaration & { name: ts.Identifier });
      },
      [ts.SyntaxKind.CallExpression](node: ts.CallExpression) {
        // Composite signals come from the any-signal package: a file that does not name it has none.
        if (usesAnySignal && ts.isIdentifier(node.expression) && isClearableSignalCreation(facts, node) && enclosingFunction(node)) checkComposite(node);
      },
    };

    /**
     * `const signal = anySignal([options.signal, AbortSignal.timeout(ms)])`: the composite
     * must be `clear()`ed when the call is done (lostcancel with `clear` as the release).
     * Passing it to calls uses it; returning or storing it hands the clearing to the holder;
     * a `clear()` in a callback (`.finally(() => signal.clear())`) is wired to run later.
     */
    function checkComposite(creation: ts.CallExpression): void {
      const holder = skipParents(creation);
      if (!ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name)) {
        // `pipe(source, { signal: anySignal([...]) })`: nobody keeps it, so nobody can clear it.
        if (isPassedToCall(skipOuterParents(creation))) context.report({ node: creation, messageId: "notCleared", data: { name: "anySignal(…)", exit: "any path: it is not kept" } });
        return;
      }
      const name = holder.name.text;
      const releases = new Set<ts.Node>();
      for (const ref of facts.referencesTo(holder.name)) {
        const kind = classifyReference(ref, COMPOSITE_OWNERSHIP);
        if (kind === "release") releases.add(ref);
        else if (kind === "handoff" && !isPassedToCall(skipOuterParents(ref))) return;
      }
      if ([...releases].some((ref) => enclosingFunction(ref) !== enclosingFunction(creation))) return;
      // Only normal exits: between the creation and its `try` sit calls like `setMaxListeners(Infinity, signal)`, and an exception there is noise.
      const leak = releases.size === 0 ? undefined : leakFlow.leakPath({ acquisition: creation, releases, exceptions: false });
      if (releases.size > 0 && !leak) return;
      const statement = holder.parent.parent;
      const wrap = releases.size === 0 && ts.isVariableStatement(statement) ? wrapRestInTryFinally(sourceFile, statement, [`${name}.clear()`]) : undefined;
      context.report({
        node: creation,
        messageId: "notCleared",
        data: { name, exit: leak ? `the path through ${EXIT_WORDS[leak.kind]}` : "any path" },
        related: leak ? [{ node: leak.node, message: `\`${name}\` is still linked to its inputs here` }] : [],
        fixes: wrap ? [makeFix(`Clear ${name} in a finally block`, false, [wrap])] : [],
      });
    }

    function isRemovedByName(call: ts.CallExpression): boolean {
      const registration = parseRegistration(call);
      return registration !== undefined && findRemovals(facts, registration).some((r) => r.matches);
    }

    function checkController(creation: ts.NewExpression, declaration: ts.VariableDeclaration & { name: ts.Identifier }): void {
      const name = declaration.name.text;
      const refs = facts.referencesTo(declaration.name);
      const releases = new Set<ts.Node>();
      const handoffs: ts.Expression[] = [];
      let boundToListeners = false;
      for (const ref of refs) {
        const parent = ref.parent;
        if (ts.isPropertyAccessExpression(parent) && parent.expression === ref && parent.name.text === "signal") {
          const call = isSignalOption(parent);
          // A listener also removed by name (`removeEventListener("resize", onResize)` in the cleanup) does not need the signal.
          if (call && LISTENER_REGISTRATIONS.has(calleeMemberName(call) ?? "") && !isRemovedByName(call)) boundToListeners = true;
          else if (classifyReference(parent, CONTROLLER_OWNERSHIP) === "handoff" && !ts.isPropertyAssignment(parent.parent)) {
            if (isStoredOrReturned(parent)) handoffs.push(ref);
          }
          continue;
        }
        const kind = classifyReference(ref, CONTROLLER_OWNERSHIP);
        if (kind === "release") releases.add(ref);
        else if (kind === "handoff") handoffs.push(ref);
      }
      const timer = abortTimer(releases);
      // `const ac = new AbortController(); setTimeout(() => ac.abort(), ms); return ac.signal`: a hand-made AbortSignal.timeout(ms) — the timer is its abort.
      if (timer && timer.clears.length === 0 && handoffs.some((ref) => ts.isReturnStatement(skipParents(ref.parent as ts.Expression)))) return;
      if (timer) return checkTimer(creation, name, timer, refs);
      if (handoffs.length > 0 && releases.size === 0) return; // someone else aborts it
      if (releases.size === 0) {
        if (boundToListeners) context.report({ node: creation, messageId: "listenersKept", data: { name }, fixes: abortInFinally(declaration, name, handoffs) });
        return;
      }
      // An abort inside a callback (an event handler, a mock, a returned closure) is wired to run later: handed off.
      if ([...releases].some((ref) => enclosingFunction(ref) !== enclosingFunction(creation))) return;
      // Aborting only in `catch` cancels on failure; on success the work is done and nothing waits on the signal.
      if ([...releases].every((ref) => isInCatch(ref, creation))) return;
      for (const ref of handoffs) releases.add(ref);
      const leak = leakFlow.leakPath({ acquisition: creation, releases, exceptions: true });
      if (!leak) return;
      // An exception skips the abort, but it matters only when work may still be running on the signal: the losers of a race, listeners.
      if (leak.kind === "exception" && !boundToListeners && !refs.some(isRaced)) return;
      // The catch of `await Promise.any(tasks)` runs once every task has rejected: nothing is left running on the signal.
      if (!boundToListeners && isAfterEveryTaskSettled(leak.node, releases)) return;
      context.report({
        node: creation,
        messageId: "notAborted",
        data: { name, exit: EXIT_WORDS[leak.kind] },
        related: [{ node: leak.node, message: `\`${name}\` is still live here` }],
        fixes: abortInFinally(declaration, name, handoffs),
      });
    }

    /** `setTimeout(() => ac.abort(), ms)`: the timer that aborts the controller, if that is how it is aborted. */
    function abortTimer(releases: ReadonlySet<ts.Node>): AbortTimer | undefined {
      for (const ref of releases) {
        for (let node: ts.Node = ref; node.parent; node = node.parent) {
          const call = node.parent;
          if (!ts.isCallExpression(call) || call.arguments[0] !== node || !timerStarted(facts, call, ["setTimeout"])) continue;
          const handle = timerHandleExpression(call);
          const statement = handle.parent;
          if (isHandleDropped(handle) && ts.isExpressionStatement(statement)) return { call, statement, clears: [] };
          const stored = storedHandle(facts, handle);
          if (!stored || stored.member || !ts.isVariableDeclaration(handle.parent)) return undefined;
          const clears = stored.refs.filter((r) => classifyReference(r, TIMER_OWNERSHIP) !== "use");
          return { call, statement: handle.parent.parent.parent as ts.Statement, name: stored.name, clears };
        }
      }
      return undefined;
    }

    function checkTimer(creation: ts.NewExpression, name: string, timer: AbortTimer, refs: readonly ts.Identifier[]): void {
      // In a browser the timer runs once per user action and holds one controller for its delay;
      // the cost is a server's, where every request keeps its own for the whole delay.
      if (context.use(runtime).at(creation) === "browser") return;
      let leak: LeakPath | undefined;
      if (timer.clears.length === 0) leak = { kind: "end", node: timer.call };
      else leak = leakFlow.leakPath({ acquisition: timer.call, releases: new Set(timer.clears), exceptions: false });
      if (!leak) return;
      const delay = literalDelayMs(facts, timer.call.arguments[1]);
      // Cleared where the work ends, missed on one exit (a failed request's): a one-shot that lets go within a minute is not worth a finding.
      if (timer.clears.length > 0 && delay !== undefined && delay <= SHORT_MISSED_CLEAR_MS) return;
      const fixes = [...timeoutSignalFix(creation, timer, refs), ...clearAndAbortInFinally(name, timer)];
      context.report({
        node: creation,
        messageId: "timerNotCleared",
        data: { name, exit: timer.clears.length === 0 ? "every exit" : EXIT_WORDS[leak.kind], delay: delay === undefined ? "the whole delay" : `${delay} ms` },
        related: [{ node: timer.call.expression, message: "the abort timer" }, ...(timer.clears.length > 0 ? [{ node: leak.node, message: "the timer is still pending here" }] : [])],
        fixes,
      });
    }

    /** Safe: `AbortSignal.timeout(ms)` replaces a controller that exists only for the timer. */
    function timeoutSignalFix(creation: ts.NewExpression, timer: AbortTimer, refs: readonly ts.Identifier[]): Fix[] {
      const declaration = creation.parent as ts.VariableDeclaration;
      const list = declaration.parent;
      const callback = timer.call.arguments[0];
      const delay = timer.call.arguments[1];
      if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1 || !delay || !callback) return [];
      if (!ts.isArrowFunction(callback) || !isAbortCall(callback.body)) return [];
      if (!isKnownBefore(delay, declaration)) return [];
      const signalRefs = refs.filter((r) => !isInside(r, callback));
      if (refs.length - signalRefs.length !== 1) return [];
      if (!signalRefs.every((r) => ts.isPropertyAccessExpression(r.parent) && r.parent.name.text === "signal" && !isAssigned(r.parent))) return [];
      if (timer.clears.some((c) => !ts.isExpressionStatement(skipParents(c).parent) || !ts.isCallExpression(skipParents(c)))) return [];
      const signal = freshName(sourceFile, "signal", (n) => facts.identifiersNamed(n).some(isBinding));
      const edits: TextEdit[] = [
        replaceNode(list.parent, sourceFile, `const ${signal} = AbortSignal.timeout(${delay.getText(sourceFile)});`),
        removeStatement(sourceFile, timer.statement),
        ...timer.clears.map((c) => removeStatement(sourceFile, skipParents(c).parent as ts.Statement)),
      ];
      for (const ref of signalRefs) {
        const access = ref.parent as ts.PropertyAccessExpression;
        const property = access.parent;
        if (signal === "signal" && ts.isPropertyAssignment(property) && property.initializer === access && property.name.getText(sourceFile) === "signal") {
          edits.push(replaceNode(property, sourceFile, signal));
        } else {
          edits.push(replaceNode(access, sourceFile, signal));
        }
      }
      return [makeFix(`Replace the controller and its timer with AbortSignal.timeout(${delay.getText(sourceFile)})`, true, edits, [`${signal}@${enclosingFunction(declaration)?.pos ?? 0}`])];
    }

    /** Suggestion: clear the timer and abort in a `finally` around the rest of the block. */
    function clearAndAbortInFinally(name: string, timer: AbortTimer): Fix[] {
      const handle = timer.name ?? freshName(sourceFile, "timer", (n) => facts.identifiersNamed(n).length > 0);
      const wrap = wrapRestInTryFinally(sourceFile, timer.statement, [`clearTimeout(${handle})`, `${name}.abort()`]);
      if (!wrap) return [];
      const edits: TextEdit[] = [wrap];
      if (!timer.name) edits.push(insertBefore(timer.call, sourceFile, `const ${handle} = `));
      return [makeFix(`Clear the timer and abort ${name} in a finally block`, false, edits)];
    }

    function abortInFinally(declaration: ts.VariableDeclaration, name: string, handoffs: readonly ts.Expression[]): Fix[] {
      if (handoffs.length > 0) return []; // aborting in finally would cancel what was handed on
      const statement = declaration.parent.parent;
      const wrap = ts.isVariableStatement(statement) ? wrapRestInTryFinally(sourceFile, statement, [`${name}.abort()`]) : undefined;
      return wrap ? [makeFix(`Abort ${name} in a finally block`, false, [wrap])] : [];
    }

    function isKnownBefore(delay: ts.Expression, declaration: ts.Node): boolean {
      if (ts.isNumericLiteral(delay)) return true;
      if (literalDelayMs(facts, delay) !== undefined && !ts.isIdentifier(delay)) return true;
      if (!ts.isIdentifier(delay) && !(ts.isPropertyAccessExpression(delay) && ts.isIdentifier(delay.expression))) return false;
      const root = ts.isIdentifier(delay) ? delay : delay.expression as ts.Identifier;
      const decl = facts.symbolAt(root)?.valueDeclaration;
      return decl !== undefined && decl.getSourceFile() === sourceFile && decl.getEnd() <= declaration.getStart(sourceFile);
    }
  },
});

/** The node that holds an expression, past parentheses and type assertions. */
function skipParents(node: ts.Expression): ts.Node {
  return skipOuterParents(node).parent;
}

function skipOuterParents(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent)) {
    current = current.parent;
  }
  return current;
}

/** `ac.abort()` as an arrow's whole body. */
function isAbortCall(body: ts.ConciseBody): boolean {
  return ts.isCallExpression(body) && body.arguments.length === 0 && ts.isPropertyAccessExpression(body.expression)
    && body.expression.name.text === "abort" && ts.isIdentifier(body.expression.expression);
}

function isInCatch(ref: ts.Node, stop: ts.Node): boolean {
  const fn = enclosingFunction(stop);
  for (let node = ref.parent; node && node !== fn; node = node.parent) if (ts.isCatchClause(node)) return true;
  return false;
}

/** `ac.signal` given to work inside `Promise.race([...])` / `Promise.any([...])`: the losers keep running until aborted. */
function isRaced(ref: ts.Node): boolean {
  for (let node = ref.parent; node && !ts.isBlock(node); node = node.parent) {
    if (ts.isCallExpression(node) && (isPromiseCombinator(node, "race") || isPromiseCombinator(node, "any"))) return true;
  }
  return false;
}

/**
 * `try { const first = await Promise.any(tasks); ac.abort(); … } catch { return null }`: the exit is in a catch
 * whose try reaches the abort after nothing but `Promise.any(…)` calls, and `Promise.any` rejects only when every
 * input has rejected, so the work raced on the signal has all settled by then.
 */
function isAfterEveryTaskSettled(exit: ts.Node, releases: ReadonlySet<ts.Node>): boolean {
  let clause: ts.Node | undefined = exit;
  while (clause && !ts.isCatchClause(clause) && !isFunctionNode(clause)) clause = clause.parent;
  if (!clause || !ts.isCatchClause(clause)) return false;
  const block = clause.parent.tryBlock;
  const index = block.statements.findIndex((statement) => [...releases].some((ref) => isInside(ref, statement)));
  if (index <= 0) return false;
  let anyCalls = 0;
  let otherCalls = 0;
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node)) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      if (ts.isCallExpression(node) && isPromiseCombinator(node, "any")) anyCalls++;
      else otherCalls++;
    }
    ts.forEachChild(node, visit);
  };
  block.statements.slice(0, index).forEach(visit);
  return anyCalls > 0 && otherCalls === 0;
}

function isPromiseCombinator(call: ts.CallExpression, name: string): boolean {
  return ts.isPropertyAccessExpression(call.expression) && ts.isIdentifier(call.expression.expression)
    && call.expression.expression.text === "Promise" && call.expression.name.text === name;
}

/** `f(x)`, `f({ signal: x })`, `f({ ...opts, signal })`: the value goes into a call's arguments (possibly inside an options literal). */
function isPassedToCall(expr: ts.Node): boolean {
  let current = expr;
  while (ts.isPropertyAssignment(current.parent) || ts.isShorthandPropertyAssignment(current.parent) || ts.isObjectLiteralExpression(current.parent)) {
    current = current.parent;
  }
  const parent = current.parent;
  return (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && (parent.arguments?.includes(current as ts.Expression) ?? false);
}

function isStoredOrReturned(expr: ts.Expression): boolean {
  const parent = skipOuterExpressions(expr).parent;
  return ts.isReturnStatement(parent) || ts.isArrowFunction(parent) || (ts.isBinaryExpression(parent) && parent.right === expr);
}

function isAssigned(access: ts.Expression): boolean {
  const parent = access.parent;
  return ts.isBinaryExpression(parent) && parent.left === access;
}

function isBinding(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent)) && parent.name === id) return false;
  return true;
}
