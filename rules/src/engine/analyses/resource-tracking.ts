// Following an acquired resource from the call that acquires it to where it is
// released or handed off. The value may be returned by the call, awaited, delivered
// to a `.then` callback or to a Node-style callback (after its `if (err) …` guard);
// it may be bound to a variable, destructured (`const { body } = await request()`),
// assigned to `this.field`, chained (`.on(…).pipe(…)`) or dropped. Each reference is
// classified with the shared ownership vocabulary plus the resource's own (consuming
// events, iteration, `res.body.cancel()`), and the flow walk finds the exit reached
// with the resource still open.
import ts from "typescript";
import { type FunctionNode, calleeMemberName, enclosingFunction, isFunctionNode, isInside, isStoringAssignment, skipParens, thisClass } from "../core/ast";
import type { Facts } from "../core/facts";
import { type LeakPath, flow } from "./flow";
import { findTeardown } from "./lifetime";
import { leakRearmsEntryGuard } from "./refill-guard";
import { isConfiguringCall, isInsideThrewGuard, isLivenessProbe, isOpeningCall, touchesOrAwaits } from "./throwing";
import { classifyReference, outerReference } from "./ownership";
import { type ResourceSpec, callbackArgument, deliveryOf } from "../apis/resources";
import type { UseKind } from "./flow";

export type TrackMode = "value" | "await" | "then" | "callback";

export interface ResourceTrack {
  spec: ResourceSpec;
  mode: TrackMode;
  /** The function the walk runs over. */
  scope: FunctionNode;
  /** The binding that holds the resource, when it is bound to a name. */
  binding?: ts.Identifier;
  /**
   * "dropped": never bound; "never": bound, never released; "leak": an exit is reached open; "field": in
   * `this.<field>`, not closed by the teardown; "released": released or handed off on every path.
   */
  outcome: "dropped" | "never" | "leak" | "field" | "released";
  leak?: LeakPath;
  /** Every exit reached with the resource open (`leak` is the first); for "leak" only. */
  exits?: LeakPath[];
  /** Every reference to the binding (and to a releasing callback parameter such as pg's `done`). */
  refs: ts.Expression[];
  /** The references that release it or hand it off. */
  releases: ts.Expression[];
  field?: { classNode: ts.ClassLikeDeclaration; name: string; teardown: ts.MethodDeclaration };
}

/** Methods that return their receiver, so `create().on(…).setEncoding(…)` still denotes the resource. */
const CHAINING_METHODS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener", "setEncoding", "setTimeout", "setNoDelay", "setKeepAlive", "setDefaultEncoding", "cork", "ref"]);
const LISTEN_METHODS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener"]);
/** Option names under which a call borrows a session, agent or dispatcher without owning it. */
const OPTION_NAMES = new Set(["session", "agent", "dispatcher", "httpAgent", "httpsAgent"]);
const BODY_SPEC: ResourceSpec = {
  kind: "stream", label: "body", delivery: "value", release: ["cancel", "getReader", "pipeTo", "pipeThrough", "tee", "json", "text", "arrayBuffer", "blob", "bytes", "dump",
    "resume", "destroy"], // node-fetch bodies are Node streams
  handoff: ["pipe"], iterable: true, consumeEvents: ["data", "readable"],
};

/**
 * Follows the resource `call` acquires. Undefined when it is handed off at once
 * (returned, stored, passed on, `using`) or held somewhere the walk cannot follow.
 */
