// How a module's importers use it — evidence one file cannot give about itself, read from the
// other files of the run. Two uses change what a finding means:
//   - every importer loads it only in development (`if (NODE_ENV === "development") require("./debug")`):
//     nothing in it runs in production, so none of its findings is a production leak;
//   - every importer passes it as a mixin of the application's root (`createApp({ mixins: [mobile] })`,
//     `new Vue({ mixins: [mobile] })`): its lifecycle hooks run once, when the app mounts, so a
//     listener, timer or entry it adds per mount is added once;
//   - every importer mounts it as the application's root (`root.render(<Provider><Hyper /></Provider>)`,
//     `ReactDOM.render(<App />, el)`, `createApp(Root)`, `mount(App, { target })`): the same, for a
//     root component.
// A module nothing in the run imports (an entry point, or one only other tools load) keeps its
// findings. Only files with findings are looked up, and only files whose text names the module
// are parsed.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { isDevelopmentOnly } from "../core/dev-only";
import type { LintDiagnostic } from "../core/types";

export type ModuleUse = "development-only" | "root-mixin" | "root-component";

const RESOLVE_EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".vue"];
/** Families whose findings say "each time … mounts / runs": a root mixin's hooks run once. */
const PER_MOUNT_FAMILIES = new Set(["listener", "timer", "growth"]);
const ROOT_APP_CALLS = new Set(["createApp", "createSSRApp", "Vue"]);
/** Calls that mount their first argument (a JSX element or a component) as the application's root. */
const ROOT_RENDER_CALLS = new Set(["render", "hydrate", "createApp", "createSSRApp", "mount", "hydrateRoot"]);

/** One relative import of a file: its specifier and what the importing code does with it. */
interface ImportUse {
  specifier: string;
  developmentOnly: boolean;
  rootMixin: boolean;
  rootComponent: boolean;
}

export class ImporterIndex {
  private readonly texts = new Map<string, string>();
  private readonly imports = new Map<string, ImportUse[]>();

  constructor(private readonly files: readonly string[]) {}

  /** The diagnostics that stay once the importers' use of `file` is known. */
  filter(file: string, diagnostics: LintDiagnostic[]): LintDiagnostic[] {
    if (!diagnostics.some((d) => d.family !== "engine")) return diagnostics;
    const use = this.useOf(file);
    if (use === "development-only") return diagnostics.filter((d) => d.family === "engine");
    if (use === "root-mixin" || use === "root-component") return diagnostics.filter((d) => !PER_MOUNT_FAMILIES.has(d.family));
    return diagnostics;
  }

  /** What every importer of `file` in the run has in common, when it is one of the uses above. */
  useOf(file: string): ModuleUse | undefined {
    const target = path.resolve(file);
    const stem = path.basename(target).replace(/\.[^.]+$/, "");
    const uses: ImportUse[] = [];
    for (const other of this.files) {
      if (path.resolve(other) === target || !this.textOf(other).includes(stem)) continue;
      uses.push(...this.importsOf(other).filter((use) => resolvesTo(path.dirname(other), use.specifier, target)));
    }
    if (uses.length === 0) return undefined;
    if (uses.every((use) => use.developmentOnly)) return "development-only";
    if (uses.every((use) => use.rootMixin)) return "root-mixin";
    if (uses.every((use) => use.rootComponent)) return "root-component";
    return undefined;
  }

  /** The relative imports of a file and how each is used, parsed once per file (no syntax tree is kept). */
  private importsOf(file: string): ImportUse[] {
    let uses = this.imports.get(file);
    if (!uses) {
      const text = this.textOf(file);
      uses = [];
      if (/["']\.\.?[/"']/.test(text)) {
        const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
        for (const { specifier, node } of relativeImportSites(sourceFile)) {
          const onlyAs = (test: (use: ts.Identifier) => boolean) => defaultBindingOnlyUsedAs(node, test);
          uses.push({ specifier, developmentOnly: isDevelopmentOnly(node), rootMixin: onlyAs(isRootAppMixin), rootComponent: onlyAs(isRootMount) });
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

/** `import x from "./m"`, `require("./m")`, `import("./m")` with a relative specifier. */
function relativeImportSites(sourceFile: ts.SourceFile): Array<{ specifier: string; node: ts.Node }> {
  const sites: Array<{ specifier: string; node: ts.Node }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith(".")) {
      sites.push({ specifier: node.moduleSpecifier.text, node });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))
      && node.arguments[0].text.startsWith(".")) {
      sites.push({ specifier: node.arguments[0].text, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return sites;
}

function resolvesTo(fromDir: string, specifier: string, target: string): boolean {
  if (!specifier.startsWith(".")) return false;
  const base = path.resolve(fromDir, specifier);
  return RESOLVE_EXTENSIONS.some((ext) => base + ext === target)
    || RESOLVE_EXTENSIONS.some((ext) => ext !== "" && path.join(base, `index${ext}`) === target)
    || base.replace(/\.js$/, ".ts") === target || base.replace(/\.js$/, ".tsx") === target;
}

/** `import mobile from "./mixins/mobile"` whose default binding is used, and only used, the way `test` accepts. */
function defaultBindingOnlyUsedAs(site: ts.Node, test: (use: ts.Identifier) => boolean): boolean {
  if (!ts.isImportDeclaration(site)) return false;
  const name = site.importClause?.name;
  if (!name || site.importClause?.namedBindings) return false;
  const uses: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node !== name && node.text === name.text) uses.push(node);
    ts.forEachChild(node, visit);
  };
  visit(site.getSourceFile());
  return uses.length > 0 && uses.every(test);
}

/** `<Hyper />` inside the first argument of `root.render(…)` / `ReactDOM.render(…)`, or `createApp(App)`, `mount(App, …)`. */
function isRootMount(use: ts.Identifier): boolean {
  let node: ts.Node = use;
  // Up through the element tree it sits in (`<Provider><Hyper /></Provider>`), not through `{…}` expressions.
  while (ts.isJsxOpeningElement(node.parent) || ts.isJsxSelfClosingElement(node.parent) || ts.isJsxElement(node.parent)
    || ts.isJsxFragment(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
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
