// subscription-not-disposed: RxJS subscriptions, VS Code disposables and DOM observers never unsubscribed, disposed or disconnected.
import ts from "typescript";
import {
  type Fix, type InstanceOwner, type Owner, classifyReference, isFunctionNode, isInside, type StoreAndRelease, type TextEdit, calleeMemberName, calleeReceiver, defineRule, freshName, indentationAt,
  addClassMember, insertAfter, insertBefore, makeFix, namedImportEdits, replaceRange,
  SCOPE_BOUND_HELPERS, thisClass, destroyRefMember, inInjectionContext, isAngularClass, isComponentClass, isRootComponentClass, sourceRoots, canRegisterOnInstance, hasDisposeConvention, isEmitterCreatedHere, isEventSubscription, isInstancePart, isLongerLivedTarget,
  isModuleSingleton, isOwnSourceSubscribedOnce, isReleasedOrHandedOff, skipParens, outerReference, owners, registrationRepetition, releaseStoredFixes, repetitionAt, scopeBoundLeak,
  storeAndReleaseFixes, storedHandle, lifetimes, svelteStoreSubscription, rxCompletion, isComponentOwnElement,
} from "../engine";

type MessageId = "subscriptionDropped" | "subscriptionKept" | "storeDropped" | "storeResubscribed" | "disposableDropped" | "disposableKept" | "eventDropped"
  | "stopDropped" | "observerKept" | "observerUntilFired";
type Options = Record<string, never>;

