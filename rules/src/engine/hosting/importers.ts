// How a module's importers use it — evidence one file cannot give about itself, read from the
// other files of the run. Two uses change what a finding means:
//   - every importer loads it only in development (`if (NODE_ENV === "development") require("./debug")`):
//     nothing in it runs in production, so none of its findings is a production leak;
//   - every importer passes it as a mixin of the application's root (`createApp({ mixins: [mobile] })`,
//     `new Vue({ mixins: [mobile] })`): its lifecycle hooks run once, when the app mounts, so a
//     listener, timer or entry it adds per mount is added once;
//   - every importer mounts it as the application's root (`root.render(<Provider><Hyper /></Provider>)`,
//     `ReactDOM.render(<App />, el)`, `createApp(Root)`, `mount(App, { target })`): the same, for a
//     root component — and for a component that root components render once, unconditionally
//     (`<TermsContainer />` in the root's returned tree), or wrap (`connect(…)(Terms)` as the
//     default export of a module that is itself mounted so);
//   - every importer of one of its exported functions only calls it at module level
//     (`import initServiceWorker from "@/utils/sw"; initServiceWorker();` in main.js): that function
//     runs once per process, so what it starts "each time it is called" is started once.
//   - every importer is a test file (`import { AdminClient } from "../admin"` only in `tests/*.test.ts`): the module
//     is a test helper, and the built-in test-files defaults apply to it.
// Component importers (`.vue`, `.svelte`) are read through their script view, and their markup says whether a
// child is rendered once (`hosting/markup-uses.ts`); the root layout of SvelteKit (`src/routes/+layout.svelte`) and
// `App.vue` / `App.svelte` are roots by convention. Calls at load include those in once-callbacks and after a
// once-guard (`hosting/once-calls.ts`), and a method of a default-exported object (`listener.listening(…)`).
// Specifiers are relative, `@/…` (the `src/` alias of Vue CLI, Vite and Next.js templates) or `$lib/…` (SvelteKit's `src/lib`).
// A module nothing in the run imports (an entry point, or one only other tools load) keeps its
// findings. Only files with findings are looked up, and only files whose text names the module
// are parsed.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { isFunctionNode } from "../core/ast";
import { isDevelopmentOnly } from "../core/dev-only";
import { isRootComponentFile, repeatsOnItsOwn } from "../analyses/repetition";
import { TEST_FILES_OFF_FAMILIES, TEST_FILES_OFF_RULES, isTestPath } from "../analyses/file-kind";
import type { LintDiagnostic } from "../core/types";
import { rendersOnceInMarkup } from "./markup-uses";
import { runsOncePerLoad } from "./once-calls";
import { componentView, isComponentFile } from "./sfc";
import { relativeImportSites, resolvesTo } from "./import-specifiers";

export type ModuleUse = "development-only" | "root-mixin" | "root-component" | "test-only";

/** Families whose findings say "each time … mounts / runs": a root mixin's hooks run once. */
const PER_MOUNT_FAMILIES = new Set(["listener", "timer", "growth"]);
const ROOT_APP_CALLS = new Set(["createApp", "createSSRApp", "Vue"]);
/** Calls that mount their first argument (a JSX element or a component) as the application's root. */
const MAX_ROOT_DEPTH = 4;
const ROOT_RENDER_CALLS = new Set(["render", "hydrate", "createApp", "createSSRApp", "mount", "hydrateRoot"]);

/** One relative import of a file: its specifier and what the importing code does with it. */
interface ImportUse {
  specifier: string;
  developmentOnly: boolean;
  rootMixin: boolean;
  rootComponent: boolean;
  /** Rendered once in the importer's returned element tree (`<Terms />`, not under `{…}` or in a list). */
  renderedOnce: boolean;
  /** Only wrapped into the importer's default export (`export default connect(…)(Terms)`). */
  wrappedAsDefault: boolean;
  /** The importing file. */
  importer: string;
  /** The imported names ("default" for the default import) this file only calls at module level. */
  calledAtLoad: string[];
  /** Every imported name. */
  names: string[];
}

export class ImporterIndex {
  private readonly texts = new Map<string, string>();
  private readonly imports = new Map<string, ImportUse[]>();

  /** `testHelpers: false` (a config without the built-in test-files defaults) keeps a test helper's findings. */
  constructor(private readonly files: readonly string[], private readonly options: { testHelpers?: boolean } = {}) {}

