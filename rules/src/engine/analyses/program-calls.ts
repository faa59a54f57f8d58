// Program-wide call sites: with a typed program, who calls an exported function across
// all of its files. Repetition asks it whether a function's every caller runs once — the
// module's top level, an IIFE, `main()` / `bootstrap()` / `activate()`, a promise callback
// there (`app.whenReady().then(…)`, `connect().then(…)`) — so code in that function starts once, not per call.
import path from "node:path";
import ts from "typescript";
import { defineAnalysis } from "../core/analysis";
import { isTestPath } from "./file-kind";
import { type FunctionNode, callableName, declaredName, enclosingFunction, isFunctionNode, isIife, isInside } from "../core/ast";
import { inlineLoopStart, isOnceThen, isOneShotListener, loopStart, runsOnce } from "./once-sites";

/** How many callers up `everyCallRunsOnce` follows (a boot step → the container's boot → the app's boot → its entry). */
const MAX_CALLER_DEPTH = 5;

export class ProgramCalls {
  private readonly byName = new Map<string, ts.Identifier[]>();

  constructor(private readonly program: ts.Program) {}

  /** The program's checker, for questions about nodes of its other files. */
  get checker(): ts.TypeChecker {
    return this.program.getTypeChecker();
  }

  /**
   * True when `fn` (a named function declaration or `const f = () => …`) has at least one
   * caller in the program's own files, every reference to it outside imports and exports
   * is a direct call, and every such call runs once.
   */
  calledOnlyOnce(fn: FunctionNode): boolean {
    return declaredName(fn) !== undefined && this.everyCall(fn, runsOnce);
  }

  /**
   * True when `classNode` is constructed in the program's own (non-test) files, and every `new C(…)` runs
   * once (the top level, an IIFE, `main()` / `activate()`, `app.whenReady().then(…)`): one instance per
   * process or extension host, which what it starts outlives by design.
   */
  constructedOnlyOnce(classNode: ts.ClassLikeDeclaration, depth = 0): boolean {
    const sites = this.constructions(classNode);
    return sites !== undefined && sites.length > 0 && sites.every((site) => this.startsOnce(site, depth));
  }

  /**
   * The construction or call `site` runs once: it does by itself (see `runsOnce`), or it is made — directly or in
   * callbacks that run as often as their host, two levels up at most — by the constructor of a class constructed only once (`this.config = new ConfigProvider()` in the
   * app's one `AppServiceContainer`), or by a function or method every call of which runs once.
   */
  startsOnce(site: ts.CallExpression | ts.NewExpression, depth = 0): boolean {
    if (runsOnce(site)) return true;
    // Through callbacks that run as often as their host (an IIFE, a promise reaction, a one-shot event's listener).
    let maker = enclosingFunction(site);
    while (maker && (isIife(maker) || isOnceThen(maker) || isOneShotListener(maker))) maker = enclosingFunction(maker);
    if (!maker || depth >= 2) return false;
    if (ts.isConstructorDeclaration(maker)) return this.constructedOnlyOnce(maker.parent, depth + 1);
    return enclosingFunction(maker) === undefined && this.everyCallRunsOnce(maker, depth + 1);
  }

  /** The `new C(…)` expressions of `classNode` in the program's own non-test files; undefined when it cannot tell. */
  private constructions(classNode: ts.ClassLikeDeclaration): ts.NewExpression[] | undefined {
    const references = classNode.name ? this.referencesOf(classNode.name) : this.defaultImportReferences(classNode);
    if (!references) return undefined;
    const found: ts.NewExpression[] = [];
    for (const id of references) {
      if (this.isTestFile(id.getSourceFile())) continue;
      if (ts.findAncestor(id, (n) => ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isExportAssignment(n))) continue;
      const use = id.parent;
      if (ts.isNewExpression(use) && use.expression === id) found.push(use);
      // A type, or a static member read (`C.instance`), makes no instance. Anything else — a subclass's
      // `extends`, a registry, a factory — hands the class on: instances may be made anywhere.
      else if (!ts.isTypeReferenceNode(use) && !ts.isTypeQueryNode(use) && !(ts.isPropertyAccessExpression(use) && use.expression === id)) return undefined;
    }
    return found;
  }

  /**
   * True when `classNode` is constructed in the program's own (non-test) files, and every `new C(…)` passes, at
   * parameter `index`, an object made for that construction: `new Cursor(this.pool.request(), q)`, `new X(new Y())`,
   * or a `const` of the constructing function initialised so (`const dap = connection.dap(); new Adapter(dap)`).
   * Each instance then has its own object there, and a listener the instance adds to it goes with both.
   */
  givenOwnObject(classNode: ts.ClassLikeDeclaration, index: number): boolean {
    const sites = this.constructions(classNode);
    return sites !== undefined && sites.length > 0 && sites.every((site) => {
      const argument = site.arguments?.[index];
      return argument !== undefined && isMadeFor(this.checker, argument, site);
    });
  }