export function trackResource(facts: Facts, call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec, exceptions: boolean): ResourceTrack | undefined {
  const delivery = deliveryOf(call, spec);
  if (spec.delivery === "callback" && delivery !== "callback") return undefined; // `http.request(opts)` returns the request, not the response
  if (delivery === "callback") {
    const callback = callbackArgument(call)!;
    return trackCallbackParam(facts, callback, spec, spec.callbackParam ?? 0, spec.releaseParam, "callback");
  }
  const scope = enclosingFunction(call);
  let value: ts.Expression = outerReference(call);
  let mode: TrackMode = "value";
  if (delivery === "promise") {
    const parent = value.parent;
    if (ts.isAwaitExpression(parent)) {
      value = outerReference(parent);
      mode = "await";
    } else if (ts.isPropertyAccessExpression(parent) && parent.name.text === "then" && ts.isCallExpression(parent.parent)) {
      const callback = parent.parent.arguments[0];
      if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return undefined;
      return trackCallbackParam(facts, callback, spec, 0, undefined, "then");
    } else if (!ts.isExpressionStatement(parent)) {
      return undefined; // the promise itself is passed on
    }
  }
  if (!scope) return undefined;
  if (mode === "value" && ts.isAwaitExpression(value.parent)) value = outerReference(value.parent); // `await mysql.createConnection()`
  value = chainEnd(facts, value, spec);
  const parent = value.parent;
  const base = { spec, mode, scope, refs: [] as ts.Expression[], releases: [] as ts.Expression[] };
  if (ts.isExpressionStatement(parent) || ts.isVoidExpression(parent)) return { ...base, outcome: "dropped" };
  if (ts.isVariableDeclaration(parent) && parent.initializer === value) {
    if (ts.getCombinedNodeFlags(parent) & ts.NodeFlags.Using) return undefined; // using / await using (flag covers both)
    const binding = bindingName(parent.name, spec);
    if (binding === "dropped") return { ...base, outcome: "dropped" };
    if (!binding) return undefined;
    return followBinding(facts, base, binding, facts.referencesTo(binding), call, exceptions);
  }
  if (ts.isBinaryExpression(parent) && parent.right === value && isStoringAssignment(parent.operatorToken.kind)) {
    return followAssignment(facts, base, parent.left, call, exceptions);
  }
  return classifyUse(facts, value, spec) === "use" ? { ...base, outcome: "dropped" } : undefined;
}

/** Whether a reference releases, hands off or only uses the resource. */
export function classifyUse(facts: Facts, ref: ts.Expression, spec: ResourceSpec): UseKind {
  const expr = outerReference(ref);
  const parent = expr.parent;
  if (spec.kind === "response" && ts.isPropertyAccessExpression(parent) && parent.expression === expr && parent.name.text === "body") {
    return isNullTest(parent) ? "handoff" : classifyUse(facts, parent, BODY_SPEC); // `if (!res.body) return`: nothing to consume
  }
  if (spec.consumeEvents && listensToAny(expr, spec.consumeEvents)) return "handoff";
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(expr)) {
    if (spec.numericHandle) {
      const name = facts.calleeName(parent) ?? "";
      if (name === "fs:close" || name === "fs:closeSync") return "release";
      if (name.startsWith("fs:")) return "use";
    }
  }
  if ((ts.isShorthandPropertyAssignment(parent) || ts.isPropertyAssignment(parent)) && OPTION_NAMES.has(parent.name.getText())
    && ts.isObjectLiteralExpression(parent.parent) && ts.isCallExpression(parent.parent.parent)) {
    return "use"; // an options bag lends it for one call: `find(q, { session })`, `https.get(url, { agent })`
  }
  return classifyReference(ref, {
    releaseMethods: spec.release,
    handoffMethods: spec.handoff,
    releaseFunctions: spec.releaseFunctions,
    iterationIsHandoff: spec.iterable,
    argumentIsHandoff: spec.argumentIsHandoff,
  });
}

/** `!x`, `x == null`, `x === undefined` or `if (x)`: a test of whether the value exists. */
function isNullTest(expr: ts.Expression): boolean {
  const outer = outerReference(expr);
  const parent = outer.parent;
  if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) return true;
  if ((ts.isIfStatement(parent) && parent.expression === outer) || (ts.isConditionalExpression(parent) && parent.condition === outer)) return true;
  if (!ts.isBinaryExpression(parent)) return false;
  const other = parent.left === outer ? parent.right : parent.left;
  const equality = [ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken];
  return equality.includes(parent.operatorToken.kind) && (other.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(other) && other.text === "undefined"));
}

/** `x.on("data", …)`, or a chain `x.once("error", …).on("data", …)`, listening to one of `events`. */
function listensToAny(expr: ts.Expression, events: readonly string[]): boolean {
  for (let current = expr; ;) {
    const access = current.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== current || !ts.isCallExpression(access.parent)
      || access.parent.expression !== access || !CHAINING_METHODS.has(access.name.text)) {
      return false;
    }
    const event = access.parent.arguments[0];
    if (LISTEN_METHODS.has(access.name.text) && event && ts.isStringLiteralLike(event) && events.includes(event.text)) return true;
    current = outerReference(access.parent);
  }
}

