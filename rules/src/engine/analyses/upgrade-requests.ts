// Upgrade-only requests. A proxy or WebSocket client makes `http.request(opts)` and listens
// only for its "upgrade" event, where it pipes the upgraded socket to the peer that waits
// for it. When the server answers with an ordinary response instead (a 401, a 502, a
// server that does not speak WebSocket), Node emits "response", nobody listens, the reply
// is dumped — and the sockets waiting on the upgrade path (the client's socket, the
// caller's promise) are never ended. A "response" listener or a callback is the release.
//
//   const up = http.request(opts); up.on("upgrade", (res, sock) => sock.pipe(client)); up.end();
import ts from "typescript";
import type { Facts } from "../core/facts";
import { outerReference } from "./ownership";

const HTTP_MODULES = new Set(["http:", "https:"]);
const LISTEN_METHODS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener"]);
/** Methods on the request that neither hand it off nor answer its response. */
const REQUEST_METHODS = new Set(["end", "write", "setTimeout", "setNoDelay", "setSocketKeepAlive", "setHeader", "removeHeader", "flushHeaders", "destroy", "abort"]);

/**
 * The binding of an `http.request` / `https.request` (also `(secure ? https : http).request`)
 * without a callback whose references only call request methods and listen for "upgrade",
 * never for "response". Undefined otherwise.
 */
export function upgradeOnlyRequest(facts: Facts, call: ts.CallExpression): ts.Identifier | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== "request" || !isHttpModule(facts, callee.expression)) return undefined;
  if (call.arguments.length === 0 || call.arguments.slice(1).some((arg) => !ts.isObjectLiteralExpression(arg))) return undefined; // a response callback (or something that may be one)
  const declaration = outerReference(call).parent;
  if (!ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
  let upgrade = false;
  for (const ref of facts.referencesTo(declaration.name)) {
    const access = outerReference(ref).parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== outerReference(ref) || !ts.isCallExpression(access.parent)) return undefined;
    const method = access.name.text;
    const event = access.parent.arguments[0];
    if (LISTEN_METHODS.has(method)) {
      if (!event || !ts.isStringLiteralLike(event)) return undefined;
      if (event.text === "response") return undefined;
      if (event.text === "upgrade") upgrade = true;
    } else if (!REQUEST_METHODS.has(method)) {
      return undefined;
    }
    if (!ts.isExpressionStatement(access.parent.parent) && !ts.isReturnStatement(access.parent.parent)) return undefined; // a chain or a hand-off
  }
  return upgrade ? declaration.name : undefined;
}

/** `http`, `https`, or `(cond ? https : http)` as import-resolved module objects. */
function isHttpModule(facts: Facts, expr: ts.Expression): boolean {
  let inner = expr;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  if (ts.isConditionalExpression(inner)) return isHttpModule(facts, inner.whenTrue) && isHttpModule(facts, inner.whenFalse);
  const name = facts.qualifiedName(inner);
  return name !== undefined && HTTP_MODULES.has(name);
}