const OBSERVERS = new Set(["MutationObserver", "ResizeObserver", "IntersectionObserver", "PerformanceObserver"]);
const VSCODE_CREATORS = new Set([
  "createStatusBarItem", "createOutputChannel", "createFileSystemWatcher", "createTextEditorDecorationType", "createTerminal", "createWebviewPanel",
  "createTreeView", "createDiagnosticCollection", "createQuickPick", "createInputBox", "createCommentController", "createTestController",
  "createLanguageStatusItem",
]);
/** UI the user reads and closes (closing disposes it): not a dropped disposable. */
const USER_CLOSED = new Set(["createTerminal", "createWebviewPanel"]);
const RXJS_IMPORT = /from\s+["'](rxjs|@angular\/|@ngrx\/)|require\(["']rxjs/;

const SUBSCRIPTION: StoreAndRelease = {
  base: "subscription", what: "subscription", fieldType: "{ unsubscribe(): void }",
  release: (ref, optional) => `${ref}${optional ? "?." : "."}unsubscribe()`,
};
const DISPOSABLE: StoreAndRelease = {
  base: "disposable", what: "disposable", fieldType: "{ dispose(): unknown }", release: (ref, optional) => `${ref}${optional ? "?." : "."}dispose()`,
};
const OBSERVER: StoreAndRelease = {
  base: "observer", what: "observer", fieldType: "{ disconnect(): void }", release: (ref, optional) => `${ref}${optional ? "?." : "."}disconnect()`,
};

export default defineRule<MessageId, Options>({
  id: "subscription-not-disposed",
  meta: {
    family: "listener",
    description: "RxJS subscriptions, VS Code disposables and DOM observers never unsubscribed, disposed or disconnected",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [lifetimes, owners, rxCompletion],
    defaultSeverity: "warning",
  },
  messages: {
    subscriptionDropped: "The `Subscription` from this `subscribe()` is dropped, so it can never be unsubscribed: each time {{when}} another subscription starts that lives as long as its source and keeps its callbacks' closures alive.",
    subscriptionKept: "`{{name}}` (a `Subscription`) is never unsubscribed{{where}}: it lives as long as its source and keeps its callbacks' closures alive.",
    storeDropped: "The unsubscribe function this `{{store}}.subscribe()` returns is dropped: {{origin}}, so every destroyed instance stays subscribed, and the store keeps its callback, with the component's state, alive. Keep the function and call it in `onDestroy`, or read the store as `$store`.",
    storeResubscribed: "`{{name}}` gets a new subscription to `{{store}}` each time this `$:` block re-runs, and the previous one is never unsubscribed: {{origin}}, so the subscriptions pile up on it, each keeping its callback's closure alive. Call `{{name}}?.()` before subscribing again.",
    disposableDropped: "The `Disposable` returned by `{{api}}` is dropped instead of being disposed: {{why}}.",
    disposableKept: "`{{name}}` from `{{api}}` is never disposed: {{why}}.",
    eventDropped: "The `IDisposable` returned by `{{api}}` is dropped: the listener stays on `{{target}}`, which outlives this `{{owner}}`, and keeps the disposed instance alive; register it with the instance or dispose it in its teardown.",
    stopDropped: "The stop function of `{{api}}(…)` is dropped {{why}}: the listener is never removed.",
    observerKept: "This `{{kind}}` is never `disconnect()`ed{{where}}: it keeps observing, and keeps its callback and every observed node alive.",
    observerUntilFired: "This `{{kind}}` is `disconnect()`ed only in its own callback, once it fires, and {{teardown}} never disconnects it: torn down before that, `{{owner}}` stays reachable from the observed nodes through the callback.",
  },
  schema: { type: "object", additionalProperties: false, properties: {} },
  defaultOptions: {},
  create(context) {
    const lifetime = context.use(lifetimes);
    const instances = context.use(owners);
    const rx = context.use(rxCompletion);
    const { facts, sourceFile } = context;
    let rxjsFile: boolean | undefined;
    return {
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        const name = calleeMemberName(call);
        if (!name) return;
        if (name === "subscribe") checkSubscribe(call);
        else if (/^(onDid|onWill|register)[A-Z]/.test(name) || VSCODE_CREATORS.has(name)) checkDisposable(call, name);
        else if (/^on[A-Z]/.test(name)) checkEvent(call, name);
        else if (SCOPE_BOUND_HELPERS.has(name) && ts.isIdentifier(call.expression)) checkScopeBound(call, name);
      },
      [ts.SyntaxKind.NewExpression](expr: ts.NewExpression) {
        if (ts.isIdentifier(expr.expression) && OBSERVERS.has(expr.expression.text) && facts.calleeName(expr) === `global:${expr.expression.text}`) {
          checkObserver(expr, expr.expression.text);
        }
      },
    };

    function checkSubscribe(call: ts.CallExpression): void {
      const store = svelteStoreSubscription(facts, call);
      if (store) {
        const messageId = store.kind === "dropped" ? "storeDropped" : "storeResubscribed";
        return context.report({ node: call.expression, messageId, data: { store: store.store, origin: store.origin, name: store.name ?? "" } });
      }
      const receiver = calleeReceiver(call);
      if (!receiver || !isObservable(receiver) || rx.completes(receiver, thisClass(call))) return; // it ends by itself (engine: rx-completion)
      if (isOwnSourceSubscribedOnce(facts, call, sourceRoots(receiver))) return; // the instance's own subject, subscribed once
      const owner = lifetime.ownerOf(call);
      if (!ownerCanLeak(owner, call)) return;
      const handle = outerReference(call);
      const untilDestroyed = takeUntilDestroyedFixes(receiver, owner);
      if (ts.isExpressionStatement(handle.parent)) {
        const instance = instances.instanceAt(call);
        const when = instance && instance.kind !== "class" && instances.methodAt(instance, call)?.name === "constructor" ? "an instance is created"
          : repetitionAt(facts, call)?.when ?? "the owner is created";
        const fixes = withSuggestion(storeAndReleaseFixes(facts, handle, owner, SUBSCRIPTION), untilDestroyed);
        return context.report({ node: call.expression, messageId: "subscriptionDropped", data: { when }, fixes });
      }
      const stored = storedHandle(facts, handle);
      if (!stored || isReleasedOrHandedOff(stored.refs, ["unsubscribe"])) return;
      context.report({
        node: call.expression, messageId: "subscriptionKept", data: { name: stored.name, where: teardownText(owner) },
        fixes: withSuggestion(releaseStoredFixes(facts, call, owner, stored, SUBSCRIPTION), untilDestroyed),
      });
    }

    function checkDisposable(call: ts.CallExpression, name: string): void {
      const qualified = facts.calleeName(call);
      const isVscode = qualified?.startsWith("vscode:") === true;
      if (!isVscode && (VSCODE_CREATORS.has(name) || facts.typeIs(call, ["Disposable"]) !== true)) return checkEvent(call, name);
      // `onDidX(listener, thisArgs, disposables)`: the disposable goes into the array.
      if (/^on(Did|Will)/.test(name) && call.arguments.length >= 3) return;
      if (USER_CLOSED.has(name)) return;
      const receiver = calleeReceiver(call);
      if (receiver && isEmitterCreatedHere(facts, receiver)) return; // disposing the emitter disposes its listeners
      const holder = instances.instanceAt(call);
      if (receiver && holder && isInstancePart(facts, instances, holder, receiver)) return; // the instance closes it, or keeps it as its part
      const why = leakReason(call);
      if (!why) return;
      const api = `${qualified?.replace(/^vscode:/, "vscode.") ?? name}(…)`;
      const owner = lifetime.ownerOf(call);
      const handle = outerReference(call);
      if (ts.isExpressionStatement(handle.parent)) {
        const instance = instances.instanceAt(call);
        // In a command handler a push to `context.subscriptions` would pile up too: no automatic fix there.
        const fixes = instance && canRegisterOnInstance(instances, instance, call) ? registerFixes(handle)
          : owner.kind === "vscode" ? [] : storeAndReleaseFixes(facts, handle, owner, DISPOSABLE);
        return context.report({ node: call.expression, messageId: "disposableDropped", data: { api, why }, fixes });
      }
      const stored = storedHandle(facts, handle);
      if (!stored || isReleasedOrHandedOff(stored.refs, ["dispose"])) return;
      const fixes = owner.kind === "vscode" ? [] : releaseStoredFixes(facts, call, owner, stored, DISPOSABLE);
      context.report({ node: call.expression, messageId: "disposableKept", data: { name: stored.name, api, why }, fixes });
    }

    /**
     * Why a VS Code disposable made here leaks, or undefined when it does not: an
     * instance with a teardown (or the dispose convention) outlived by its
     * registration, or code that runs again and again (a command handler, an event
     * callback, a handler method). Registrations made once while the extension
     * activates live as long as the extension host and do not pile up.
     */
    function leakReason(call: ts.CallExpression): string | undefined {
      const instance = instances.instanceAt(call);
      if (instance) {
        if (instances.isOnTeardownPath(instance, call)) return undefined;
        // The module's one instance (`export const statusBar = new StatusBar()`) is disposed only when the
        // extension deactivates: what it makes once, behind `if (!this.output)`, goes with the extension host.
        if (isModuleSingleton(facts, instance) && isLazyField(outerReference(call))) return undefined;
        if (instance.teardown || hasDisposeConvention(instances, instance)) return `the registration outlives \`${instance.name}\` after it is disposed`;
        const method = instances.methodAt(instance, call);
        if (method && instances.runsRepeatedly(instance, method)) return `each time \`${method.name}()\` runs another one piles up`;
      }
      const owner = lifetime.ownerOf(call);
      if (!instance && owner.kind !== "module" && owner.kind !== "vscode" && owner.kind !== "class") return "the registration outlives its owner";
      const when = registrationRepetition(facts, call);
      return when ? `each time ${when} another one piles up` : undefined;
    }

    /** `target.onX(listener)` (a VS Code-style `Event<T>`) dropped in an instance with the dispose convention, on a target it did not create. */
    function checkEvent(call: ts.CallExpression, name: string): void {
      const handle = outerReference(call);
      if (!ts.isExpressionStatement(handle.parent) || !isEventSubscription(facts, call)) return;
      const instance = instances.instanceAt(call);
      const target = calleeReceiver(call);
      if (!instance || !target || !hasDisposeConvention(instances, instance) || instances.isOnTeardownPath(instance, call)) return;
      if (!isLongerLivedTarget(facts, instances, instance, target) || isInstancePart(facts, instances, instance, target)) return;
      const fixes = canRegisterOnInstance(instances, instance, call) ? registerFixes(handle) : storeAndReleaseFixes(facts, handle, lifetime.ownerOf(call), DISPOSABLE);
      context.report({ node: call.expression, messageId: "eventDropped", data: { api: `${name}(…)`, target: target.getText(sourceFile), owner: instance.name }, fixes });
    }

    /** vueuse `useEventListener(…)` whose stop function is dropped after an `await` or in code that runs again. */
    function checkScopeBound(call: ts.CallExpression, name: string): void {
      if (!ts.isExpressionStatement(outerReference(call).parent)) return;
      const qualified = facts.calleeName(call);
      if (!qualified || qualified.startsWith("global:") || !qualified.endsWith(`:${name}`)) return; // imported, not a local function
      const leak = scopeBoundLeak(facts, call);
      if (!leak) return;
      const why = leak === "after-await" ? "after an `await`, where no effect scope is current to remove it"
        : `each time ${leak.when}, adding another listener`;
      context.report({ node: call.expression, messageId: "stopDropped", data: { api: name, why } });
    }

    /** `this._register(x)`: the instance disposes it with itself. */
    function registerFixes(handle: ts.Expression): Fix[] {
      return [makeFix("Register it with the instance: this._register(…)", true,
        [insertBefore(handle, sourceFile, "this._register("), insertAfter(handle, ")")])];
    }

    function checkObserver(expr: ts.NewExpression, kind: string): void {
      const owner = lifetime.ownerOf(expr);
      if (!ownerCanLeak(owner, expr)) return;
      const handle = outerReference(expr);
      const access = handle.parent;
      if (ts.isPropertyAccessExpression(access) && access.name.text === "observe" && ts.isExpressionStatement(outerReference(access.parent as ts.Expression).parent)) {
        if (observesOwnElements([access.parent as ts.Expression])) return;
        // `new X(cb).observe(el)` → `const observer = new X(cb);` + `observer.observe(el)`.
        const split = (ref: string): TextEdit[] => [replaceRange(handle.getEnd(), access.name.getStart(sourceFile),
          `;\n${indentationAt(sourceFile.text, handle.getStart(sourceFile))}${ref}.`)];
        const fixes = storeAndReleaseFixes(facts, handle, owner, OBSERVER, split);
        return context.report({ node: expr.expression, messageId: "observerKept", data: { kind, where: teardownText(owner) }, fixes });
      }
      const stored = storedHandle(facts, handle);
      if (!stored || !stored.refs.some(isObserveCall)) return;
      if (observesOwnElements(stored.refs.filter(isObserveCall).map((ref) => outerReference(ref).parent.parent as ts.Expression))) return;
      if (isReleasedOrHandedOff(stored.refs, ["disconnect", "unobserve"])) return checkDisconnectedWhenFired(expr, kind, stored.refs);
      context.report({ node: expr.expression, messageId: "observerKept", data: { kind, where: teardownText(owner) }, fixes: releaseStoredFixes(facts, expr, owner, stored, OBSERVER) });
    }

    /** Every `observe(el)` call observes an element of the component itself: the observer goes with those elements. */
    function observesOwnElements(calls: readonly ts.Expression[]): boolean {
      return calls.length > 0 && calls.every((call) => ts.isCallExpression(call) && call.arguments[0] !== undefined && isComponentOwnElement(facts, call.arguments[0]));
    }

    /** Observable by type; without types, an RxJS-importing file and an observable-looking receiver. */
    function isObservable(receiver: ts.Expression): boolean {
      const typed = facts.typeIs(receiver, ["Observable"]);
      if (typed !== undefined) return typed;
      rxjsFile ??= RXJS_IMPORT.test(sourceFile.text);
      if (!rxjsFile) return false;
      if (ts.isCallExpression(receiver)) return calleeMemberName(receiver) === "pipe" || (facts.calleeName(receiver)?.startsWith("rxjs:") ?? false);
      return /\$$/.test(receiver.getText(sourceFile));
    }

    /** Code that runs repeatedly or belongs to an owner with a lifecycle (not a plain singleton service). */
    function ownerCanLeak(owner: Owner, node: ts.Node): boolean {
      // An ES5 constructor or a factory with a teardown (`Feed.prototype.close`, `return { close() {…} }`) is torn down too.
      const instance = instances.instanceAt(node);
      // A component always has a teardown: the framework unmounts it, with or without a hook.
      if (instance && instance.kind !== "class") return (instance.teardown !== undefined || instance.kind === "component") && !instances.isOnTeardownPath(instance, node);
      if (owner.kind === "class" && isRootComponentClass(owner.classNode)) return false; // the application's root: created once
      if (owner.kind === "class") return owner.teardown !== undefined || isComponentClass(owner.classNode) || lifetime.roleAt(node) === "mount-hook";
      if (owner.kind === "module") return repetitionAt(facts, node, { strict: true }) !== undefined;
      return true;
    }

    /**
     * Angular 16+: `source.pipe(takeUntilDestroyed())` in an injection context (constructor,
     * field initializer), else `takeUntilDestroyed(this.destroyRef)` with an injected
     * `DestroyRef` field (added when missing). A suggestion: it needs Angular 16.
     */
    function takeUntilDestroyedFixes(receiver: ts.Expression, owner: Owner): Fix[] {
      if (owner.kind !== "class" || !isAngularClass(owner.classNode)) return [];
      const classNode = owner.classNode;
      const edits: TextEdit[] = [];
      let ref = "";
      if (!inInjectionContext(receiver, classNode)) {
        const existing = destroyRefMember(classNode);
        const field = existing ?? freshName(sourceFile, "destroyRef", (n) => classNode.members.some((m) => m.name?.getText(sourceFile) === n));
        ref = `this.${field}`;
        if (!existing) {
          const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
          edits.push(addClassMember(sourceFile, classNode, `${typed ? "private readonly " : ""}${field} = inject(DestroyRef);`, "start"));
          edits.push(...namedImportEdits(sourceFile, "@angular/core", ["DestroyRef", "inject"]));
        }
      }
      edits.push(...namedImportEdits(sourceFile, "@angular/core/rxjs-interop", ["takeUntilDestroyed"]));
      const operator = `takeUntilDestroyed(${ref})`;
      const last = ts.isCallExpression(receiver) && calleeMemberName(receiver) === "pipe" ? receiver.arguments[receiver.arguments.length - 1] : undefined;
      edits.push(last ? insertAfter(last, `, ${operator}`) : insertAfter(receiver, `.pipe(${operator})`));
      return [makeFix("Complete it when the component is destroyed with `takeUntilDestroyed()` (Angular 16+)", false, edits)];
    }

    /**
     * `const mo = new MutationObserver(() => { if (shown()) { …; mo.disconnect(); } }); mo.observe(ancestor, …)`
     * in an owner with a teardown: the observer ends itself once what it waits for happens, and
     * nothing else ends it. An owner torn down first leaves it on the observed nodes, which keep
     * the callback, and through it the owner. Not when it observes the owner's own nodes
     * (`this.$el`, `this.$refs.x`): those go with the owner.
     */
    function checkDisconnectedWhenFired(expr: ts.NewExpression, kind: string, refs: readonly ts.Expression[]): void {
      const callback = expr.arguments?.[0];
      const instance = instances.instanceAt(expr);
      if (!callback || !isFunctionNode(callback) || !instance || instances.isOnTeardownPath(instance, expr)) return;
      const teardown = [...instances.teardownFunctions(instance)][0];
      if (!teardown) return;
      const releases = refs.filter((ref) => classifyReference(ref, { releaseMethods: ["disconnect", "unobserve"] }) !== "use");
      if (!releases.every((ref) => isInside(ref, callback) && !instances.isOnTeardownPath(instance, ref))) return;
      const observed = refs.filter(isObserveCall).map((ref) => outerReference(ref).parent.parent).filter(ts.isCallExpression).map((call) => call.arguments[0]);
      if (observed.some((target) => target === undefined || ownNode(instance, target))) return;
      const teardownName = instance.teardown ? `\`${instance.teardown.name}()\`` : "its teardown";
      context.report({ node: expr.expression, messageId: "observerUntilFired", data: { kind, teardown: teardownName, owner: instance.name } });
    }

    /** `this.$el`, `this.$refs.list`, `this.el`: a node the instance holds itself. */
    function ownNode(instance: InstanceOwner, target: ts.Expression): boolean {
      let base = target;
      while (ts.isPropertyAccessExpression(base) && ts.isPropertyAccessExpression(base.expression)) base = base.expression;
      return instances.fieldOf(instance, base) !== undefined;
    }

    function teardownText(owner: Owner): string {
      if (owner.kind === "class" && owner.teardown) return ` (not even in \`${owner.teardown.name.getText(sourceFile)}()\`)`;
      if (owner.kind === "effect") return " in the effect cleanup";
      return "";
    }
  },
});

