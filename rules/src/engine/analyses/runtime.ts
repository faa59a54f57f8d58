// Runtime: where a file's code runs — "browser", "node" or "both" — decided from
// evidence rather than from one rule's regex. Strong evidence: `"use client"` /
// `"use server"`, imports of UI frameworks (React, Vue, Svelte, Next's client modules,
// React Query), JSX, imports of Node builtins, server conventions (Next route handlers
// `app/**/route.ts`, `pages/api/`, server components, `getServerSideProps`, loaders).
// Module names are strong evidence too: `x.server.ts` (the Remix / React Router convention:
// `.server` modules never reach the browser bundle; `.client` is not used, Node API clients are named so). A Node builtin import is one that
// names a builtin exactly (`fs`, `fs/promises`, `node:x`), not a bundler alias that shares its first
// segment (`constants/pluginType` under a `baseUrl`).
// Weak evidence, used only when no strong evidence exists: DOM globals, folder names
// (`client/`, `client-only/`, `browser/`, `public/`, `static/`, `frontend/`, `renderer/`, `web/src/`
// vs `server/`, `server-only/`, `backend/`), a `.server` twin next to the file (`get-file.ts`
// beside `get-file.server.ts`: the plain one is the browser's), `require`, and the tsconfig
// (`lib` with DOM and a `types` list without `node`). Inside a file, server functions (`getServerSideProps`, `loader` …) run
// in Node and effects, event handlers and React Query functions in the browser.
// Server-side rendering counts as Node.
// The package is evidence too (analyses/package-runtime.ts): the files of a package built as a
// browser bundle with no server side, and of an Electron app's renderer folder, run in a browser
// unless their own strong evidence says Node; weak Node evidence (a tsconfig with node types, a
// `require`) does not outweigh it.
import fs from "node:fs";
import { builtinModules } from "node:module";
import ts from "typescript";
import { type FunctionNode, enclosingFunction, isInside, propertyNameText, walk } from "../core/ast";
import { defineAnalysis } from "../core/analysis";
import type { Facts } from "../core/facts";
import { packageRuntimeOf } from "./package-role";

export type Runtime = "browser" | "node" | "both";

export interface RuntimeFacts {
  /** The file's runtime; "both" when the evidence is mixed or absent. */
  readonly file: Runtime;
  /** What decided it, e.g. `import of "react"`, `folder client/`, for explanations. */
  readonly evidence: readonly string[];
  /** The runtime of the code at `node`: the file's, refined by the function it sits in. */
  at(node: ts.Node): Runtime;
  /** `fetch("/api/x")`, `fetch(\`/api/${id}\`)`, `fetch("./x")`: a relative URL only resolves in a browser. */
  hasRelativeUrl(call: ts.CallExpression): boolean;
}

const UI_MODULES = [
  "react", "react-dom", "react-dom/client", "react-native", "next/navigation", "next/router", "next/link", "next/image", "next-auth/react",
  "@tanstack/react-query", "react-query", "swr", "vue", "vue-router", "pinia", "svelte", "svelte/store", "@angular/core", "solid-js", "preact",
];
const DOM_GLOBALS = ["document", "window", "localStorage", "sessionStorage", "navigator", "location", "HTMLElement", "requestAnimationFrame"];
const BROWSER_FOLDERS = /(^|[/\\])(client|client-only|browser|browser-only|public|static|frontend|renderer)[/\\]|(^|[/\\])web[/\\]src[/\\]/;
const SERVER_FOLDERS = /(^|[/\\])(server|server-only|backend)[/\\]/;
/** `get-file.server.ts`: the module's name says it runs on the server. */
const SERVER_MODULE = /\.server\.[cm]?[jt]sx?$/;
const NEXT_SERVER_FILE = /(^|[/\\])app[/\\](.*[/\\])?(route|page|layout|template|loading|not-found|default)\.[cm]?[jt]sx?$/;
const API_ROUTES = /(^|[/\\])pages[/\\]api[/\\]/;
const SERVER_FUNCTIONS = new Set(["getServerSideProps", "getStaticProps", "getStaticPaths", "getInitialProps", "loader", "action", "generateMetadata"]);
const EFFECT_HOOKS = new Set(["useEffect", "useLayoutEffect", "useInsertionEffect", "onMounted", "onMount"]);
const BROWSER_CALLBACK_KEYS = new Set(["queryFn", "mutationFn", "onSuccess", "onError", "onSettled", "onMutate"]);
const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));