/** Climbs `x.on(…).setEncoding(…)` chains that return their receiver (or the resource extended: `new PrismaClient().$extends(…)`). */
function chainEnd(facts: Facts, expr: ts.Expression, spec: ResourceSpec): ts.Expression {
  let current = outerReference(expr);
  for (;;) {
    const access = current.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== current || !ts.isCallExpression(access.parent)
      || access.parent.expression !== access || !(CHAINING_METHODS.has(access.name.text) || spec.extendedBy?.includes(access.name.text))) {
      return current;
    }
    if (spec.extendedBy?.includes(access.name.text)) {
      current = outerReference(access.parent);
      continue;
    }
    if (classifyUse(facts, current, spec) !== "use") return current;
    current = outerReference(access.parent);
  }
}

/** The identifier a declaration binds the resource to; "dropped" when destructuring leaves it out. */
function bindingName(name: ts.BindingName, spec: ResourceSpec): ts.Identifier | "dropped" | undefined {
  if (ts.isIdentifier(name)) return name;
  if (!spec.property || !ts.isObjectBindingPattern(name)) return undefined;
  if (name.elements.some((e) => e.dotDotDotToken)) return undefined;
  const element = name.elements.find((e) => ((e.propertyName ?? e.name) as ts.Identifier).text === spec.property);
  if (!element) return "dropped";
  return ts.isIdentifier(element.name) ? element.name : undefined;
}

type TrackBase = Pick<ResourceTrack, "spec" | "mode" | "scope" | "refs" | "releases">;

