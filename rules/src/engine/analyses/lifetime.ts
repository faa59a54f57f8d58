// Lifetimes: how often a function runs (once at module load, per request, per
// component mount, per method call …), who owns the resources it creates (a class
// with a teardown method, a React effect with its cleanup, a VS Code extension's
// subscriptions, a request) and how long a target expression lives (process,
// module binding, static field, instance field, local). Rules ask these questions
// instead of each recognising frameworks on its own.
import ts from "typescript";
import {
  type FunctionNode, calleeMemberName, calleeReceiver, enclosingFunction, functionName, hasModifier, isFunctionNode,
  propertyNameText, thisClass, walk,
} from "../core/ast";
import { defineAnalysis } from "../core/analysis";
import type { SymbolSource } from "../core/scopes";

export type FunctionRole =
  | "module"
  | "request-handler"
  | "react-component"
  | "react-hook"
  | "react-effect"
  | "mount-hook"
  | "teardown"
  | "constructor"
  | "method"
  | "vscode-activate"
  | "callback"
  | "function";

export type Owner =
  | { kind: "class"; classNode: ts.ClassLikeDeclaration; teardown?: ts.MethodDeclaration }
  | { kind: "effect"; effect: FunctionNode; cleanup?: FunctionNode }
  | { kind: "vue-setup"; setup: FunctionNode; unmountHook?: ts.CallExpression }
  | { kind: "vscode"; activate: FunctionNode; context?: string }
  | { kind: "request"; handler: FunctionNode; request?: string; response?: string }
  | { kind: "module" };

export type TargetLifetime = "global" | "module" | "static" | "instance" | "request" | "param" | "local" | "unknown";

/** Methods that tear an object down, in order of preference for fixes. */
export const TEARDOWN_METHODS = [
  "dispose", "close", "stop", "destroy", "shutdown", "teardown", "terminate", "disconnect", "unmount",
  "ngOnDestroy", "componentWillUnmount", "disconnectedCallback", "beforeUnmount", "unmounted", "beforeDestroy",
  "destroyed", "onDestroy", "release", "end",
];
export const MOUNT_METHODS = ["componentDidMount", "ngOnInit", "ngAfterViewInit", "connectedCallback", "mounted", "created", "firstUpdated"];
const EFFECT_HOOKS = ["useEffect", "useLayoutEffect", "useInsertionEffect"];
/** Svelte 5 runes whose callback may return its cleanup, run before each re-run and on unmount. */
const SVELTE_EFFECT_RUNES = ["$effect", "$effect.pre"];
const MOUNT_CALLBACK_HOOKS = ["onMount"]; // Svelte: the returned function is the cleanup
const VUE_MOUNT_HOOKS = ["onMounted", "onBeforeMount", "onActivated"];
export const VUE_UNMOUNT_HOOKS = ["onUnmounted", "onBeforeUnmount", "onDeactivated"];
const HTTP_METHODS = new Set(["get", "post", "put", "delete", "del", "patch", "all", "head", "options", "use", "route"]);
const NEST_DECORATORS = new Set(["Get", "Post", "Put", "Delete", "Patch", "All", "Head", "Options", "Sse", "MessagePattern", "EventPattern"]);
const REQUEST_PARAM_NAMES = new Set(["req", "request", "ctx", "context", "c"]);
const RESPONSE_PARAM_NAMES = new Set(["res", "response", "reply"]);
const GLOBAL_TARGETS = new Set(["process", "window", "document", "globalThis", "global", "self", "navigator", "console"]);

/** Roles of functions, owners of what they create and lifetimes of targets, once per file. */
export const lifetimes = defineAnalysis({
  id: "lifetimes",
  run: ({ sourceFile, facts }) => new LifetimeAnalysis(sourceFile, facts),
});

export class LifetimeAnalysis {
  private readonly roles = new Map<FunctionNode, FunctionRole>();

  constructor(private readonly sourceFile: ts.SourceFile, private readonly symbols: SymbolSource) {}

  roleOf(fn: FunctionNode | undefined): FunctionRole {
    if (!fn) return "module";
    let role = this.roles.get(fn);
    if (!role) {
      role = this.computeRole(fn);
      this.roles.set(fn, role);
    }
    return role;
  }

  /** The role of the code at `node`: its enclosing function's, or "module". */
  roleAt(node: ts.Node): FunctionRole {
    return this.roleOf(enclosingFunction(node));
  }

