// timer-without-cleanup: one-shot timers started in code with a teardown and not cleared there, long per-request timeouts that capture the request, and self-rescheduling timeout loops that nothing can stop.
import ts from "typescript";
import {
  type FunctionNode, type Owner, onlyUpdatesComponentState, type StoredHandle, clearStoredFixes, defineRule, enclosingFunction, functionName, isClearedOrHandedOff,
  isEntryPoint, isLongDelay, isSingletonClass, isFunctionNode, isHandleDropped, isInside, isShortDelay, isUnrefed, literalDelayMs, awaitSkippingClear, entryTimerRemovedUncleared, outerReference, wrapRestInTryFinally, TIMER_CLEARERS, storeAndClearFixes, storedHandle, thisClass,
  timerHandleExpression, timerStarted, walk, instanceHelperLoop, lifetimes, owners, instanceTeardown, ownedTimerFinding, timerHome, makeFix, packageRole, loopStartsOnce,
} from "../engine";

type MessageId = "clearSkipped" | "entryRemoved" | "ownerDropped" | "ownerNotCleared" | "notOnTeardown" | "perRequest" | "loop";
interface Options {
  /** Timeouts in classes shorter than this (ms, known delays only) are not reported. */
  minClassDelayMs: number;
  /** Per-request timeouts capturing the request are reported from this delay (ms) on. */
  minRequestDelayMs: number;
  /** Effect timeouts whose callback only sets the component's state are reported from this delay (ms) on. */
  minEffectStateDelayMs: number;
  /** Effect and component-setup timeouts shorter than this (ms, known delays only) are not reported, whatever their callback does. */
  minEffectDelayMs: number;
  /** In applications, one-shot timers of components and objects are reported only from this delay (ms) on. */
  minAppDelayMs: number;
}

const ONE_SHOT_TIMERS = ["setTimeout", "setImmediate", "requestAnimationFrame", "requestIdleCallback"];
/** Statements and expressions that make the rescheduling conditional: a way out of the loop. */
const STOP_KINDS = new Set([
  ts.SyntaxKind.IfStatement, ts.SyntaxKind.ConditionalExpression, ts.SyntaxKind.SwitchStatement, ts.SyntaxKind.CatchClause,
  ts.SyntaxKind.ReturnStatement, ts.SyntaxKind.ThrowStatement, ts.SyntaxKind.WhileStatement, ts.SyntaxKind.ForStatement,
]);

