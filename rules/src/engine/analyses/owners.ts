// Owners: most real leaks live in objects. This analysis finds the objects a file
// defines — ES classes, ES5 constructor functions with prototype methods
// (`C.prototype.m = function …`, `util.inherits`, `Object.assign(C.prototype, {…})`,
// `var self = this` aliases) and factories that return an object with a teardown
// method (`return { close() {…} }`), Vue options-API components (owner-components.ts) — and answers the owner questions rules ask:
// which instance owns the code at a node, where its state lives (a `this.x` field, or
// a factory's closure variable), which functions run on its teardown path (the
// teardown method, what it calls on the instance, and callbacks handed to the
// instance's own dispose hooks), and whether a method can run more than once per
// instance (an event handler, a reconnect, a method that callbacks call again).
import ts from "typescript";
import { defineAnalysis } from "../core/analysis";
import type { Facts } from "../core/facts";
import { type FunctionNode, calleeMemberName, enclosingFunction, functionName, isFunctionNode, isIife, isInside, propertyNameText } from "../core/ast";
import { TEARDOWN_METHODS, symbolDisposeName } from "./lifetime";
import { calledListEntries, disposeHookCallbacks, ownHandlersFor } from "./owner-teardown";
import { COMPONENT_TEARDOWNS, componentsIn } from "./owner-components";

import { collectPrototypeMethods, findAliasDeclaration, innerFunctionOf, returnedObject, teardownOf } from "./owner-shapes";
import { type OwnerSyntax, accessCandidates, ownerSyntax } from "./owner-index";

export type InstanceKind = "class" | "constructor-function" | "factory" | "component";

export interface InstanceOwner {
  kind: InstanceKind;
  /** The class, the ES5 constructor function, the factory function, or a component's options object. */
  node: ts.ClassLikeDeclaration | FunctionNode | ts.ObjectLiteralExpression;
  name: string;
  /** Methods by name (class members, prototype assignments, the returned object's methods). */
  methods: ReadonlyMap<string, FunctionNode>;
  /** The best teardown method (dispose, close, stop, destroy …) when the object has one. */
  teardown?: { name: string; fn: FunctionNode };
  /** Methods the framework runs again and again (a component's watchers and update hooks). */
  repeating?: ReadonlySet<FunctionNode>;
}

/** Methods whose name says they run again and again: event handlers, reconnects, per-item callbacks. */
const REPEATING_METHOD = /^(_*on[A-Z_]|_*handle[A-Z_]|_*(re)?connect$|reconnect|_*onopen$|_*onmessage$|_*ondata$|refresh|update|poll|tick|render|_*(re)?start$|restart|resume|retry|schedule)/;
/** Method names that say they release something (an override a base class's teardown may call). */
const RELEASING_NAME = /abort|cancel|clear|close|destroy|dispos|reset|stop|clean|release|detach|teardown|unbind|unregister|unsubscribe/i;
/** Lifecycle hooks whose name says the object is going away (`onAfterDetach`, `onCloseRequest`, `onMediaDetaching`, `_onDestroy`). */
const TEARDOWN_HOOK = /^_*on[A-Z]?\w*(Detach|Destroy|Dispos|Unmount|CloseRequest|Teardown)\w*$/;
/** Array methods whose callback runs in place, once per item: calling a method from one is not repetition. */
/** Array methods, and lodash's / underscore's per-item helpers (`_.each(list, fn)`), which call back in place once per item. */
const ITERATION_METHODS = new Set(["forEach", "map", "filter", "reduce", "some", "every", "find", "findIndex", "flatMap", "sort", "each", "forOwn", "forIn", "mapValues", "times"]);

export class OwnersAnalysis {
  private collected?: { instances: InstanceOwner[]; byNode: Map<ts.Node, InstanceOwner> };
  private readonly teardownSets = new Map<InstanceOwner, Set<FunctionNode>>();
  private readonly opacity = new Map<InstanceOwner, boolean>();
  private readonly accessIndex = new Map<InstanceOwner, Map<string, ts.PropertyAccessExpression[]>>();
  private readonly syntaxIndex = new Map<InstanceOwner, OwnerSyntax>();
  private readonly answers = new Map<InstanceOwner, Map<string, unknown>>();

  constructor(private readonly facts: Facts) {}

  /** The owners are collected on the first question (a file with nothing to ask about pays nothing). */
  private get instances(): InstanceOwner[] {
    return this.owners().instances;
  }