/** Each file's runtime, once per file. */
export const runtime = defineAnalysis({
  id: "runtime",
  run: ({ facts, sourceFile }): RuntimeFacts => analyseRuntime(facts, sourceFile),
});

function analyseRuntime(facts: Facts, sourceFile: ts.SourceFile): RuntimeFacts {
  const strongBrowser: string[] = [];
  const strongNode: string[] = [];
  const weakBrowser: string[] = [];
  const weakNode: string[] = [];
  const fileName = sourceFile.fileName;
  const prologue = directivePrologue(sourceFile);

  if (prologue.includes("use client")) strongBrowser.push(`"use client"`);
  if (prologue.includes("use server")) strongNode.push(`"use server"`);
  for (const module of facts.importedModules()) {
    if (UI_MODULES.includes(module)) strongBrowser.push(`import of "${module}"`);
    else if (module.startsWith("node:") || NODE_BUILTINS.has(module)) strongNode.push(`import of "${module}"`);
  }
  if (hasJsx(sourceFile)) strongBrowser.push("JSX");
  if (isServiceWorker(facts, sourceFile)) strongBrowser.push("service worker");
  const components = strongBrowser.length > 0;
  if (API_ROUTES.test(fileName)) strongNode.push("folder pages/api/");
  if (NEXT_SERVER_FILE.test(fileName) && !prologue.includes("use client")) strongNode.push("Next server file without \"use client\"");
  if (exportedServerFunction(sourceFile)) strongNode.push("server data function");
  const serverModule = SERVER_MODULE.test(fileName);
  if (serverModule) strongNode.push(".server module");

  const domUses = DOM_GLOBALS.flatMap((name) => globalUses(facts, name));
  const dom = domUses[0]?.text;
  if (dom) weakBrowser.push(`DOM global \`${dom}\``);
  const folder = BROWSER_FOLDERS.exec(fileName);
  if (folder) weakBrowser.push(`folder ${(folder[2] ?? "web/src")}/`);
  if (SERVER_FOLDERS.test(fileName)) weakNode.push("server folder");
  if (!serverModule && hasServerTwin(fileName)) weakBrowser.push("a .server twin beside it");
  if (facts.identifiersNamed("require").some((id) => ts.isCallExpression(id.parent) && id.parent.expression === id)) weakNode.push("require()");
  const options = facts.hasTypes ? facts.compilerOptions : undefined;
  // `types: ["*"]` (every visible @types package: what a tsconfig without `types` gets) says nothing either way, as a missing list does.
  if (options?.types && !options.types.includes("*")) {
    if (options.types.includes("node")) weakNode.push("tsconfig types: node");
    else if ((options.lib ?? []).some((lib) => /dom/i.test(lib))) weakBrowser.push("tsconfig lib: dom without node types");
  }

  const fromPackage = strongNode.length === 0 ? packageRuntimeOf(fileName) : undefined;
  if (fromPackage) strongBrowser.push(fromPackage.evidence);
  const [browser, node] = strongBrowser.length + strongNode.length > 0 ? [strongBrowser, strongNode] : [weakBrowser, weakNode];
  const file: Runtime = browser.length > 0 && node.length === 0 ? "browser" : node.length > 0 && browser.length === 0 ? "node" : "both";
  const perFunction = new Map<FunctionNode, Runtime | undefined>();

  return {
    file,
    evidence: [...browser, ...node],
    at(target) {
      for (let fn = enclosingFunction(target); fn; fn = enclosingFunction(fn)) {
        let known = perFunction.get(fn);
        if (!perFunction.has(fn)) perFunction.set(fn, (known = functionRuntime(fn, components)));
        if (known) return known;
      }
      // Code whose own function (or top-level statement) touches `document`, `window` … runs in a browser.
      const scope = enclosingFunction(target) ?? topStatement(target);
      return domUses.some((use) => isInside(use, scope)) ? "browser" : file;
    },
    hasRelativeUrl(call) {
      return isRelativeUrl(call.arguments[0]);
    },
  };
}

/** A function that by its place runs in one runtime whatever the file's: server data functions, effects, handlers. */
function functionRuntime(fn: FunctionNode, components: boolean): Runtime | undefined {
  const name = declaredName(fn);
  if (name && SERVER_FUNCTIONS.has(name) && isExported(fn)) return "node";
  if (hasUseServer(fn)) return "node";
  if (!components) return undefined;
  const parent = fn.parent;
  if (ts.isCallExpression(parent) && parent.arguments[0] === fn) {
    const callee = ts.isPropertyAccessExpression(parent.expression) ? parent.expression.name.text : ts.isIdentifier(parent.expression) ? parent.expression.text : "";
    if (EFFECT_HOOKS.has(callee)) return "browser";
  }
  if (ts.isPropertyAssignment(parent) && BROWSER_CALLBACK_KEYS.has(propertyNameText(parent.name) ?? "")) return "browser";
  if (ts.isJsxExpression(parent) && ts.isJsxAttribute(parent.parent) && /^on[A-Z]/.test(parent.parent.name.getText())) return "browser";
  return undefined;
}

