// abort-signal-listener-leak: "abort" listeners added to a signal that outlives the registering code, without `{ once: true }` or a removal; `onabort` handlers and `AbortSignal.any` over long-lived signals in repeated code.
import ts from "typescript";
import {
  type Fix, type Registration, type SignalOrigin, abortSignalFactory, defineRule, enclosingFunction, findRemovals, isAbortControllerCreation, isAbortSignalExpression, isMountOnlyEffect, isHandedOffCallbackSignal, isPerCallSignal, isPerCallSignalInProgram,
  isInLoop, isInside, isStringLiteralWithText, owners, parseRegistration, addStatement, insertAfter, insertAt, isReadableInTeardown, makeFix, releaseInTeardown, replaceNode, selfRemovingOption, signalOrigin, skipOuterExpressions, lifetimes,
} from "../engine";

type MessageId = "listener" | "onceLinked" | "onabort" | "any";

/** Methods that shut a started resource down, and logging calls a shutdown handler may make on the way. */
const SHUTDOWN_METHODS = /^(close|stop|destroy|terminate|shutdown|kill)$/;
const LOGGING = /^(console\.\w+|\w*[lL]og\w*\.\w+|output\w*)$/;
type Options = Record<string, never>;

const ABORT_LISTENER_METHODS = new Set(["addEventListener"]);
const ORIGIN_WORDS: Partial<Record<SignalOrigin, string>> = {
  module: "a module-level signal, which lives as long as the process",
  static: "a static signal, which lives as long as the process",
  param: "the caller's signal, which outlives this call and is shared by every call",
  instance: "the instance's signal, which outlives each method call",
};