function followAssignment(facts: Facts, base: TrackBase, target: ts.Expression, call: ts.Node, exceptions: boolean): ResourceTrack | undefined {
  if (ts.isIdentifier(target)) {
    const declaration = facts.symbolAt(target)?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
    if (!isInside(declaration, base.scope)) return undefined; // a longer-lived variable holds it
    const refs = facts.referencesTo(declaration.name).filter((r) => r !== target);
    return followBinding(facts, base, declaration.name, refs, call, exceptions);
  }
  if (!ts.isPropertyAccessExpression(target) || target.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const classNode = thisClass(target);
  const teardown = classNode && findTeardown(classNode);
  if (!classNode || !teardown) return undefined; // no teardown to hold it to: say nothing
  const refs = facts.memberReferences(classNode, target.name.text).filter((r) => r !== target);
  if (refs.some((r) => classifyUse(facts, r, base.spec) !== "use")) return undefined;
  return { ...base, refs, outcome: "field", field: { classNode, name: target.name.text, teardown } };
}

function followBinding(facts: Facts, base: TrackBase, binding: ts.Identifier, refs: ts.Expression[], call: ts.Node, exceptions: boolean): ResourceTrack {
  // A client that opens nothing until `.connect()` is live from that call on; never connected, it holds nothing.
  const acquisition = base.spec.opensWith ? refs.find((r) => isMethodCall(r, base.spec.opensWith!)) : call;
  if (!acquisition) return { ...base, binding, refs, releases: [], outcome: "released" };
  const releases = refs.filter((r) => classifyUse(facts, r, base.spec) !== "use");
  if (releases.length === 0) return { ...base, binding, refs, releases, outcome: "never" };
  const uses = new Set<ts.Node>(refs.filter((r) => !releases.includes(r) && !isListenerCall(r)));
  const mayThrow = (node: ts.Node) => touchesOrAwaits(node, uses) && !isLivenessProbe(node, uses) && !isConfiguringCall(node, uses) && !isOpeningCall(node, uses);
  // `finally { if (threw) close(fd) }` with `threw = false` ending the try releases on a throw only: the normal path needs its own.
  const onThrowOnly = releases.filter((r) => isInsideThrewGuard(r, base.scope));
  let leak = onThrowOnly.length === 0 ? undefined : facts.analysis(flow).leakPath({
    acquisition, releases: widenReleases(facts, releases.filter((r) => !onThrowOnly.includes(r)), binding.text, base.scope), exceptions: false, mayThrow, handle: binding.text,
  }, base.scope);
  const exits = leak ? [leak] : facts.analysis(flow).leakPaths({ acquisition, releases: widenReleases(facts, releases, binding.text, base.scope), exceptions, mayThrow, handle: binding.text }, base.scope);
  leak ??= exits[0];
  if (leak && leakRearmsEntryGuard(facts, base.scope, acquisition, leak)) leak = undefined; // once a cache period, not per call
  return { ...base, binding, refs, releases, outcome: leak ? "leak" : "released", leak, exits: leak ? exits : undefined };
}

/**
 * The nodes that settle the resource for the flow walk: each release reference, plus
 * the `if` that guards a release on the resource itself (`if (fd !== undefined) close(fd)`)
 * or any `if` inside a `finally` (`finally { if (threw) close(fd) }`), plus calls of a
 * local function that releases it (`const cleanup = () => s.destroy()`).
 */
function widenReleases(facts: Facts, releases: readonly ts.Expression[], name: string, scope: ts.Node): Set<ts.Node> {
  const result = new Set<ts.Node>(releases);
  for (const ref of releases) {
    let outermostIf: ts.IfStatement | undefined;
    for (let node: ts.Node = ref; node.parent && node !== scope; node = node.parent) {
      const parent = node.parent;
      if (ts.isIfStatement(parent) && node !== parent.expression) {
        outermostIf = parent;
        if (mentions(parent.expression, name)) result.add(parent.expression);
      }
      if (ts.isBlock(node) && ts.isTryStatement(parent) && parent.finallyBlock === node && outermostIf) result.add(outermostIf.expression);
      if (isFunctionNode(parent) && parent !== scope) {
        const fnName = localFunctionName(parent);
        if (fnName) for (const call of facts.referencesTo(fnName)) result.add(call);
        break;
      }
    }
  }
  return result;
}

function localFunctionName(fn: FunctionNode): ts.Identifier | undefined {
  if (ts.isFunctionDeclaration(fn) && fn.name) return fn.name;
  const parent = fn.parent;
  return ts.isVariableDeclaration(parent) && parent.initializer === fn && ts.isIdentifier(parent.name) ? parent.name : undefined;
}

/** Listener registration on the resource (`x.on("error", …)`) does not throw. */
function isListenerCall(ref: ts.Expression): boolean {
  const access = outerReference(ref).parent;
  return ts.isPropertyAccessExpression(access) && (LISTEN_METHODS.has(access.name.text) || access.name.text === "removeListener");
}

/** A resource delivered as parameter `index` of `callback` (after an `if (err) …` guard when index > 0). */
function trackCallbackParam(
  facts: Facts, callback: ts.ArrowFunction | ts.FunctionExpression, spec: ResourceSpec, index: number, releaseIndex: number | undefined, mode: TrackMode,
): ResourceTrack | undefined {
  const base = { spec, mode, scope: callback as FunctionNode, refs: [] as ts.Expression[], releases: [] as ts.Expression[] };
  const param = callback.parameters[index];
  if (!param) return { ...base, outcome: "dropped" };
  if (!ts.isIdentifier(param.name)) return undefined;
  const errorName = index > 0 && ts.isIdentifier(callback.parameters[0].name) ? callback.parameters[0].name.text : undefined;
  const live = liveStart(callback, errorName);
  const start = live && firstEvaluated(live);
  if (!start) return { ...base, outcome: "dropped" };
  const refs: ts.Expression[] = facts.referencesTo(param.name);
  const releaseParam = releaseIndex !== undefined ? callback.parameters[releaseIndex] : undefined;
  const releaseRefs = releaseParam && ts.isIdentifier(releaseParam.name) ? facts.referencesTo(releaseParam.name) : [];
  const releases = [
    ...refs.filter((r) => classifyUse(facts, r, spec) !== "use"),
    ...releaseRefs.filter((r) => isCalled(r) || classifyReference(r, { releaseMethods: [] }) !== "use"),
  ];
  const all = [...refs, ...releaseRefs];
  if (releases.length === 0) return { ...base, binding: param.name, refs: all, releases, outcome: all.length === 0 ? "dropped" : "never" };
  const exits = facts.analysis(flow).leakPaths({ acquisition: start, releases: widenReleases(facts, releases, param.name.text, callback), exceptions: false }, callback);
  const leak = exits[0];
  return { ...base, binding: param.name, refs: all, releases, outcome: leak ? "leak" : "released", leak, exits: leak ? exits : undefined };
}

/** `ref.method(…)`, or `await ref.method(…)`. */
function isMethodCall(ref: ts.Expression, method: string): boolean {
  const access = outerReference(ref).parent;
  return ts.isPropertyAccessExpression(access) && access.name.text === method && ts.isCallExpression(access.parent) && access.parent.expression === access;
}

function isCalled(ref: ts.Expression): boolean {
  const outer = outerReference(ref);
  return ts.isCallExpression(outer.parent) && outer.parent.expression === outer;
}

/**
 * The node from which a callback's resource is live: the concise body, or the first
 * statement after leading `if (err) …` guards (the `else` branch of `if (err) … else …`).
 */
function liveStart(callback: ts.ArrowFunction | ts.FunctionExpression, errorName: string | undefined): ts.Node | undefined {
  const body = callback.body;
  if (!ts.isBlock(body)) return body;
  for (const statement of body.statements) {
    if (errorName && ts.isIfStatement(statement) && mentions(statement.expression, errorName)) {
      if (isNoErrorTest(statement.expression, errorName)) return statement.thenStatement; // `if (!err) fs.close(fd, cb)`
      if (statement.elseStatement) return statement.elseStatement;
      continue;
    }
    return statement;
  }
  return undefined;
}

/** `!err`, `err == null`, `err === null`, `err === undefined`: the branch taken when the call succeeded. */
function isNoErrorTest(expr: ts.Expression, errorName: string): boolean {
  const test = skipParens(expr);
  if (ts.isPrefixUnaryExpression(test)) return test.operator === ts.SyntaxKind.ExclamationToken && isName(test.operand, errorName);
  if (!ts.isBinaryExpression(test)) return false;
  const equality = [ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken].includes(test.operatorToken.kind);
  const other = isName(test.left, errorName) ? test.right : isName(test.right, errorName) ? test.left : undefined;
  return equality && !!other && (other.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(other) && other.text === "undefined"));
}

