// Repetition: does the code at a node run again and again over the process's life
// (per request, per mount, per call of a function, per event), or once (module load,
// VS Code activation, a function only ever called from module level — or, with a typed
// program, one whose every caller across the program runs once: `analyses/program-calls.ts`)? Rules about
// growth and registration need the answer and a phrase for their messages
// ("each time a request is handled"). Plain callbacks are looked through: a callback
// passed to `.then()` or `server.listen()` at module level runs once, one passed to
// `.on()` or `setInterval()` runs each time the event fires.
import ts from "typescript";
import { type FunctionNode, ONE_SHOT_EVENTS, callbackHost, calleeMemberName, declaredName, enclosingFunction, functionName, isExportedDeclaration, isFunctionNode, isIife, isInLoop, isInside } from "../core/ast";
import { isOnceGuarded, whileDocumentLoads } from "./once-guards";
import type { Facts } from "../core/facts";
import { MOUNT_METHODS, TEARDOWN_METHODS, isRouteRegistration, lifetimes, looksLikeRequestHandler } from "./lifetime";
import { programCalls } from "./program-calls";

export interface Repetition {
  /** The function whose runs repeat (a handler, component, method, function or event callback). */
  fn: FunctionNode;
  /** For messages: "a request is handled", "the component mounts", "`track()` is called" … */
  when: string;
}

/** Hosts whose callbacks run once per event rather than once. */
const REPEATING_CALLBACK_HOSTS = new Set([
  "on", "addListener", "prependListener", "addEventListener", "subscribe", "setInterval", "watch", "watchFile",
  "handle", "onmessage", "use", "route", "createServer", "hook", "addHook", "middleware", "tap", "tapAsync",
]);

export interface RepetitionOptions {
  /**
   * Only contexts known to repeat without bound: request handlers, components and
   * effects, event callbacks, methods of classes with a lifecycle, and file-local
   * functions called from those. Plain functions, constructors and methods of other
   * classes are "cannot tell" (library code calls them a bounded number of times).
   */
  strict?: boolean;
}

const MAX_CALL_DEPTH = 3;
/** Why the code at `node` runs repeatedly, or undefined when it runs once (or we cannot tell that it repeats). */
export function repetitionAt(facts: Facts, node: ts.Node, options: RepetitionOptions = {}, depth = 0): Repetition | undefined {
  const strict = options.strict === true;
  if (whileDocumentLoads(node)) return undefined; // only until the page has loaded: a bounded number of times
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (isOnceOptionCallback(facts, fn)) continue;
    const role = facts.analysis(lifetimes).roleOf(fn);
    switch (role) {
      case "module":
      case "vscode-activate":
        return undefined;
      case "request-handler":
        return { fn, when: "a request is handled" };
      case "react-component":
      case "react-hook":
        if (strict && !isReactFile(facts.sourceFile)) return throughCallers(facts, fn, options, depth);
        return { fn, when: role === "react-hook" ? "the hook runs" : "the component renders" };
      case "react-effect":
        if ((isRootComponentFile(facts.sourceFile) || isRenderedAtModuleLevel(facts, enclosingFunction(fn))) && isMountOnlyEffect(fn)) return undefined;
        return { fn, when: "the effect runs (every mount or dependency change)" };
      case "mount-hook":
        if (isRootComponentFile(facts.sourceFile) || isRenderedAtModuleLevel(facts, fn.parent) || isRootComponentClass(fn.parent)) return undefined;
        return { fn, when: "the component mounts" };
      case "constructor":
        return strict || isRootComponentClass(fn.parent) ? undefined : { fn, when: "an instance is created" };
      case "method":
      case "teardown": {
        if (strict && !hasLifecycle(fn)) return undefined;
        return { fn, when: `\`${functionName(fn) ?? "this method"}()\` is called` };
      }
      case "callback":
      case "function": {
        if (isIife(fn)) continue;
        const host = callbackHost(fn);
        if (host) {
          const name = calleeMemberName(host) ?? "";
          if (REPEATING_CALLBACK_HOSTS.has(name) && !isOneShotEvent(host)) return { fn, when: callbackWhen(host, name) };
          continue;
        }
        if (isCalledOnlyAtModuleLevel(facts, fn) || isOnceGuarded(facts, fn) || facts.analysis(programCalls)?.calledOnlyOnce(fn)) return undefined;
        if (strict) return throughCallers(facts, fn, options, depth);
        if (isCalledOnlyFromOnceCode(facts, fn, options, depth)) return undefined;
        const name = functionName(fn);
        return { fn, when: name ? `\`${name}()\` is called` : "this function is called" };
      }
    }
  }
  return undefined;
}

