// Collections owned by instances: the `Map`, `Set`, array or dictionary an object keeps
// in a field (`this.pending = {}` in a constructor, `items = new Map()` as a class
// field, `self.queue = []` in an ES5 constructor) or in its factory's closure
// (`const byId = new Map()` in a factory that returns `{ close() {…} }`), every
// reference to it inside the owner, and whether its growth runs again and again over
// the owner's life (per event, per operation such as `query()` / `send()` /
// `subscribe()`, or from such code through `this.helper()`). Also: growth whose key
// cannot take many values (a literal, a small literal union, a key updated only when
// already present: analyses/bounded-keys.ts), which is bounded whatever the owner.
import ts from "typescript";
import { type FunctionNode, callbackHost, calleeMemberName, enclosingFunction, isFunctionNode, isInside, walk } from "../core/ast";
import type { Facts } from "../core/facts";
import { type CollectionKind, type CollectionUse, classifyCollectionUse, collectionKindOf } from "./collections";
import type { InstanceOwner, OwnersAnalysis } from "./owners";
import { requiredModule } from "../core/names";
import { isConstructedPerRequest } from "./request-scope";

export interface OwnedCollection {
  owner: InstanceOwner;
  name: string;
  /** Where to report: the field's name in its declaration or first assignment, or the closure variable. */
  nameNode: ts.Node;
  init: ts.Expression;
  kind: CollectionKind;
  /** Every reference inside the owner except the initialisation itself. */
  refs: ts.Expression[];
}

/** Methods that run once per operation of a client, server or pool: each call may add an entry. */
const OPERATION_METHOD = /^_*(query|send|request|subscribe|publish|listen|write|exec|execute|dispatch|enqueue|submit|invoke|fetch|track|reserve|watch|acquire|emit)/i;
/** Hosts whose callback runs once per event. */
const PER_EVENT_HOSTS = new Set(["on", "addListener", "prependListener", "addEventListener", "subscribe", "setInterval", "watch", "handle"]);
/** Names of objects that live as long as a connection, a server or the process. */
const LONG_LIVED_NAME = /(Client|Server|Pool|Manager|Service|Transport|Connection|Broker|Registry|Tracker|Socket|Session|Channel|Bus|Hub|Router|Proxy|Agent|Store|Cluster)$/;
/** Names of tables of work in progress: their entries must go when the work completes. */
const PENDING_NAME = /pending|in_?flight|outstanding|unacked|unconfirmed|awaiting|waiting|inProgress|resolvers|timers$/i;
const CALLBACK_NAME = /^(cb|callback|fn|func|handler|listener|hook)$|(Callback|Handler|Listener|Hook|Fn)$/;
const HANDLER_METHOD = /^_*(on|handle)[A-Z_]/;
const COUNTER_CALL = /^_*(next|new|gen|generate|allocate|create)_?(message|msg|request|req)?_?(id|seq|sequence)$/i;
const UI_TEARDOWNS = new Set([
  "ngOnDestroy", "componentWillUnmount", "disconnectedCallback", "beforeUnmount", "unmounted", "beforeDestroy", "destroyed", "onDestroy", "unmount",
]);
const MAX_CALL_DEPTH = 3;

/** A UI framework's destroy hook (`ngOnDestroy`, `beforeDestroy`, `disconnectedCallback` …). */
export function isUiTeardown(name: string): boolean {
  return UI_TEARDOWNS.has(name);
}

/** The collections `owner` keeps in its fields or factory closure that some reference grows (only those can be unbounded). */
export function growingCollections(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner): OwnedCollection[] {
  return ownedCollections(facts, owners, owner).filter((owned) => owned.refs.some((r) => classifyCollectionUse(r).kind === "grow"));
}

/**
 * The collections `owner` keeps in its fields or factory closure, without those whose name
 * no growth in the file mentions: every reference of one is `x.name` or a variable
 * spelled like the name (or like its alias in `const { name: alias } = this`), so when no
 * such identifier grows its collection, none of them does, and its references are not read.
 */
