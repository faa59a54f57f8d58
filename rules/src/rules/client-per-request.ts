// client-per-request: a pool, DB/Redis/HTTP client, agent or Worker created in code that runs per request or per call and never closed there.
import ts from "typescript";
import {
  type Fix, type ResourceSpec, type ResourceTrack, KNOWN_CLIENTS, acquisitionNames, configResources, defineRule, describeExit, enclosingFunction,
  holdsConnections, hoistToModule, isCandidateCall, matchAcquisition, unwatchedFieldResource, owners, trackResource, lifetimes,
} from "../engine";

type MessageId = "dropped" | "neverClosed" | "leakPath" | "overwritten" | "forgotten";
interface Options {
  /** Also report clients created in plain functions and methods, not only in request handlers (default true). */
  checkFunctions: boolean;
}

export default defineRule<MessageId, Options>({
  id: "client-per-request",
  meta: {
    family: "resource",
    description: "a pool, DB/Redis/HTTP client, agent or Worker created inside code that runs per request or per call and never closed",
    fix: "suggestion",
    requiresTypeInfo: false,
    requires: [lifetimes, owners],
    defaultSeverity: "error",
  },
  messages: {
    dropped: "A new {{label}} is created each time {{when}} and dropped without being closed: each one keeps its own connections (or thread) open. Create it once at module scope and share it.",
    neverClosed: "`{{name}}` (a new {{label}}) is created each time {{when}} and never closed: each one keeps its own connections (or thread) open. Create it once at module scope and share it.",
    overwritten: "`{{field}}` gets a new {{label}} each time `{{method}}()` runs, and nothing in `{{owner}}` ever closes the previous one: each run leaves another client with its connections open.",
    forgotten: "`{{field}}` (a {{label}}) is never closed by anything in `{{owner}}`, not even its teardown `{{teardown}}()`: every torn-down instance leaves the client with its connections open.",
    leakPath: "`{{name}}` (a new {{label}}) is created each time {{when}} and not closed on {{exit}}: the connections it opened stay open. Create it once at module scope, or close it in `finally`.",
  },
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { checkFunctions: { type: "boolean", description: "Report clients created in any function or method, not only in request handlers." } },
  },
  defaultOptions: { checkFunctions: true },
  create(context) {
    const lifetime = context.use(lifetimes);
    const ownersOfFile = context.use(owners);
    const { facts, sourceFile } = context;
    const tables = [...KNOWN_CLIENTS, ...configResources(context.settings, ["client"])];
    const names = acquisitionNames(tables, sourceFile);
    const visit = (node: ts.CallExpression | ts.NewExpression): void => {
      if (!isCandidateCall(node, names) || !enclosingFunction(node)) return;
      const spec = matchAcquisition(facts, node, tables);
      if (!spec || !holdsConnections(node, spec)) return;
      if (spec.label !== "Worker" && reportOverwritten(node, spec)) return;
      const perRequest = lifetime.ownerOf(node).kind === "request";
      // A Worker outside request handlers is unclosed-stream's to report.
      if (!perRequest && (spec.label === "Worker" || !context.options.checkFunctions || !runsPerCall(node) || isInConstructor(node))) return;
      check(node, spec, perRequest);
    };
    return { [ts.SyntaxKind.CallExpression]: visit, [ts.SyntaxKind.NewExpression]: visit };

    /** The body of an object's constructor (an ES5 constructor function too) runs once per instance, not per call. */
    function isInConstructor(node: ts.Node): boolean {
      const owner = ownersOfFile.instanceAt(node);
      return owner !== undefined && ownersOfFile.methodAt(owner, node)?.name === "constructor";
    }

    /** Named functions and methods run per call; callbacks of unknown calls (tests, `forEach`) may run once. */
    function runsPerCall(node: ts.Node): boolean {
      const role = lifetime.roleAt(node);
      return role === "function" || role === "method" || role === "react-component" || role === "react-hook";
    }

    /** A field a repeating method replaces, or one the owner's teardown forgets, while nothing in the object ever closes it (analyses/owned-resources.ts). */
    function reportOverwritten(call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec): boolean {
      const { found, overwritten } = unwatchedFieldResource(facts, call, spec) ?? {};
      if (!found) return false;
      const field = found.assignment.left.getText(sourceFile);
      context.report({
        node: call.expression, messageId: overwritten ? "overwritten" : "forgotten",
        data: { field, label: spec.label, method: found.method, owner: found.owner.name, teardown: found.owner.teardown?.name ?? "" },
      });
      return true;
    }

    function check(call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec, perRequest: boolean): void {
      const track = trackResource(facts, call, spec, false);
      if (!track || track.outcome === "released" || track.outcome === "field") return;
      // Outside request handlers, a client the function's closures use belongs to them (a setup function's store, a factory's methods).
      if (!perRequest && track.outcome === "never" && usedByClosure(call, track.refs)) return;
      const when = perRequest ? "a request is handled" : "this function runs";
      const name = track.binding?.text ?? "client";
      const data = { label: spec.label, when, name, exit: describeExit(track, sourceFile) };
      const node = call.expression;
      const fixes = track.outcome === "never" ? hoistFix(track) : [];
      if (track.outcome === "dropped") return isJobWorker(call, spec) ? undefined : context.report({ node, messageId: "dropped", data });
      context.report({
        node,
        messageId: track.outcome === "never" ? "neverClosed" : "leakPath",
        data,
        related: track.leak ? [{ node: track.leak.node, message: "leaves with the client open" }] : [],
        fixes,
      });
    }

    /**
     * `new Worker(file, { workerData })`, dropped: the worker is given its whole job up front and nobody
     * can message it, so it can only do that job and end (a worker thread ends with its script) — a
     * per-job worker, not a shared client to hoist.
     */
    function isJobWorker(call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec): boolean {
      const options = call.arguments?.[1];
      return spec.label === "Worker" && options !== undefined && ts.isObjectLiteralExpression(options)
        && options.properties.some((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText() === "workerData");
    }

    /** A reference inside a function the creator keeps or hands out: stored in a field or variable, an object's method, or returned. */
    function usedByClosure(call: ts.Node, refs: readonly ts.Expression[]): boolean {
      const creator = enclosingFunction(call);
      return refs.some((ref) => {
        for (let fn = enclosingFunction(ref); fn && fn !== creator; fn = enclosingFunction(fn)) {
          const parent = fn.parent;
          if (ts.isMethodDeclaration(fn) || ts.isPropertyAssignment(parent) || ts.isVariableDeclaration(parent) || ts.isReturnStatement(parent)
            || (ts.isBinaryExpression(parent) && parent.right === fn && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken)) return true;
        }
        return false;
      });
    }

    function hoistFix(track: ResourceTrack): Fix[] {
      const declaration = track.binding?.parent;
      if (!declaration || !ts.isVariableDeclaration(declaration)) return [];
      const fix = hoistToModule(declaration, facts, sourceFile);
      return fix ? [fix] : [];
    }
  },
});