export default defineRule<MessageId, Options>({
  id: "timer-without-cleanup",
  meta: {
    family: "timer",
    description: "timers started in components, effects, per request or in objects with a teardown method, without clearing them there",
    fix: "safe",
    requiresTypeInfo: false,
    requires: [lifetimes, owners, packageRole],
    defaultSeverity: "warning",
  },
  messages: {
    entryRemoved: "This `{{timer}}` is stored in the `{{field}}` of an entry of `this.{{map}}`, and the entry is removed without clearing it: the timer fires for the removed entry and keeps its callback's closure alive until then.",
    clearSkipped: "`{{name}}` from `{{timer}}` is cleared only after an `await` that can reject: when it does, the timer stays armed, fires anyway (even after {{teardown}}) and keeps the instance alive until then.",
    ownerDropped: "This `{{timer}}` is started in {{owner}} but its handle is dropped, so {{teardown}} cannot cancel it: it fires after teardown and keeps its callback's closure alive until then.",
    ownerNotCleared: "`{{name}}` from `{{timer}}` is never cleared in {{teardown}}: the timer fires after teardown and keeps its callback's closure alive until then.",
    notOnTeardown: "`{{name}}` from `{{timer}}` is cleared, but not on the teardown path: {{teardown}} never clears it, so the timer fires after teardown and keeps its callback's closure alive until then.",
    perRequest: "This {{delay}} ms `setTimeout` is started per request, captures `{{captured}}` and is never cleared: every request keeps its request objects alive for {{delay}} ms, even after the client is gone.",
    loop: "`{{fn}}` re-schedules itself with `{{timer}}` and nothing can stop the loop{{where}}: it runs forever and keeps its closure alive.",
  },
  schema: {
    type: "object",
    additionalProperties: false,
    properties: {
      minClassDelayMs: { type: "number", description: "Timeouts in classes with a teardown shorter than this (known delays only) are not reported." },
      minRequestDelayMs: { type: "number", description: "Per-request timeouts capturing request objects are reported from this delay on." },
      minEffectStateDelayMs: { type: "number", description: "Timeouts started by an effect whose callback only sets component state are reported from this delay on." },
      minEffectDelayMs: { type: "number", description: "Timeouts started by an effect or a component's setup shorter than this (known delays only) are not reported." },
      minAppDelayMs: { type: "number", description: "In an application package, one-shot timers of components and objects are reported only when their delay is shown to be at least this long." },
    },
  },
  defaultOptions: { minClassDelayMs: 1000, minRequestDelayMs: 10_000, minEffectStateDelayMs: 10_000, minEffectDelayMs: 5000, minAppDelayMs: 60_000 },
  create(context) {
    const lifetime = context.use(lifetimes);
    const { facts, sourceFile, options } = context;
    return {
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        const timer = timerStarted(facts, call, ONE_SHOT_TIMERS);
        if (timer) checkTimer(call, timer);
      },
    };

    function checkTimer(call: ts.CallExpression, timer: string): void {
      const handle = timerHandleExpression(call);
      const dropped = isHandleDropped(handle);
      if (!dropped && reportOwned(call, timer, handle)) return;
      const stored = dropped ? undefined : storedHandle(facts, handle);
      if (stored && reportClearSkipped(call, timer, stored)) return;
      if (!dropped && !stored && reportEntryTimer(call, timer)) return;
      if (!dropped && (!stored || isClearedOrHandedOff(stored))) return; // cleared, or handed to code we cannot follow
      const loopFn = rescheduledFunction(call);
      if (!loopFn && dropped && reportHelperLoop(call, timer)) return;
      if (loopFn && !(dropped && hasStopPath(call, loopFn) && instanceTeardownFor(call, timer))) return checkLoop(call, timer, loopFn);
      const owner = lifetime.ownerOf(call);
      if (owner.kind === "request") return checkPerRequest(call, timer, owner, stored);
      const teardown = ownerTeardown(call, timer, owner);
      if (!teardown) return;
      if (stored) {
        return context.report({
          node: call.expression,
          messageId: "ownerNotCleared",
          data: { name: stored.name, timer, teardown },
          fixes: clearStoredFixes(facts, call, owner, stored, timer),
        });
      }
      const instance = owner.kind === "module" ? context.use(owners).instanceAt(call) : undefined;
      context.report({
        node: call.expression,
        messageId: "ownerDropped",
        data: { timer, owner: instance ? `\`${instance.name}\`` : describeOwner(owner), teardown },
        fixes: ts.isExpressionStatement(call.parent) ? storeAndClearFixes(facts, call, owner, timer) : [],
      });
    }

    /** A stored handle the owner clears, but not on its teardown path (or an ES5/factory owner that never clears it). */
    function reportOwned(call: ts.CallExpression, timer: string, handle: ts.Expression): boolean {
      const home = timerHome(facts, handle);
      if (!home || isDeferred(call, timer) || isUnrefed(call)) return false;
      if (!rescheduledFunction(call) && isBriefInApplication(call)) return false;
      if (home.instance && (timer === "setImmediate" || isShortDelay(facts, call.arguments[1], options.minClassDelayMs) || isSingletonClass(facts, home.instance.node))) return false;
      // A component's own handle (`<script setup>`, an effect's closure), once: a short one fires after unmount and holds nothing longer.
      if (!home.instance && !rescheduledFunction(call) && isShortDelay(facts, call.arguments[1], options.minEffectDelayMs)) return false;
      const finding = ownedTimerFinding(facts, call, home, timer, { overwrite: false });
      if (!finding || !finding.teardown || (finding.kind === "neverCleared" && home.instance?.kind === "class")) return false;
      const related = [{ node: finding.teardown.node, message: "teardown that should clear it" }];
      const messageId = finding.kind === "notOnTeardown" ? "notOnTeardown" : "ownerNotCleared";
      context.report({ node: call.expression, messageId, data: { name: home.name, timer, teardown: finding.teardown.text }, related, fixes: finding.fixes });
      return true;
    }

    /** A class timer whose callback holds the instance, cleared after an `await` that can reject first. */
    function reportClearSkipped(call: ts.CallExpression, timer: string, stored: StoredHandle): boolean {
      const owner = lifetime.ownerOf(call);
      if (owner.kind !== "class" || !owner.teardown || isDeferred(call, timer) || !usesThis(call.arguments[0]) || isSingletonClass(facts, owner.classNode)) return false;
      if (isBriefInApplication(call)) return false;
      if (isShortDelay(facts, call.arguments[1], options.minClassDelayMs)) return false;
      const rejecting = awaitSkippingClear(facts, call, stored);
      if (!rejecting) return false;
      const statement = outerReference(call).parent.parent.parent as ts.Statement;
      const wrap = wrapRestInTryFinally(sourceFile, statement, [`${TIMER_CLEARERS[timer]}(${stored.name})`]);
      context.report({
        node: call.expression,
        messageId: "clearSkipped",
        data: { name: stored.name, timer, teardown: `\`${owner.teardown.name.getText(sourceFile)}()\`` },
        related: [{ node: rejecting, message: "an await that can reject before the clear" }],
        fixes: wrap ? [makeFix(`Clear ${stored.name} in a finally block`, true, [wrap])] : [],
      });
      return true;
    }

    /** `sub.timeout = setTimeout(…)` on an entry of an instance map that a method removes without clearing it. */
    function reportEntryTimer(call: ts.CallExpression, timer: string): boolean {
      if (isDeferred(call, timer) || timer === "setImmediate" || isShortDelay(facts, call.arguments[1], options.minClassDelayMs)) return false;
      const found = entryTimerRemovedUncleared(facts, call);
      if (!found) return false;
      context.report({
        node: call.expression,
        messageId: "entryRemoved",
        data: { timer, field: found.field, map: found.map },
        related: [{ node: found.removal, message: "removes the entry without clearing its timer" }],
      });
      return true;
    }

    /**
     * A one-shot timer of an application's component or object whose delay is not shown to be long:
     * it fires once after teardown and holds its closure no longer than its delay (an undo window, a
     * debounce, a fallback notice). A library's objects are made by callers we cannot see, so there
     * the shorter limits above apply.
     */
    function isBriefInApplication(call: ts.CallExpression): boolean {
      return context.use(packageRole) === "application" && !isLongDelay(facts, call.arguments[1], options.minAppDelayMs)
        && !restartsWork(call.arguments[0]);
    }

    /** Deferred to the next tick or frame (`setTimeout(f)`, `setTimeout(f, 0)`, a one-shot `requestAnimationFrame`): it holds nothing past a frame. */
    function isDeferred(call: ts.CallExpression, timer: string): boolean {
      if (timer === "requestAnimationFrame") return true;
      return timer === "setTimeout" && (call.arguments.length < 2 || literalDelayMs(facts, call.arguments[1]) === 0);
    }

    /** A factory's or ES5 constructor's teardown for a dropped timer whose callback holds the owner's closure. */
    function instanceTeardownFor(call: ts.CallExpression, timer: string): string | undefined {
      const instance = context.use(owners).instanceAt(call);
      const teardown = instance && instance.kind !== "class" ? instanceTeardown(facts, instance) : undefined;
      if (!instance || !teardown || teardown.fn !== instance.teardown?.fn || timer === "setImmediate") return undefined;
      if (isShortDelay(facts, call.arguments[1], options.minClassDelayMs) || context.use(owners).isOnTeardownPath(instance, call)) return undefined;
      const callback = call.arguments[0];
      const holdsOwner = callback !== undefined && (usesThis(callback) || referencesInside(callback, instance.node));
      return holdsOwner ? `\`${teardown.name}()\`` : undefined;
    }

    /** The callback names a function or variable declared inside `scope` (it keeps the owner's closure). */
    function referencesInside(callback: ts.Expression, scope: ts.Node): boolean {
      let found = false;
      walk(callback, (node) => {
        if (found) return false;
        if (ts.isIdentifier(node)) {
          const decl = facts.symbolAt(node)?.valueDeclaration;
          if (decl && isInside(decl, scope) && !isInside(decl, callback)) found = true;
        }
        return undefined;
      });
      return found;
    }

    /** The teardown that should cancel a timer started at `call`, described; undefined when the owner has none or the timer is harmless. */
    function ownerTeardown(call: ts.CallExpression, timer: string, owner: Owner): string | undefined {
      if (isDeferred(call, timer)) return undefined; // deferred to the next tick or frame, not kept
      if (isBriefInApplication(call)) return undefined;
      switch (owner.kind) {
        case "effect":
          if (enclosingFunction(call) !== owner.effect) return undefined;
          // Under a second, once: a layout or animation delay holds its closure briefly and fires once after unmount.
          if (isShortDelay(facts, call.arguments[1], options.minEffectDelayMs)) return undefined;
          // A short timeout that only sets state: after unmount React drops the update, and it holds nothing past its delay.
          if (onlyStateBriefly(call, timer, enclosingFunction(owner.effect))) return undefined;
          return "the effect cleanup";
        case "vue-setup":
          if (isShortDelay(facts, call.arguments[1], options.minEffectDelayMs)) return undefined;
          return onlyStateBriefly(call, timer, owner.setup) ? undefined : "an `onUnmounted` hook";
        case "class": {
          if (!owner.teardown || timer === "setImmediate") return undefined;
          // One instance per process or extension host: a one-shot timer of it fires at most once after its one teardown.
          if (isSingletonClass(facts, owner.classNode)) return undefined;
          if (isShortDelay(facts, call.arguments[1], options.minClassDelayMs)) return undefined;
          const role = lifetime.roleOf(lifetime.significantFunction(call));
          if (role !== "method" && role !== "constructor" && role !== "mount-hook") return undefined;
          if (!usesThis(call.arguments[0])) return undefined; // the callback does not keep the instance
          if (onlyStateBriefly(call, timer, enclosingFunction(call))) return undefined; // a class component's short `setState`
          if (checksTeardownFlag(call.arguments[0], owner.classNode, owner.teardown)) return undefined;
          return `\`${owner.teardown.name.getText(sourceFile)}()\``;
        }
        default:
          return instanceTeardownFor(call, timer);
      }
    }

    /** A short timeout that only updates the component's state: after unmount the update is dropped, and nothing is held past the delay. */
    function onlyStateBriefly(call: ts.CallExpression, timer: string, component: FunctionNode | undefined): boolean {
      return timer === "setTimeout" && onlyUpdatesComponentState(facts, call.arguments[0], component)
        && isShortDelay(facts, call.arguments[1], options.minEffectStateDelayMs);
    }

    function checkPerRequest(call: ts.CallExpression, timer: string, owner: Extract<Owner, { kind: "request" }>, stored: StoredHandle | undefined): void {
      if (timer !== "setTimeout") return;
      const delay = literalDelayMs(facts, call.arguments[1]);
      const callback = call.arguments[0];
      if (delay === undefined || delay < options.minRequestDelayMs || !callback) return;
      const captured = owner.handler.parameters.slice(0, 2).map((p) => p.name).filter(ts.isIdentifier)
        .filter((name) => facts.referencesTo(name).some((ref) => isInside(ref, callback))).map((name) => name.text);
      if (captured.length === 0) return;
      const fixes = stored ? clearStoredFixes(facts, call, owner, stored, timer)
        : ts.isExpressionStatement(call.parent) ? storeAndClearFixes(facts, call, owner, timer) : [];
      context.report({ node: call.expression, messageId: "perRequest", data: { delay, captured: captured.join("`, `") }, fixes });
    }

    function checkLoop(call: ts.CallExpression, timer: string, fn: FunctionNode): void {
      if (isUnrefed(call) || hasStopPath(call, fn)) return;
      const owner = lifetime.ownerOf(fn);
      if (owner.kind === "module" && isEntryPoint(sourceFile)) return; // a process-lifetime loop in an entry point
      // An application's process-lifetime job: a module's loop every start of which runs once (at load, from boot code).
      if (owner.kind === "module" && context.use(packageRole) === "application" && loopStartsOnce(facts, fn)) return;
      // An application's process-lifetime job: a loop of the module's one instance (a telemetry ping, a sweeper), as its module-level intervals are.
      if (owner.kind === "class" && context.use(packageRole) === "application" && isSingletonClass(facts, owner.classNode)) return;
      const where = owner.kind === "class" && owner.teardown ? ` (not even \`${owner.teardown.name.getText(sourceFile)}()\`)` : "";
      context.report({
        node: call.expression,
        messageId: "loop",
        data: { fn: functionName(fn) ?? "This function", timer, where },
        related: [{ node: fn.name ?? fn, message: "the function that re-schedules itself" }],
      });
    }

    /** `function poll(client) { … setTimeout(function () { poll(client) }, ms) }` started with `poll(this)`: the instance's loop, out of its teardown's reach. */
    function reportHelperLoop(call: ts.CallExpression, timer: string): boolean {
      const loop = isUnrefed(call) ? undefined : instanceHelperLoop(facts, call);
      if (!loop) return false;
      const teardown = loop.teardown.name.startsWith("the ") ? loop.teardown.name : `\`${loop.teardown.name}()\``;
      context.report({ node: call.expression, messageId: "loop", data: { fn: loop.fn.name.text, timer, where: ` (not even ${teardown} of \`${loop.owner.name}\`)` },
        related: [{ node: loop.fn.name, message: "the function that re-schedules itself" }] });
      return true;
    }

    /** The enclosing function the timer schedules again: `setTimeout(poll, …)`, `setTimeout(() => this.poll(), …)`. */
    function rescheduledFunction(call: ts.CallExpression): FunctionNode | undefined {
      let callback = call.arguments[0];
      if (!callback) return undefined;
      if ((ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) && !ts.isBlock(callback.body)) callback = callback.body;
      if (ts.isCallExpression(callback) && callback.arguments.length === 0) callback = callback.expression;
      if (ts.isCallExpression(callback) && ts.isPropertyAccessExpression(callback.expression) && callback.expression.name.text === "bind") {
        callback = callback.expression.expression;
      }
      let target: ts.Node | undefined;
      if (ts.isIdentifier(callback)) target = facts.symbolAt(callback)?.valueDeclaration;
      else if (ts.isPropertyAccessExpression(callback) && callback.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const classNode = thisClass(callback);
        target = classNode?.members.find((m) => ts.isMethodDeclaration(m) && m.name.getText(sourceFile) === callback.name.text);
      }
      if (target && ts.isVariableDeclaration(target) && target.initializer) target = target.initializer;
      return target && isFunctionNode(target) && isInside(call, target) ? target : undefined;
    }
  },
});

