// unclosed-file-handle: `fs.promises.open` handles and `fs.open` / `fs.openSync` descriptors not closed on every path, exceptions included.
import ts from "typescript";
import {
  endsWithCommand,
  type Fix, type ResourceSpec, KNOWN_RESOURCES, acquisitionNames, resourcesOfKind, configResources, convertToUsing, defineRule, describeExit, isCandidateCall,
  enclosingFunction, isInLoop, matchAcquisition, releaseBeforeExit, trackResource, wrapInTryFinally,
} from "../engine";

type MessageId = "dropped" | "neverClosed" | "leakPath";
interface Options {
  /** Count exceptions thrown while the handle is open as leaking exits (default true). */
  checkExceptions: boolean;
}

export default defineRule<MessageId, Options>({
  id: "unclosed-file-handle",
  meta: {
    family: "resource",
    description: "fs.promises.open handles and fs.open / fs.openSync descriptors not closed on every path, exceptions included",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [],
    defaultSeverity: "error",
  },
  messages: {
    dropped: "The {{what}} from `{{label}}` is never stored, so it can never be closed: the descriptor stays open until the process exits{{gc}}.",
    neverClosed: "`{{name}}` from `{{label}}` is never closed: the descriptor stays open until the process exits{{gc}}, and each call leaks another.",
    leakPath: "`{{name}}` from `{{label}}` is not closed on {{exit}}: put the close in `finally` (or use `await using`), or each failure leaks a descriptor.",
  },
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { checkExceptions: { type: "boolean", description: "Report handles left open when a call throws before the close." } },
  },
  defaultOptions: { checkExceptions: true },
  create(context) {
    const { facts, sourceFile } = context;
    const tables = [...resourcesOfKind(KNOWN_RESOURCES, ["file-handle"]), ...configResources(context.settings, ["file-handle"])];
    const names = acquisitionNames(tables, sourceFile);
    return {
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        if (!isCandidateCall(call, names)) return;
        const spec = matchAcquisition(facts, call, tables);
        if (spec?.kind === "file-handle") check(call, spec);
      },
    };

    function check(call: ts.CallExpression, spec: ResourceSpec): void {
      // Opened at module top level, outside a loop: once per process, and one descriptor held for the process's life is not a leak.
      if (!enclosingFunction(call) && !isInLoop(call)) return;
      const track = trackResource(facts, call, spec, context.options.checkExceptions);
      if (!track) return;
      if (endsWithCommand(facts, call)) return; // once per command: the exit closes it
      const data = {
        label: spec.label,
        what: spec.numericHandle ? "file descriptor" : "FileHandle",
        gc: spec.numericHandle ? "" : " (or a GC warning closes it)",
      };
      const node = call.expression;
      if (track.outcome === "released" || track.outcome === "field") return;
      if (track.outcome === "dropped") return context.report({ node, messageId: "dropped", data });
      const name = track.binding?.text ?? "it";
      const fixes: Fix[] = [];
      const using = convertToUsing(track, facts, sourceFile);
      if (using) fixes.push(using);
      const wrap = wrapInTryFinally(track, sourceFile, defaultRelease(spec, name));
      if (wrap) fixes.push(wrap);
      if (track.outcome === "never") return context.report({ node, messageId: "neverClosed", data: { ...data, name }, fixes: fixes.map(asSuggestion) });
      if (track.leak?.kind === "return" || track.leak?.kind === "throw") {
        const early = releaseBeforeExit(track, sourceFile, `Close ${name} before leaving`);
        if (early) fixes.push({ ...early, safe: false });
      }
      context.report({
        node,
        messageId: "leakPath",
        data: { ...data, name, exit: describeExit(track, sourceFile) },
        related: track.leak ? [{ node: track.leak.node, message: "leaves with the handle open" }] : [],
        fixes: orderSafeFirst(fixes),
      });
    }
  },
});

/** The release a try/finally gets when the code has none to move: `await fh.close()`; fds need an `fs` in scope, so none. */
function defaultRelease(spec: ResourceSpec, name: string): string | undefined {
  return spec.numericHandle ? undefined : `await ${name}.close()`;
}

/** A fix offered for a handle that is never closed adds the close: behaviour changes, so only as a suggestion. */
function asSuggestion(fix: Fix): Fix {
  return { ...fix, safe: false };
}

function orderSafeFirst(fixes: Fix[]): Fix[] {
  const safe = fixes.filter((f) => f.safe);
  return safe.length > 0 ? [safe[0], ...fixes.filter((f) => f !== safe[0]).map(asSuggestion)] : fixes;
}