  private get byNode(): Map<ts.Node, InstanceOwner> {
    return this.owners().byNode;
  }

  private owners(): { instances: InstanceOwner[]; byNode: Map<ts.Node, InstanceOwner> } {
    if (!this.collected) {
      this.collected = { instances: [], byNode: new Map() };
      this.collect();
    }
    return this.collected;
  }

  get all(): readonly InstanceOwner[] {
    return this.instances;
  }

  /** The innermost instance whose method, constructor or closure holds `node`. */
  instanceAt(node: ts.Node): InstanceOwner | undefined {
    for (let current: ts.Node | undefined = node; current; current = current.parent) {
      const direct = this.byNode.get(current);
      if (direct) return direct;
      if (ts.isClassLike(current)) return undefined;
      // An ES5 prototype method: `C.prototype.m = function () { … }`.
      if ((ts.isFunctionExpression(current) || ts.isArrowFunction(current)) && ts.isBinaryExpression(current.parent)) {
        const owner = this.prototypeOwner(current.parent.left);
        if (owner) return owner;
      }
    }
    return undefined;
  }

  /** The method (or constructor) of `owner` that holds `node`, with its name ("constructor" for the body of a class constructor or ES5 function). */
  methodAt(owner: InstanceOwner, node: ts.Node): { name: string; fn: FunctionNode } | undefined {
    for (const [name, fn] of owner.methods) if (isInside(node, fn)) return { name, fn };
    if ((owner.kind === "constructor-function" || owner.kind === "factory") && isInside(node, owner.node)) return { name: "constructor", fn: owner.node as FunctionNode };
    const ctor = owner.kind === "class" ? (owner.node as ts.ClassLikeDeclaration).members.find(ts.isConstructorDeclaration) : undefined;
    return ctor && isInside(node, ctor) ? { name: "constructor", fn: ctor } : undefined;
  }

  /** The field an expression names on the instance: `this.x`, `self.x` (an alias of `this`), `this.#x`. */
  fieldOf(owner: InstanceOwner, expr: ts.Expression): string | undefined {
    if (!ts.isPropertyAccessExpression(expr)) return undefined;
    if (!this.isInstanceReference(owner, expr.expression)) return undefined;
    return expr.name.text;
  }