/**
 * A condition, early return or catch between the loop function and its re-scheduling: the loop can end.
 * An early return counts in the loop function and in each callback between it and the timer
 * (`const retry = (e) => { if (settled) return; setTimeout(connect, 1000) }` inside `connect`).
 */
function hasStopPath(call: ts.CallExpression, fn: FunctionNode): boolean {
  for (let node: ts.Node = call.parent; node !== fn; node = node.parent) {
    if (STOP_KINDS.has(node.kind)) return true;
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken,
      ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind)) return true;
  }
  for (let inner = enclosingFunction(call); inner; inner = inner === fn ? undefined : enclosingFunction(inner)) {
    if (returnsBefore(inner, call)) return true;
  }
  return false;
}

/** A `return`, `throw` or `break` of `fn` itself (not of a nested function) before `call`. */
function returnsBefore(fn: FunctionNode, call: ts.CallExpression): boolean {
  let found = false;
  if (fn.body) {
    walk(fn.body, (node) => {
      if (found || (isFunctionNode(node) && node !== fn)) return false;
      if (ts.isReturnStatement(node) || ts.isThrowStatement(node) || ts.isBreakStatement(node)) found = node.getStart() < call.getStart() || found;
      return !found;
    });
  }
  return found;
}

/**
 * `setTimeout(() => { if (this.#state === CLOSED) return; … })` where the teardown (or a method it calls)
 * assigns that field: once torn down the callback does nothing, and it fires within its delay.
 */