/**
 * A function that runs again and again whatever its enclosing code does: a request handler, or a
 * callback of a repeating host (`on`, `setInterval`, `subscribe` …). Syntax only, for hosts that
 * have no facts (the CLI's importers).
 */
export function repeatsOnItsOwn(fn: FunctionNode): boolean {
  if (looksLikeRequestHandler(fn)) return true;
  const host = callbackHost(fn);
  if (!host) return false;
  if (isRouteRegistration(host, fn)) return true;
  return REPEATING_CALLBACK_HOSTS.has(calleeMemberName(host) ?? "") && !isOneShotEvent(host);
}

/** Calls that run their callback once per item or attempt: array iteration, promise-pool maps, retry and poll helpers. */
const PER_ITEM_HOSTS = new Set([
  "map", "forEach", "flatMap", "filter", "reduce", "some", "every", "find", "pMap", "pMapSeries", "mapSeries", "mapLimit", "each", "eachSeries",
  "eachLimit", "pRetry", "retry", "pWaitFor", "poll", "waitFor", "pTimes", "times",
]);

/**
 * Whether the code at `node` runs many times within one run of the program: inside a loop, a
 * callback run per item or attempt (`items.map(…)`, `pMap(list, upload)`, `pRetry(…)`, `pWaitFor(…)`),
 * a function that repeats on its own (a request handler, an `on(…)` / `setInterval` callback) — directly or
 * through the file's own callers (`uploadAll() { for (…) upload(f) }`), followed at most MAX_CALL_DEPTH deep.
 * A function merely called is not evidence: in a short-lived command it runs once.
 */
export function repeatsPerItem(facts: Facts, node: ts.Node, depth = 0): boolean {
  for (let at: ts.Node = node, fn = enclosingFunction(node); ; at = fn, fn = enclosingFunction(fn)) {
    if (isInLoop(at)) return true;
    if (!fn) return false;
    if (repeatsOnItsOwn(fn)) return true;
    const host = callbackHost(fn);
    if (host) {
      if (PER_ITEM_HOSTS.has(calleeMemberName(host) ?? "")) return true;
      continue; // `.then(…)`, `new Promise(…)`: runs as often as its host
    }
    if (isIife(fn)) continue;
    if (depth >= MAX_CALL_DEPTH) return false;
    return someCallerRepeats(facts, fn, (call) => repeatsPerItem(facts, call, depth + 1));
  }
}

/** A file caller of `fn` for which `repeats` holds, or `fn` handed to a per-item host (`pMap(list, upload)`, `files.forEach(upload)`). */
function someCallerRepeats(facts: Facts, fn: FunctionNode, repeats: (call: ts.CallExpression) => boolean): boolean {
  return callersOf(facts, fn).some((ref) => {
    const call = ref.parent;
    if (ts.isCallExpression(call) && call.expression === ref) return repeats(call);
    return ts.isCallExpression(call) && call.arguments.includes(ref) && PER_ITEM_HOSTS.has(calleeMemberName(call) ?? "");
  });
}

/** Callback hosts whose callback runs again with nobody behind each run: timers, events, queue consumers. */
const UNATTENDED_HOSTS = new Set(["on", "addListener", "prependListener", "addEventListener", "subscribe", "setInterval", "watch", "watchFile", "onmessage", "process", "consume"]);

/**
 * Whether the code at `node` runs again and again with no user behind each run, so that a failure
 * there repeats for as long as its cause lasts: a callback run per item or attempt (`map`, `pMap`,
 * `pRetry`, `poll`), a timer or event or queue callback, a loop that catches each iteration's
 * failure and goes on — directly or through the file's callers. A request handler does not count
 * (a user or client is behind each request and sees its error), nor a loop that a failure leaves.
 */
export function repeatsUnattended(facts: Facts, node: ts.Node, depth = 0): boolean {
  for (let at: ts.Node = node, fn = enclosingFunction(node); ; at = fn, fn = enclosingFunction(fn)) {
    if (caughtInLoop(at, fn)) return true;
    if (!fn || looksLikeRequestHandler(fn)) return false;
    const host = callbackHost(fn);
    if (host) {
      if (isRouteRegistration(host, fn)) return false;
      const name = calleeMemberName(host) ?? "";
      if (PER_ITEM_HOSTS.has(name) || (UNATTENDED_HOSTS.has(name) && !isOneShotEvent(host))) return true;
      continue;
    }
    if (isIife(fn)) continue;
    if (depth >= MAX_CALL_DEPTH) return false;
    return someCallerRepeats(facts, fn, (call) => repeatsUnattended(facts, call, depth + 1));
  }
}