function ownedCollections(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner): OwnedCollection[] {
  const result: OwnedCollection[] = [];
  const seen = new Set<string>();
  const add = (name: string, nameNode: ts.Node, init: ts.Expression | undefined, refs: () => ts.Expression[]): void => {
    const kind = collectionKindOf(init);
    if (!kind || !init || seen.has(name)) return;
    seen.add(name);
    if (!mayGrow(facts, owners, owner, name)) return;
    result.push({ owner, name, nameNode, init, kind, refs: owner.kind === "factory" ? refs() : [...refs(), ...destructuredAliases(facts, owners, owner, name)] });
  };
  if (owner.kind === "factory") {
    const body = (owner.node as FunctionNode).body;
    if (!body || !ts.isBlock(body)) return result;
    for (const statement of body.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name)) add(decl.name.text, decl.name, decl.initializer, () => facts.referencesTo(decl.name as ts.Identifier));
      }
    }
    return result;
  }
  if (owner.kind === "class") {
    for (const member of (owner.node as ts.ClassLikeDeclaration).members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name) && !ts.isPrivateIdentifier(member.name)) continue;
      if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) continue;
      const name = member.name.text;
      add(name, member.name, member.initializer, () => owners.fieldReferences(owner, name));
    }
  }
  // `this.x = new Map()` / `self.x = []` in the constructor body.
  const ctor = owner.kind === "class" ? (owner.node as ts.ClassLikeDeclaration).members.find(ts.isConstructorDeclaration) : owner.node as FunctionNode;
  const body = ctor?.body;
  if (!body || !ts.isBlock(body)) return result;
  for (const statement of body.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) continue;
    const assignment = statement.expression;
    if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const name = owners.fieldOf(owner, assignment.left);
    if (!name) continue;
    add(name, assignment.left, assignment.right, () => owners.fieldReferences(owner, name).filter((r) => r !== assignment.left));
  }
  // `this.x = this.x || []` at the top of a method: a field created on first use.
  for (const method of owner.methods.values()) {
    const statements = method.body && ts.isBlock(method.body) ? method.body.statements : [];
    for (const statement of statements) {
      const lazy = lazyInitialisation(owners, owner, statement);
      if (lazy) add(lazy.name, lazy.target, lazy.init, () => owners.fieldReferences(owner, lazy.name).filter((r) => !isInside(r, statement)));
    }
  }
  return result;
}

/** Some identifier spelled `name` (or like an alias the owner destructures it to) grows what it names: `x.name.push(…)`, `name[k] = v`. */
function mayGrow(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner, name: string): boolean {
  if (name.startsWith("#")) return true; // private names are not in the identifier index
  const grows = (text: string): boolean => facts.identifiersNamed(text).some((id) => classifyCollectionUse(id).kind === "grow"
    || (ts.isPropertyAccessExpression(id.parent) && id.parent.name === id && classifyCollectionUse(id.parent).kind === "grow"));
  if (grows(name)) return true;
  if (owner.kind === "factory") return false;
  for (const node of owners.syntaxOf(owner).destructurings) {
    for (const element of node.name.elements) {
      const property = element.propertyName ?? element.name;
      if (ts.isIdentifier(property) && property.text === name && ts.isIdentifier(element.name) && element.name.text !== name && grows(element.name.text)) return true;
    }
  }
  return false;
}

/** Uses of field `name` through `const { name } = this` (or `self`) inside the owner: `queue.shift()` drains `this.queue`. */
function destructuredAliases(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner, name: string): ts.Expression[] {
  const result: ts.Expression[] = [];
  for (const node of owners.syntaxOf(owner).destructurings) {
    if (!owners.isInstanceReference(owner, node.initializer)) continue;
    for (const element of node.name.elements) {
      const property = element.propertyName ?? element.name;
      if (ts.isIdentifier(property) && property.text === name && ts.isIdentifier(element.name)) result.push(...facts.referencesTo(element.name));
    }
  }
  return result;
}

