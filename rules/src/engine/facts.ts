// The one place rules ask questions about a file. Each shared analysis is built on
// first use and at most once per file: import-resolved names, references of a
// binding, lifetimes and owners, the acquire → release walk, and type facts when the
// program has resolvable types (otherwise type questions answer `undefined`, and rules
// fall back to names and say less).
import ts from "typescript";
import { type FunctionNode, enclosingFunction, walk } from "./ast";
import { type LeakPath, type TrackedResource, findLeakPath } from "./flow";
import { LifetimeAnalysis } from "./lifetime";
import { NameResolver, formatQualifiedName } from "./names";
import { LOOSE_COMPILER_OPTIONS } from "./project";
import { ScopeIndex, type SymbolSource } from "./scopes";
import type { TypeInfo } from "./types";

export class Facts {
  private namesCache?: NameResolver;
  private lifetimeCache?: LifetimeAnalysis;
  private identifierIndex?: Map<string, ts.Identifier[]>;
  /** The checker's symbols with types; the engine's own scope index without. */
  private readonly symbols: SymbolSource;

  constructor(
    readonly sourceFile: ts.SourceFile,
    private readonly types: TypeInfo | undefined,
  ) {
    this.symbols = types ? new CheckerSymbols(types.checker) : new ScopeIndex();
  }

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

  get lifetime(): LifetimeAnalysis {
    return (this.lifetimeCache ??= new LifetimeAnalysis(this.sourceFile, this.symbols));
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
    const candidates = this.identifiersNamed(name.text);
    return candidates.filter((id) => id !== name && this.symbolAt(id) === symbol);
  }

  /** `this.<member>` and `<instance>.<member>` accesses inside a class. */
  memberReferences(classNode: ts.ClassLikeDeclaration, member: string): ts.PropertyAccessExpression[] {
    const result: ts.PropertyAccessExpression[] = [];
    for (const id of this.identifiersNamed(member)) {
      const access = id.parent;
      if (ts.isPropertyAccessExpression(access) && access.name === id && access.expression.kind === ts.SyntaxKind.ThisKeyword
        && id.pos >= classNode.pos && id.end <= classNode.end) {
        result.push(access);
      }
    }
    return result;
  }

  identifiersNamed(text: string): ts.Identifier[] {
    if (!this.identifierIndex) {
      const index = new Map<string, ts.Identifier[]>();
      walk(this.sourceFile, (node) => {
        if (ts.isIdentifier(node)) {
          const list = index.get(node.text);
          if (list) list.push(node);
          else index.set(node.text, [node]);
        }
      });
      this.identifierIndex = index;
    }
    return this.identifierIndex.get(text) ?? [];
  }

  /** The acquire → release walk over the function (or module) that holds the acquisition. */
  findLeakPath(resource: TrackedResource, scope?: FunctionNode | ts.SourceFile): LeakPath | undefined {
    return findLeakPath(scope ?? enclosingFunction(resource.acquisition) ?? this.sourceFile, resource);
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

  /** The checker's rendering of a type, or undefined without types. */
  typeText(expr: ts.Node): string | undefined {
    return this.types ? this.types.checker.typeToString(this.types.checker.getTypeAtLocation(expr)) : undefined;
  }

  private typeInfo(): TypeInfo {
    if (!this.types) throw new Error("the type checker was asked for in a file analysed without types (check facts.hasTypes first)");
    return this.types;
  }
}

class CheckerSymbols implements SymbolSource {
  constructor(private readonly checker: ts.TypeChecker) {}

  symbolAt(node: ts.Node): ts.Symbol | undefined {
    if (ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node) {
      return this.checker.getShorthandAssignmentValueSymbol(node.parent);
    }
    return this.checker.getSymbolAtLocation(node);
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
