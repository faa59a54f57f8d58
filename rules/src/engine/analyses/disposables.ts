// Disposables: values that must be released by a method call on them — RxJS
// `Subscription.unsubscribe()`, VS Code `Disposable.dispose()`, DOM observers'
// `disconnect()` — and the fixes that keep such a value where the owner's teardown
// can reach it: a `this.` field released in the teardown method, a `const` released
// in an effect cleanup / request close / `context.subscriptions`. Also the facts the
// subscription rule needs about a source (what it is built from) and an Angular
// owner (component class, injection context, its `DestroyRef`).
import ts from "typescript";
import { type FunctionNode, calleeMemberName, calleeReceiver, containingStatement, enclosingFunction } from "../core/ast";
import type { Facts } from "../core/facts";
import { type Owner, findTeardown } from "./lifetime";
import { classifyReference } from "./ownership";
import { isNameTakenAt, isOwnerScope } from "../fixes/hoist";
import { freshName, releaseInTeardown } from "../fixes/teardown-fixes";
import { addClassMember, insertBefore, makeFix, replaceNode } from "../fixes/fixer";
import type { Fix, TextEdit } from "../core/types";

export interface StoreAndRelease {
  /** Base name for the new field or const: "subscription", "observer" … */
  base: string;
  /** The release statement for a reference: `x` → `x.unsubscribe()`. */
  release: (ref: string, optional: boolean) => string;
  /** The structural type of the new field in TypeScript: `{ unsubscribe(): void }`. */
  fieldType: string;
  /** What the fix description calls the value. */
  what: string;
}

/** True when some reference releases the value with one of `methods` or hands it on (returned, passed, stored elsewhere). */
export function isReleasedOrHandedOff(refs: readonly ts.Expression[], methods: readonly string[]): boolean {
  return refs.some((ref) => classifyReference(ref, { releaseMethods: methods }) !== "use");
}

/**
 * Fixes for a value whose handle is dropped (`value` is the full expression statement's
 * expression): store it in a field or const and release it in the owner's teardown.
 * Safe when the teardown exists already.
 */
export function storeAndReleaseFixes(
  facts: Facts, value: ts.Expression, owner: Owner, spec: StoreAndRelease, continuation?: (ref: string) => TextEdit[],
): Fix[] {
  const sourceFile = facts.sourceFile;
  const valueText = value.getText(sourceFile);
  if (owner.kind === "class") {
    const classNode = owner.classNode;
    const field = freshName(sourceFile, spec.base, (n) => classNode.members.some((m) => m.name?.getText(sourceFile) === n));
    const teardown = releaseInTeardown(owner, sourceFile, value, spec.release(`this.${field}`, true));
    if (!teardown) return [];
    const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
    const edits: TextEdit[] = [
      addClassMember(sourceFile, classNode, typed ? `private ${field}?: ${spec.fieldType};` : `${field};`, "start"),
      replaceNode(value, sourceFile, `this.${field} = ${valueText}`),
      ...teardown.edits,
      ...(continuation?.(`this.${field}`) ?? []),
    ];
    return [makeFix(`Store the ${spec.what} in this.${field} and release it in ${teardown.where}`, !teardown.created, edits, [`this.${field}@${classNode.pos}`])];
  }
  const statement = containingStatement(value);
  if (!enclosingFunction(value) || owner.kind === "module" || !statement || !isOwnerScope(owner, statement)) return [];
  const name = freshName(sourceFile, spec.base, (n) => isNameTakenAt(facts, value, n));
  const teardown = releaseInTeardown(owner, sourceFile, value, spec.release(name, false));
  if (!teardown) return [];
  const edits: TextEdit[] = [insertBefore(value, sourceFile, `const ${name} = `), ...teardown.edits,
    ...(continuation?.(name) ?? [])];
  return [makeFix(`Store the ${spec.what} and release it in ${teardown.where}`, !teardown.created, edits, [`${name}@${enclosingFunction(value)!.pos}`])];
}