  /**
   * True when every `new C(…)` of `classNode` in the program's own (non-test) files — at least one — is a
   * creator's constructor keeping the instance in its own field (`this.loadingScreen = new LoadingScreen(this.win)`)
   * and passing, at parameter `index`, something the creator itself holds (`this`, `this.win`). Then each instance
   * lives one-to-one with its creator, and what it was handed at `index` goes with both: a listener on it ends with them.
   */
  constructedOnePerCreator(classNode: ts.ClassLikeDeclaration, index: number): boolean {
    const name = classNode.name;
    if (!name) return false;
    let constructions = 0;
    for (const id of this.referencesOf(name)) {
      const created = id.parent;
      if (!ts.isNewExpression(created) || created.expression !== id || this.isTestFile(id.getSourceFile())) continue;
      const kept = created.parent;
      const argument = created.arguments?.[index];
      if (!ts.isBinaryExpression(kept) || kept.right !== created || kept.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !isThisMember(kept.left)
        || !argument || !(argument.kind === ts.SyntaxKind.ThisKeyword || isThisMember(argument)) || !ts.isConstructorDeclaration(enclosingFunction(created) ?? created)) {
        return false;
      }
      constructions++;
    }
    return constructions > 0;
  }

  /**
   * True when `fn` (a function, `const f = () => …`, or a method) is called somewhere in the program's own
   * files, every reference to it is a direct call, and each passes a constant expression at `index`
   * (`channels.get("CMake Diagnostics")`): the values that parameter takes are the program's constants.
   */
  passesOnlyLiterals(fn: FunctionNode, index: number): boolean {
    return this.everyCall(fn, (call) => call.arguments[index] !== undefined && isConstantExpression(call.arguments[index]));
  }

  /**
   * True when method (or function) `fn` is called in the program's own files, and every call runs once (see
   * `calledOnlyOnce`) or is made by a method (a function) every call of which does, followed three calls up.
   */
  everyCallRunsOnce(fn: FunctionNode, depth = 0): boolean {
    return this.everyCall(fn, (call) => {
      if (runsOnce(call)) return true;
      const caller = enclosingFunction(call);
      return caller !== undefined && caller !== fn && depth < MAX_CALLER_DEPTH && this.everyCallRunsOnce(caller, depth + 1);
    });
  }

  /**
   * True when the timer loop `fn` is started somewhere in the program's own files and every start runs once
   * (see `startsOnce`): a call `fn()`, or `fn` handed to a one-shot callback host (`setTimeout(fn, ms)`,
   * `.then(fn)`), its own re-scheduling inside `fn` left out. One loop for the process, as a module-level interval.
   */
  everyStartRunsOnce(fn: FunctionNode): boolean {
    const direct = inlineLoopStart(fn);
    if (direct) return this.startsOnce(direct);
    const name = callableName(fn);
    if (!name) return false;
    let starts = 0;
    for (const id of this.referencesOf(name)) {
      if (isInside(id, fn) || ts.findAncestor(id, (n) => ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isExportAssignment(n))) continue;
      const site = loopStart(id);
      if (!site || !this.startsOnce(site)) return false;
      starts++;
    }
    return starts > 0;
  }

  /**
   * True when `fn` (a function, `const f = () => …`, or a method) is called somewhere in the program's own
   * files, every reference to it outside imports and exports is a direct call, and `test` holds for each call.
   */
  everyCall(fn: FunctionNode, test: (call: ts.CallExpression) => boolean): boolean {
    const name = callableName(fn) ?? objectMemberName(fn);
    if (!name) return false;
    let calls = 0;
    for (const id of [...this.referencesOf(name), ...this.baseMethodReferences(fn)]) {
      // `export default f` hands `f` on; a call inside a function of `export default { start: () => f() }` is a call.
      if (ts.findAncestor(id, (n) => isFunctionNode(n) ? "quit" : ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isExportAssignment(n))) continue;
      const callee = ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? id.parent : id;
      const call = callee.parent;
      if (!ts.isCallExpression(call) || call.expression !== callee || !test(call)) return false;
      calls++;
    }
    return calls > 0;
  }

