// uncleared-interval: `setInterval` whose handle is dropped or never cleared on the owner's teardown path.
import ts from "typescript";
import {
  type Facts, type LifetimeAnalysis, type Fix, type Owner, clearStoredFixes, defineRule, isClearedOrHandedOff, firstTimeGuard, isEntryPoint, isHandleDropped,
  isModuleLevel, isRearmedByHandler, isUnrefCall, isUnrefed, ownedTimerFinding, owners, repetitionAt, storeAndClearFixes, storedHandle, timerHandleExpression, timerHome,
  timerStarted, lifetimes, insertAfter, makeFix, enclosingFunction, isSingletonClass, isRootComponentClass, isRootService, packageRole, programCalls, repeatsPerItem,
} from "../engine";

type MessageId = "dropped" | "neverCleared" | "moduleLevel" | "overwritten" | "notOnTeardown";
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
    requires: [lifetimes, owners, packageRole],
    defaultSeverity: "error",
  },
  messages: {
    dropped: "The handle of this `setInterval` is dropped, so the interval can never be cleared: each time {{when}} another timer starts that runs forever and keeps its callback's closure alive.",
    neverCleared: "`{{name}}` from `setInterval` is never cleared with `clearInterval`{{where}}: the timer runs forever and keeps its callback's closure alive.",
    overwritten: "`{{name}}` is overwritten while the previous interval still runs: {{method}} can run again and re-arms it without clearing the old one, which then runs forever and keeps its callback's closure alive.",
    notOnTeardown: "`{{name}}` from `setInterval` is cleared, but not on the teardown path: {{teardown}} never clears it, so the interval outlives its owner and keeps its callback's closure alive.",
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
        // A keep-alive (`setInterval(() => {}, 1 << 30)`) holds no closure: only one started again and again piles up.
        if (isKeepAlive(call) && !repeatsPerItem(facts, call)) return;
        // Started once (at boot, from a ready handler, under a first-time guard): not "each time".
        const owner = lifetime.ownerOf(call);
        if (owner.kind === "module" && (!repetitionAt(facts, call) || firstTimeGuard(call) !== undefined)) return;
        // One instance for the application (a root component or service, the file's own singleton), started by its constructor,
        // or by a method of the one instance every call of which runs once (`boot()`, typed tier).
        if (owner.kind === "class" && isConstructorCode(call) && (isRootComponentClass(owner.classNode) || isRootService(owner.classNode)
          || isSingletonClass(facts, owner.classNode))) return;
        if (owner.kind === "class" && isSingletonClass(facts, owner.classNode) && methodRunsOnce(facts, call)) return;
        return context.report({
          node: call.expression,
          messageId: "dropped",
          data: { when: describeRun(lifetime, call, owner) },
          fixes: ts.isExpressionStatement(call.parent) ? storeAndClearFixes(facts, call, owner, "setInterval") : [],
        });
      }
      if (reportOwned(call, handle)) return;
      const stored = storedHandle(facts, handle);
      if (!stored || isClearedOrHandedOff(stored)) return; // cleared, or handed to code we cannot follow
      if (moduleLevel && !stored.member) return reportModuleLevel(call, isUnrefed(call) || stored.refs.some(isUnrefCall), false);
      const owner = lifetime.ownerOf(call);
      // Kept in a module variable by code that runs once (a once-guarded init): as good as dropped, and started once.
      if (!stored.member && owner.kind === "module" && (!repetitionAt(facts, call) || firstTimeGuard(call) !== undefined)) return;
      const teardown = stored.member !== undefined && owner.kind === "class" ? owner.teardown : undefined;
      context.report({
        node: call.expression,
        messageId: "neverCleared",
        data: { name: stored.name, where: teardown ? ` (not even in \`${teardown.name.getText(sourceFile)}()\`)` : "" },
        related: teardown ? [{ node: teardown.name, message: "teardown that should clear it" }] : [],
        fixes: clearStoredFixes(facts, call, owner, stored, "setInterval"),
      });
    }

    /** The owner questions: overwritten while live, cleared off the teardown path, never cleared though the owner has a teardown. */
    function reportOwned(call: ts.CallExpression, handle: ts.Expression): boolean {
      const home = timerHome(facts, handle);
      const finding = home && ownedTimerFinding(facts, call, home, "setInterval", { overwrite: true });
      if (!home || !finding) return false;
      const related = finding.teardown ? [{ node: finding.teardown.node, message: "teardown that should clear it" }] : [];
      if (finding.kind === "overwritten") {
        const method = home.instance && facts.analysis(owners).methodAt(home.instance, call)?.name;
        const handler = method === undefined ? isRearmedByHandler(home, home.target.parent) : undefined;
        const runs = method !== undefined ? `\`${method}()\`` : handler ? `the ${eventName(handler.event)} handler` : "this code";
        context.report({ node: call.expression, messageId: "overwritten", data: { name: home.name, method: runs }, fixes: finding.fixes });
      } else if (finding.kind === "notOnTeardown") {
        context.report({ node: call.expression, messageId: "notOnTeardown", data: { name: home.name, teardown: finding.teardown!.text }, related, fixes: finding.fixes });
      } else {
        context.report({
          node: call.expression, messageId: "neverCleared", data: { name: home.name, where: ` (not even in ${finding.teardown!.text})` }, related, fixes: finding.fixes,
        });
      }
      return true;
    }

    function reportModuleLevel(call: ts.CallExpression, unrefed: boolean, dropped: boolean): void {
      if (unrefed || (!context.options.checkEntryPoints && isEntryPoint(sourceFile))) return;
      // An application's module-level job (a sweeper, a flush) lives as long as its process by design: only importers of a library pay for it.
      if (context.use(packageRole) === "application") return;
      const fixes: Fix[] = [];
      if (dropped && ts.isExpressionStatement(call.parent)) {
        fixes.push(makeFix("Call .unref() so the interval does not keep the process alive (Node.js)", false, [insertAfter(call, ".unref()")]));
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

/** A keep-alive's period: an hour or more (`1 << 30`, `2 ** 31 - 1`, `24 * 60 * 60 * 1000`). */
const KEEP_ALIVE_MS = 60 * 60 * 1000;

/** `setInterval(() => {}, 1 << 30)`: an empty callback on an hours-long period, there only to keep the process alive. */
function isKeepAlive(call: ts.CallExpression): boolean {
  const [callback, delay] = call.arguments;
  return callback !== undefined && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))
    && ts.isBlock(callback.body) && callback.body.statements.length === 0 && delay !== undefined && (constantNumber(delay) ?? 0) >= KEEP_ALIVE_MS;
}