  /** The diagnostics that stay once the importers' use of `file` is known. */
  filter(file: string, diagnostics: LintDiagnostic[]): LintDiagnostic[] {
    if (!diagnostics.some((d) => d.family !== "engine")) return diagnostics;
    const use = this.useOf(file);
    if (use === "development-only") return diagnostics.filter((d) => d.family === "engine");
    if (use === "root-mixin" || use === "root-component") return diagnostics.filter((d) => !PER_MOUNT_FAMILIES.has(d.family));
    if (use === "test-only") return diagnostics.filter((d) => !TEST_FILES_OFF_FAMILIES.includes(d.family) && !TEST_FILES_OFF_RULES.includes(d.ruleId));
    const once = /\.(vue|svelte)$/.test(file) ? [] : this.onceExports(file); // component files export no functions
    if (once.length === 0) return diagnostics;
    const sourceFile = ts.createSourceFile(file, this.textOf(file), ts.ScriptTarget.Latest, true);
    const functions = exportedFunctions(sourceFile, once);
    return diagnostics.filter((d) => !PER_MOUNT_FAMILIES.has(d.family) || !runsOnceWith(sourceFile, d.start, functions));
  }

  /** Every import mounts the module as the root, or renders or wraps it inside a module mounted so. */
  private isRootMounted(uses: readonly ImportUse[], depth: number): boolean {
    if (uses.length === 0 || depth > MAX_ROOT_DEPTH) return false;
    return uses.every((use) => use.rootComponent
      || ((use.renderedOnce || use.wrappedAsDefault) && (isRootComponentPath(use.importer) || this.isRootMounted(this.usesOf(use.importer), depth + 1))));
  }

  /** The exported names of `file` that every importer importing them only calls at module level. */
  private onceExports(file: string): string[] {
    const uses = this.usesOf(file);
    const names = new Set(uses.flatMap((use) => use.names));
    // `listener.listening()` is a use of the default export too: a plain use of `listener` elsewhere may call anything on it.
    const touches = (use: ImportUse, name: string) => use.names.includes(name) || use.names.includes("*") || (name.startsWith("default.") && use.names.includes("default"));
    return [...names].filter((name) => uses.every((use) => !touches(use, name) || use.calledAtLoad.includes(name)));
  }

  /** What every importer of `file` in the run has in common, when it is one of the uses above. */
  useOf(file: string): ModuleUse | undefined {
    const uses = this.usesOf(file);
    if (uses.length === 0) return undefined;
    if (uses.every((use) => use.developmentOnly)) return "development-only";
    if (uses.every((use) => use.rootMixin)) return "root-mixin";
    if (this.isRootMounted(uses, 0)) return "root-component";
    if (this.options.testHelpers !== false && uses.every((use) => isTestPath(relativeToCommonFolder(use.importer, file))) && !this.importedByPackageName(file)) {
      return "test-only";
    }
    return undefined;
  }

  /**
   * Other code may load `file` in ways this index does not resolve: it is an `index` module or its package's entry
   * (`"main": "src/index.ts"`), or some file of the run names it in a package or path-alias specifier (`"@acme/shared/cache"`).
   */
  private importedByPackageName(file: string): boolean {
    const stem = path.basename(file).replace(/\.[^.]+$/, "");
    if (stem === "index" || isPackageEntry(file)) return true;
    // The specifier ends in the file's folder and name (`…/types/admin` for `shared/types/admin.ts`).
    const tail = [path.basename(path.dirname(file)), stem].map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("/");
    const named = new RegExp(`["'][^."'\\s][^"'\\s]*/${tail}(\\.[cm]?[jt]sx?)?["']`);
    return this.files.some((other) => path.resolve(other) !== path.resolve(file) && named.test(this.textOf(other)));
  }

  /** Every import of `file` in the other files of the run. */
  private usesOf(file: string): ImportUse[] {
    const target = path.resolve(file);
    const stem = path.basename(target).replace(/\.[^.]+$/, "");
    const uses: ImportUse[] = [];
    for (const other of this.files) {
      if (path.resolve(other) === target || !this.textOf(other).includes(stem)) continue;
      uses.push(...this.importsOf(other).filter((use) => resolvesTo(other, use.specifier, target)));
    }
    return uses;
  }