  /**
   * The references to the methods `fn` overrides in its base classes (`provider.boot()` on a `ProviderContract`
   * reaches `FSAL.boot()`): calls made through the base type may run it too.
   */
  private baseMethodReferences(fn: FunctionNode): ts.Identifier[] {
    if (!ts.isMethodDeclaration(fn) || !ts.isIdentifier(fn.name) || !ts.isClassLike(fn.parent)) return [];
    const checker = this.checker;
    const found: ts.Identifier[] = [];
    const classType = checker.getTypeAtLocation(fn.parent);
    for (const base of classType.isClassOrInterface() ? checker.getBaseTypes(classType) : []) {
      const declarations: ts.Declaration[] = base.getProperty(fn.name.text)?.declarations ?? [];
      for (const decl of declarations) {
        const declName: ts.PropertyName | undefined = ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl) ? decl.name : undefined;
        if (declName && ts.isIdentifier(declName) && declName !== fn.name) found.push(...this.referencesOf(declName));
      }
    }
    return found;
  }

  /**
   * True when the component `name` declares is used somewhere in the program's own (non-test) files, and
   * every use is the tag of a JSX element written in a module's top-level code (`root.render(<GlobalState>…)`
   * in the entry): the component is the page's root, mounted once per page load.
   */
  renderedOnlyAtLoad(name: ts.Identifier): boolean {
    let uses = 0;
    for (const id of this.referencesOf(name)) {
      if (this.isTestFile(id.getSourceFile())) continue;
      if (ts.findAncestor(id, (n) => ts.isImportDeclaration(n) || ts.isExportDeclaration(n))) continue;
      // `export default withTranslation()(GlobalState)`: the wrapped component is what other modules render.
      const wrapped = wrappingDefaultExport(id);
      if (wrapped) {
        const renders = this.identifiersNamed(name.text).filter((use) => this.denotes(use, wrapped));
        if (renders.length === 0 || !renders.every(isTopLevelJsxTag)) return false;
        uses += renders.length;
        continue;
      }
      if (ts.findAncestor(id, ts.isExportAssignment) || !isTopLevelJsxTag(id)) return false;
      uses++;
    }
    return uses > 0;
  }

  /** `use` (a JSX tag, say) refers, through its import, to what the `export default` statement exports. */
  private denotes(use: ts.Identifier, exported: ts.ExportAssignment): boolean {
    if (!isJsxTag(use)) return false;
    const checker = this.program.getTypeChecker();
    const symbol = checker.getSymbolAtLocation(use);
    const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return target?.declarations?.includes(exported) === true;
  }

  /** The identifiers in the program's own files that refer to what `name` declares (through imports too), the declaration itself left out. */
  private referencesOf(name: ts.Identifier): ts.Identifier[] {
    const checker = this.program.getTypeChecker();
    const target = checker.getSymbolAtLocation(name);
    if (!target) return [];
    return this.identifiersNamed(name.text).filter((id) => {
      if (id === name) return false;
      let symbol = checker.getSymbolAtLocation(id);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      // A member read through an instance may be a transient copy of the declared symbol: same declarations.
      return symbol === target || (symbol !== undefined && (symbol.flags & ts.SymbolFlags.Transient) !== 0
        && symbol.declarations?.some((d) => target.declarations?.includes(d)) === true);
    });
  }

  private isTestFile(file: ts.SourceFile): boolean {
    return isProgramTestFile(this.program, file);
  }

  /**
   * `export default class { … }`: the uses, in the program's own files, of the names other modules import it by
   * (`import AppEventHandler from "./AppEventHandler"`); undefined for an anonymous class that is not the default export.
   */
  private defaultImportReferences(classNode: ts.ClassLikeDeclaration): ts.Identifier[] | undefined {
    if (!ts.isClassDeclaration(classNode) || !ts.getModifiers(classNode)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) return undefined;
    const checker = this.program.getTypeChecker();
    const found: ts.Identifier[] = [];
    for (const file of this.program.getSourceFiles()) {
      if (file.isDeclarationFile || /[\\/]node_modules[\\/]/.test(file.fileName)) continue;
      for (const statement of file.statements) {
        const local = ts.isImportDeclaration(statement) ? statement.importClause?.name : undefined;
        if (!local) continue;
        const symbol = checker.getSymbolAtLocation(local);
        const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (!target?.declarations?.includes(classNode)) continue;
        const visit = (node: ts.Node): void => {
          if (ts.isIdentifier(node) && node.text === local.text && node !== local && checker.getSymbolAtLocation(node) === symbol) found.push(node);
          ts.forEachChild(node, visit);
        };
        visit(file);
      }
    }
    return found;
  }

  private identifiersNamed(text: string): ts.Identifier[] {
    let found = this.byName.get(text);
    if (found) return found;
    found = [];
    for (const file of this.program.getSourceFiles()) {
      if (file.isDeclarationFile || /[\\/]node_modules[\\/]/.test(file.fileName) || !file.text.includes(text)) continue;
      const visit = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && node.text === text) found!.push(node);
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    this.byName.set(text, found);
    return found;
  }
}

