// listener-not-removed: `on`/`addListener`/`addEventListener` on a longer-lived target from code that runs repeatedly, never removed.
import ts from "typescript";
import {
  ONE_SHOT_EVENTS, type Fix, type Owner, type Registration, defineRule, findRemovals, isModuleSingleton, programCalls, removesItself, isDeduplicatedByTarget, makeFix, firstTimeGuard, handlerNameFor, hoistToName, isAbortSignalExpression, isFreshFunction,
  enclosingFunction, longLivedTarget,
  type InstanceOwner, REGISTER_METHODS, outerReference, ownedRegistration, owners, parseRegistration, referenceKey, registrationRepeatedInTeardown,
  isOnTeardownPathFor, unremovableWithoutTeardown, registrationsOf, releaseInTeardown, removalsOnTeardown, repetitionAt, selfRemovingOption, lifetimes,
  connectionTarget, guardedByListenerCheck, reboundOnPropChange, removedOffComponentTeardown, removedOffScopeTeardown, scopeTeardownText, moduleSingletonTarget, promisePerCall, ONCE_METHODS, handedInTarget,
  hasSiblingOnce, gestureEndNeverRemoved, teardownResetsTarget, isPageElementField, instanceMediaQuery, keptOnchangeHandler, isOnceProcessExitHandler, isRemovedWhenGestureEnds, oncePerPass, oneWayOnce, passesAgain, racingOnce, insertAfter, insertAt, isReadableInTeardown, replaceNode,
} from "../engine";

type MessageId = "notRemoved" | "gestureEndKept" | "mediaQueryKept" | "removedOffTeardown" | "reboundOnPropChange" | "neverRemovable" | "freshRemoval" | "notRemovedOnTeardown" | "addedInTeardown" | "oncePerPass" | "racingOnce" | "oneWayOnce";
/** Events that fire once per target: a listener for them is one-shot by nature. */
type Options = Record<string, never>;

const GESTURE_EVENTS = new Set(["pointermove", "mousemove", "touchmove", "dragover"].map((e) => `"${e}"`));

