// Request scope: which values live only as long as one request — the request and
// response parameters of a handler (Express/Node `req`/`res`, Koa/Hono `ctx`/`c`,
// Fastify `request`/`reply`, NestJS `@Req()`/`@Res()`), recognised by type when the
// program has types (IncomingMessage, ServerResponse, FastifyRequest, Koa's context …)
// and by handler position otherwise — values that hold them (object and array
// literals, closures, `req.socket`, `ctx.req`), and where a binding lives relative to
// the handler (inside it, or outside: module level, a middleware factory's closure).
import ts from "typescript";
import { lifetimes } from "./lifetime";
import { type FunctionNode, enclosingFunction, isFunctionNode, isInside, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { skipOuterExpressions } from "../core/names";

export const REQUEST_TYPE_NAMES = [
  "IncomingMessage", "ServerResponse", "Http2ServerRequest", "Http2ServerResponse", "FastifyRequest", "FastifyReply",
  "ParameterizedContext", "ExtendableContext", "NextRequest", "HonoRequest",
];
/** Members of a request object that are request-scoped objects themselves. */
const REQUEST_MEMBERS = new Set(["socket", "connection", "raw", "req", "res", "request", "response"]);
/** Parameter names a closure must find in an enclosing function before it is worth walking for captured requests. */
const REQUEST_PARAM_NAMES = new Set(["req", "request", "res", "response", "reply", "ctx", "context", "c"]);
const NON_REQUEST_PARAMS = new Set(["next", "done", "callback", "cb"]);

export interface RequestValue {
  /** The request-scoped parameter the value holds. */
  param: ts.Identifier;
  /** The handler (or typed function) whose parameter it is. */
  handler: FunctionNode;
  /** Its position among the handler's parameters: 0 request/context, 1 response. */
  index: number;
}

/** The request-scoped parameter `id` refers to, if any. */
export function requestParameter(facts: Facts, id: ts.Identifier): RequestValue | undefined {
  if (!isEnclosingParameterName(id)) return undefined; // syntactic filter before asking the checker
  const decl = facts.symbolAt(id)?.valueDeclaration;
  if (!decl || !ts.isParameter(decl) || !ts.isIdentifier(decl.name) || !isFunctionNode(decl.parent)) return undefined;
  const handler = decl.parent;
  const index = handler.parameters.indexOf(decl);
  const loose = !decl.type || decl.type.kind === ts.SyntaxKind.AnyKeyword || decl.type.kind === ts.SyntaxKind.UnknownKeyword;
  const byPosition = index <= 1 && !NON_REQUEST_PARAMS.has(decl.name.text) && facts.analysis(lifetimes).roleOf(handler) === "request-handler";
  // An unannotated parameter of a known handler is a request whatever its type says: the type is not asked, since
  // inferring a parameter's contextual type resolves the framework's route overloads (Fastify, Hono: seconds).
  if (loose && byPosition) return { param: decl.name, handler, index };
  // An annotation is read as a type node (no inference); an unannotated parameter elsewhere needs its inferred type.
  const typed = facts.typeIs(loose ? decl.name : decl.type!, REQUEST_TYPE_NAMES);
  if (typed) return { param: decl.name, handler, index };
  if (typed === false && !loose) return undefined; // declared with a type that is not a request
  return byPosition ? { param: decl.name, handler, index } : undefined;
}

/**
 * The request-scoped parameter that `expr` holds: the parameter itself, `req.socket`,
 * an object or array literal containing one, a closure that captures one, or a local
 * `const` initialised with any of these.
 */
export function heldRequest(facts: Facts, expr: ts.Expression, depth = 0): RequestValue | undefined {
  const inner = skipOuterExpressions(expr);
  if (depth > 3) return undefined;
  // A request value always comes from a parameter of an enclosing function: without
  // one in scope there is nothing to find, and no symbol needs to be looked up.
  if (depth === 0 && !hasPossibleRequestParameter(facts, inner)) return undefined;
  if (ts.isIdentifier(inner)) {
    const param = requestParameter(facts, inner);
    if (param) return param;
    const decl = facts.symbolAt(inner)?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) {
      return heldRequest(facts, decl.initializer, depth + 1);
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(inner) && REQUEST_MEMBERS.has(inner.name.text)) return heldRequest(facts, inner.expression, depth + 1);
  if (ts.isObjectLiteralExpression(inner)) {
    for (const property of inner.properties) {
      const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      const held = value && heldRequest(facts, value, depth + 1);
      if (held) return held;
    }
    return undefined;
  }
  if (ts.isArrayLiteralExpression(inner)) {
    for (const element of inner.elements) {
      const held = heldRequest(facts, element, depth + 1);
      if (held) return held;
    }
    return undefined;
  }
  if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) return hasRequestShapedParent(inner) ? capturedRequest(facts, inner) : undefined;
  return undefined;
}