  /** Every access of field `name` on the instance inside the owner (methods, constructor, prototype methods). */
  fieldReferences(owner: InstanceOwner, name: string): ts.PropertyAccessExpression[] {
    let byName = this.accessIndex.get(owner);
    if (!byName) this.accessIndex.set(owner, (byName = new Map()));
    let found = byName.get(name);
    if (found) return found;
    // The owner's `x.name` accesses whose `x` is the instance: `this`, or a `self = this` alias.
    const syntax = this.syntaxOf(owner);
    found = accessCandidates(this.facts, this.rootsOf(owner), name).filter((node) => {
      const base = node.expression;
      return (base.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(base) && syntax.thisAliases.has(base.text))) && this.isInstanceReference(owner, base);
    });
    byName.set(name, found);
    return found;
  }

  /**
   * A helper's answer about `owner` that does not depend on what it is asked with,
   * computed once per owner (`question` names it): helpers that rules call for every
   * registration or field would otherwise walk the same owner each time.
   */
  remember<T>(owner: InstanceOwner, question: string, compute: () => T): T {
    let answers = this.answers.get(owner);
    if (!answers) this.answers.set(owner, (answers = new Map()));
    if (!answers.has(question)) answers.set(question, compute());
    return answers.get(question) as T;
  }

  /** The candidate nodes of the owner's code (`self = this` aliases, assignments, calls, destructurings), from the file's index. */
  syntaxOf(owner: InstanceOwner): OwnerSyntax {
    let syntax = this.syntaxIndex.get(owner);
    if (!syntax) this.syntaxIndex.set(owner, (syntax = ownerSyntax(this.facts, this.rootsOf(owner))));
    return syntax;
  }

  /** Whether `node` runs when the owner is torn down: inside its teardown, a method teardown calls, or a dispose hook's callback. */
  isOnTeardownPath(owner: InstanceOwner, node: ts.Node): boolean {
    for (const fn of this.teardownFunctions(owner)) if (isInside(node, fn)) return true;
    // A teardown that hands off to code we cannot see may reach any release the owner has.
    return this.teardownIsOpaque(owner) && this.rootsOf(owner).some((root) => isInside(node, root));
  }

  /**
   * Whether the teardown path calls code this file does not show, which may release
   * anything: an abstract or inherited `this.abortInternal()` the file does not define
   * (one without arguments: `this.clearInterval(this.t)` acts only on what it is given),
   * or framework code handed the instance itself (`MessageLoop.sendMessage(this, …)`).
   * (`super.dispose()` alone is not: a base class cannot know the subclass's handles.)
   * Rules say less then.
   */
  teardownIsOpaque(owner: InstanceOwner): boolean {
    const cached = this.opacity.get(owner);
    if (cached !== undefined) return cached;
    const inherits = owner.kind === "class" && (owner.node as ts.ClassLikeDeclaration).heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword) === true;
    let opaque = false;
    for (const fn of this.teardownFunctions(owner)) {
      for (const node of this.facts.callsWithin(fn)) {
        const callee = node.expression;
        if (ts.isPropertyAccessExpression(callee) && this.isInstanceReference(owner, callee.expression) && !owner.methods.has(callee.name.text)
          && (this.isAbstractMember(owner, callee.name.text) || (inherits && node.arguments.length === 0 && this.functionsStoredIn(owner, callee.name.text).length === 0
            && !/^(emit|on|once|off|removeListener|removeAllListeners|addListener|dispose|destroy|close)$/.test(callee.name.text)))) opaque = true;
        else if (node.arguments.some((arg) => this.isInstanceReference(owner, arg)) && !ts.isIdentifier(callee)) opaque = true;
        if (opaque) break;
      }
      if (opaque) break;
    }
    this.opacity.set(owner, opaque);
    return opaque;
  }

  /** The functions on the owner's teardown path (empty when it has no teardown). */
  teardownFunctions(owner: InstanceOwner): ReadonlySet<FunctionNode> {
    let set = this.teardownSets.get(owner);
    if (set) return set;
    set = new Set<FunctionNode>();
    const queue: FunctionNode[] = [];
    const hooks = disposeHookCallbacks(this, owner);
    // Only an owner with a teardown has a teardown path: its best teardown method, or a
    // callback it hands to its own dispose hooks. The rest only widens that path.
    // A vue-router route view is left through its `beforeRouteLeave` guard: that is a teardown path too.
    const leavesRoute = owner.kind === "component" && owner.methods.has("beforeRouteLeave");
    if (!owner.teardown && !leavesRoute && !hooks.some((hook) => hook.own)) {
      this.teardownSets.set(owner, set);
      return set;
    }
    // Every teardown-named method is on the path (a class may `end()` to reconnect later and
    // `destroy()` for good), and so are lifecycle hooks named for going away: a release in any counts.
    for (const [name, fn] of owner.methods) {
      if (TEARDOWN_METHODS.includes(name) || TEARDOWN_HOOK.test(name) || (owner.kind === "component" && COMPONENT_TEARDOWNS.includes(name))) queue.push(fn);
    }
    for (const hook of hooks) queue.push(hook.fn);
    while (queue.length > 0) {
      const fn = queue.pop()!;
      if (set.has(fn)) continue;
      set.add(fn);
      for (const entry of calledListEntries(this, owner, fn)) if (!set!.has(entry)) queue.push(entry);
      for (const node of this.facts.callsWithin(fn)) {
        const callee = node.expression;
        // this.cleanup() / self.cleanup() / cleanup() (a factory's inner function)
        const name = ts.isPropertyAccessExpression(callee) && this.isInstanceReference(owner, callee.expression) ? callee.name.text
          : ts.isIdentifier(callee) && owner.kind === "factory" ? callee.text : undefined;
        const method = name !== undefined ? owner.methods.get(name) ?? innerFunctionOf(owner.node as FunctionNode, name) : undefined;
        if (method && !set!.has(method)) queue.push(method);
        // super.destroy(): the base class (often in another module) calls this class's overrides,
        // such as `abortInternal()`; the methods named for releasing are on the path.
        if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.SuperKeyword) {
          for (const [other, fn] of owner.methods) if (RELEASING_NAME.test(other) && !set!.has(fn)) queue.push(fn);
        }
        // this.emit("stop") on teardown runs the instance's own "stop" handlers
        if (name !== undefined && /^emit(Async)?$/.test(name) && ts.isPropertyAccessExpression(callee) && node.arguments[0]
          && ts.isStringLiteralLike(node.arguments[0])) {
          for (const handler of ownHandlersFor(this, owner, node.arguments[0].text)) if (!set!.has(handler)) queue.push(handler);
        }
        // this.unsubscribe() where a constructor stored `this.unsubscribe = () => target.off(…)`
        if (!method && name !== undefined && ts.isPropertyAccessExpression(callee)) {
          for (const stored of this.functionsStoredIn(owner, name)) if (!set!.has(stored)) queue.push(stored);
        }
      }
    }
    this.teardownSets.set(owner, set);
    return set;
  }

  /**
   * Whether `method` can run more than once per instance: its name says it is a handler
   * or a (re)connect, or code inside the owner calls it from a callback (a timer, a
   * listener, a promise reaction) — a reconnect loop or an event that fires again.
   */
  runsRepeatedly(owner: InstanceOwner, method: { name: string; fn: FunctionNode }): boolean {
    if (method.name === "constructor") return false;
    return REPEATING_METHOD.test(method.name) || owner.repeating?.has(method.fn) === true || this.isCalledBack(owner, method);
  }

  /**
   * Whether code of the owner outside `method` calls it from a callback (a timer, a
   * listener, a promise reaction): evidence that it runs again. A callback of an array
   * iteration method (`list.forEach((x) => this.m(x))`) is no such evidence: it runs
   * once per item, right where it is written, so the search looks past it.
   */
  isCalledBack(owner: InstanceOwner, method: { name: string; fn: FunctionNode }): boolean {
    if (method.name === "constructor") return false;
    return this.fieldReferences(owner, method.name).some((ref) => !isInside(ref, method.fn) && isInCallback(ref));
  }

  private isAbstractMember(owner: InstanceOwner, name: string): boolean {
    return owner.kind === "class" && (owner.node as ts.ClassLikeDeclaration).members.some((m) =>
      ts.isMethodDeclaration(m) && !m.body && propertyNameText(m.name) === name);
  }

  /** Functions assigned to the instance field `name` (`this.stop = () => …`). */
  private functionsStoredIn(owner: InstanceOwner, name: string): FunctionNode[] {
    const result: FunctionNode[] = [];
    for (const ref of this.fieldReferences(owner, name)) {
      const parent = ref.parent;
      if (ts.isBinaryExpression(parent) && parent.left === ref && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
        && isFunctionNode(parent.right)) result.push(parent.right);
    }
    return result;
  }

  /** `this`, or a variable initialised with `this` (`var self = this`), inside the owner. */
  isInstanceReference(owner: InstanceOwner, expr: ts.Expression): boolean {
    if (expr.kind === ts.SyntaxKind.ThisKeyword) return this.thisOwner(expr) === owner;
    if (!ts.isIdentifier(expr)) return false;
    const decl = findAliasDeclaration(expr);
    return decl !== undefined && decl.initializer?.kind === ts.SyntaxKind.ThisKeyword && this.thisOwner(decl.initializer) === owner;
  }

  private thisOwner(thisNode: ts.Node): InstanceOwner | undefined {
    for (let current = thisNode.parent; current; current = current.parent) {
      if (ts.isArrowFunction(current)) continue; // arrows keep the outer `this`
      if (ts.isClassLike(current)) return this.byNode.get(current);
      if (ts.isFunctionDeclaration(current) || ts.isFunctionExpression(current)) {
        const direct = this.byNode.get(current);
        if (direct) return direct;
        if (ts.isBinaryExpression(current.parent)) return this.prototypeOwner(current.parent.left);
        if (ts.isPropertyAssignment(current.parent) || ts.isMethodDeclaration(current)) return this.instanceAt(current);
        return undefined;
      }
      if (ts.isMethodDeclaration(current) && ts.isObjectLiteralExpression(current.parent)) return this.instanceAt(current);
    }
    return undefined;
  }

  /** Where the owner's code lives: the class or factory, or an ES5 constructor function and its prototype methods. */
  rootsOf(owner: InstanceOwner): ts.Node[] {
    if (owner.kind === "constructor-function") return [owner.node, ...owner.methods.values()];
    return [owner.node];
  }

  private prototypeOwner(left: ts.Expression): InstanceOwner | undefined {
    // C.prototype.m = …
    if (!ts.isPropertyAccessExpression(left) || !ts.isPropertyAccessExpression(left.expression)) return undefined;
    const proto = left.expression;
    if (proto.name.text !== "prototype" || !ts.isIdentifier(proto.expression)) return undefined;
    return this.instances.find((o) => o.kind === "constructor-function" && o.name === (proto.expression as ts.Identifier).text);
  }

  private collect(): void {
    const es5 = new Map<string, { fn: FunctionNode; methods: Map<string, FunctionNode>; evidence: boolean }>();
    // Every owner is a class, a function or a variable declaration: the linter's walk has
    // indexed those in pre-order, so collecting owners costs no walk of the file.
    for (const node of this.facts.declarationsWithin()) {
      if (ts.isClassLike(node)) this.addClass(node);
      else if (ts.isFunctionDeclaration(node) && node.name && /^[A-Z]/.test(node.name.text)) {
        es5.set(node.name.text, { fn: node, methods: new Map(), evidence: false });
      } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && /^[A-Z]/.test(node.name.text) && node.initializer
        && ts.isFunctionExpression(node.initializer)) {
        es5.set(node.name.text, { fn: node.initializer, methods: new Map(), evidence: false });
      } else if (isFunctionNode(node) && !ts.isMethodDeclaration(node)) this.addFactory(node);
    }
    for (const component of componentsIn(this.facts.sourceFile)) this.add(component);
    // Prototype methods need `prototype` (or `inherits` / `setPrototypeOf`) somewhere: the identifier index says so without a walk.
    const prototypes = ["prototype", "inherits", "setPrototypeOf"].some((name) => this.facts.identifiersNamed(name).length > 0);
    if (es5.size > 0 && prototypes) collectPrototypeMethods(this.facts, es5);
    for (const [name, entry] of es5) {
      if (!entry.evidence) continue;
      this.add({ kind: "constructor-function", node: entry.fn, name, methods: entry.methods, teardown: teardownOf(entry.methods) });
    }
  }

  private addClass(node: ts.ClassLikeDeclaration): void {
    const methods = new Map<string, FunctionNode>();
    for (const member of node.members) {
      const name = member.name ? propertyNameText(member.name) ?? symbolDisposeName(member.name) : undefined;
      if (!name) continue;
      if (ts.isMethodDeclaration(member) && member.body) methods.set(name, member);
      else if (ts.isPropertyDeclaration(member) && member.initializer && isFunctionNode(member.initializer)) methods.set(name, member.initializer);
    }
    this.add({ kind: "class", node, name: node.name?.text ?? "(anonymous class)", methods, teardown: teardownOf(methods) });
  }

  /** A function whose body returns an object literal with a teardown method: `return { close() { … } }`. */
  private addFactory(fn: FunctionNode): void {
    // `NS.tray = (function () { … return { close() {} } })()` runs once: a module singleton, not a factory.
    if (isIife(fn)) return;
    const body = fn.body;
    if (!body || !ts.isBlock(body)) return;
    for (const statement of body.statements) {
      if (!ts.isReturnStatement(statement) || !statement.expression) continue;
      const object = returnedObject(body, statement.expression);
      if (!object) continue;
      const methods = new Map<string, FunctionNode>();
      for (const property of object.properties) {
        const name = property.name ? propertyNameText(property.name) : undefined;
        if (!name) continue;
        if (ts.isMethodDeclaration(property)) methods.set(name, property);
        else if (ts.isPropertyAssignment(property) && isFunctionNode(property.initializer)) methods.set(name, property.initializer);
        else if (ts.isShorthandPropertyAssignment(property)) {
          const inner = innerFunctionOf(fn, name);
          if (inner) methods.set(name, inner);
        }
      }
      const teardown = teardownOf(methods);
      if (teardown) this.add({ kind: "factory", node: fn, name: functionName(fn) ?? "(factory)", methods, teardown });
      return;
    }
  }

  private add(owner: InstanceOwner): void {
    this.instances.push(owner);
    this.byNode.set(owner.node, owner);
  }
}

/** The owners of a file, once per file. */
export const owners = defineAnalysis({
  id: "owners",
  run: ({ facts }) => new OwnersAnalysis(facts),
});

/** Inside a function passed as an argument (a timer, listener or promise callback). */
function isInCallback(node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (ts.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn as ts.Expression)) {
      if (ITERATION_METHODS.has(calleeMemberName(fn.parent) ?? "")) continue; // runs in place, once per item
      return true;
    }
    if (ts.isBinaryExpression(fn.parent) && /\.on[a-z]+$/.test(fn.parent.left.getText())) return true; // ws.onclose = () => …
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  }
  return false;
}
