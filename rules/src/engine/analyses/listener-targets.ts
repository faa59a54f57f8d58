// Listener targets: whether the object a listener is added to outlives the code that adds it
// (a global, a module-level or static binding, a service injected into a component, a component's
// props seen from its effects, a server passed in), with the phrase a message names it by.
import ts from "typescript";
import { lifetimes } from "./lifetime";
import { programCalls } from "./program-calls";
import { propertyNameText } from "../core/ast";
import type { Facts } from "../core/facts";
import { skipOuterExpressions } from "../core/names";

/**
 * Whether `target` outlives a registration made at `at`, with a phrase for the
 * message: the process and browser globals, module-level and static bindings,
 * services injected into a component (constructor parameter properties,
 * `this.props.*`), and a component's props seen from its effects.
 */
export function longLivedTarget(facts: Facts, target: ts.Expression, at: ts.Node): string | undefined {
  const root = rootOf(target);
  const text = target.getText();
  const lifetime = facts.analysis(lifetimes).targetLifetime(target, at);
  if (lifetime === "global") return `\`${text}\` (a global)`;
  if (lifetime === "module") return isModuleObject(facts, root) || isCreatedBefore(facts, root, at) ? undefined : `the module-level \`${text}\``;
  if (lifetime === "static") return `the static \`${text}\``;
  if (root.kind === ts.SyntaxKind.ThisKeyword && ts.isPropertyAccessExpression(target)) {
    const first = firstMember(target);
    if (first === "props") return `\`${text}\` (from the component's props, which outlive it)`;
    // `this.el.nativeElement`: an Angular `ElementRef` is the directive's own host element, which goes with it.
    if (first && isInjectedMember(facts, target, first) && !/\.nativeElement$/.test(text)) return `the injected \`${text}\``;
    return undefined;
  }
  if (ts.isIdentifier(root) && isPropsOfEnclosingComponent(facts, root, at)) return `\`${text}\` (from the component's props, which outlive the effect)`;
  if (root === target && ts.isIdentifier(root) && isServerParameter(facts, root)) return `the server \`${text}\` (a parameter: a server outlives the calls it is passed to)`;
  return undefined;
}

/** Calls that make a new object by name: `spawn(…)`, `fork(…)`, `net.connect(…)`, `http.createServer(…)`. */
const CREATING_CALL = /^(spawn|fork|exec|execFile|connect|create[A-Z]\w*)$/;

/** `new X(…)`, or a call of a creating function (awaited or not). */
function createsObject(expr: ts.Expression): boolean {
  const value = ts.isAwaitExpression(expr) ? skipOuterExpressions(expr.expression) : expr;
  if (ts.isNewExpression(value)) return true;
  if (!ts.isCallExpression(value)) return false;
  const callee = value.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
  return CREATING_CALL.test(name) || (STARTING_CALL.test(name) && value.arguments.length === 0) || value.arguments.some((a) => createsObject(skipOuterExpressions(a)));
}

/** Calls that start a new instance of something: `startBrowserInstance()`, `launchBrowser()`, `openConnection()`. */
const STARTING_CALL = /^(start|launch|open|spawn)[A-Z]\w*$/;

/**
 * `const result = await tryCatch(startBrowser()); browser = result.data`: a property of a local `const` that holds
 * what a creating call just made (see `createsObject`), read in the same function.
 */
function isCreatedResult(facts: Facts, expr: ts.Expression, at: ts.Node): boolean {
  const inner = skipOuterExpressions(expr);
  if (!ts.isPropertyAccessExpression(inner) || !ts.isIdentifier(inner.expression)) return false;
  const decl = facts.symbolAt(inner.expression)?.declarations?.[0];
  return decl !== undefined && ts.isVariableDeclaration(decl) && (decl.parent.flags & ts.NodeFlags.Const) !== 0 && decl.initializer !== undefined
    && ts.findAncestor(decl, ts.isFunctionLike) === ts.findAncestor(at, ts.isFunctionLike) && createsObject(skipOuterExpressions(decl.initializer));
}

/**
 * `win = new BrowserWindow(o); win.on("closed", …)`, `child = spawn(cmd); child.on("exit", …)`: a module-level variable that the
 * same function has just pointed at a new object — the listener is on that new object,
 * which lives as long as the variable keeps it, not on a long-lived target. The
 * assignment must be a statement of a block that holds the registration, before it.
 */