  /** The relative imports of a file and how each is used, parsed once per file (no syntax tree is kept). */
  private importsOf(file: string): ImportUse[] {
    let uses = this.imports.get(file);
    if (!uses) {
      const text = this.textOf(file);
      uses = [];
      if (/["'](\.\.?|@|\$lib)[/"']/.test(text)) {
        const component = isComponentFile(file);
        const view = component ? componentView(file, text) : undefined;
        const sourceFile = ts.createSourceFile(file, view ? view.text : text, ts.ScriptTarget.Latest, true, view?.scriptKind);
        const named = identifiersByName(sourceFile);
        for (const { specifier, node } of relativeImportSites(sourceFile)) {
          const onlyAs = (test: (use: ts.Identifier) => boolean) => defaultBindingOnlyUsedAs(node, named, test);
          const bindings = importedBindings(node);
          if (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly) continue; // loads nothing at run time
          const inMarkup = component && renderedOnlyInMarkup(node, named, file, text);
          const members = defaultMemberCalls(node, named);
          const called = bindings.filter(([name]) => name !== "default" || !members).map(([name, local]) => [name, ts.isExportDeclaration(node) ? [] : usesOf(named, local)] as const);
          const all: Array<readonly [string, ts.Identifier[]]> = [...called, ...(members ?? [])];
          uses.push({
            specifier, importer: file, developmentOnly: isDevelopmentOnly(node), rootMixin: onlyAs(isRootAppMixin), rootComponent: onlyAs(isRootMount),
            renderedOnce: inMarkup || onlyAs(isRenderedOnce), wrappedAsDefault: onlyAs(isWrappedAsDefault),
            names: all.map(([name]) => name), calledAtLoad: all.filter(([, ids]) => ids.length > 0 && ids.every(isOnceCall)).map(([name]) => name),
          });
        }
      }
      this.imports.set(file, uses);
    }
    return uses;
  }

  private textOf(file: string): string {
    let text = this.texts.get(file);
    if (text === undefined) {
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        text = "";
      }
      this.texts.set(file, text);
    }
    return text;
  }
}

/**
 * `import a, { b as c } from "./m"` → [["default", a], ["b", c]]; nothing for `require` or namespace imports. A re-export
 * (`export { b } from "./m"`, `export * from "./m"`) hands its names on to importers elsewhere: ["b", b], ["*", …].
 */
function importedBindings(site: ts.Node): Array<[string, ts.Identifier]> {
  if (ts.isExportDeclaration(site)) {
    const clause = site.exportClause;
    if (!clause) return [["*", ts.factory.createIdentifier("*")]];
    return ts.isNamedExports(clause) ? clause.elements.map((e) => [(e.propertyName ?? e.name).text, e.name] as [string, ts.Identifier]) : [["*", clause.name as ts.Identifier]];
  }
  if (!ts.isImportDeclaration(site) || !site.importClause) return [];
  const result: Array<[string, ts.Identifier]> = [];
  if (site.importClause.name) result.push(["default", site.importClause.name]);
  const named = site.importClause.namedBindings;
  if (named && ts.isNamedImports(named)) for (const element of named.elements) result.push([(element.propertyName ?? element.name).text, element.name]);
  return result;
}

/** Every identifier of the file by its text, with whether it sits in a type (types do not run); one walk per file. */
function identifiersByName(sourceFile: ts.SourceFile): Map<string, Array<{ id: ts.Identifier; inType: boolean }>> {
  const named = new Map<string, Array<{ id: ts.Identifier; inType: boolean }>>();
  const visit = (node: ts.Node, inType: boolean): void => {
    if (ts.isIdentifier(node)) {
      const list = named.get(node.text) ?? [];
      list.push({ id: node, inType });
      named.set(node.text, list);
    }
    ts.forEachChild(node, (child) => visit(child, inType || ts.isTypeNode(node)));
  };
  visit(sourceFile, false);
  return named;
}

/** The uses of an imported binding in the importing file, the import itself left out. */
function usesOf(named: ReadonlyMap<string, ReadonlyArray<{ id: ts.Identifier }>>, local: ts.Identifier): ts.Identifier[] {
  return (named.get(local.text) ?? []).map(({ id }) => id).filter((id) => id !== local && !ts.isImportSpecifier(id.parent));
}

