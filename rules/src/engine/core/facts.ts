// The one place rules ask questions about a file: import-resolved names, references of
// a binding, type facts when the program has resolvable types (otherwise type questions
// answer `undefined`, and rules fall back to names and say less), and the cache of the
// declared shared analyses (lifetimes, owners, flow, runtime …), each built on first use
// and at most once per file.
import ts from "typescript";
import { type Analysis, AnalysisCache } from "./analysis";
import { walk } from "./ast";
import { NameResolver, formatQualifiedName } from "./names";
import { LOOSE_COMPILER_OPTIONS } from "./compiler-options";
import { ScopeIndex } from "./scopes";
import { type PropertyAssignment, type SyntaxIndex, emptySyntaxIndex, indexNode, nodesWithin } from "./syntax-index";
import type { TypeInfo } from "./types";

export class Facts {
  private namesCache?: NameResolver;
  private analyses?: AnalysisCache;
  private syntaxIndex?: SyntaxIndex;
  private modulesCache?: Set<string>;
  /** Every identifier of a binding, by binding: asked once per declaration, and `var` redeclarations share one. */
  private readonly bindingIdentifiers = new Map<ts.Symbol, ts.Identifier[]>();
  /**
   * Which declaration a name refers to, from the engine's scope index in both tiers: it
   * agrees with the binder on variables, and it lets a typed file be linted without
   * binding it or building a checker unless a rule asks a type question.
   */
  private readonly symbols = new ScopeIndex();

  constructor(
    readonly sourceFile: ts.SourceFile,
    /** With types: the program and its checker (`checker` may be a getter that builds it on first use). */
    private readonly types: TypeInfo | undefined,
  ) {}

  /** True when the file is analysed in a typed program (a tsconfig project). */
  get hasTypes(): boolean {
    return this.types !== undefined;
  }

  /** The type checker; only with types (check `hasTypes` first). */
  get checker(): ts.TypeChecker {
    return this.typeInfo().checker;
  }

  /** The typed program; only with types (check `hasTypes` first). */
  get program(): ts.Program {
    return this.typeInfo().program;
  }

  get compilerOptions(): ts.CompilerOptions {
    return this.types?.program.getCompilerOptions() ?? LOOSE_COMPILER_OPTIONS;
  }

  get names(): NameResolver {
    return (this.namesCache ??= new NameResolver(this.symbols));
  }

  /**
   * A shared analysis' result for this file, computed once. Rules go through
   * `context.use`, which checks the declaration; engine helpers call this directly.
   */
  analysis<T>(analysis: Analysis<T>): T {
    return (this.analyses ??= new AnalysisCache(this, this.types?.program)).get(analysis);
  }

  /** "fs:createReadStream", "global:setInterval", "pg:Pool" … or undefined. */
  qualifiedName(expr: ts.Expression): string | undefined {
    const name = this.names.resolve(expr);
    return name && formatQualifiedName(name);
  }

  calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
    return this.qualifiedName(call.expression);
  }

  /** The binding an identifier refers to (for `{ x }`, the variable `x`); compare with `===`. */
  symbolAt(node: ts.Node): ts.Symbol | undefined {
    return this.symbols.symbolAt(node);
  }

  /** Every identifier in this file that refers to the binding `name` declares (the declaration excluded). */
  referencesTo(name: ts.Identifier): ts.Identifier[] {
    const symbol = this.symbolAt(name);
    if (!symbol) return [];
    let all = this.bindingIdentifiers.get(symbol);
    if (!all) {
      // A binding is only visible inside the scope that declares it.
      const scope = this.symbols.scopeOf(symbol) ?? this.sourceFile;
      all = this.identifiersWithin(name.text, scope).filter((id) => this.symbolAt(id) === symbol);
      this.bindingIdentifiers.set(symbol, all);
    }
    return all.filter((id) => id !== name);
  }

  /** `this.<member>` accesses inside a class (`member` may be a private name, `#x`). */
  memberReferences(classNode: ts.ClassLikeDeclaration, member: string): ts.PropertyAccessExpression[] {
    const result: ts.PropertyAccessExpression[] = [];
    if (member.startsWith("#")) {
      // Private names are not identifiers, so the identifier index does not hold them.
      walk(classNode, (node) => {
        if (ts.isPropertyAccessExpression(node) && ts.isPrivateIdentifier(node.name) && node.name.text === member
          && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
          result.push(node);
        }
      });
      return result;
    }
    for (const id of this.identifiersWithin(member, classNode)) {
      const access = id.parent;
      if (ts.isPropertyAccessExpression(access) && access.name === id && access.expression.kind === ts.SyntaxKind.ThisKeyword) {
        result.push(access);
      }
    }
    return result;
  }

  /**
   * `other.member` accesses inside the class whose receiver is not `this`, when the member is `private` (or
   * `#private`): only instances of this class have it there, so `clearInterval(instance.timer)` in a static
   * `stop()` acts on an instance's own field.
   */
  otherInstanceReferences(classNode: ts.ClassLikeDeclaration, member: string): ts.PropertyAccessExpression[] {
    const declared = classNode.members.find((m) => m.name !== undefined && m.name.getText() === member);
    const isPrivate = member.startsWith("#") || (declared !== undefined && ts.canHaveModifiers(declared)
      && (ts.getModifiers(declared)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword) ?? false));
    if (!isPrivate) return [];
    const result: ts.PropertyAccessExpression[] = [];
    walk(classNode, (node) => {
      if (ts.isPropertyAccessExpression(node) && node.name.text === member && node.expression.kind !== ts.SyntaxKind.ThisKeyword) result.push(node);
    });
    return result;
  }

  /** The identifiers spelled `text` inside `node` (a slice of the file's index, found by position). */
  identifiersWithin(text: string, node: ts.Node): ts.Identifier[] {
    const all = this.identifiersNamed(text);
    return node === this.sourceFile ? all : nodesWithin(all, node);
  }

  /** The modules this file imports or requires (`import … from`, `import x = require`, `require(…)`), without `node:`. */
  importedModules(): ReadonlySet<string> {
    if (!this.modulesCache) {
      const modules = new Set<string>();
      const add = (specifier: ts.Node | undefined): void => {
        if (specifier && ts.isStringLiteralLike(specifier)) modules.add(specifier.text.replace(/^node:/, ""));
      };
      for (const statement of this.sourceFile.statements) {
        if (ts.isImportDeclaration(statement)) add(statement.moduleSpecifier);
        else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) add(statement.moduleReference.expression);
      }
      for (const id of this.identifiersNamed("require")) {
        if (ts.isCallExpression(id.parent) && id.parent.expression === id) add(id.parent.arguments[0]);
      }
      this.modulesCache = modules;
    }
    return this.modulesCache;
  }

  /** The syntax index, built by the linter's walk of this file (saves a walk of its own). */
  adoptSyntaxIndex(index: SyntaxIndex): void {
    this.syntaxIndex ??= index;
  }

  /** The classes, functions (not methods) and variable declarations inside `node` (default: the file), in pre-order. */
  declarationsWithin(node: ts.Node = this.sourceFile): readonly ts.Node[] {
    return this.slice(this.indexed().declarations, node);
  }

  /** The calls inside `node` (default: the file), in pre-order: what a walk for calls would visit, without the walk. */
  callsWithin(node: ts.Node = this.sourceFile): readonly ts.CallExpression[] {
    return this.slice(this.indexed().calls, node);
  }

  /** The assignments `a.b = value` inside `node` (default: the file), in pre-order. */
  propertyAssignmentsWithin(node: ts.Node = this.sourceFile): readonly PropertyAssignment[] {
    return this.slice(this.indexed().propertyAssignments, node);
  }

  /** Stores to neither a name nor a property (`x[k] = v`) inside `node` (default: the file), in pre-order. */
  computedStoresWithin(node: ts.Node = this.sourceFile): readonly ts.BinaryExpression[] {
    return this.slice(this.indexed().computedStores, node);
  }

  private slice<T extends ts.Node>(list: readonly T[], node: ts.Node): readonly T[] {
    return node === this.sourceFile ? list : nodesWithin(list, node);
  }

  identifiersNamed(text: string): ts.Identifier[] {
    return this.indexed().identifiers.get(text) ?? [];
  }

  private indexed(): SyntaxIndex {
    if (!this.syntaxIndex) {
      const index = emptySyntaxIndex();
      walk(this.sourceFile, (node) => indexNode(index, node, node.kind));
      this.syntaxIndex = index;
    }
    return this.syntaxIndex;
  }

  /**
   * Whether the type of `expr` is (or derives from) a class or interface with one of
   * `names`. Undefined without types: the caller must fall back to names.
   */
  typeIs(expr: ts.Node, names: readonly string[]): boolean | undefined {
    if (!this.types) return undefined;
    const type = this.types.checker.getTypeAtLocation(expr);
    return typeMatches(this.types.checker, type, new Set(names), 0);
  }

  /** The checker types `expr` as `any` (a package whose types are not installed): its type says nothing. */
  isAnyTyped(expr: ts.Node): boolean {
    return this.types !== undefined && (this.types.checker.getTypeAtLocation(expr).flags & ts.TypeFlags.Any) !== 0;
  }

  /** The checker's rendering of a type, or undefined without types. */
  typeText(expr: ts.Node): string | undefined {
    return this.types ? this.types.checker.typeToString(this.types.checker.getTypeAtLocation(expr)) : undefined;
  }

  private typeInfo(): TypeInfo {
    if (!this.types) throw new Error("the type checker was asked for in a file analysed without types (check facts.hasTypes first)");
    return this.types;
  }
}

function typeMatches(checker: ts.TypeChecker, type: ts.Type, names: ReadonlySet<string>, depth: number): boolean {
  if (depth > 6) return false;
  if (type.isUnion()) return type.types.some((t) => typeMatches(checker, t, names, depth + 1));
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  if (symbol && names.has(symbol.getName())) return true;
  if (type.isClassOrInterface() || (type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)) {
    const target = (type as ts.TypeReference).target ?? type;
    const bases = target.isClassOrInterface() ? checker.getBaseTypes(target) : [];
    return bases.some((base) => typeMatches(checker, base, names, depth + 1));
  }
  return false;
}