  /** The nearest enclosing function that plays a framework role (skipping plain callbacks). */
  significantFunction(node: ts.Node): FunctionNode | undefined {
    for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
      if (this.roleOf(fn) !== "callback") return fn;
    }
    return undefined;
  }

  /** Who should release what is created at `node`. */
  ownerOf(node: ts.Node): Owner {
    for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
      const role = this.roleOf(fn);
      if (role === "react-effect" || (role === "mount-hook" && isCallbackOf(fn, MOUNT_CALLBACK_HOOKS))) {
        return { kind: "effect", effect: fn, cleanup: returnedFunction(fn) };
      }
      if (role === "mount-hook" && isCallbackOf(fn, VUE_MOUNT_HOOKS)) {
        const setup = enclosingFunction(fn);
        if (setup) return { kind: "vue-setup", setup, unmountHook: findHookCall(setup, VUE_UNMOUNT_HOOKS) };
      }
      if (role === "request-handler") {
        const [first, second] = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : undefined));
        // Only Node/Express responses (`res`, `response`) are emitters; Koa's second
        // parameter is `next` and Fastify's `reply` has no `.on`.
        const response = second === "res" || second === "response" ? second : undefined;
        return { kind: "request", handler: fn, request: first, response };
      }
      if (role === "vscode-activate") {
        const param = fn.parameters[0];
        return { kind: "vscode", activate: fn, context: param && ts.isIdentifier(param.name) ? param.name.text : undefined };
      }
      if (role === "method" || role === "constructor" || role === "mount-hook" || role === "teardown") {
        const classNode = thisClass(fn.parent ?? fn) ?? (ts.isClassLike(fn.parent) ? fn.parent : undefined);
        if (classNode) return { kind: "class", classNode, teardown: findTeardown(classNode) };
      }
      if (role === "function" || role === "react-component" || role === "react-hook") break;
    }
    const classNode = thisClass(node);
    if (classNode && !enclosingFunction(node)) return { kind: "class", classNode, teardown: findTeardown(classNode) };
    return { kind: "module" };
  }

  /** How long the object an expression denotes lives, relative to the code at `at`. */
  targetLifetime(expr: ts.Expression, at: ts.Node = expr): TargetLifetime {
    if (expr.kind === ts.SyntaxKind.ThisKeyword) return "instance";
    if (ts.isPropertyAccessExpression(expr)) {
      if (expr.expression.kind === ts.SyntaxKind.ThisKeyword) return "instance";
      const base = this.targetLifetime(expr.expression, at);
      if (base === "global" || base === "module") return base;
      if (ts.isIdentifier(expr.expression) && this.isClassIdentifier(expr.expression)) return "static";
      return base;
    }
    if (!ts.isIdentifier(expr)) return "unknown";
    const symbol = this.symbols.symbolAt(expr);
    const decl = symbol?.declarations?.[0];
    if (!decl) return GLOBAL_TARGETS.has(expr.text) ? "global" : "unknown";
    if (decl.getSourceFile() !== this.sourceFile) return decl.getSourceFile().isDeclarationFile ? "global" : "module";
    if (ts.isImportSpecifier(decl) || ts.isImportClause(decl) || ts.isNamespaceImport(decl) || ts.isImportEqualsDeclaration(decl)) {
      return "module";
    }
    const declFn = enclosingFunction(decl);
    if (ts.isParameter(decl)) {
      const owner = decl.parent as ts.Node;
      if (isFunctionNode(owner) && this.roleOf(owner) === "request-handler") return "request";
      return owner === enclosingFunction(at) ? "param" : "local";
    }
    return declFn ? "local" : "module";
  }

  private isClassIdentifier(id: ts.Identifier): boolean {
    const decl = this.symbols.symbolAt(id)?.declarations?.[0];
    return decl !== undefined && ts.isClassLike(decl);
  }

  private computeRole(fn: FunctionNode): FunctionRole {
    if (ts.isConstructorDeclaration(fn)) return "constructor";
    if (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) {
      const name = propertyNameText(fn.name) ?? "";
      if (hasNestRouteDecorator(fn)) return "request-handler";
      if (MOUNT_METHODS.includes(name)) return "mount-hook";
      if (TEARDOWN_METHODS.includes(name)) return "teardown";
      if (ts.isObjectLiteralExpression(fn.parent) && name === "setup") return "react-hook";
      return "method";
    }
    if (looksLikeRequestHandler(fn)) return "request-handler";
    const parent = fn.parent;
    if (ts.isCallExpression(parent) && parent.arguments.includes(fn as ts.Expression)) {
      const callee = calleeMemberName(parent) ?? "";
      const isEffect = EFFECT_HOOKS.includes(callee) || SVELTE_EFFECT_RUNES.includes(parent.expression.getText(this.sourceFile));
      if (isEffect && parent.arguments[0] === fn) return "react-effect";
      if (MOUNT_CALLBACK_HOOKS.includes(callee) || VUE_MOUNT_HOOKS.includes(callee)) return "mount-hook";
      if (isRouteRegistration(parent, fn)) return "request-handler";
      return "callback";
    }
    if (ts.isPropertyAssignment(parent) && propertyNameText(parent.name) === "handler") return "request-handler";
    // `exports.activate = function (context) { … }` is named by the property it is assigned to.
    const name = functionName(fn) ?? (ts.isBinaryExpression(parent) && ts.isPropertyAccessExpression(parent.left) ? parent.left.name.text : "");
    if (name === "activate" && fn.parameters.length > 0 && isExported(fn)) return "vscode-activate";
    if (/^use[A-Z]/.test(name)) return "react-hook";
    // A capitalised function in a JSX-capable file is a component, unless the file constructs it (`new Manager`): an ES5 constructor.
    if (/^[A-Z]/.test(name) && (containsJsx(fn) || (this.sourceFile.languageVariant === ts.LanguageVariant.JSX && !isConstructedInFile(this.sourceFile, name)))) {
      return "react-component";
    }
    return "function";
  }
}