function declaredName(fn: FunctionNode): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name) return propertyNameText(fn.name);
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return undefined;
}

function isExported(fn: FunctionNode): boolean {
  const statement = ts.isFunctionDeclaration(fn) ? fn : ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : undefined;
  if (!statement) return false;
  if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return true;
  // `Page.getInitialProps = async () => …` and CommonJS `exports.loader = …`
  return ts.isBinaryExpression(fn.parent);
}

function hasUseServer(fn: FunctionNode): boolean {
  const body = fn.body;
  return !!body && ts.isBlock(body) && directiveTexts(body.statements).includes("use server");
}

function exportedServerFunction(sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some((statement) => {
    if (!(ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))) return false;
    if (ts.isFunctionDeclaration(statement)) return SERVER_FUNCTIONS.has(statement.name?.text ?? "");
    return ts.isVariableStatement(statement)
      && statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && SERVER_FUNCTIONS.has(d.name.text));
  });
}

function directivePrologue(sourceFile: ts.SourceFile): string[] {
  return directiveTexts(sourceFile.statements);
}

function directiveTexts(statements: ts.NodeArray<ts.Statement>): string[] {
  const texts: string[] = [];
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) break;
    texts.push(statement.expression.text);
  }
  return texts;
}

function hasJsx(sourceFile: ts.SourceFile): boolean {
  if (sourceFile.languageVariant !== ts.LanguageVariant.JSX) return false;
  let found = false;
  walk(sourceFile, (node) => {
    if (found) return false;
    if (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node)) found = true;
    return !found;
  });
  return found;
}

/** `get-file.ts` with `get-file.server.ts` in the same folder: the server's code lives in the twin. */
function hasServerTwin(fileName: string): boolean {
  const twin = fileName.replace(/(\.[cm]?[jt]sx?)$/, ".server$1");
  if (twin === fileName || !/[/\\]/.test(fileName)) return false;
  try {
    return fs.statSync(twin).isFile();
  } catch {
    return false;
  }
}

function topStatement(node: ts.Node): ts.Node {
  let top = node;
  while (top.parent && !ts.isSourceFile(top.parent)) top = top.parent;
  return top;
}

const WORKER_EVENTS = new Set(["fetch", "install", "activate", "push", "sync", "notificationclick"]);

/** `self.addEventListener("fetch", …)`, `self.skipWaiting()`, `self.clients.claim()`, a `ServiceWorkerGlobalScope`: a service worker runs in the browser. */
function isServiceWorker(facts: Facts, sourceFile: ts.SourceFile): boolean {
  if (/\bServiceWorkerGlobalScope\b/.test(sourceFile.text)) return true;
  return facts.identifiersNamed("self").some((id) => {
    const access = id.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== id) return false;
    const member = access.name.text;
    if (member === "skipWaiting" || member === "clients" || member === "registration") return true;
    const call = access.parent;
    const event = ts.isCallExpression(call) && call.expression === access ? call.arguments[0] : undefined;
    return member === "addEventListener" && event !== undefined && ts.isStringLiteralLike(event) && WORKER_EVENTS.has(event.text);
  });
}

/** Uses of a DOM global for real: resolved to the global, and not only probed with `typeof` (isomorphic code does that). */
function globalUses(facts: Facts, name: string): ts.Identifier[] {
  return facts.identifiersNamed(name).filter((id) => {
    if (ts.isTypeOfExpression(id.parent)) return false;
    if (ts.isPropertyAccessExpression(id.parent) && id.parent.name === id) return false;
    const qualified = facts.qualifiedName(id);
    return qualified === `global:${name}` || (name === "window" && qualified === "global:");
  });
}

function isRelativeUrl(arg: ts.Expression | undefined): boolean {
  if (!arg) return false;
  const text = ts.isStringLiteralLike(arg) ? arg.text : ts.isTemplateExpression(arg) ? arg.head.text : undefined;
  return text !== undefined && /^(\/(?!\/)|\.\.?\/)/.test(text);
}