export default defineRule<MessageId, Options>({
  id: "listener-not-removed",
  meta: {
    family: "listener",
    description: "on/addListener/addEventListener on a longer-lived target from code that runs repeatedly, with no matching removal",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [lifetimes, owners],
    defaultSeverity: "warning",
  },
  messages: {
    notRemoved: "A listener for {{event}} is added to {{target}} each time {{when}} and never removed: every registration keeps its handler, and everything the handler's closure holds, alive as long as the target, and the handlers pile up.",
    neverRemovable: "A listener for {{event}} is added to {{target}} in the constructor of `{{owner}}` with a fresh function that nothing keeps, and `{{owner}}` has no teardown method and removes nothing from it: nothing can ever remove it, so every instance stays reachable from the target through its handler. Keep the handler in a field and remove it in a `dispose()`.",
    notRemovedOnTeardown: "A listener for {{event}} is added to {{target}} in `{{method}}()`, and the teardown of `{{owner}}` (`{{teardown}}()`) never removes it: the target outlives each instance, so every torn-down instance stays reachable from it through its handler, with everything the handler holds.",
    addedInTeardown: "The listener for {{event}} added to `{{target}}` in `{{method}}()` is never removed: `{{teardown}}()` adds it again (`on`) instead of removing it (`off`), so the torn-down instance stays reachable from the target through its handler.",
    oncePerPass: "A one-time listener for {{event}} is added to {{target}} on every pass of `{{fn}}()`, which starts its next pass from a callback without removing it{{elsewhere}}: `once` removes a listener only when its event fires, so until then one listener, holding its pass's closure, piles up per pass.",
    racingOnce: "`once` listeners for {{event}} and {{other}} are added to {{target}}, and neither removes the other: when {{event}} fires, the {{other}} listener stays on the target for as long as it lives, keeping its handler and everything the handler's closure holds reachable (and it runs on a later, unrelated {{other}}).",
    oneWayOnce: "The `once` listener for {{event}} on {{target}} is never removed when {{other}} fires instead: its handler removes the {{other}} listener (the outcomes are exclusive), but the {{other}} handler does not remove this one, so it stays on the target as long as the target lives, and each registration on it adds another.",
    gestureEndKept: "The {{event}} listener added to {{target}} ends the gesture and removes its {{other}} listener, but nothing ever removes the {{event}} listener itself: it stays on the target after the gesture, keeping its handler's closure (the component or object that started the drag) alive as long as the target after it is gone.",
    mediaQueryKept: "{{what}} on the media query list from `matchMedia(…)` in `{{method}}()` of `{{owner}}`, and nothing takes it back: a list with a change listener stays alive with the page, so the handler, and the instance its closure holds, outlive the instance, one more per instance.",
    removedOffTeardown: "A listener for {{event}} is added to {{target}} {{added}} and removed only {{removed}}; {{teardown}}: when the {{owner}} goes before that path runs (unmounted mid-drag, or while open), the listener stays on the target and keeps its handler's closure, the {{owner}}'s state, alive as long as the target.",
    reboundOnPropChange: "A listener for {{event}} is added to the prop `{{prop}}` in a `$:` block, which runs again whenever `{{prop}}` changes: nothing removes it from the previous `{{prop}}` (a cleanup that removes it from `{{prop}}` reaches only the current one), so every replaced target keeps the handler, and the component, alive. Remove it from the previous target before adding it to the new one.",
    freshRemoval: "The listener for {{event}} added to {{target}} each time {{when}} is never removed: `{{removal}}` is given a fresh {{fresh}}, which is a different function from the one that was added, so it removes nothing. Keep the handler in one variable or field and pass that same reference to both calls.",
  },
  schema: { type: "object", additionalProperties: false, properties: {} },
  defaultOptions: {},
  create(context) {
    const lifetime = context.use(lifetimes);
    const own = context.use(owners);
    const ownerRegistrations = new Map<InstanceOwner, Registration[]>();
    const { facts, sourceFile } = context;
    const extraRegister = new Set(context.settings.listeners.map((l) => l.register));
    return {
      [ts.SyntaxKind.BinaryExpression](assignment: ts.BinaryExpression) {
        const kept = keptOnchangeHandler(facts, own, assignment);
        if (kept) context.report({ node: assignment.left, messageId: "mediaQueryKept", data: { what: "An `onchange` handler is set", method: kept.method, owner: kept.owner.name } });
      },
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        const callee = call.expression;
        // Cheap syntactic filter: a method call named like a registration, or a bare `on(target, …)` helper.
        if (ts.isIdentifier(callee) && callee.text === "on") {
          const helper = parseRegistration(call, new Set(["on"]));
          if (helper) checkRegistration(helper);
          return;
        }
        if (!ts.isPropertyAccessExpression(callee)) return;
        const method = callee.name.text;
        if (ONCE_METHODS.has(method)) {
          const once = parseRegistration(call, ONCE_METHODS);
          if (once) checkOnce(once);
          return;
        }
        if (method !== "on" && method !== "addListener" && method !== "prependListener" && method !== "addEventListener"
          && !extraRegister.has(method)) return;
        const registration = parseRegistration(call, new Set([method]));
        if (registration) checkRegistration(registration);
      },
    };

    function checkRegistration(registration: Registration): void {
      const { call, handler } = registration;
      if (selfRemovingOption(registration.options) || isDeduplicatedByTarget(facts, registration)) return;
      // "abort" listeners on an AbortSignal are abort-signal-listener-leak's to report.
      if (eventText(registration.event) === '"abort"' && isAbortSignalExpression(facts, registration.target)) return;
      if (!isResultDropped(call)) return; // the returned unsubscribe function is kept
      if (isOnceProcessExitHandler(facts, registration)) return; // runs once, when the process ends
      if (!isFreshFunction(handler) && referenceKey(handler) === undefined) return; // a computed handler we cannot follow
      if (guardedByListenerCheck(registration)) return; // added only when the target lacks it
      if (checkOwned(registration)) return;
      if (checkRebound(registration)) return;
      if (checkGestureEnd(registration)) return;
      if (checkMediaQuery(registration)) return;
      const target = longLivedTarget(facts, registration.target, call) ?? moduleSingletonTarget(facts, registration)
        ?? connectionTarget(facts, registration);
      if (!target) return;
      if (checkScopeRemovals(registration, target)) return;
      const repetition = repetitionAt(facts, call, { strict: true }) ?? promisePerCall(facts, call);
      if (!repetition || firstTimeGuard(call)) return; // `if (!seen[event]) { seen[event] = true; bus.on(event, …) }`: once per key
      const removals = findRemovals(facts, registration);
      if (removals.some((r) => r.matches)) return;
      const data = { event: eventText(registration.event), target, when: repetition.when };
      const fresh = removals.find((r) => r.fresh);
      if (fresh) {
        const removedHandler = fresh.call.arguments[1];
        context.report({
          node: call.expression,
          messageId: "freshRemoval",
          data: { ...data, removal: `${calleeText(fresh.call)}(…)`, fresh: ts.isCallExpression(removedHandler) ? "`.bind()` result" : "function" },
          related: [{ node: fresh.call, message: "this removal never matches" }],
        });
        return;
      }
      const owner = lifetime.ownerOf(call);
      context.report({ node: call.expression, messageId: "notRemoved", data, related: otherTargetRemovals(removals),
        fixes: [...removalFixes(registration, owner), ...onceFixes(registration)] });
    }

    /** Removed, but only on a path the scope owner's teardown does not take (drag end, a watcher's other branch). Returns whether it decided. */
    function checkScopeRemovals(registration: Registration, target: string): boolean {
      const removals = findRemovals(facts, registration);
      if (isRemovedWhenGestureEnds(facts, registration, removals)) return true; // the gesture ends whatever happens to its owner
      const found = removedOffScopeTeardown(facts, registration, removals);
      if (!found) return checkComponentRemovals(registration, target, removals);
      const { scope, removal, addedIn, removedIn } = found;
      const owner = scope.kind === "effect" ? "effect" : scope.kind === "component" ? "component" : "composable";
      const teardown = scope.cleanups.length > 0 ? `${scopeTeardownText(scope)} does not remove it` : `the ${owner} has no teardown hook that would`;
      const added = addedIn ? `in \`${addedIn}()\`` : "on one path";
      const removed = removedIn && removedIn !== addedIn ? `in \`${removedIn}()\`` : "on another path (another branch or callback)";
      context.report({
        node: registration.call.expression, messageId: "removedOffTeardown",
        data: { event: eventText(registration.event), target, added, removed, teardown, owner },
        related: [{ node: removal, message: "the only removal, off the teardown path" }, ...otherTargetRemovals(removals)],
      });
      return true;
    }

    /** A gesture's end listener on a page-wide target whose handler removes the gesture's other listeners but never itself. */
    function checkGestureEnd(registration: Registration): boolean {
      const target = longLivedTarget(facts, registration.target, registration.call)
        ?? (isPageElementField(facts, registration.target) ? `\`${registration.target.getText(sourceFile)}\` (an element of the page, found with \`document\`)` : undefined);
      const kept = target && gestureEndNeverRemoved(facts, own, registration, findRemovals(facts, registration));
      if (!kept) return false;
      context.report({ node: registration.call.expression, messageId: "gestureEndKept",
        data: { event: eventText(registration.event), target, other: kept.otherEvent },
        related: [{ node: kept.removal, message: "the end handler removes the other listener here, not itself" }] });
      return true;
    }

    /** A change listener an instance adds to a fresh `matchMedia(…)` list and never removes. */
    function checkMediaQuery(registration: Registration): boolean {
      if (registration.method !== "addEventListener" || eventText(registration.event) !== '"change"') return false;
      const kept = instanceMediaQuery(facts, own, registration.target, registration.call);
      if (!kept || findRemovals(facts, registration).some((r) => r.matches)) return false;
      context.report({ node: registration.call.expression, messageId: "mediaQueryKept",
        data: { what: "A \"change\" listener is added", method: kept.method, owner: kept.owner.name } });
      return true;
    }

    /** Removals of the same handler from another page object, to point at: they remove nothing. */
    function otherTargetRemovals(removals: ReturnType<typeof findRemovals>): Array<{ node: ts.Node; message: string }> {
      return removals.filter((r) => r.otherTarget).map((r) => ({ node: r.call, message: "removes it from another object, not from this target" }));
    }

    /** A Svelte `$:` block that adds the listener to a prop again whenever the prop changes. */
    function checkRebound(registration: Registration): boolean {
      const prop = reboundOnPropChange(facts, registration, findRemovals(facts, registration));
      if (!prop) return false;
      context.report({ node: registration.call.expression, messageId: "reboundOnPropChange", data: { event: eventText(registration.event), prop } });
      return true;
    }

    /** An options-API component without a teardown hook that removes the listener only in another method or branch. */
    function checkComponentRemovals(registration: Registration, target: string, removals: ReturnType<typeof findRemovals>): boolean {
      const found = removedOffComponentTeardown(facts, own, registration, removals);
      if (!found) return false;
      context.report({
        node: registration.call.expression, messageId: "removedOffTeardown",
        data: { event: eventText(registration.event), target, added: `in \`${found.addedIn}()\``,
          removed: found.removedIn ? `in \`${found.removedIn}()\`` : "on another path (another branch or callback)",
          teardown: "the component has no teardown hook (`beforeDestroy`/`beforeUnmount`) that would", owner: "component" },
        related: [{ node: found.removal, message: "the only removal, off the teardown path" }],
      });
      return true;
    }

    /** A `once` added on every pass of a function that calls itself again from a callback, on the instance's own or a long-lived emitter. */
    function checkOnce(registration: Registration): void {
      const { call } = registration;
      if (!isResultDropped(call)) return;
      // Either finding needs a function that calls itself again from a callback, or a sibling
      // `once` to race: cheap syntax, asked before the target (which costs more).
      if (!passesAgain(facts, registration) && !hasSiblingOnce(registration, (c) => parseRegistration(c, ONCE_METHODS))) return;
      const instance = own.instanceAt(call);
      const target = instance && own.isInstanceReference(instance, registration.target) ? `\`${registration.target.getText(sourceFile)}\` (the instance itself)`
        : longLivedTarget(facts, registration.target, call) ?? connectionTarget(facts, registration);
      const pass = target && oncePerPass(facts, registration);
      if (!pass) {
        checkRace(registration, target);
        return;
      }
      const elsewhere = pass.removal ? ` (the removal at line ${sourceFile.getLineAndCharacterOfPosition(pass.removal.getStart(sourceFile)).line + 1} runs on another path)` : "";
      context.report({
        node: call.expression,
        messageId: "oncePerPass",
        data: { event: eventText(registration.event), target, fn: pass.name, elsewhere },
        related: [{ node: pass.recall, message: "the next pass starts here while the listener is still registered" }],
      });
    }

    /** `conn.once("connect", a); conn.once("error", b)` on a target the caller owns: the loser of the race stays registered. */
    function checkRace(registration: Registration, knownTarget: string | undefined): void {
      const param = knownTarget ? undefined : handedInTarget(facts, registration.target);
      if (!knownTarget && !param) return;
      const parse = (c: ts.CallExpression) => parseRegistration(c, ONCE_METHODS);
      const targetText = registration.target.getText(sourceFile);
      const targetData = knownTarget ?? `\`${targetText}\` (from the parameter \`${param}\`: the caller's, and it lives on after this call)`;
      const oneWay = oneWayOnce(facts, registration, parse, (h) => handlerFunction(h, registration.call));
      if (oneWay) {
        context.report({ node: registration.call.expression, messageId: "oneWayOnce",
          data: { event: eventText(registration.event), other: eventText(oneWay.event), target: targetData },
          related: [{ node: oneWay.call, message: "when this one fires, nothing removes the other" }] });
        return;
      }
      const other = racingOnce(facts, registration, parse);
      if (!other) return;
      context.report({
        node: registration.call.expression,
        messageId: "racingOnce",
        data: { event: eventText(registration.event), other: eventText(other.event),
          target: targetData },
        related: [{ node: other.call, message: "the other outcome's listener" }],
      });
    }

    /** `this.onRow` → the owner's method `onRow`, for reading what a handler does. */
    function handlerFunction(handler: ts.Expression, at: ts.Node): ts.Node | undefined {
      const instance = own.instanceAt(at);
      const field = instance && own.fieldOf(instance, handler);
      return field !== undefined ? instance!.methods.get(field) : undefined;
    }

    /**
     * The owner questions, for a registration made by an instance with a teardown path on
     * a target that outlives it: is it removed on that path? Returns whether it decided.
     */
    function checkOwned(registration: Registration): boolean {
      const { call } = registration;
      const instance = own.instanceAt(call);
      if (!instance) return false;
      // The questions below are about the teardown path; without one, only a fresh handler nothing can remove is decided.
      if (own.teardownFunctions(instance).size === 0) {
        const unremovable = unremovableWithoutTeardown(facts, own, registration);
        if (!unremovable) return false;
        context.report({ node: call.expression, messageId: "neverRemovable", data: { event: eventText(registration.event), target: unremovable.target, owner: unremovable.owner.name } });
        return true;
      }
      const repeat = registrationRepeatedInTeardown(own, instance, registration, () => ownRegistrations(instance));
      if (repeat === registration) return true; // reported at the registration it repeats
      if (repeat) {
        context.report({
          node: call.expression,
          messageId: "addedInTeardown",
          data: { teardown: own.methodAt(instance, repeat.call)?.name ?? "dispose", event: eventText(registration.event),
            target: registration.target.getText(sourceFile), method: own.methodAt(instance, call)?.name ?? "constructor" },
          related: [{ node: repeat.call, message: "adds the listener again instead of removing it" }],
        });
        return true;
      }
      const owned = ownedRegistration(facts, own, registration);
      if (!owned || isOnTeardownPathFor(facts, own, owned.owner, registration, call)) return false;
      // Registered once, for the process: by the one instance's constructor, or by a method of it that runs once (typed tier).
      if (isModuleSingleton(facts, owned.owner) && (owned.method.name === "constructor" || facts.analysis(programCalls)?.everyCallRunsOnce(owned.method.fn) === true)) return true;
      const { matched, fresh } = removalsOnTeardown(facts, own, owned.owner, registration);
      if (matched || teardownResetsTarget(facts, own, owned.owner, registration)) return true;
      const removals = findRemovals(facts, registration).filter((r) => r.matches);
      // A drag: the move listener lives for one pointer gesture and is removed when it ends, not per instance.
      if (removals.length > 0 && GESTURE_EVENTS.has(eventText(registration.event))) return true;
      // Removed by the function that added it (a listener for one call), or by the handler itself once it has fired.
      if (removals.some((r) => enclosingFunction(r.call) === enclosingFunction(call) || removesItself(r.call, registration.handler))) return true;
      const teardownFn = owned.owner.teardown?.fn ?? [...own.teardownFunctions(owned.owner)][0];
      const teardownName = owned.owner.teardown?.name ?? "dispose";
      const data = { event: eventText(registration.event), target: owned.target, method: owned.method.name, owner: owned.owner.name, teardown: teardownName };
      if (fresh) {
        const removedHandler = fresh.arguments[registration.helper ? 2 : 1];
        context.report({
          node: call.expression,
          messageId: "freshRemoval",
          data: { ...data, when: owned.method.name === "constructor" ? "an instance is created" : `\`${owned.method.name}()\` runs`,
            removal: `${calleeText(fresh)}(…)`, fresh: removedHandler && ts.isCallExpression(removedHandler) ? "`.bind()` result" : "function" },
          related: [{ node: fresh, message: "this removal never matches" }],
        });
        return true;
      }
      const owner = lifetime.ownerOf(call);
      const fixes = owner.kind === "class" && owned.owner.kind === "class" ? removalFixes(registration, owner) : [];
      context.report({ node: call.expression, messageId: "notRemovedOnTeardown", data, fixes, related: [{ node: teardownFn, message: "the teardown that should remove it" }] });
      return true;
    }

    function ownRegistrations(instance: InstanceOwner): Registration[] {
      let found = ownerRegistrations.get(instance);
      if (!found) {
        const methods = new Set([...REGISTER_METHODS, ...extraRegister]);
        found = registrationsOf(own, instance, (c) => parseRegistration(c, methods));
        ownerRegistrations.set(instance, found);
      }
      return found;
    }

    /**
     * The removal that pairs with the registration: `removeEventListener`; for `on` with an array of
     * events — no Node emitter takes one; video.js and jQuery-style emitters do, and they have
     * `off`, not `removeListener` — `off`; else `removeListener`.
     */
    function removalMethod(registration: Registration): string {
      if (registration.method === "addEventListener") return "removeEventListener";
      return registration.method === "on" && ts.isArrayLiteralExpression(registration.event) ? "off" : "removeListener";
    }

    /** Hoists an inline handler to a name (when needed) and removes it in the owner's teardown. */
    function removalFixes(registration: Registration, owner: Owner): Fix[] {
      const { call, handler, event, target } = registration;
      if (registration.helper) return []; // the helper's own removal API is not ours to guess
      if (!isReadableInTeardown(facts, target, owner)) return []; // `player.on(…)` with a constructor's `player`: dispose() cannot name it
      const removeMethod = removalMethod(registration);
      const optionsText = registration.method === "addEventListener" && registration.options ? `, ${registration.options.getText(sourceFile)}` : "";
      const targetText = target.getText(sourceFile);
      let handlerRef = handler.getText(sourceFile);
      const edits = [];
      const declares: string[] = [];
      let typesKept = true;
      if (isFreshFunction(handler)) {
        if (ts.isCallExpression(handler)) return []; // `.bind()`: the field holding the bound function is the author's call
        const hoisted = hoistToName(facts, owner, handler, handlerNameFor(event));
        if (!hoisted) return [];
        edits.push(...hoisted.edits);
        handlerRef = hoisted.reference;
        declares.push(hoisted.declares);
        typesKept = hoisted.typesKept;
      } else if (!isVisibleFromTeardown(handler, owner)) {
        return [];
      }
      const release = `${targetText}.${removeMethod}(${event.getText(sourceFile)}, ${handlerRef}${optionsText})`;
      const teardown = releaseInTeardown(owner, sourceFile, call, release);
      if (!teardown) return [];
      edits.push(...teardown.edits);
      return [makeFix(`Remove the listener in ${teardown.where}`, !teardown.created && typesKept, edits, declares)];
    }

    /** `{ once: true }` / `once(…)` when the event fires once or the handler removes itself (suggestion). */
    function onceFixes(registration: Registration): Fix[] {
      const { call, event, handler, options } = registration;
      if (registration.helper) return [];
      const oneShot = ts.isStringLiteralLike(event) && ONE_SHOT_EVENTS.has(event.text);
      const selfRemoving = isFreshFunction(handler) && /\b(removeEventListener|removeListener|off)\(/.test(handler.getText(sourceFile));
      if (!oneShot && !selfRemoving) return [];
      const callee = call.expression as ts.PropertyAccessExpression;
      if (registration.method !== "addEventListener") {
        if (registration.method !== "on" && registration.method !== "addListener") return [];
        return [makeFix("Listen once with `once(…)`", false, [replaceNode(callee.name, sourceFile, "once")])];
      }
      if (options && !ts.isObjectLiteralExpression(options)) return [];
      const edit = !options
        ? insertAfter(handler, ", { once: true }")
        : insertAt(options.getStart(sourceFile) + 1, options.properties.length ? " once: true," : " once: true ");
      return [makeFix("Add `{ once: true }`", false, [edit])];
    }

    /** A named handler can be removed from the teardown only if the teardown can see it. */
    function isVisibleFromTeardown(handler: ts.Expression, owner: Owner): boolean {
      if (owner.kind === "class") return handler.getText(sourceFile).startsWith("this.");
      if (!ts.isIdentifier(handler)) return false;
      const decl = facts.symbolAt(handler)?.declarations?.[0];
      if (!decl) return false;
      const scope = owner.kind === "effect" ? owner.effect : owner.kind === "request" ? owner.handler : owner.kind === "vscode" ? owner.activate
        : owner.kind === "vue-setup" ? owner.setup : undefined;
      return scope !== undefined && decl.pos >= scope.pos && decl.end <= scope.end || decl.getSourceFile() === sourceFile && !isNested(decl);
    }

    function calleeText(call: ts.CallExpression): string {
      return call.expression.getText(sourceFile);
    }
  },
});

/** The registration's result is thrown away (or only chained into another registration). */
function isResultDropped(call: ts.CallExpression): boolean {
  let expr: ts.Expression = outerReference(call);
  for (;;) {
    const parent = expr.parent;
    if (ts.isExpressionStatement(parent) || ts.isVoidExpression(parent)) return true;
    // `open ? doc.addEventListener(…) : doc.removeEventListener(…)` as a statement: a branch whose value is dropped too.
    if (ts.isConditionalExpression(parent) && parent.condition !== expr) {
      expr = outerReference(parent);
      continue;
    }
    if (ts.isPropertyAccessExpression(parent) && ts.isCallExpression(parent.parent) && parent.parent.expression === parent
      && parseRegistration(parent.parent)) {
      expr = outerReference(parent.parent);
      continue;
    }
    return false;
  }
}

function isNested(decl: ts.Node): boolean {
  for (let current = decl.parent; current; current = current.parent) {
    if (ts.isFunctionLike(current) || ts.isClassLike(current)) return true;
  }
  return false;
}

function eventText(event: ts.Expression): string {
  return ts.isStringLiteralLike(event) ? `"${event.text}"` : `\`${event.getText()}\``;
}