function checksTeardownFlag(callback: ts.Expression | undefined, classNode: ts.ClassLikeDeclaration, teardown: ts.MethodDeclaration): boolean {
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) || !ts.isBlock(callback.body)) return false;
  // `if (this.closed) return; …`, or a body that is one `if (!this.closed && …) { … }`: after teardown it does nothing.
  const statements = callback.body.statements;
  const first = statements[0];
  if (!first || !ts.isIfStatement(first) || first.elseStatement || (!isBareReturn(first.thenStatement) && statements.length !== 1)) return false;
  const read = new Set<string>();
  walk(first.expression, (node) => {
    if (ts.isPropertyAccessExpression(node)) read.add(node.name.text);
  });
  if (read.size === 0) return false;
  const assigned = new Set<string>();
  const visited = new Set<ts.Node>();
  const visit = (method: ts.MethodDeclaration): void => {
    if (visited.has(method) || !method.body) return;
    visited.add(method);
    walk(method.body, (node) => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
        assigned.add(node.left.name.text);
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const name = node.expression.name.text;
        const callee = classNode.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText() === name);
        if (callee) visit(callee);
      }
    });
  };
  visit(teardown);
  return [...read].some((name) => assigned.has(name));
}

function isBareReturn(statement: ts.Statement): boolean {
  if (ts.isBlock(statement)) return statement.statements.length === 1 && isBareReturn(statement.statements[0]);
  return ts.isReturnStatement(statement);
}