function isCreatedBefore(facts: Facts, root: ts.Expression, at: ts.Node): boolean {
  if (!ts.isIdentifier(root)) return false;
  const symbol = facts.symbolAt(root);
  if (!symbol) return false;
  for (let block: ts.Node | undefined = at.parent; block && !ts.isSourceFile(block); block = block.parent) {
    if (ts.isFunctionLike(block)) return false;
    if (!ts.isBlock(block)) continue;
    for (const statement of block.statements) {
      if (statement.pos >= at.pos) break;
      if (!ts.isExpressionStatement(statement)) continue;
      const expr = statement.expression;
      if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(expr.left)
        && facts.symbolAt(expr.left) === symbol && (createsObject(skipOuterExpressions(expr.right)) || isCreatedResult(facts, expr.right, at))) return true;
    }
  }
  return false;
}

/** Server types whose instances live as long as the process serves: http/https/net/tls/http2 servers, `ws`' WebSocketServer, socket.io. */
const SERVER_TYPES = ["Server", "WebSocketServer", "Http2Server", "Http2SecureServer"];
const SERVER_NAME = /^(server|httpServer|httpsServer|wss)$/;

/** A parameter holding a server: by its type when types exist (`typeIs`), else by its name. */
function isServerParameter(facts: Facts, id: ts.Identifier): boolean {
  const decl = facts.symbolAt(id)?.declarations?.[0];
  if (!decl || !ts.isParameter(decl)) return false;
  return facts.typeIs(id, SERVER_TYPES) ?? SERVER_NAME.test(id.text);
}

export function rootOf(expr: ts.Expression): ts.Expression {
  let current = expr;
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current) || ts.isNonNullExpression(current)
    || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
}

function firstMember(expr: ts.PropertyAccessExpression): string | undefined {
  let current: ts.Expression = expr;
  while (ts.isPropertyAccessExpression(current) && ts.isPropertyAccessExpression(current.expression)) current = current.expression;
  return ts.isPropertyAccessExpression(current) && current.expression.kind === ts.SyntaxKind.ThisKeyword ? current.name.text : undefined;
}

/** An imported module object (`events`, `vscode`) is not a target itself: `events.on(emitter, …)` is a helper. */
export function isModuleObject(facts: Facts, root: ts.Expression): boolean {
  if (!ts.isIdentifier(root)) return false;
  const decl = facts.symbolAt(root)?.declarations?.[0];
  if (!decl) return false;
  const specifier = ts.isNamespaceImport(decl) ? decl.parent.parent.moduleSpecifier
    : ts.isImportClause(decl) ? decl.parent.moduleSpecifier
    : ts.isVariableDeclaration(decl) && decl.initializer && ts.isCallExpression(decl.initializer) && ts.isIdentifier(decl.initializer.expression)
      && decl.initializer.expression.text === "require" ? decl.initializer.arguments[0]
    : ts.isImportEqualsDeclaration(decl) && ts.isExternalModuleReference(decl.moduleReference) ? decl.moduleReference.expression
    : undefined;
  // A package's module object is an API namespace; a relative import may well be a shared emitter.
  return specifier !== undefined && ts.isStringLiteralLike(specifier) && !specifier.text.startsWith(".");
}

/** `constructor(private bus: Bus)` or `bus = inject(Bus)`: a service that outlives the component. */
function isInjectedMember(facts: Facts, target: ts.Expression, member: string): boolean {
  let classNode: ts.Node | undefined = target;
  while (classNode && !ts.isClassLike(classNode)) classNode = classNode.parent;
  if (!classNode || !ts.isClassLike(classNode)) return false;
  for (const m of classNode.members) {
    if (ts.isConstructorDeclaration(m)) {
      const index = m.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === member && ts.getModifiers(p)?.length);
      // `new Cursor(this.pool.request(), q)` at every construction (typed tier): the instance's own request, not a shared service.
      if (index >= 0) return facts.analysis(programCalls)?.givenOwnObject(classNode, index) !== true;
    } else if (ts.isPropertyDeclaration(m) && propertyNameText(m.name) === member && m.initializer && ts.isCallExpression(m.initializer)) {
      if (ts.isIdentifier(m.initializer.expression) && m.initializer.expression.text === "inject") return true;
    }
  }
  return false;
}

/** `props.store` / a destructured prop, used inside an effect of the component that received it. */
function isPropsOfEnclosingComponent(facts: Facts, root: ts.Identifier, at: ts.Node): boolean {
  const decl = facts.symbolAt(root)?.declarations?.[0];
  if (!decl) return false;
  let param: ts.Node = decl;
  while (ts.isBindingElement(param) || ts.isObjectBindingPattern(param)) param = param.parent;
  if (!ts.isParameter(param)) return false;
  const fn = param.parent;
  const role = facts.analysis(lifetimes).roleOf(fn as never);
  if (role !== "react-component" && role !== "react-hook") return false;
  return facts.analysis(lifetimes).roleAt(at) === "react-effect";
}