/** `for (…) { try { …node… } catch {} }` within `fn`: a failure at `node` is caught and the loop goes on. */
function caughtInLoop(node: ts.Node, fn: FunctionNode | undefined): boolean {
  let caught = false;
  for (let child: ts.Node = node, current = node.parent; current && current !== fn && !isFunctionNode(current); child = current, current = current.parent) {
    if (ts.isTryStatement(current) && current.catchClause && child === current.tryBlock) caught = true;
    if (caught && (ts.isForStatement(current) || ts.isForOfStatement(current) || ts.isForInStatement(current) || ts.isWhileStatement(current) || ts.isDoStatement(current))) return true;
  }
  return false;
}

/**
 * Positive evidence that the code at `node` runs once per process: module-level code, VS Code
 * activation, code that runs while the page loads, and functions reached from those only through
 * IIFEs, once-callbacks (`.then`, `whenReady`, `once`), functions called only at module level,
 * once-guarded initialisers or (with types) functions whose every caller runs once. A loop on the
 * way, or a callback of any other host (`createServerFn().handler(…)`, `router.post(…)`), is not once.
 */
export function runsOnce(facts: Facts, node: ts.Node): boolean {
  if (whileDocumentLoads(node)) return true;
  for (let at: ts.Node = node, fn = enclosingFunction(node); ; at = fn, fn = enclosingFunction(fn)) {
    if (isInLoop(at)) return false;
    if (!fn) return true;
    if (facts.analysis(lifetimes).roleOf(fn) === "vscode-activate") return true;
    if (isIife(fn) || isOnceCallback(fn) || isOnceOptionCallback(facts, fn)) continue;
    if (callbackHost(fn)) return false;
    return isCalledOnlyAtModuleLevel(facts, fn) || isOnceGuarded(facts, fn) || facts.analysis(programCalls)?.calledOnlyOnce(fn) === true;
  }
}

/**
 * `await fetch(…); process.exit()`: the function holding `node` (or the module's top level) ends the
 * process after it — a detached child that sends one event, a command's last step. What it held ends
 * with the process. Nested functions' exits do not count.
 */
export function exitsProcessAfter(node: ts.Node): boolean {
  const scope = enclosingFunction(node)?.body ?? node.getSourceFile();
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found || isFunctionNode(child) || ts.isClassLike(child)) return;
    if (ts.isCallExpression(child) && child.pos >= node.end && /^(globalThis\.)?process\.exit$/.test(child.expression.getText())) found = true;
    else ts.forEachChild(child, visit);
  };
  if (scope) ts.forEachChild(scope, visit);
  return found;
}

/** The references that call `fn` in its file: by its name, or `this.m` for a method. */
function callersOf(facts: Facts, fn: FunctionNode): ts.Expression[] {
  const name = declaredName(fn);
  if (name) return facts.referencesTo(name);
  if (ts.isMethodDeclaration(fn) && ts.isIdentifier(fn.name) && ts.isClassLike(fn.parent)) return facts.memberReferences(fn.parent, fn.name.text);
  return [];
}

/** A file-local function repeats when one of its callers in the file does. */
function throughCallers(facts: Facts, fn: FunctionNode, options: RepetitionOptions, depth: number): Repetition | undefined {
  const name = declaredName(fn);
  if (!name || depth >= MAX_CALL_DEPTH) return undefined;
  for (const ref of facts.referencesTo(name)) {
    if (!ts.isCallExpression(ref.parent) || ref.parent.expression !== ref) continue;
    const caller = repetitionAt(facts, ref.parent, options, depth + 1);
    if (caller) return { fn: caller.fn, when: `${caller.when} (through \`${name.text}()\`)` };
  }
  return undefined;
}

/**
 * The application's root component, mounted once per page load: SvelteKit's root layout
 * (`src/routes/+layout.svelte`) and `App.vue` / `App.svelte` / `App.tsx` (`createApp(App)`,
 * `root.render(<App />)`). Its mount code runs once, however many pages the user visits.
 */
