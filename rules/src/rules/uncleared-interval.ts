// uncleared-interval: `setInterval` whose handle is dropped or never cleared on the owner's teardown path.
import ts from "typescript";
import {
  type LifetimeAnalysis, type Fix, type Owner, clearStoredFixes, defineRule, isClearedOrHandedOff, isEntryPoint, isHandleDropped, isModuleLevel,
  isUnrefCall, isUnrefed, storeAndClearFixes, storedHandle, timerHandleExpression, timerStarted, lifetimes,
} from "../engine";

type MessageId = "dropped" | "neverCleared" | "moduleLevel";
interface Options {
  /** Report module-level intervals in entry-point files too (default false). */
  checkEntryPoints: boolean;
}

export default defineRule<MessageId, Options>({
  id: "uncleared-interval",
  meta: {
    family: "timer",
    description: "setInterval whose handle is dropped or never cleared on the owner's teardown path",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [lifetimes],
    defaultSeverity: "error",
  },
  messages: {
    dropped: "The handle of this `setInterval` is dropped, so the interval can never be cleared: each time {{when}} another timer starts that runs forever and keeps its callback's closure alive.",
    neverCleared: "`{{name}}` from `setInterval` is never cleared with `clearInterval`{{where}}: the timer runs forever and keeps its callback's closure alive.",
    moduleLevel: "This module-level `setInterval` is never cleared or `unref()`ed: in library code it keeps the process alive and its closure in memory for good.",
  },
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { checkEntryPoints: { type: "boolean", description: "Report module-level intervals in entry-point files too." } },
  },
  defaultOptions: { checkEntryPoints: false },
  create(context) {
    const lifetime = context.use(lifetimes);
    const { facts, sourceFile } = context;
    return {
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        // Cheap syntactic filter first; the import-resolved name settles it.
        if (timerStarted(facts, call, ["setInterval"])) checkInterval(call);
      },
    };

    function checkInterval(call: ts.CallExpression): void {
      if (isWatchdog(call)) return; // a process-lifetime watchdog: it ends the process itself
      const handle = timerHandleExpression(call);
      const moduleLevel = isModuleLevel(call);
      if (isHandleDropped(handle)) {
        if (moduleLevel) return reportModuleLevel(call, isUnrefed(call), true);
        const owner = lifetime.ownerOf(call);
        return context.report({
          node: call.expression,
          messageId: "dropped",
          data: { when: describeRun(lifetime, call, owner) },
          fixes: ts.isExpressionStatement(call.parent) ? storeAndClearFixes(facts, call, owner, "setInterval") : [],
        });
      }
      const stored = storedHandle(facts, handle);
      if (!stored || isClearedOrHandedOff(stored)) return; // cleared, or handed to code we cannot follow
      if (moduleLevel && !stored.member) return reportModuleLevel(call, isUnrefed(call) || stored.refs.some(isUnrefCall), false);
      const owner = lifetime.ownerOf(call);
      const teardown = stored.member !== undefined && owner.kind === "class" ? owner.teardown : undefined;
      context.report({
        node: call.expression,
        messageId: "neverCleared",
        data: { name: stored.name, where: teardown ? ` (not even in \`${teardown.name.getText(sourceFile)}()\`)` : "" },
        related: teardown ? [{ node: teardown.name, message: "teardown that should clear it" }] : [],
        fixes: clearStoredFixes(facts, call, owner, stored, "setInterval"),
      });
    }

    function reportModuleLevel(call: ts.CallExpression, unrefed: boolean, dropped: boolean): void {
      if (unrefed || (!context.options.checkEntryPoints && isEntryPoint(sourceFile))) return;
      const fixes: Fix[] = [];
      if (dropped && ts.isExpressionStatement(call.parent)) {
        fixes.push({ description: "Call .unref() so the interval does not keep the process alive (Node.js)", safe: false,
          edits: [{ start: call.getEnd(), end: call.getEnd(), newText: ".unref()" }] });
      }
      context.report({ node: call.expression, messageId: "moduleLevel", fixes });
    }
  },
});

/**
 * `setInterval(() => { … process.exit(…) … })`, or one that probes the parent with `process.kill(pid, 0)`:
 * a watchdog that ends (or tears down) the process, meant to live as long as it.
 */
function isWatchdog(call: ts.CallExpression): boolean {
  const callback = call.arguments[0];
  return callback !== undefined && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))
    && /\bprocess\.exit\(|\bprocess\.kill\([^,()]+,\s*0\s*\)/.test(callback.getText());
}

function describeRun(lifetime: LifetimeAnalysis, call: ts.CallExpression, owner: Owner): string {
  switch (owner.kind) {
    case "class":
      return "an instance is created or this method runs";
    case "effect":
      return "the effect runs (every mount or dependency change)";
    case "request":
      return "a request is handled";
    case "vscode":
      return "the extension activates";
    case "vue-setup":
      return "the component mounts";
    default: {
      const role = lifetime.roleAt(call);
      return role === "react-component" ? "the component renders" : "this function is called";
    }
  }
}