export default defineRule<MessageId, Options>({
  id: "abort-signal-listener-leak",
  meta: {
    family: "context",
    description: "listeners added to a long-lived AbortSignal without removal or { once: true }; AbortSignal.any over a long-lived signal in a loop",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [lifetimes, owners],
    defaultSeverity: "warning",
  },
  messages: {
    listener: "This \"abort\" listener is added to `{{signal}}`, {{origin}}, and is never removed{{repeat}}: each registration stays on the signal with its closure until the signal aborts, which may be never.",
    onceLinked: "This \"abort\" listener on `{{signal}}`, {{origin}}, aborts this call's `{{controller}}` and is never removed: `{ once: true }` removes it only when that signal aborts, which may be never, so every call leaves a listener holding its controller and closure on the signal.",
    onabort: "`{{signal}}.onabort` is set on {{origin}}: the handler and its closure stay on the signal until it aborts, and each call replaces the handler of the previous one.",
    any: "`AbortSignal.any` over `{{signal}}` ({{origin}}) is created {{repeat}}: every composite signal registers on the long-lived input and stays reachable from it until that input aborts.",
  },
  schema: { type: "object", additionalProperties: false, properties: {} },
  defaultOptions: {},
  create(context) {
    const lifetime = context.use(lifetimes);
    const instances = context.use(owners);
    const { facts, sourceFile } = context;
    return {
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        const first = call.arguments[0];
        if (!first) return;
        if (isStringLiteralWithText(first, ["abort"])) {
          const registration = parseRegistration(call, ABORT_LISTENER_METHODS);
          if (registration) checkListener(registration);
        } else if (ts.isArrayLiteralExpression(first) && abortSignalFactory(facts, call) === "any") {
          checkAny(call, first);
        }
      },
      [ts.SyntaxKind.BinaryExpression](node: ts.BinaryExpression) {
        if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(node.left) || node.left.name.text !== "onabort") return;
        if (node.right.kind === ts.SyntaxKind.NullKeyword || node.right.kind === ts.SyntaxKind.UndefinedKeyword) return;
        const signal = node.left.expression;
        const origin = longLivedOrigin(signal, node);
        // Assigning replaces the previous handler: on a caller's or an instance's signal nothing accumulates.
        if ((origin === "module" || origin === "static") && isAbortSignalExpression(facts, signal)) {
          context.report({ node: node.left, messageId: "onabort", data: { signal: signal.getText(sourceFile), origin: ORIGIN_WORDS[origin] ?? "" } });
        }
      },
    };

    function checkListener(registration: Registration): void {
      const selfRemoving = selfRemovingOption(optionsLiteral(registration.options));
      if (selfRemoving === "signal") return;
      // `{ once: true }` goes when the signal aborts; on a caller's signal that may be never, and a per-call controller it aborts stays with it.
      const linked = selfRemoving === "once" ? linkedController(registration) : undefined;
      if (selfRemoving === "once" && !linked) return;
      const origin = longLivedOrigin(registration.target, registration.call);
      if (!origin || !isAbortSignalExpression(facts, registration.target)) return;
      if (origin === "param" && isOnlyShutdown(registration)) return;
      if (linked && origin !== "param") return;
      if (findRemovals(facts, registration).some((r) => r.matches)) return;
      if (linked) {
        return context.report({
          node: registration.call.expression,
          messageId: "onceLinked",
          data: { signal: registration.target.getText(sourceFile), origin: ORIGIN_WORDS[origin] ?? "", controller: linked },
        });
      }
      context.report({
        node: registration.call.expression,
        messageId: "listener",
        data: {
          signal: registration.target.getText(sourceFile),
          origin: ORIGIN_WORDS[origin] ?? "",
          repeat: isInLoop(registration.call) ? " (once per loop iteration)" : "",
        },
        // `{ once: true }` does not help a signal handed out again (a map entry's): each call still adds one.
        fixes: origin === "instance" && isLocalHolder(registration.target) ? [] : listenerFixes(registration),
      });
    }

    /**
     * A signal that outlives the work keeps a `{ once: true }` listener until it aborts,
     * so where the owner has a teardown (the request's close, a dispose(), an effect
     * cleanup) removing the named handler there is the safe fix and `once` a suggestion.
     */
    function listenerFixes(registration: Registration): Fix[] {
      const once = onceFix(registration);
      const handler = registration.handler;
      if (!ts.isIdentifier(handler) && !ts.isPropertyAccessExpression(handler)) return once;
      const callee = registration.call.expression;
      const dot = ts.isPropertyAccessExpression(callee) && callee.questionDotToken ? "?." : ".";
      const removal = `${registration.target.getText(sourceFile)}${dot}removeEventListener("abort", ${handler.getText(sourceFile)})`;
      const factory = factoryTeardownFix(registration, removal);
      if (factory) return [factory, ...once.map((fix) => ({ ...fix, safe: false }))];
      const owner = lifetime.ownerOf(registration.call);
      if (!isReadableInTeardown(facts, registration.target, owner) || !isReadableInTeardown(facts, handler, owner)) return once;
      const teardown = releaseInTeardown(owner, sourceFile, registration.call, removal);
      if (!teardown) return once;
      return [
        makeFix(`Remove the listener in ${teardown.where}`, !teardown.created, teardown.edits),
        ...once.map((fix) => ({ ...fix, safe: false })),
      ];
    }

    function checkAny(call: ts.CallExpression, inputs: ts.ArrayLiteralExpression): void {
      const inLoop = isInLoop(call);
      const perRequest = lifetime.ownerOf(call).kind === "request";
      if (!inLoop && !perRequest) return;
      for (const input of inputs.elements) {
        if (ts.isSpreadElement(input)) continue;
        const origin = signalOrigin(facts, input, call);
        if (origin !== "module" && origin !== "static") continue;
        return context.report({
          node: call.expression,
          messageId: "any",
          data: { signal: input.getText(sourceFile), origin: ORIGIN_WORDS[origin] ?? "", repeat: inLoop ? "in a loop" : "per request" },
        });
      }
    }

    /** In a factory whose returned object has `close()`: remove the listener there. */
    function factoryTeardownFix(registration: Registration, removal: string): Fix | undefined {
      const owner = instances.instanceAt(registration.call);
      const body = owner?.kind === "factory" && owner.teardown ? owner.teardown.fn.body : undefined;
      if (!owner?.teardown || !body || !ts.isBlock(body) || instances.methodAt(owner, registration.call)?.name !== "constructor") return undefined;
      return makeFix(`Remove the listener in \`${owner.teardown.name}()\``, true, [addStatement(sourceFile, body, removal, "start")]);
    }

    /** `signal.addEventListener("abort", () => controller.abort(), { once: true })` with a controller created in this function: its name. */
    function linkedController(registration: Registration): string | undefined {
      const handler = registration.handler;
      if (!ts.isArrowFunction(handler) && !ts.isFunctionExpression(handler)) return undefined;
      const fn = enclosingFunction(registration.call);
      // The call has an end (a `finally`) where its listener should go; otherwise the controller may live on with what the call returns.
      if (!fn || !hasFinally(fn)) return undefined;
      let found: string | undefined;
      const visit = (node: ts.Node): void => {
        if (found) return;
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "abort"
          && ts.isIdentifier(node.expression.expression)) {
          const decl = facts.symbolAt(node.expression.expression)?.valueDeclaration;
          if (decl && ts.isVariableDeclaration(decl) && decl.initializer && enclosingFunction(decl) === fn
            && isAbortControllerCreation(facts, skipOuterExpressions(decl.initializer))) found = node.expression.expression.text;
        }
        ts.forEachChild(node, visit);
      };
      visit(handler.body);
      return found;
    }

    /**
     * `const server = startServer(); signal.addEventListener("abort", () => server.close())`: the handler shuts down what
     * this call started, and nothing else in the call does. The resource runs until the signal aborts by design, and
     * the listener, holding it, lives exactly as long: nothing is kept that would otherwise go.
     */
    function isOnlyShutdown(registration: Registration): boolean {
      const handler = registration.handler;
      if (!ts.isArrowFunction(handler) && !ts.isFunctionExpression(handler)) return false;
      const fn = enclosingFunction(registration.call);
      const statements = ts.isBlock(handler.body) ? handler.body.statements : [ts.factory.createExpressionStatement(handler.body)];
      const closed: ts.Identifier[] = [];
      for (const statement of statements) {
        const call = ts.isExpressionStatement(statement) ? skipOuterExpressions(statement.expression) : undefined;
        if (!call || !ts.isCallExpression(call)) return false;
        const callee = call.expression;
        if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && SHUTDOWN_METHODS.test(callee.name.text)) closed.push(callee.expression);
        else if (!LOGGING.test(callee.getText(sourceFile))) return false;
      }
      return closed.length > 0 && closed.every((receiver) => {
        const decl = facts.symbolAt(receiver)?.declarations?.[0];
        if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || enclosingFunction(decl) !== fn) return false;
        // Closed only by the handler: no other shutdown of it in the function.
        return !facts.referencesTo(decl.name).some((ref) => !isInside(ref, handler) && enclosingFunction(ref) === fn && ts.isPropertyAccessExpression(ref.parent)
          && ref.parent.expression === ref && SHUTDOWN_METHODS.test(ref.parent.name.text));
      });
    }

    /** The origin of a signal that outlives the code registering at `at`, or undefined when it does not (or we cannot tell). */
    function longLivedOrigin(signal: ts.Expression, at: ts.Node): SignalOrigin | undefined {
      const fn = enclosingFunction(at);
      if (!fn) return undefined; // module level runs once
      const origin = signalOrigin(facts, signal, at);
      const member = enclosingMember(at);
      if (origin === "module" || origin === "static") return origin;
      // A constructor registers once per instance: binding an object's life to a signal is what signals are for.
      if ((origin === "param" || origin === "instance") && member && ts.isConstructorDeclaration(member)) return undefined;
      // So does a mount-only effect (`useEffect(() => …, [])`): once per component instance, on the signal of the operation it renders for.
      if (origin === "param" && isMountOnlyEffect(fn)) return undefined;
      // A controller handed in by the caller is the caller's per-operation controller, not a shared signal.
      // Every caller in the file passes a fresh controller's signal that it aborts: the listener is that call's cancel path.
      if (origin === "param" && !isControllerSignal(signal) && !isPerCallSignal(facts, signal) && !isHandedOffCallbackSignal(facts, signal)
        && !isPerCallSignalInProgram(facts, signal)) return origin;
      if (origin === "instance" && member && ts.isMethodDeclaration(member)) return origin;
      return undefined;
    }

    /** The options object literal, also through a `const opts = { once: true }`. */
    function optionsLiteral(options: ts.Expression | undefined): ts.Expression | undefined {
      if (!options || !ts.isIdentifier(options)) return options;
      const decl = facts.symbolAt(options)?.valueDeclaration;
      return decl && ts.isVariableDeclaration(decl) && decl.initializer ? decl.initializer : options;
    }

    /** Safe: `{ once: true }` — the registration removes itself when it fires, and nothing else removes it. */
    function onceFix(registration: Registration): Fix[] {
      const { call, options } = registration;
      if (!options) {
        const last = call.arguments[call.arguments.length - 1];
        return [makeFix("Add { once: true }", true, [insertAfter(last, ", { once: true }")])];
      }
      if (ts.isObjectLiteralExpression(options)) {
        const newText = options.properties.length > 0 ? " once: true," : " once: true ";
        return [makeFix("Add once: true", true, [insertAt(options.getStart(sourceFile) + 1, newText)])];
      }
      if (options.kind === ts.SyntaxKind.TrueKeyword || options.kind === ts.SyntaxKind.FalseKeyword) {
        const capture = options.kind === ts.SyntaxKind.TrueKeyword;
        return [makeFix("Add { once: true }", true, [replaceNode(options, sourceFile, `{ capture: ${capture}, once: true }`)])];
      }
      return [];
    }
  },
});

/** The class member (method, constructor, accessor) whose code `node` is part of. */
function enclosingMember(node: ts.Node): ts.ClassElement | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (ts.isClassLike(fn.parent)) return fn as ts.ClassElement;
  }
  return undefined;
}

/** `entry.signal` where `entry` is a local variable (not `this…`). */
function isLocalHolder(signal: ts.Expression): boolean {
  const inner = skipOuterExpressions(signal);
  return ts.isPropertyAccessExpression(inner) && ts.isIdentifier(inner.expression);
}

/** A `try … finally` in the function's own body (not in nested functions). */
function hasFinally(fn: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isTryStatement(node) && node.finallyBlock) found = true;
    else if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
  return found;
}

/** `abortController.signal`, `controller.signal`: the signal of a controller object. */
function isControllerSignal(signal: ts.Expression): boolean {
  const inner = skipOuterExpressions(signal);
  return ts.isPropertyAccessExpression(inner) && ts.isIdentifier(inner.expression) && /controller$/i.test(inner.expression.text);
}