/** A request-scoped parameter of an enclosing handler that the function `fn` captures. */
export function capturedRequest(facts: Facts, fn: FunctionNode): RequestValue | undefined {
  let found: RequestValue | undefined;
  walk(fn, (node) => {
    if (found) return false;
    if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      const param = requestParameter(facts, node);
      if (param && !isInside(param.handler, fn)) found = param;
    }
    return !found;
  });
  return found;
}

/**
 * Whether the binding `id` (a variable or parameter) lives outside `handler`: at
 * module level, or in an enclosing function such as a middleware factory whose
 * closure outlives every request it serves.
 */
export function outlivesHandler(facts: Facts, id: ts.Identifier, handler: FunctionNode): "module" | "closure" | undefined {
  const decl = facts.symbolAt(id)?.valueDeclaration;
  if (!decl || decl.getSourceFile() !== facts.sourceFile || isInside(decl, handler)) return undefined;
  if (ts.isClassLike(decl) || ts.isFunctionDeclaration(decl)) return undefined;
  const owner = enclosingFunction(decl);
  if (!owner) return "module";
  // Only a factory that hands the handler out (returns it) shares its closure with every request;
  // a test or a setup function that registers a handler and inspects what it captured does not.
  return returnsFunction(owner, handler) ? "closure" : undefined;
}

/** `handler` is what `factory` returns: `return (req, res, next) => …`, `return handler`, or an arrow factory's body. */
function returnsFunction(factory: FunctionNode, handler: FunctionNode): boolean {
  if (factory.body && !ts.isBlock(factory.body)) return skipOuterExpressions(factory.body) === handler;
  let found = false;
  walk(factory, (node) => {
    if (found || (isFunctionNode(node) && node !== factory)) return false;
    if (ts.isReturnStatement(node) && node.expression) {
      const value = skipOuterExpressions(node.expression);
      if (value === handler) found = true;
      else if (ts.isIdentifier(value) && functionNameIs(handler, value.text)) found = true;
    }
    return !found;
  });
  return found;
}

function functionNameIs(fn: FunctionNode, name: string): boolean {
  if (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) return fn.name?.text === name;
  return ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) && fn.parent.name.text === name;
}

/** Some enclosing function has a parameter spelled like `id` (a cheap necessary condition for it being one). */
function isEnclosingParameterName(id: ts.Identifier): boolean {
  for (let fn = enclosingFunction(id); fn; fn = enclosingFunction(fn)) {
    if (fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === id.text)) return true;
  }
  return false;
}

/** Some enclosing function has a request-named parameter (or, with types, any parameter that may be typed as one). */
function hasPossibleRequestParameter(facts: Facts, node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    for (const p of fn.parameters) {
      if (ts.isIdentifier(p.name) && (REQUEST_PARAM_NAMES.has(p.name.text) || (facts.hasTypes && p.type !== undefined))) return true;
    }
  }
  return false;
}

function hasRequestShapedParent(fn: FunctionNode): boolean {
  for (let outer = enclosingFunction(fn); outer; outer = enclosingFunction(outer)) {
    if (outer.parameters.some((p) => ts.isIdentifier(p.name) && REQUEST_PARAM_NAMES.has(p.name.text))) return true;
  }
  return false;
}

const EXCHANGE_REQUEST_NAMES = new Set(["req", "request"]);
const EXCHANGE_RESPONSE_NAMES = new Set(["res", "response", "reply"]);

/**
 * Whether instances of the class (or ES5 constructor) at `owner` are made for one
 * request: its constructor takes the request and the response of one exchange
 * (`constructor(server, req, res, options)`, by name, or typed `IncomingMessage` and
 * `ServerResponse`). Such an object lives as long as that exchange, not the server: what
 * it accumulates (its log entries, per-request state) goes with it. One of the two alone
 * is no such evidence (a client may hold a `request` function).
 */
export function isConstructedPerRequest(facts: Facts, owner: ts.ClassLikeDeclaration | FunctionNode): boolean {
  const ctor = ts.isClassLike(owner) ? owner.members.find(ts.isConstructorDeclaration) : owner;
  if (!ctor) return false;
  const names = ctor.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name : undefined));
  const isKind = (name: ts.Identifier | undefined, byName: ReadonlySet<string>, types: string[]): boolean =>
    name !== undefined && (facts.typeIs(name, types) ?? byName.has(name.text));
  const request = names.findIndex((n) => isKind(n, EXCHANGE_REQUEST_NAMES, ["IncomingMessage", "Http2ServerRequest"]));
  return request >= 0 && names.slice(request + 1).some((n) => isKind(n, EXCHANGE_RESPONSE_NAMES, ["ServerResponse", "Http2ServerResponse"]));
}