function isCallbackOf(fn: FunctionNode, hooks: readonly string[]): boolean {
  const parent = fn.parent;
  return ts.isCallExpression(parent) && hooks.includes(calleeMemberName(parent) ?? "") && parent.arguments[0] === fn;
}

/** `return () => …` / `return cleanup` at the top level of an effect body. */
export function returnedFunction(fn: FunctionNode): FunctionNode | undefined {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return undefined;
  for (const statement of body.statements) {
    if (!ts.isReturnStatement(statement) || !statement.expression) continue;
    const value = statement.expression;
    if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return value;
  }
  return undefined;
}

export function findTeardown(classNode: ts.ClassLikeDeclaration): ts.MethodDeclaration | undefined {
  let best: ts.MethodDeclaration | undefined;
  let bestRank = Infinity;
  for (const member of classNode.members) {
    if (!ts.isMethodDeclaration(member) || !member.body) continue;
    const name = propertyNameText(member.name) ?? symbolDisposeName(member.name);
    const rank = name === undefined ? -1 : TEARDOWN_METHODS.indexOf(name);
    if (rank >= 0 && rank < bestRank) {
      best = member;
      bestRank = rank;
    }
  }
  return best;
}

/** `[Symbol.dispose]()` and `[Symbol.asyncDispose]()` count as `dispose`. */
export function symbolDisposeName(name: ts.PropertyName): string | undefined {
  if (!ts.isComputedPropertyName(name)) return undefined;
  const text = name.expression.getText();
  return text === "Symbol.dispose" || text === "Symbol.asyncDispose" ? "dispose" : undefined;
}

function findHookCall(scope: FunctionNode, hooks: readonly string[]): ts.CallExpression | undefined {
  const body = scope.body;
  if (!body || !ts.isBlock(body)) return undefined;
  for (const statement of body.statements) {
    if (ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression)
      && hooks.includes(calleeMemberName(statement.expression) ?? "")) {
      return statement.expression;
    }
  }
  return undefined;
}

function paramNames(fn: FunctionNode): string[] {
  return fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ""));
}

/** `(req, res[, next])`, `(request, reply)` or Koa's `(ctx, next)` shapes. */
export function looksLikeRequestHandler(fn: FunctionNode): boolean {
  const [first, second] = paramNames(fn);
  if (!first || !second) return false;
  if ((first === "req" || first === "request") && RESPONSE_PARAM_NAMES.has(second)) return true;
  return first === "ctx" && second === "next";
}

/** `app.get("/path", handler)`, `router.use(handler)`, `http.createServer(handler)`, `server.on("request", handler)`. */
export function isRouteRegistration(call: ts.CallExpression, fn: FunctionNode): boolean {
  const name = calleeMemberName(call) ?? "";
  if (name === "createServer") return true;
  if (name === "on" && ts.isStringLiteralLike(call.arguments[0]) && call.arguments[0].text === "request") return true;
  if (!HTTP_METHODS.has(name) || !calleeReceiver(call)) return false;
  const first = call.arguments[0];
  const hasPath = first !== undefined && first !== fn && (ts.isStringLiteralLike(first) || ts.isRegularExpressionLiteral(first)
    || ts.isTemplateExpression(first) || ts.isArrayLiteralExpression(first));
  const names = paramNames(fn);
  return hasPath ? fn.parameters.length > 0 : names.length >= 2 && REQUEST_PARAM_NAMES.has(names[0]);
}

function hasNestRouteDecorator(fn: ts.MethodDeclaration | ts.AccessorDeclaration): boolean {
  const decorators = ts.canHaveDecorators(fn) ? ts.getDecorators(fn) ?? [] : [];
  return decorators.some((d) => {
    const expr = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    return ts.isIdentifier(expr) && NEST_DECORATORS.has(expr.text);
  });
}

function isExported(fn: FunctionNode): boolean {
  if (hasModifier(fn, ts.SyntaxKind.ExportKeyword)) return true;
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent)) return hasModifier(parent.parent.parent, ts.SyntaxKind.ExportKeyword);
  // exports.activate = function (context) { … } / module.exports = { activate }
  return ts.isBinaryExpression(parent) && /^(module\.)?exports\.activate$/.test(parent.left.getText());
}

function isConstructedInFile(sourceFile: ts.SourceFile, name: string): boolean {
  return new RegExp(`\\bnew\\s+${name.replace(/\$/g, "\\$")}\\b`).test(sourceFile.text);
}

function containsJsx(fn: FunctionNode): boolean {
  let found = false;
  if (fn.body) {
    walk(fn.body, (node) => {
      if (found) return false;
      found = ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node);
      return !found;
    });
  }
  return found;
}