/** `this.x = this.x || []`, `this.x = this.x ?? new Map()`, `this.x ??= []` / `||=`. */
function lazyInitialisation(owners: OwnersAnalysis, owner: InstanceOwner, statement: ts.Statement): { name: string; target: ts.Expression; init: ts.Expression } | undefined {
  if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) return undefined;
  const { left, operatorToken, right } = statement.expression;
  const name = owners.fieldOf(owner, left);
  if (!name) return undefined;
  const op = operatorToken.kind;
  if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) return { name, target: left, init: right };
  if (op !== ts.SyntaxKind.EqualsToken || !ts.isBinaryExpression(right)) return undefined;
  const fallback = right.operatorToken.kind === ts.SyntaxKind.BarBarToken || right.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken;
  return fallback && owners.fieldOf(owner, right.left) === name ? { name, target: left, init: right.right } : undefined;
}

/**
 * A list of timer handles (`this.timers.push(setTimeout(cb, ms))`, or the id of one)
 * whose entries are removed only where a timer is cleared by hand (`clearTimeout(id)`
 * next to the `splice`) or all at once on teardown, while the timer's callback does not
 * touch the list: every timer that fires stays in it. Returns the growth, or undefined.
 */
export function firedTimersKept(facts: Facts, owners: OwnersAnalysis, owned: OwnedCollection, uses: readonly CollectionUse[]): CollectionUse | undefined {
  if (owned.kind !== "array" && owned.kind !== "set") return undefined;
  const growth = uses.find((u) => u.kind === "grow" && (u.via === "push" || u.via === "add") && u.key !== undefined
    && timerStart(facts, u.key) !== undefined);
  if (!growth) return undefined;
  const start = timerStart(facts, growth.key!)!;
  const callback = start.arguments[0];
  // A callback written here that mentions the list prunes it (or may): not this shape.
  if (!callback || (isFunctionNode(callback) && owned.refs.some((r) => isInside(r, callback)))) return undefined;
  for (const use of uses) {
    if (use.kind !== "shrink" && use.kind !== "bound" && use.kind !== "escape") continue;
    if (owners.isOnTeardownPath(owned.owner, use.ref)) continue; // cleared and emptied when the owner goes
    // Only a single entry's removal next to a `clearTimeout` is "cleared by hand"; a reset of the whole list bounds it.
    if (use.kind !== "shrink" || (use.via !== "splice" && use.via !== "delete")) return undefined;
    const fn = enclosingFunction(use.ref);
    if (!fn || !callsClearTimer(facts, fn)) return undefined;
  }
  return growth;
}

/** `setTimeout(…)`, or a variable of the same function assigned one. */
function timerStart(facts: Facts, value: ts.Expression): ts.CallExpression | undefined {
  if (ts.isCallExpression(value)) return facts.calleeName(value) === "global:setTimeout" ? value : undefined;
  if (!ts.isIdentifier(value)) return undefined;
  const fn = enclosingFunction(value);
  let found: ts.CallExpression | undefined;
  for (const ref of facts.referencesTo(value)) {
    const parent = ref.parent;
    const init = ts.isBinaryExpression(parent) && parent.left === ref && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken ? parent.right
      : ts.isVariableDeclaration(parent) && parent.name === ref ? parent.initializer : undefined;
    if (init && ts.isCallExpression(init) && enclosingFunction(ref) === fn && facts.calleeName(init) === "global:setTimeout") found = init;
  }
  return found;
}

function callsClearTimer(facts: Facts, fn: FunctionNode): boolean {
  let found = false;
  walk(fn, (node) => {
    if (found) return false;
    if (ts.isCallExpression(node) && facts.calleeName(node) === "global:clearTimeout") found = true;
    return undefined;
  });
  return found;
}

