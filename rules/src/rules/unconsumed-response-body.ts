// unconsumed-response-body: `fetch` / undici responses whose body is not read or cancelled on every path; `http.get`/`request` responses never consumed.
import ts from "typescript";
import {
  type Facts, type Fix, type ResourceSpec, type ResourceTrack, KNOWN_RESOURCES, acquisitionNames, callbackArgument, resourcesOfKind, calleeMemberName, commandLinePackage, defineRule,
  declaredName, describeExit, enclosingFunction, entryScript, exitsProcessAfter, failsOnExpectedStatus, failureSurfaces, isCandidateCall, leaksOnlyOnFailure, literalDelayMs, madeOnFailurePath, publishedPackage, repeatsUnattended, matchAcquisition, packageRole, releaseAtStart, releaseBeforeExit, repeatsOnItsOwn, repeatsPerItem, runsOnce, runtime, trackResource,
} from "../engine";

type MessageId = "dropped" | "neverConsumed" | "leakPath" | "callbackNeverConsumed" | "callbackLeakPath";
type Options = Record<string, never>;

export default defineRule<MessageId, Options>({
  id: "unconsumed-response-body",
  meta: {
    family: "resource",
    description: "fetch responses whose body is never read or cancelled on some path; http.get/request responses never consumed",
    // Safe where the code can `await` the cancel; `void res.body?.cancel()` in a non-async callback is a suggestion.
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [runtime, commandLinePackage, entryScript, publishedPackage, packageRole],
    defaultSeverity: "warning",
  },
  messages: {
    dropped: "The response of `{{label}}` is dropped without reading or cancelling its body: the connection stays busy until the body is garbage-collected, and under load the pool runs dry.",
    neverConsumed: "The body of `{{name}}` (from `{{label}}`) is never read or cancelled: the connection stays busy until it is garbage-collected. Read it, or `{{cancel}}`.",
    leakPath: "The body of `{{name}}` (from `{{label}}`) is neither read nor cancelled on {{exit}}: the connection stays busy until it is garbage-collected. Add `{{cancel}}` there.",
    callbackNeverConsumed: "The response `{{name}}` in this `{{label}}` callback is never consumed: its socket is not freed for reuse until the data is read. Call `{{name}}.resume()` when the body is not needed.",
    callbackLeakPath: "The response `{{name}}` in this `{{label}}` callback is not consumed on {{exit}}: its socket is not freed for reuse. Call `{{name}}.resume()` there.",
  },
  schema: { type: "object", additionalProperties: false, properties: {} },
  defaultOptions: {},
  create(context) {
    const { facts, sourceFile } = context;
    const tables = resourcesOfKind(KNOWN_RESOURCES, ["response"]);
    const names = acquisitionNames(tables, sourceFile);
    return {
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        if (!isCandidateCall(call, names)) return;
        // `map.get(key)` is everywhere; only `http.get(url, (res) => …)` delivers a response.
        if (calleeMemberName(call) === "get" && !callbackArgument(call)) return;
        const spec = matchAcquisition(facts, call, tables);
        if (spec?.kind !== "response" || isHeadRequest(facts, call) || (spec.label === "fetch" && isBrowserCode(call))) return;
        check(call, spec);
      },
    };

    /**
     * A browser reads and frees unconsumed bodies itself; the leak is Node's (undici keeps
     * the socket until GC). The engine's `runtime` analysis says where the call runs; a
     * relative URL (`fetch("/api/x")`) only resolves in a browser.
     */
    function isBrowserCode(call: ts.CallExpression): boolean {
      const where = context.use(runtime);
      return where.hasRelativeUrl(call) || where.at(call) === "browser";
    }

    /**
     * Whether the leak is worth a senior engineer's time (the rule's doc, "When it reports"). In a
     * command-line package, or an entry script (a file that runs as a one-shot program), the process ends with the command: only a request that repeats within it
     * counts (a loop, per item, a poll, a server's handler), and a body left only on a failure path
     * counts only in code that repeats on its own (a handler of a long-running `dev` server). Elsewhere
     * a body left only on a failure path counts unless the code is known to run once (`runsOnce`) or the
     * request is itself made only on another response's failure path (`madeOnFailurePath`: a rare path of a
     * rare path), and a failure that surfaces (a `throw`: the caller's operation fails and someone sees it;
     * or a logged failure: `console.error(…); return null`) counts only where it repeats with nobody behind
     * each run (`repeatsUnattended`: per item, a retry or poll, a timer, an event or queue consumer) or in a
     * package published for others, whose users decide how often it runs.
     */
    function worthReporting(call: ts.CallExpression, track: ResourceTrack): boolean {
      if (exitsProcessAfter(call)) return false; // `await fetch(…); process.exit()`: the process ends with it
      const failureOnly = track.outcome === "leak" && leaksOnlyOnFailure(track) && !returnedToDroppingCaller(facts, track);
      if (context.use(commandLinePackage) || context.use(entryScript)) {
        if (!repeatsPerItem(facts, call)) return false;
        return !failureOnly || servesRepeatedly(call);
      }
      if (!failureOnly) return true;
      if (runsOnce(facts, call) || madeOnFailurePath(call, track.scope)) return false;
      // In an application, a silent fallback on an answer expected in normal traffic (`=== 404`) repeats with the code;
      // one on a failure (`!res.ok`) only while the upstream is broken, as a raised failure does.
      const hidden = !failureSurfaces(track) && (context.use(packageRole) !== "application" || failsOnExpectedStatus(track));
      return hidden || repeatsUnattended(facts, call) || context.use(publishedPackage);
    }

    function check(call: ts.CallExpression, spec: ResourceSpec): void {
      const track = trackResource(facts, call, spec, false);
      if (!track || !worthReporting(call, track)) return;
      // The request's own short timeout frees the socket within `ms` of every call, on every path.
      if (isReleasedByTimeout(facts, call)) return;
      const name = track.binding?.text ?? "res";
      const cancel = (spec.earlyRelease ?? "").replace(/\$/g, name).replace(/;$/, "");
      const data = { label: spec.label, name, cancel, exit: describeExit(track, sourceFile) };
      const node = call.expression;
      const callback = track.mode === "callback";
      switch (track.outcome) {
        case "dropped":
          if (callback && track.scope.parameters.length > 0) return; // destructured or otherwise unknowable
          return context.report({ node, messageId: callback ? "callbackNeverConsumed" : "dropped", data });
        case "never": {
          const fix = callback ? releaseAtStart(track, sourceFile, `Call ${name}.resume() to discard the body`) : undefined;
          return context.report({ node, messageId: callback ? "callbackNeverConsumed" : "neverConsumed", data, fixes: fix ? [fix] : [] });
        }
        case "leak":
          return context.report({
            node,
            messageId: callback ? "callbackLeakPath" : "leakPath",
            data,
            related: track.leak ? [{ node: track.leak.node, message: "leaves with the body unread" }] : [],
            fixes: exitFixes(track, name, callback),
          });
        default:
          return undefined;
      }
    }

    function exitFixes(track: ResourceTrack, name: string, callback: boolean): Fix[] {
      const fix = releaseBeforeExit(track, sourceFile, callback ? `Call ${name}.resume() before leaving` : `Cancel the body of ${name} before leaving`);
      return fix ? [fix] : [];
    }
  },
});