/** A test file, by its path inside the project (the tsconfig's folder), so that a project under `test/` is not all tests. */
export function isProgramTestFile(program: ts.Program, file: ts.SourceFile): boolean {
  const config = program.getCompilerOptions().configFilePath;
  const base = typeof config === "string" ? path.dirname(config) : program.getCurrentDirectory();
  return isTestPath(path.relative(base, file.fileName));
}

/**
 * An expression built from literals only, so it takes one value per process: `"x"`, `42`,
 * `` `CMake/${localize("build.title", "Build")}` ``, a call whose arguments are such expressions.
 */
export function isConstantExpression(expr: ts.Expression, depth = 0): boolean {
  if (depth > 3) return false;
  if (ts.isStringLiteralLike(expr) || ts.isNumericLiteral(expr)) return true;
  if (ts.isParenthesizedExpression(expr)) return isConstantExpression(expr.expression, depth + 1);
  if (ts.isTemplateExpression(expr)) return expr.templateSpans.every((span) => isConstantExpression(span.expression, depth + 1));
  if (ts.isCallExpression(expr)) {
    return (ts.isIdentifier(expr.expression) || ts.isPropertyAccessExpression(expr.expression)) && expr.arguments.length > 0
      && expr.arguments.every((arg) => isConstantExpression(arg, depth + 1));
  }
  return false;
}

function isJsxTag(id: ts.Identifier): boolean {
  const element = id.parent;
  return (ts.isJsxOpeningElement(element) || ts.isJsxSelfClosingElement(element) || ts.isJsxClosingElement(element)) && element.tagName === id;
}

/** The tag of a JSX element written in a module's top-level code. */
function isTopLevelJsxTag(id: ts.Identifier): boolean {
  return isJsxTag(id) && enclosingFunction(id) === undefined;
}

/** `export default hoc(C)`, `export default withX()(C)`: the export statement that wraps the component `id` names. */
function wrappingDefaultExport(id: ts.Identifier): ts.ExportAssignment | undefined {
  let current: ts.Node = id;
  for (let depth = 0; depth < 3 && ts.isCallExpression(current.parent) && current.parent.arguments.includes(current as ts.Expression); depth++) {
    current = current.parent;
  }
  return current !== id && ts.isExportAssignment(current.parent) ? current.parent : undefined;
}

/** `this.x` (or `this.x.y`). */
/** Calls that hand out a shared object rather than make one: `getBus()`, `inject(Store)`, `useStore()`, `require(…)`, `Foo.instance()`. */
const SHARED_ACCESSOR = /^(get|inject|use[A-Z]|require|resolve|instance|shared|current|default|lookup|find)/;

/** `argument` of the construction `site` is made for it: a `new`, a call that is not an accessor, or a `const` of the same function so made. */
function isMadeFor(checker: ts.TypeChecker, argument: ts.Expression, site: ts.NewExpression, depth = 0): boolean {
  let value = argument;
  while (ts.isParenthesizedExpression(value) || ts.isAwaitExpression(value) || ts.isNonNullExpression(value)) value = value.expression;
  if (ts.isNewExpression(value)) return true;
  if (ts.isCallExpression(value)) {
    const callee = value.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    return name !== undefined && !SHARED_ACCESSOR.test(name);
  }
  if (!ts.isIdentifier(value) || depth > 0) return false;
  const decl = checker.getSymbolAtLocation(value)?.valueDeclaration;
  // `const dap = connection.dap(); new Adapter(dap)`: a `const` of the constructing function, so made.
  return decl !== undefined && ts.isVariableDeclaration(decl) && (decl.parent.flags & ts.NodeFlags.Const) !== 0 && decl.initializer !== undefined
    && enclosingFunction(decl) === enclosingFunction(site) && enclosingFunction(site) !== undefined && isMadeFor(checker, decl.initializer, site, depth + 1);
}

function isThisMember(expr: ts.Expression): boolean {
  let current = expr;
  while (ts.isPropertyAccessExpression(current)) current = current.expression;
  return current !== expr && current.kind === ts.SyntaxKind.ThisKeyword;
}

/** `{ initialize: () => instance.init() }`: a function that is an object literal's property, by the property's name. */
function objectMemberName(fn: FunctionNode): ts.Identifier | undefined {
  const property = fn.parent;
  return ts.isPropertyAssignment(property) && property.initializer === fn && ts.isIdentifier(property.name)
    && ts.isObjectLiteralExpression(property.parent) ? property.name : undefined;
}

/** Program-wide call sites (typed tier only: undefined without a program). */
export const programCalls = defineAnalysis<ProgramCalls | undefined>({
  id: "program-calls",
  scope: "program",
  run: ({ program }) => (program ? new ProgramCalls(program) : undefined),
});