/** Fixes for a stored value nobody releases: release it in the owner's teardown. */
export function releaseStoredFixes(facts: Facts, anchor: ts.Node, owner: Owner, stored: { name: string; member?: string }, spec: StoreAndRelease): Fix[] {
  const statement = containingStatement(anchor);
  if (stored.member === undefined && (owner.kind === "class" || !statement || !isOwnerScope(owner, statement))) return [];
  const teardown = releaseInTeardown(owner, facts.sourceFile, anchor, spec.release(stored.name, stored.member !== undefined));
  if (!teardown) return [];
  return [{ description: `Release ${stored.name} in ${teardown.where}`, safe: !teardown.created, edits: teardown.edits }];
}

/** `zone.runOutsideAngular(() => …)`: callbacks run right away, once. */
const RUN_NOW = /^(run|runOutsideAngular|runGuarded|runInInjectionContext|untracked)$/;
/** Hooks that run once in an instance's life: a subscription made there does not pile up. */
const ONCE_PER_INSTANCE = new Set(["ngOnInit", "ngAfterViewInit", "ngAfterContentInit", "componentDidMount", "firstUpdated"]);

/**
 * A subscription made once per instance (constructor, init hook, or a method only
 * those call) to a source the instance owns: `this.x` created by the class
 * (`new Subject()`) or completed/disposed in its teardown, or a parameter every caller
 * fills with such a field. The subscription lives and dies with its owner. `roots`
 * are the source's roots (`this._resize$`, `ref` in `merge(ref.a, ref.b)`).
 */
export function isOwnSourceSubscribedOnce(facts: Facts, at: ts.Node, roots: readonly ts.Expression[]): boolean {
  const fn = throughOnceCallbacks(enclosingFunction(at));
  const classNode = fn && ts.isClassLike(fn.parent) ? fn.parent : undefined;
  if (!fn || !classNode || roots.length === 0 || !runsOncePerInstance(facts, classNode, fn, 0)) return false;
  return roots.every((root) => isOwnedRoot(facts, classNode, fn, root));
}

/**
 * The function that runs a callback as often as it runs itself: out of `zone.run(() => …)`, a one-shot
 * timer (`setTimeout(() => …)`, `setImmediate`, `queueMicrotask`, `requestAnimationFrame`), a promise
 * reaction (`.then(() => …)`), or the subscriber of a source that emits once (`x$.pipe(first()).subscribe(() => …)`).
 */
function throughOnceCallbacks(start: FunctionNode | undefined): FunctionNode | undefined {
  let fn = start;
  while (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn)
    && runsCallbackOnce(fn.parent)) fn = enclosingFunction(fn);
  return fn;
}

const ONE_SHOT_SCHEDULERS = /^(setTimeout|setImmediate|queueMicrotask|requestAnimationFrame|then|catch|finally)$/;
const EMITS_ONCE = /^(first|take|single|last|elementAt)$/;

function runsCallbackOnce(call: ts.CallExpression): boolean {
  const name = ts.isIdentifier(call.expression) ? call.expression.text : calleeMemberName(call) ?? "";
  if (RUN_NOW.test(name) || ONE_SHOT_SCHEDULERS.test(name)) return true;
  const source = name === "subscribe" ? calleeReceiver(call) : undefined;
  return source !== undefined && ts.isCallExpression(source) && calleeMemberName(source) === "pipe"
    && source.arguments.some((op) => ts.isCallExpression(op) && EMITS_ONCE.test(calleeMemberName(op) ?? (ts.isIdentifier(op.expression) ? op.expression.text : "")));
}

function runsOncePerInstance(facts: Facts, classNode: ts.ClassLikeDeclaration, fn: ts.Node, depth: number): boolean {
  if (ts.isConstructorDeclaration(fn)) return true;
  if (!ts.isMethodDeclaration(fn) || !ts.isIdentifier(fn.name)) return false;
  if (ONCE_PER_INSTANCE.has(fn.name.text)) return true;
  const calls = thisCalls(facts, classNode, fn.name.text);
  return depth < 2 && calls.length > 0 && calls.every((call) => {
    const caller = throughOnceCallbacks(enclosingFunction(call));
    return caller !== undefined && caller.parent === classNode && runsOncePerInstance(facts, classNode, caller, depth + 1);
  });
}