export function isRootComponentFile(sourceFile: ts.SourceFile): boolean {
  return /(^|[/\\])src[/\\]routes[/\\]\+layout\.svelte$|(^|[/\\])App\.(vue|svelte|[jt]sx)$/.test(sourceFile.fileName);
}

/**
 * `ReactDOM.render(<Root />, el)`, `createRoot(el).render(<Popout />)` in the file's top-level code:
 * the component (a function, or the class of a mount hook) is this page's root, mounted once.
 */
function isRenderedAtModuleLevel(facts: Facts, component: ts.Node | undefined): boolean {
  const name = !component ? undefined : ts.isClassLike(component) ? component.name
    : ts.isFunctionDeclaration(component) || ts.isArrowFunction(component) || ts.isFunctionExpression(component) ? declaredName(component) : undefined;
  if (!name) return false;
  // With types, across the program: every use is an element of another module's top-level render (`root.render(<GlobalState>…)`).
  if (facts.analysis(programCalls)?.renderedOnlyAtLoad(name)) return true;
  return facts.identifiersNamed(name.text).some((id) => {
    if (!ts.isJsxOpeningLikeElement(id.parent) || id.parent.tagName !== id) return false;
    // At the top level, or in a file-local function the top level calls once (`const start = () => render(<Root />); start()`).
    const fn = enclosingFunction(id);
    return fn === undefined || (enclosingFunction(fn) === undefined && isCalledOnlyAtModuleLevel(facts, fn));
  });
}

/** An Angular application's root component (`@Component({ selector: "app-root" })`): created once per page. */
export function isRootComponentClass(node: ts.Node | undefined): boolean {
  if (!node || !ts.isClassLike(node)) return false;
  return (ts.getDecorators(node) ?? []).some((d) => ts.isCallExpression(d.expression) && /^Component$/.test(d.expression.expression.getText())
    && d.expression.arguments.some((arg) => ts.isObjectLiteralExpression(arg) && arg.properties.some((p) => ts.isPropertyAssignment(p)
      && p.name.getText() === "selector" && ts.isStringLiteralLike(p.initializer) && p.initializer.text === "app-root")));
}

/** `@Injectable({ providedIn: "root" })`: one instance for the whole application. */
export function isRootService(node: ts.Node | undefined): boolean {
  if (!node || !ts.isClassLike(node)) return false;
  return (ts.getDecorators(node) ?? []).some((d) => ts.isCallExpression(d.expression) && d.expression.expression.getText() === "Injectable"
    && d.expression.arguments.some((arg) => ts.isObjectLiteralExpression(arg) && arg.properties.some((p) => ts.isPropertyAssignment(p)
      && p.name.getText() === "providedIn" && ts.isStringLiteralLike(p.initializer) && /^(root|platform)$/.test(p.initializer.text))));
}

/** `useEffect(() => …, [])`: runs once per mount. */
export function isMountOnlyEffect(fn: FunctionNode): boolean {
  const deps = ts.isCallExpression(fn.parent) ? fn.parent.arguments[1] : undefined;
  return deps !== undefined && ts.isArrayLiteralExpression(deps) && deps.elements.length === 0;
}

