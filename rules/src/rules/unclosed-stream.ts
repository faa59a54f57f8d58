// unclosed-stream: streams, sockets, readline interfaces, watchers and workers opened in per-call code and never closed or handed off.
import ts from "typescript";
import {
  endsWithCommand,
  type Fix, type ResourceSpec, type ResourceTrack, KNOWN_RESOURCES, acquisitionNames, resourcesOfKind, configResources, defineRule, describeExit,
  isCandidateCall, matchAcquisition, unwatchedFieldResource, owners, upgradeOnlyRequest, releaseBeforeExit, releaseInTeardown, trackResource, lifetimes, makeFix,
} from "../engine";

type MessageId = "dropped" | "neverClosed" | "leakPath" | "notInTeardown" | "overwritten" | "forgotten" | "upgradeOnly";
type Options = Record<string, never>;

export default defineRule<MessageId, Options>({
  id: "unclosed-stream",
  meta: {
    family: "resource",
    description: "streams, sockets, readline interfaces, watchers and workers opened and never closed, consumed or handed off",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [lifetimes, owners],
    defaultSeverity: "warning",
  },
  messages: {
    dropped: "The {{what}} from `{{label}}` is never stored, so nothing can close it: it holds its {{holds}} until it is garbage-collected, and each call opens another.",
    neverClosed: "`{{name}}` from `{{label}}` is never closed, consumed or handed off: it holds its {{holds}} until it is garbage-collected.",
    leakPath: "`{{name}}` from `{{label}}` is still open at {{exit}}: on that path nothing closes it, and its {{holds}} stays open.",
    notInTeardown: "`this.{{name}}` from `{{label}}` is never closed, not even in `{{teardown}}()`: it outlives the object and holds its {{holds}}.",
    forgotten: "`{{field}}` holds a {{what}} from `{{label}}` that nothing in `{{owner}}` ever closes, not even its teardown `{{teardown}}()`: every torn-down instance leaves its {{holds}} open.",
    upgradeOnly: "`{{name}}` listens only for \"upgrade\": when the server answers with a plain response instead, nothing handles it, and the sockets waiting on the upgrade path are never ended. Handle \"response\" too (end the waiting socket there).",
    overwritten: "`{{field}}` gets a new {{what}} from `{{label}}` each time `{{method}}()` runs, and nothing in `{{owner}}` ever closes the previous one: each run leaves its {{holds}} open.",
  },
  schema: { type: "object", additionalProperties: false, properties: {} },
  defaultOptions: {},
  create(context) {
    const lifetime = context.use(lifetimes);
    const { facts, sourceFile } = context;
    const tables = [...resourcesOfKind(KNOWN_RESOURCES, ["stream"]), ...configResources(context.settings, ["stream"])];
    const names = acquisitionNames(tables, sourceFile);
    const visit = (node: ts.CallExpression | ts.NewExpression): void => {
      if (ts.isCallExpression(node)) reportUpgradeOnly(node);
      if (!isCandidateCall(node, names)) return;
      const spec = matchAcquisition(facts, node, tables);
      // A Worker started per request is client-per-request's to report.
      if (spec?.kind !== "stream" || (spec.label === "new Worker" && lifetime.ownerOf(node).kind === "request")) return;
      check(node, spec);
    };
    return { [ts.SyntaxKind.CallExpression]: visit, [ts.SyntaxKind.NewExpression]: visit };

    function check(call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec): void {
      const track = trackResource(facts, call, spec, false);
      if (!track || track.outcome === "released") return reportOverwritten(call, spec);
      if (track.outcome !== "field" && endsWithCommand(facts, call)) return; // once per command: the exit closes it
      const data = { label: spec.label, what: describe(spec).what, holds: describe(spec).holds };
      const node = call.expression;
      switch (track.outcome) {
        case "dropped":
          return context.report({ node, messageId: "dropped", data });
        case "never":
          return context.report({ node, messageId: "neverClosed", data: { ...data, name: track.binding?.text ?? "it" } });
        case "leak": {
          const name = track.binding?.text ?? "it";
          const fix = releaseBeforeExit(track, sourceFile, `Close ${name} before leaving`);
          return context.report({
            node, messageId: "leakPath", data: { ...data, name, exit: describeExit(track, sourceFile) },
            related: track.leak ? [{ node: track.leak.node, message: "leaves with the stream open" }] : [],
            fixes: fix ? [fix] : [],
          });
        }
        case "field":
          return reportField(call, track, data);
      }
    }

    /** `http.request` that listens for "upgrade" and never for "response" (analyses/upgrade-requests.ts). */
    function reportUpgradeOnly(call: ts.CallExpression): void {
      const name = upgradeOnlyRequest(facts, call);
      if (name) context.report({ node: call.expression, messageId: "upgradeOnly", data: { name: name.text } });
    }

    /** A field a repeating method replaces, or one its teardown forgets, while nothing in the object ever closes it (analyses/owned-resources.ts). */
    function reportOverwritten(call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec): void {
      const { found, overwritten } = unwatchedFieldResource(facts, call, spec) ?? {};
      if (!found) return;
      const { what, holds } = describe(spec);
      const field = found.assignment.left.getText(sourceFile);
      context.report({
        node: call.expression, messageId: overwritten ? "overwritten" : "forgotten",
        data: { field, what, holds, label: spec.label, method: found.method, owner: found.owner.name, teardown: found.owner.teardown?.name ?? "" },
        related: found.assignment.getStart() !== call.getStart() ? [{ node: found.assignment.left, message: "replaced here on every run" }] : [],
      });
    }

    function reportField(call: ts.CallExpression | ts.NewExpression, track: ResourceTrack, data: Record<string, string>): void {
      const field = track.field!;
      const method = track.spec.release.includes("destroy") ? "destroy" : track.spec.release[0];
      const teardown = releaseInTeardown({ kind: "class", classNode: field.classNode, teardown: field.teardown }, sourceFile, call, `this.${field.name}?.${method}()`);
      const fixes: Fix[] = teardown ? [makeFix(`Close this.${field.name} in ${teardown.where}`, !teardown.created, teardown.edits)] : [];
      context.report({
        node: call.expression,
        messageId: "notInTeardown",
        data: { ...data, name: field.name, teardown: field.teardown.name.getText(sourceFile) },
        related: [{ node: field.teardown.name, message: "teardown that should close it" }],
        fixes,
      });
    }
  },
});

/** What the resource is and what it holds, for messages. */
function describe(spec: ResourceSpec): { what: string; holds: string } {
  const label = spec.label;
  if (label.includes("watch")) return { what: "watcher", holds: "OS watch handle" };
  if (label.startsWith("net.") || label.startsWith("tls.")) return { what: "socket", holds: "socket" };
  if (label.startsWith("readline")) return { what: "interface", holds: "input stream and listeners" };
  if (label.startsWith("zlib.")) return { what: "stream", holds: "native zlib memory" };
  if (label.includes("Worker")) return { what: "worker", holds: "thread" };
  if (label.startsWith("fs.")) return { what: "stream", holds: "file descriptor" };
  return { what: "stream", holds: "underlying handle" };
}