/** Safe fixes first, then the extra suggestion, then the other suggestions. */
function withSuggestion(fixes: Fix[], suggestion: Fix[]): Fix[] {
  return [...fixes.filter((f) => f.safe), ...suggestion, ...fixes.filter((f) => !f.safe)];
}

/** `if (!this.x) this.x = make(…)`, `this.x ??= make(…)`: made once per instance, then reused. */
function isLazyField(handle: ts.Expression): boolean {
  const assignment = handle.parent;
  if (!ts.isBinaryExpression(assignment) || assignment.right !== handle || !ts.isPropertyAccessExpression(assignment.left)
    || assignment.left.expression.kind !== ts.SyntaxKind.ThisKeyword) return false;
  const op = assignment.operatorToken.kind;
  if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) return true;
  const statement = assignment.parent;
  const host = statement.parent && ts.isBlock(statement.parent) ? statement.parent.parent : statement.parent;
  if (op !== ts.SyntaxKind.EqualsToken || !ts.isExpressionStatement(statement) || !host || !ts.isIfStatement(host) || !isInside(statement, host.thenStatement)) return false;
  const field = assignment.left.getText();
  const test = skipParens(host.expression);
  if (ts.isPrefixUnaryExpression(test)) return test.operator === ts.SyntaxKind.ExclamationToken && skipParens(test.operand).getText() === field;
  return ts.isBinaryExpression(test) && (test.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken || test.operatorToken.kind === ts.SyntaxKind.EqualsEqualsToken)
    && test.left.getText() === field && /^(undefined|null)$/.test(test.right.getText());
}

function isObserveCall(ref: ts.Expression): boolean {
  const access = outerReference(ref).parent;
  return ts.isPropertyAccessExpression(access) && access.name.text === "observe";
}