/** Evidence that the owner lives long: a teardown, a method that runs again, or a client/server/pool-like name. */
export function isLongLivedOwner(facts: Facts, owners: OwnersAnalysis, owner: InstanceOwner): boolean {
  // A UI component's state is what it shows, and goes when it unmounts.
  if (owner.kind === "component" || (owner.teardown && isUiTeardown(owner.teardown.name))) return false;
  if (ts.isClassLike(owner.node) && ts.getDecorators(owner.node)?.length) return false;
  // An object made for one request/response exchange lives as long as the exchange.
  if (owner.kind !== "factory" && isConstructedPerRequest(facts, owner.node as ts.ClassLikeDeclaration | FunctionNode)) return false;
  if (owner.teardown || LONG_LIVED_NAME.test(owner.name)) return true;
  for (const [name, fn] of owner.methods) if (repeats(owners, owner, { name, fn })) return true;
  return false;
}

/**
 * Why entries of an instance's collection were meant to go away, when growth alone
 * does not say it (a lookup table the owner reads back by key is a cache bounded by
 * the inputs it sees, and dies with the owner): its name says it holds work in
 * progress (`pending`, `inFlight`, `callbacks` …), its keys come from a counter (no key
 * ever repeats), something is removed one level down (`delete this.rooms[id][room]`)
 * but never the entry itself, or an entry's count is decremented but never deleted.
 * Collections never read back by key (lists, sets only iterated) need no such evidence.
 */
export function removalEvidence(facts: Facts, owned: OwnedCollection, uses: readonly CollectionUse[], growth: CollectionUse): string | undefined {
  if (PENDING_NAME.test(owned.name)) return "its entries are work in progress";
  if (growth.key && isCounterKey(facts, growth.key, 0)) return "its keys come from a counter, so no key repeats";
  let readByKey = false;
  for (const use of uses) {
    const nested = nestedRemoval(use.ref);
    if (nested) return nested;
    if (use.kind === "read" && (use.via === "get" || use.via === "has" || use.via === "[]" || use.via === "test" || use.via === "[]=")) readByKey = true;
  }
  return readByKey ? undefined : "";
}

/** `onTick(cb) { this.callbacks.push(cb) }`: a list of the caller's callbacks (a listener list), bounded by the code that registers them. */
export function isCallbackRegistration(use: CollectionUse): boolean {
  const value = use.via === "set" ? (use.ref.parent.parent as ts.CallExpression).arguments?.[1] : use.key;
  if (!value || !ts.isIdentifier(value)) return false;
  const fn = enclosingFunction(use.ref);
  const param = fn?.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === value.text);
  if (!param) return false;
  return CALLBACK_NAME.test(value.text) || (param.type !== undefined && ts.isFunctionTypeNode(param.type));
}

/** A committed bundle or minified file: very long lines. Its classes are not the project's own. */
export function looksMinified(sourceFile: ts.SourceFile): boolean {
  const lines = sourceFile.getLineStarts().length;
  return sourceFile.text.length / lines > 300;
}

function repeats(owners: OwnersAnalysis, owner: InstanceOwner, method: { name: string; fn: FunctionNode }): boolean {
  // A handler by name, or called again from a callback (owners looks past `list.forEach(x => this.m(x))`).
  return (HANDLER_METHOD.test(method.name) && owners.runsRepeatedly(owner, method)) || owners.isCalledBack(owner, method);
}