function isReactFile(sourceFile: ts.SourceFile): boolean {
  return /\.[jt]sx$/.test(sourceFile.fileName) || /from\s+["']react["']|require\(["']react["']\)/.test(sourceFile.text);
}

/** A class whose instances come and go: it has a mount hook or a teardown method. */
function hasLifecycle(fn: FunctionNode): boolean {
  const classNode = fn.parent;
  if (!ts.isClassLike(classNode)) return false;
  return classNode.members.some((m) => {
    const name = m.name && ts.isIdentifier(m.name) ? m.name.text : undefined;
    return name !== undefined && (MOUNT_METHODS.includes(name) || TEARDOWN_METHODS.includes(name));
  });
}

/** "a \"connection\" event fires" for `x.on("connection", …)`, else "the `setInterval` callback runs". */
function callbackWhen(host: ts.CallExpression, name: string): string {
  const event = host.arguments[0];
  const named = event !== undefined && ts.isStringLiteralLike(event) && host.arguments.length >= 2;
  return named ? `a "${event.text}" event fires` : `the \`${name}\` callback runs`;
}

/** `proc.on("exit", …)`: the event fires once, so its callback runs once. */
function isOneShotEvent(host: ts.CallExpression): boolean {
  const event = host.arguments[0];
  return event !== undefined && ts.isStringLiteralLike(event) && ONE_SHOT_EVENTS.has(event.text);
}

/**
 * A named function whose every reference in the file is a direct call made while
 * the module loads (`init()` at the top level), or the callback of a once-host called then
 * (`initObserver().then(preload).then(main)`): it runs once. Exported functions may
 * be called from anywhere, so they never qualify.
 */
function isCalledOnlyAtModuleLevel(facts: Facts, fn: FunctionNode): boolean {
  const name = declaredName(fn);
  if (!name || isExportedDeclaration(fn)) return false;
  const refs = facts.referencesTo(name);
  if (refs.length === 0) return false;
  return refs.every((ref) => (isDirectCall(ref) || isHandedToOnceHost(ref)) && runsAtLoad(facts, ref));
}

/** `start().then(main)`, `app.once("ready", main)`: `ref` is the callback of a call that runs it once. */
function isHandedToOnceHost(ref: ts.Node): boolean {
  const host = ref.parent;
  return ts.isCallExpression(host) && host.arguments.includes(ref as ts.Expression) && isOnceHost(host);
}

/** `f(…)` or `new F(…)` / `new F` with `ref` as the callee. */
function isDirectCall(ref: ts.Node): boolean {
  return (ts.isCallExpression(ref.parent) || ts.isNewExpression(ref.parent)) && ref.parent.expression === ref;
}

/**
 * A file-local function whose every reference is a direct call from code that itself runs once
 * (`renderHeader()` at the top level calls `updateClock()`): it runs once too.
 */
function isCalledOnlyFromOnceCode(facts: Facts, fn: FunctionNode, options: RepetitionOptions, depth: number): boolean {
  const name = declaredName(fn);
  if (!name || isExportedDeclaration(fn) || depth >= MAX_CALL_DEPTH) return false;
  const refs = facts.referencesTo(name);
  return refs.length > 0 && refs.every((ref) => isDirectCall(ref) && !isInside(ref, fn)
    && repetitionAt(facts, ref.parent, options, depth + 1) === undefined && !isInLoop(ref));
}

function runsAtLoad(facts: Facts, node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (isIife(fn) || isOnceCallback(fn)) continue;
    return facts.analysis(lifetimes).roleOf(fn) === "vscode-activate";
  }
  return true;
}

/** Hosts whose callback runs once: `$(document).ready(…)`, `app.whenReady().then(…)`, `x.once(…)`, `on("ready", …)`. */
const ONCE_CALLBACK_HOSTS = new Set(["ready", "once", "then", "whenReady", "nextTick", "queueMicrotask"]);

/** A callback that runs once when its host call runs once (a ready handler, a one-shot event, a promise reaction). */
/** Callback options a library calls once per call that passes them: vite-plugin-pwa's `onRegistered` / `onRegisteredSW`. */
const ONCE_OPTION_CALLBACKS = /^virtual:pwa-register(\/\w+)?:(registerSW|useRegisterSW)$/;

/**
 * `registerSW({ onRegistered(r) { setInterval(() => r.update(), HOUR) } })`: vite-plugin-pwa calls `onRegistered`
 * (`onRegisteredSW`) once, when the service worker registers — its documented periodic-update recipe — so the
 * callback runs as often as the call that registers it.
 */
function isOnceOptionCallback(facts: Facts, fn: FunctionNode): boolean {
  const member = ts.isMethodDeclaration(fn) ? fn : ts.isPropertyAssignment(fn.parent) && fn.parent.initializer === fn ? fn.parent : undefined;
  if (!member || !ts.isIdentifier(member.name) || !/^onRegistered(SW)?$/.test(member.name.text)) return false;
  const options = member.parent;
  const call = ts.isObjectLiteralExpression(options) ? options.parent : undefined;
  return call !== undefined && ts.isCallExpression(call) && call.arguments.includes(options as ts.ObjectLiteralExpression)
    && ONCE_OPTION_CALLBACKS.test(facts.calleeName(call) ?? "");
}

function isOnceCallback(fn: FunctionNode): boolean {
  const host = callbackHost(fn);
  return host !== undefined && isOnceHost(host);
}

/** A call that runs its callback once: a ready handler, a one-shot event, a promise reaction. */
function isOnceHost(host: ts.CallExpression): boolean {
  const name = calleeMemberName(host) ?? "";
  if (ONCE_CALLBACK_HOSTS.has(name)) return true;
  return (name === "on" || name === "addEventListener" || name === "addListener") && isOneShotEvent(host);
}