function isOwnedRoot(facts: Facts, classNode: ts.ClassLikeDeclaration, fn: ts.Node, root: ts.Expression): boolean {
  if (ts.isPropertyAccessExpression(root) && root.expression.kind === ts.SyntaxKind.ThisKeyword) return isOwnedField(facts, classNode, root.name.text);
  if (!ts.isIdentifier(root) || !ts.isMethodDeclaration(fn) || !ts.isIdentifier(fn.name)) return false;
  const index = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === root.text);
  if (index < 0) return false;
  const calls = thisCalls(facts, classNode, fn.name.text);
  return calls.length > 0 && calls.every((call) => {
    const arg = call.arguments[index];
    return arg !== undefined && ts.isPropertyAccessExpression(arg) && arg.expression.kind === ts.SyntaxKind.ThisKeyword
      && isOwnedField(facts, classNode, arg.name.text);
  });
}

/** `x = new Subject()` in the class, or `this.x.complete()` / `.dispose()` in its teardown. */
function isOwnedField(facts: Facts, classNode: ts.ClassLikeDeclaration, name: string, depth = 0): boolean {
  const declared = classNode.members.some((m) => ts.isPropertyDeclaration(m) && m.name.getText() === name && m.initializer !== undefined
    && ts.isNewExpression(m.initializer));
  if (declared) return true;
  // `get focused$() { return this.focused }` (or `this.focused.asObservable()`): the getter hands out an owned field.
  const forwarded = depth < 2 ? getterField(facts, classNode, name) : undefined;
  if (forwarded !== undefined) return isOwnedField(facts, classNode, forwarded, depth + 1);
  // `this.focused$` declared nowhere in a class that extends another (not even as a constructor parameter): the base class's own stream.
  if (depth === 0 && name.endsWith("$") && !declaresMember(classNode, name) && facts.memberReferences(classNode, name).every((r) => !isAssigned(r))
    && classNode.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword)) return true;
  const teardown = findTeardown(classNode);
  return facts.memberReferences(classNode, name).some((access) => {
    const parent = access.parent;
    if (ts.isBinaryExpression(parent) && parent.left === access && ts.isNewExpression(parent.right)) return true;
    return teardown !== undefined && access.pos >= teardown.pos && access.end <= teardown.end && ts.isPropertyAccessExpression(parent)
      && /^(complete|dispose|destroy)$/.test(parent.name.text);
  });
}

/**
 * The field a getter returns: `get x$() { return this.x }`, `return this.x.asObservable()`, `return this.x.pipe(…)`,
 * or the field holding the child whose stream it forwards (`return this.frontend.input$` → `frontend`), after
 * guards that throw (`if (!this.frontend) throw …`).
 */
function getterField(facts: Facts, classNode: ts.ClassLikeDeclaration, name: string): string | undefined {
  const getter = classNode.members.find((m): m is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(m) && m.name.getText() === name);
  // `currentSort$ = this.currentSort.asObservable()`: a field initialised from an owned field hands it out the same way.
  const field = classNode.members.find((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && m.name.getText() === name);
  if (!getter && field?.initializer && !facts.memberReferences(classNode, name).some(isAssigned)) return forwardedField(field.initializer);
  const statements = getter?.body?.statements ?? [];
  const last = statements[statements.length - 1];
  const guards = statements.slice(0, -1).every((st) => ts.isIfStatement(st) && !st.elseStatement && throwsOnly(st.thenStatement));
  return forwardedField(guards && last && ts.isReturnStatement(last) ? last.expression : undefined);
}

/** `this.x`, `this.x.asObservable()`, `this.x.pipe(…)` (or `this.x.y`, the child's stream): the field `x`. */
function forwardedField(expr: ts.Expression | undefined): string | undefined {
  let value = expr;
  while (value && ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && /^(asObservable|pipe)$/.test(value.expression.name.text)) {
    value = value.expression.expression;
  }
  const root = value && rootOf(value);
  return root && ts.isPropertyAccessExpression(root) && root.expression.kind === ts.SyntaxKind.ThisKeyword ? root.name.text : undefined;
}

function throwsOnly(statement: ts.Statement): boolean {
  const only = ts.isBlock(statement) && statement.statements.length === 1 ? statement.statements[0] : statement;
  return ts.isThrowStatement(only);
}

function declaresMember(classNode: ts.ClassLikeDeclaration, name: string): boolean {
  return classNode.members.some((m) => m.name?.getText() === name
    || (ts.isConstructorDeclaration(m) && m.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name)));
}