/** `delete x[k][j]`, `x.get(k).delete(j)`, `x[k].splice(…)`: removal inside an entry. */
function nestedRemoval(ref: ts.Expression): string | undefined {
  const entry = ref.parent;
  let inner: ts.Node | undefined;
  if (ts.isElementAccessExpression(entry) && entry.expression === ref) inner = entry;
  else if (ts.isPropertyAccessExpression(entry) && entry.name.text === "get" && ts.isCallExpression(entry.parent)) inner = entry.parent;
  if (!inner) return undefined;
  const outer = inner.parent;
  if (ts.isElementAccessExpression(outer) && outer.expression === inner && ts.isDeleteExpression(outer.parent)) {
    return "only entries inside its entries are ever deleted, never the entries themselves";
  }
  if (ts.isPropertyAccessExpression(outer) && outer.expression === inner && /^(delete|splice|pop|shift|clear)$/.test(outer.name.text)) {
    return "only entries inside its entries are ever removed, never the entries themselves";
  }
  if ((ts.isPrefixUnaryExpression(outer) || ts.isPostfixUnaryExpression(outer)) && outer.operator === ts.SyntaxKind.MinusMinusToken) {
    return "a count is decremented but its entry is never deleted when it reaches zero";
  }
  if (ts.isBinaryExpression(outer) && outer.left === inner && outer.operatorToken.kind === ts.SyntaxKind.MinusEqualsToken) {
    return "a count is decremented but its entry is never deleted when it reaches zero";
  }
  return undefined;
}

/** `++this.seq`, `id++`, `this._nextId()`, or a variable / literal property holding one. */
function isCounterKey(facts: Facts, key: ts.Expression, depth: number): boolean {
  if (depth > 3) return false;
  while (ts.isParenthesizedExpression(key)) key = key.expression;
  if ((ts.isPrefixUnaryExpression(key) || ts.isPostfixUnaryExpression(key)) && key.operator === ts.SyntaxKind.PlusPlusToken) return true;
  if (ts.isCallExpression(key)) return COUNTER_CALL.test(calleeMemberName(key) ?? "");
  if (ts.isIdentifier(key)) {
    const decl = facts.symbolAt(key)?.valueDeclaration;
    return decl !== undefined && ts.isVariableDeclaration(decl) && decl.initializer !== undefined && isCounterKey(facts, decl.initializer, depth + 1);
  }
  // packet.messageId where `const packet = { messageId: id }`
  if (ts.isPropertyAccessExpression(key) && ts.isIdentifier(key.expression)) {
    const decl = facts.symbolAt(key.expression)?.valueDeclaration;
    const literal = decl && ts.isVariableDeclaration(decl) ? decl.initializer : undefined;
    if (!literal || !ts.isObjectLiteralExpression(literal)) return false;
    for (const property of literal.properties) {
      if (property.name && ts.isIdentifier(property.name) && property.name.text === key.name.text) {
        if (ts.isPropertyAssignment(property)) return isCounterKey(facts, property.initializer, depth + 1);
        if (ts.isShorthandPropertyAssignment(property)) return isCounterKey(facts, property.name, depth + 1);
      }
    }
  }
  return false;
}

/**
 * Why the growth at `ref` runs again and again over the owner's life — a phrase for
 * the message ("a \"connection\" event fires", "`query()` is called") — or undefined.
 * `eventsOnly`: only events and methods that run again (handlers, reconnects, methods
 * called back from listeners), not operation methods merely named `query`/`write` …
 * `depth`: how many callers up the chain this is (callers are followed at most MAX_CALL_DEPTH deep).
 */
export function ownedGrowthRepetition(owners: OwnersAnalysis, owner: InstanceOwner, ref: ts.Node, eventsOnly = false, depth = 0): string | undefined {
  const method = owners.methodAt(owner, ref);
  if (!method) return undefined;
  for (let fn = enclosingFunction(ref); fn && fn !== method.fn; fn = enclosingFunction(fn)) {
    const host = callbackHost(fn);
    const name = host ? calleeMemberName(host) ?? "" : "";
    if (host && PER_EVENT_HOSTS.has(name)) {
      const event = host.arguments[0];
      return event && ts.isStringLiteralLike(event) && host.arguments.length >= 2 ? `a "${event.text}" event fires` : `the \`${name}\` callback runs`;
    }
  }
  return methodRepetition(owners, owner, method, depth, eventsOnly);
}