/** The value of a numeric literal or of `<<`, `*`, `**`, `+`, `-` over such values; undefined otherwise. */
function constantNumber(expr: ts.Expression, depth = 0): number | undefined {
  if (depth > 4) return undefined;
  if (ts.isParenthesizedExpression(expr)) return constantNumber(expr.expression, depth + 1);
  if (ts.isNumericLiteral(expr)) return Number(expr.text.replace(/_/g, ""));
  if (!ts.isBinaryExpression(expr)) return undefined;
  const left = constantNumber(expr.left, depth + 1);
  const right = constantNumber(expr.right, depth + 1);
  if (left === undefined || right === undefined) return undefined;
  switch (expr.operatorToken.kind) {
    case ts.SyntaxKind.LessThanLessThanToken: return left * 2 ** right;
    case ts.SyntaxKind.AsteriskToken: return left * right;
    case ts.SyntaxKind.AsteriskAsteriskToken: return left ** right;
    case ts.SyntaxKind.PlusToken: return left + right;
    case ts.SyntaxKind.MinusToken: return left - right;
    default: return undefined;
  }
}

/** Code of a constructor, directly or in a callback it sets up (`ready.then(() => setInterval(…))`). */
/** The method `call` is written in (not a callback inside it) runs once, by every call of it in the program (typed tier). */
function methodRunsOnce(facts: Facts, call: ts.CallExpression): boolean {
  const method = enclosingFunction(call);
  return method !== undefined && ts.isMethodDeclaration(method) && facts.analysis(programCalls)?.everyCallRunsOnce(method) === true;
}

function isConstructorCode(node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (ts.isConstructorDeclaration(fn)) return true;
    if (ts.isMethodDeclaration(fn) || ts.isFunctionDeclaration(fn)) return false;
  }
  return false;
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

/** `"mousedown"` for a string event, else the event expression's text in backticks. */
function eventName(event: ts.Expression): string {
  return ts.isStringLiteralLike(event) ? `"${event.text}"` : `\`${event.getText()}\``;
}