function isAssigned(access: ts.Node): boolean {
  return ts.isBinaryExpression(access.parent) && access.parent.left === access && access.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** `this.name(…)` calls inside the class. */
function thisCalls(facts: Facts, classNode: ts.ClassLikeDeclaration, name: string): ts.CallExpression[] {
  return facts.memberReferences(classNode, name).flatMap((access) =>
    ts.isCallExpression(access.parent) && access.parent.expression === access ? [access.parent] : []);
}

/** What a source is built from: `this.x$` in `this.x$.pipe(…)`, `ref` in `merge(ref.a, ref.b)`; empty when unknown. */
export function sourceRoots(receiver: ts.Expression): ts.Expression[] {
  let source = receiver;
  while (ts.isCallExpression(source) && calleeMemberName(source) === "pipe") source = calleeReceiver(source) ?? receiver;
  if (!ts.isCallExpression(source)) return [rootOf(source)];
  const args = source.arguments.flatMap((a) => (ts.isArrayLiteralExpression(a) ? [...a.elements] : [a]));
  return args.every((a) => ts.isPropertyAccessExpression(a) || ts.isIdentifier(a)) ? args.map(rootOf) : [];
}

function rootOf(expr: ts.Expression): ts.Expression {
  let current = expr;
  while (ts.isPropertyAccessExpression(current) && current.expression.kind !== ts.SyntaxKind.ThisKeyword) current = current.expression;
  return current;
}

export function isAngularClass(classNode: ts.ClassLikeDeclaration): boolean {
  return (ts.getDecorators(classNode) ?? []).some((d) => /^(Component|Directive|Pipe)\b/.test(d.expression.getText()));
}

/** The constructor body or a field initializer: `inject()` (and so `takeUntilDestroyed()`) works there. */
export function inInjectionContext(node: ts.Node, classNode: ts.ClassLikeDeclaration): boolean {
  for (let current = node.parent; current && current !== classNode; current = current.parent) {
    if (ts.isConstructorDeclaration(current) || ts.isPropertyDeclaration(current)) return current.parent === classNode;
    if (ts.isFunctionLike(current)) return false;
  }
  return false;
}

/** `destroyRef = inject(DestroyRef)` or `constructor(private destroyRef: DestroyRef)`. */
export function destroyRefMember(classNode: ts.ClassLikeDeclaration): string | undefined {
  for (const member of classNode.members) {
    if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && member.initializer && ts.isCallExpression(member.initializer)
      && member.initializer.expression.getText() === "inject" && member.initializer.arguments[0]?.getText() === "DestroyRef") return member.name.text;
    if (ts.isConstructorDeclaration(member)) {
      const param = member.parameters.find((p) => ts.getModifiers(p)?.length && p.type?.getText() === "DestroyRef" && ts.isIdentifier(p.name));
      if (param) return (param.name as ts.Identifier).text;
    }
  }
  return undefined;
}

/** Angular `@Component`/`@Directive`, a React class component, a Lit element. */
export function isComponentClass(classNode: ts.ClassLikeDeclaration): boolean {
  const decorated = (ts.getDecorators(classNode) ?? []).some((d) => /^(Component|Directive|Pipe)\b/.test(d.expression.getText()));
  const base = classNode.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression.getText() ?? "";
  return decorated || /(^|\.)(Component|PureComponent|LitElement|HTMLElement)$/.test(base) || findTeardown(classNode) !== undefined;
}