function methodRepetition(owners: OwnersAnalysis, owner: InstanceOwner, method: { name: string; fn: FunctionNode }, depth: number, eventsOnly: boolean): string | undefined {
  if (method.name === "constructor" || depth > MAX_CALL_DEPTH) return undefined;
  if ((!eventsOnly && OPERATION_METHOD.test(method.name)) || repeats(owners, owner, method)) return `\`${method.name}()\` is called`;
  // A helper repeats when a method that repeats calls it: `_handleReady() { this._pulse() }`.
  for (const ref of owners.fieldReferences(owner, method.name)) {
    if (!ts.isCallExpression(ref.parent) || ref.parent.expression !== ref || isInside(ref, method.fn)) continue;
    const caller = owners.methodAt(owner, ref);
    if (!caller || caller.fn === method.fn) continue;
    // One depth for the whole chain of callers: methods that call each other (`scan()` ↔ `register()`) end at MAX_CALL_DEPTH.
    const when = ownedGrowthRepetition(owners, owner, ref, eventsOnly, depth + 1);
    if (when) return when.endsWith(")") && when.includes(" (through ") ? `${when.slice(0, -1)} → \`${method.name}()\`)` : `${when} (through \`${method.name}()\`)`;
  }
  return undefined;
}

/**
 * A public field of an owner that hands itself to a function of a sibling module
 * (`handle(this, packet)` with `handle` from "./handlers", also tsc's
 * `(0, handlers_1.default)(this, …)`): that module can reach the field and remove its
 * entries, and this file alone cannot tell. A `_`-prefixed, `#private` or TS
 * `private`/`protected` field is the owner's own business, and a package module
 * (`require("debug")`) knows nothing of the owner's fields.
 */
export function isExposedToSiblingModule(facts: Facts, owners: OwnersAnalysis, owned: OwnedCollection): boolean {
  if (owned.owner.kind === "factory" || /^[_#]/.test(owned.name) || isPrivateMember(owned.nameNode)) return false;
  let found = false;
  for (const root of owners.rootsOf(owned.owner)) {
    walk(root, (node) => {
      if (found) return false;
      if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments?.some((arg) => owners.isInstanceReference(owned.owner, arg))
        && isRelativeModule(moduleOfCallee(facts, node.expression))) found = true;
      return undefined;
    });
  }
  return found;
}

function isPrivateMember(nameNode: ts.Node): boolean {
  const holder = nameNode.parent;
  return ts.isPropertyDeclaration(holder) && (holder.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword) ?? false);
}

function isRelativeModule(specifier: string | undefined): boolean {
  return specifier !== undefined && /^\.\.?\//.test(specifier);
}

/** The module specifier a callee is imported from: `f`, `ns.f`, `(0, ns.default)` bound by `import` or `require` (through tsc's interop helpers). */
function moduleOfCallee(facts: Facts, callee: ts.Expression): string | undefined {
  let root: ts.Expression = callee;
  for (;;) {
    if (ts.isParenthesizedExpression(root)) root = root.expression;
    else if (ts.isBinaryExpression(root) && root.operatorToken.kind === ts.SyntaxKind.CommaToken) root = root.right;
    else if (ts.isPropertyAccessExpression(root)) root = root.expression;
    else break;
  }
  if (!ts.isIdentifier(root)) return undefined;
  const decl = facts.symbolAt(root)?.declarations?.[0];
  if (!decl) return undefined;
  const importDecl = ts.isImportSpecifier(decl) ? decl.parent.parent.parent : ts.isImportClause(decl) ? decl.parent
    : ts.isNamespaceImport(decl) ? decl.parent.parent : undefined;
  if (importDecl) return ts.isStringLiteral(importDecl.moduleSpecifier) ? importDecl.moduleSpecifier.text : undefined;
  if (!ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
  // require("./x"), __importDefault(require("./x")), __importStar(require("./x"))
  let init: ts.Expression = decl.initializer;
  if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && /^__import(Default|Star)$/.test(init.expression.text) && init.arguments[0]) init = init.arguments[0];
  return requiredModule(init);
}