/** `f(…)` (or `obj.m(…)` for a member `id`) that runs once each time the module loads. */
function isOnceCall(id: ts.Identifier): boolean {
  const callee = ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? id.parent : id;
  return ts.isCallExpression(callee.parent) && callee.parent.expression === callee && runsOncePerLoad(callee.parent);
}

/**
 * `import listener from "./listener"` whose every use is a method call `listener.m(…)`: per method, ["default.m", the `m`
 * identifiers]. Undefined when the default binding is missing or used otherwise.
 */
function defaultMemberCalls(site: ts.Node, named: ReadonlyMap<string, ReadonlyArray<{ id: ts.Identifier }>>): Array<[string, ts.Identifier[]]> | undefined {
  const local = ts.isImportDeclaration(site) ? site.importClause?.name : undefined;
  if (!local) return undefined;
  const uses = usesOf(named, local);
  const members = new Map<string, ts.Identifier[]>();
  for (const use of uses) {
    const access = use.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== use || !ts.isIdentifier(access.name)
      || !ts.isCallExpression(access.parent) || access.parent.expression !== access) return undefined;
    const key = `default.${access.name.text}`;
    members.set(key, [...(members.get(key) ?? []), access.name]);
  }
  return members.size > 0 ? [...members] : undefined;
}

/** A component importer that uses the default binding nowhere in its script and renders its tag once, unconditionally. */
function renderedOnlyInMarkup(site: ts.Node, named: ReadonlyMap<string, ReadonlyArray<{ id: ts.Identifier; inType: boolean }>>, file: string, text: string): boolean {
  const local = ts.isImportDeclaration(site) && !site.importClause?.namedBindings ? site.importClause?.name : undefined;
  // `Ref<typeof ImageViewer>` is a type: it renders nothing and loads nothing.
  const inTypes = new Set(local ? (named.get(local.text) ?? []).filter((use) => use.inType).map((use) => use.id) : []);
  if (!local || usesOf(named, local).some((id) => !inTypes.has(id) && !ts.isShorthandPropertyAssignment(id.parent) && !ts.isPropertyAssignment(id.parent))) return false;
  return rendersOnceInMarkup(file, text, local.text);
}

/** The nearest package.json names `file` (without its extension: `src/main` for `src/main.ts`) — its `main`, `exports`, `bin` … */
function isPackageEntry(file: string): boolean {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const relative = path.relative(dir, file).split(path.sep).join("/").replace(/\.[^./]+$/, "");
      try {
        return fs.readFileSync(manifest, "utf8").includes(relative);
      } catch {
        return true; // unreadable: say less
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

/** SvelteKit's root layout, `App.vue`, `App.svelte`: the page's root component by convention. */
function isRootComponentPath(file: string): boolean {
  return isRootComponentFile({ fileName: file } as ts.SourceFile);
}

/** `file`'s path relative to the deepest folder it shares with `other` (a test folder above both does not count). */
function relativeToCommonFolder(file: string, other: string): string {
  const a = path.resolve(file).split(path.sep);
  const b = path.resolve(other).split(path.sep);
  let common = 0;
  while (common < a.length - 1 && common < b.length - 1 && a[common] === b[common]) common++;
  return a.slice(common).join("/");
}

/** The functions the file exports under `names` ("default" included). */
function exportedFunctions(sourceFile: ts.SourceFile, names: readonly string[]): Set<ts.Node> {
  const locals = new Map<string, ts.Node>();
  const found = new Set<ts.Node>();
  const add = (node: ts.Node | undefined): void => {
    if (node && (ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node))) found.add(node);
  };
  const hasModifier = (node: ts.Node, kind: ts.SyntaxKind) => ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
  for (const statement of sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) locals.set(statement.name.text, statement);
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) locals.set(d.name.text, d.initializer);
    }
  }
  for (const statement of sourceFile.statements) {
    const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    if (ts.isFunctionDeclaration(statement) && exported) {
      if (names.includes(hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? "default" : statement.name?.text ?? "")) add(statement);
    } else if (ts.isVariableStatement(statement) && exported) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && names.includes(d.name.text)) add(d.initializer);
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals && names.includes("default")) {
      add(ts.isIdentifier(statement.expression) ? locals.get(statement.expression.text) : statement.expression);
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals && ts.isIdentifier(statement.expression)) {
      // `const listener = {}; listener.listening = (…) => …; export default listener`: its methods by "default.m".
      const object = statement.expression.text;
      for (const s of sourceFile.statements) {
        const assigned = ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken
          ? s.expression : undefined;
        const target = assigned?.left;
        if (target && ts.isPropertyAccessExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === object
          && names.includes(`default.${target.name.text}`)) add(assigned.right);
      }
    }
  }
  return found;
}