function usesThis(callback: ts.Expression | undefined): boolean {
  if (!callback) return false;
  let found = false;
  walk(callback, (node) => {
    if (found || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) return false;
    if (node.kind === ts.SyntaxKind.ThisKeyword) found = true;
    return !found;
  });
  return found;
}

function describeOwner(owner: Owner): string {
  switch (owner.kind) {
    case "effect":
      return "an effect";
    case "vue-setup":
      return "a mount hook";
    case "class":
      return `\`${owner.classNode.name?.text ?? "a class"}\``;
    default:
      return "this code";
  }
}

/** Calls that start work again: a retry or reconnect that fires after teardown brings the torn-down object back to life. */
const RESTARTING_CALL = /^(?:re)?(?:connect|open|start|retry|subscribe|listen|poll|resume)(?:[A-Z_]\w*)?$|^re(?:Connect|Open|Start|Subscribe|Listen)(?:[A-Z_]\w*)?$/;

/** The timer's callback (inline) calls something that starts work again (`this.connect()`, `retry()`). */
function restartsWork(callback: ts.Expression | undefined): boolean {
  if (!callback || (!ts.isArrowFunction(callback) && !ts.isFunctionExpression(callback))) return false;
  let found = false;
  walk(callback.body, (node) => {
    if (found) return false;
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
      if (RESTARTING_CALL.test(name)) found = true;
    }
    return undefined;
  });
  return found;
}