/** Inside a request handler or an event callback: code that runs as long as the server or watcher does. */
function servesRepeatedly(node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) if (repeatsOnItsOwn(fn)) return true;
  return false;
}

/**
 * `return res` on the success path, to a caller in the file that drops it (`await sendMessage(…);`
 * as a statement): the body is never read on success either, so the leak is not the failure's only.
 */
function returnedToDroppingCaller(facts: Facts, track: ResourceTrack): boolean {
  if (!track.refs.some((ref) => ts.isReturnStatement(ref.parent) && ref.parent.expression === ref)) return false;
  const name = declaredName(track.scope);
  return name !== undefined && facts.referencesTo(name).some((ref) => {
    const call = ref.parent;
    if (!ts.isCallExpression(call) || call.expression !== ref) return false;
    const used = ts.isAwaitExpression(call.parent) ? call.parent : call;
    return ts.isExpressionStatement(used.parent) || ts.isVoidExpression(used.parent);
  });
}

/** `{ method: "HEAD" }` among the arguments: the response has no body. */
function isHeadRequest(facts: Facts, call: ts.CallExpression): boolean {
  return requestOptions(facts, call).some((options) => options.properties.some((p) => ts.isPropertyAssignment(p)
    && p.name.getText() === "method" && ts.isStringLiteralLike(p.initializer) && p.initializer.text.toUpperCase() === "HEAD"));
}

/** A timeout past this holds the socket long enough to count as held: the rule reports it as without one. */
const MAX_RELEASING_TIMEOUT_MS = 60_000;

/**
 * `{ signal: AbortSignal.timeout(ms) }` among the arguments, `ms` at most a minute (or not known): undici aborts
 * the fetch when the signal fires, even after the headers came — it destroys the connection and errors the unread
 * body (lib/web/fetch/index.js: the request signal's abort listener calls the fetch controller's `abort`, which
 * destroys `connection`, and `abortFetch` errors the response body) — so an unread body holds its socket for at
 * most `ms`, not until GC: bounded, like a short one-shot timer.
 */
function isReleasedByTimeout(facts: Facts, call: ts.CallExpression): boolean {
  return requestOptions(facts, call).some((options) => options.properties.some((p) => {
    if (!ts.isPropertyAssignment(p) || p.name.getText() !== "signal" || !ts.isCallExpression(p.initializer)) return false;
    if (facts.calleeName(p.initializer) !== "global:AbortSignal.timeout") return false;
    const ms = literalDelayMs(facts, p.initializer.arguments[0]);
    return ms === undefined || ms <= MAX_RELEASING_TIMEOUT_MS;
  }));
}

/** The object literals among the arguments, inline or in a `const` declared with one. */
function requestOptions(facts: Facts, call: ts.CallExpression): ts.ObjectLiteralExpression[] {
  return call.arguments.flatMap((arg) => {
    const declaration = ts.isIdentifier(arg) ? facts.symbolAt(arg)?.valueDeclaration : undefined;
    const options = declaration && ts.isVariableDeclaration(declaration) && ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const ? declaration.initializer : arg;
    const literal = options && skipTypeWrappers(options);
    return literal !== undefined && ts.isObjectLiteralExpression(literal) ? [literal] : [];
  });
}

/** `{ … } as any`, `{ … } satisfies RequestInit`, `({ … })`: the object literal inside. */
function skipTypeWrappers(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}