function isName(expr: ts.Expression, name: string): boolean {
  const inner = skipParens(expr);
  return ts.isIdentifier(inner) && inner.text === name;
}

/** The first node the flow walk evaluates as a plain expression inside `node` (where the resource becomes live). */
function firstEvaluated(node: ts.Node): ts.Node | undefined {
  if (ts.isBlock(node)) return node.statements.length > 0 ? firstEvaluated(node.statements[0]) : undefined;
  if (ts.isIfStatement(node) || ts.isSwitchStatement(node) || ts.isWhileStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) {
    return node.expression;
  }
  if (ts.isForStatement(node)) return node.initializer ?? node.condition ?? firstEvaluated(node.statement);
  if (ts.isTryStatement(node)) return firstEvaluated(node.tryBlock);
  if (ts.isDoStatement(node) || ts.isLabeledStatement(node)) return firstEvaluated(node.statement);
  if (ts.isReturnStatement(node) || ts.isThrowStatement(node)) return node.expression;
  return node;
}

function mentions(expr: ts.Node, name: string): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === name) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(expr);
  return found;
}

/** Release references that are plain method calls (`client.release()`), for double-release checks. */
export function releaseCalls(track: ResourceTrack): ts.CallExpression[] {
  const result: ts.CallExpression[] = [];
  for (const ref of track.releases) {
    const outer = outerReference(ref);
    const call = outer.parent.parent;
    if (ts.isPropertyAccessExpression(outer.parent) && ts.isCallExpression(call) && track.spec.release.includes(calleeMemberName(call) ?? "")) {
      result.push(call);
    } else if (ts.isCallExpression(outer.parent) && outer.parent.expression === outer) {
      result.push(outer.parent); // pg's done()
    }
  }
  return result;
}

/** "the `return` on line 12", "an exception thrown on line 9", "the end of the function" — for messages. */
export function describeExit(track: ResourceTrack, sourceFile: ts.SourceFile): string {
  const leak = track.leak;
  if (!leak) return "the end of the function";
  const line = lineOf(leak.node, sourceFile);
  if (leak.via) {
    const cause = leak.via.kind === "throw" ? `the \`throw\` on line ${lineOf(leak.via.node, sourceFile)}` : `an exception thrown on line ${lineOf(leak.via.node, sourceFile)}`;
    return `${cause} (caught, then ${describeExit({ ...track, leak: { kind: leak.kind, node: leak.node } }, sourceFile)})`;
  }
  switch (leak.kind) {
    case "return":
      return `the \`return\` on line ${line}`;
    case "throw":
      return `the \`throw\` on line ${line}`;
    case "exception":
      return `an exception thrown on line ${line}`;
    default:
      return "the end of the function";
  }
}

function lineOf(node: ts.Node, sourceFile: ts.SourceFile): number {
  return sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
}

/** Resource-acquiring calls worth resolving: a known member name, or any plain identifier when a module itself is callable. */
export function isCandidateCall(call: ts.CallExpression | ts.NewExpression, names: ReadonlySet<string>): boolean {
  const member = calleeMemberName(call);
  if (member !== undefined && names.has(member)) return true;
  return (names.has("") || names.has("default")) && ts.isIdentifier(call.expression);
}