/**
 * The code at `offset` runs once per call of one of `functions`: it sits in one, and no function in
 * between repeats on its own (a request handler, an event or interval callback).
 */
function runsOnceWith(sourceFile: ts.SourceFile, offset: number, functions: ReadonlySet<ts.Node>): boolean {
  const path: ts.Node[] = [];
  let node: ts.Node | undefined = sourceFile;
  while (node) {
    path.push(node);
    node = node.getChildren(sourceFile).find((child) => child.getStart(sourceFile) <= offset && offset < child.end);
  }
  const outer = path.findIndex((n) => functions.has(n));
  return outer >= 0 && !path.slice(outer + 1).some((n) => isFunctionNode(n) && repeatsOnItsOwn(n));
}

/** `import mobile from "./mixins/mobile"` whose default binding is used, and only used, the way `test` accepts. */
function defaultBindingOnlyUsedAs(
  site: ts.Node, named: ReadonlyMap<string, ReadonlyArray<{ id: ts.Identifier; inType: boolean }>>, test: (use: ts.Identifier) => boolean,
): boolean {
  if (!ts.isImportDeclaration(site)) return false;
  const name = site.importClause?.name;
  if (!name || site.importClause?.namedBindings) return false;
  const uses = (named.get(name.text) ?? []).filter(({ id, inType }) => id !== name && !inType).map(({ id }) => id);
  return uses.length > 0 && uses.every(test);
}

/** The outermost node of the element tree `node` sits in (`<Provider><Hyper /></Provider>`), not through `{…}` expressions. */
function elementTreeTop(node: ts.Node): ts.Node {
  while (ts.isJsxOpeningElement(node.parent) || ts.isJsxSelfClosingElement(node.parent) || ts.isJsxElement(node.parent)
    || ts.isJsxFragment(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return node;
}

/** `<Terms … />` in the element tree a function returns, not under `{…}`, a condition or a `.map()`. */
function isRenderedOnce(use: ts.Identifier): boolean {
  if (!ts.isJsxOpeningElement(use.parent) && !ts.isJsxSelfClosingElement(use.parent)) return false;
  const node = elementTreeTop(use.parent);
  return ts.isReturnStatement(node.parent) || (ts.isArrowFunction(node.parent) && node.parent.body === node);
}

/** `const TermsContainer = connect(…)(Terms); export default TermsContainer`, or `export default memo(Terms)`. */
function isWrappedAsDefault(use: ts.Identifier): boolean {
  let node: ts.Node = use;
  while (ts.isCallExpression(node.parent) && (node.parent.arguments.includes(node as ts.Expression) || node.parent.expression === node)) node = node.parent;
  if (node === use) return false;
  if (ts.isExportAssignment(node.parent)) return true;
  const declaration = node.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== node || !ts.isIdentifier(declaration.name)) return false;
  const local = declaration.name.text;
  return use.getSourceFile().statements.some((s) => ts.isExportAssignment(s) && !s.isExportEquals && ts.isIdentifier(s.expression) && s.expression.text === local);
}

/** `<Hyper />` inside the first argument of `root.render(…)` / `ReactDOM.render(…)`, or `createApp(App)`, `mount(App, …)`. */
function isRootMount(use: ts.Identifier): boolean {
  const node = elementTreeTop(use);
  const call = node.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== node) return false;
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
  return ROOT_RENDER_CALLS.has(name);
}

function isRootAppMixin(use: ts.Identifier): boolean {
  const array = use.parent;
  if (!ts.isArrayLiteralExpression(array)) return false;
  const property = array.parent;
  if (!ts.isPropertyAssignment(property) || property.name.getText() !== "mixins") return false;
  const options = property.parent;
  const call = options.parent;
  if (!(ts.isCallExpression(call) || ts.isNewExpression(call)) || call.arguments?.[0] !== options) return false;
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
  return ROOT_APP_CALLS.has(name);
}
