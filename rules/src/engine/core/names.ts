// Import-resolved names: turns an expression such as `fs.createReadStream`,
// `createReadStream` (from `import { createReadStream } from "node:fs"`),
// `require("fs").promises.open` or `window.setInterval` into a qualified name
// "module:path" ("fs:createReadStream", "fs:promises.open", "global:setInterval").
//
// It works on syntax plus scopes (the checker's symbols with types, the engine's scope
// index without: engine/scopes.ts), so it
// answers the same with or without resolvable types: a local `function setInterval`
// shadows the global, an alias `const { createReadStream: open } = require("fs")`
// is followed back to its module.
import ts from "typescript";
import type { SymbolSource } from "./scopes";

export interface QualifiedName {
  module: string;
  path: string[];
}

const GLOBAL_OBJECTS = new Set(["globalThis", "window", "global", "self"]);
/** Node's `timers` module exports the very functions that are global. */
const GLOBAL_ALIAS_MODULES = new Set(["timers"]);
const MAX_DEPTH = 8;

export function formatQualifiedName(name: QualifiedName): string {
  return `${name.module}:${name.path.join(".")}`;
}

export function normalizeModule(specifier: string): QualifiedName {
  let module = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
  if (GLOBAL_ALIAS_MODULES.has(module)) return { module: "global", path: [] };
  const slash = module.indexOf("/");
  // "fs/promises" and "dns/promises" are the `promises` member of their module.
  if (slash > 0 && !module.startsWith("@") && module.endsWith("/promises") && module.split("/").length === 2) {
    return { module: module.slice(0, slash), path: ["promises"] };
  }
  return { module, path: [] };
}

export function skipOuterExpressions(expr: ts.Expression): ts.Expression {
  let current = expr;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current)
      || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** `require("m")` or `import("m")` with a literal specifier. */
export function requiredModule(expr: ts.Expression): string | undefined {
  const node = skipOuterExpressions(ts.isAwaitExpression(expr) ? expr.expression : expr);
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
  const arg = node.arguments[0];
  if (!ts.isStringLiteralLike(arg)) return undefined;
  if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return arg.text;
  if (ts.isIdentifier(node.expression) && node.expression.text === "require") return arg.text;
  return undefined;
}

export class NameResolver {
  private readonly cache = new Map<ts.Node, QualifiedName | null>();

  constructor(private readonly symbols: SymbolSource) {}

  /** The qualified name of an expression, or undefined when it is not import- or global-rooted. */
  resolve(expr: ts.Expression, depth = 0): QualifiedName | undefined {
    const cached = this.cache.get(expr);
    if (cached !== undefined) return cached ?? undefined;
    const result = depth > MAX_DEPTH ? undefined : this.compute(skipOuterExpressions(expr), depth);
    this.cache.set(expr, result ?? null);
    return result;
  }

  private compute(expr: ts.Expression, depth: number): QualifiedName | undefined {
    const module = requiredModule(expr);
    if (module !== undefined) return normalizeModule(module);
    if (ts.isIdentifier(expr)) return this.resolveIdentifier(expr, depth);
    if (ts.isPropertyAccessExpression(expr)) {
      return this.extend(this.resolve(expr.expression, depth + 1), expr.name.text);
    }
    if (ts.isElementAccessExpression(expr) && ts.isStringLiteralLike(expr.argumentExpression)) {
      return this.extend(this.resolve(expr.expression, depth + 1), expr.argumentExpression.text);
    }
    return undefined;
  }

  private extend(base: QualifiedName | undefined, member: string): QualifiedName | undefined {
    if (!base) return undefined;
    return { module: base.module, path: [...base.path, member] };
  }

  private resolveIdentifier(id: ts.Identifier, depth: number): QualifiedName | undefined {
    const symbol = this.symbols.symbolAt(id);
    const declaration = symbol?.declarations?.[0];
    if (!symbol || !declaration) {
      // Unbound names are globals (the loose tier has no lib to bind them to).
      return GLOBAL_OBJECTS.has(id.text) ? { module: "global", path: [] } : { module: "global", path: [id.text] };
    }
    if (declaration.getSourceFile().isDeclarationFile && !(symbol.flags & ts.SymbolFlags.Alias)) {
      return GLOBAL_OBJECTS.has(id.text) ? { module: "global", path: [] } : { module: "global", path: [id.text] };
    }
    return this.resolveDeclaration(declaration, depth);
  }

  private resolveDeclaration(decl: ts.Declaration, depth: number): QualifiedName | undefined {
    if (ts.isImportSpecifier(decl)) {
      const specifier = decl.parent.parent.parent.moduleSpecifier;
      if (!ts.isStringLiteral(specifier)) return undefined;
      const imported = (decl.propertyName ?? decl.name).text;
      const base = normalizeModule(specifier.text);
      return imported === "default" ? base : { module: base.module, path: [...base.path, imported] };
    }
    if (ts.isImportClause(decl) || ts.isNamespaceImport(decl)) {
      const importDecl = ts.isImportClause(decl) ? decl.parent : decl.parent.parent;
      return ts.isStringLiteral(importDecl.moduleSpecifier) ? normalizeModule(importDecl.moduleSpecifier.text) : undefined;
    }
    if (ts.isImportEqualsDeclaration(decl)) {
      const ref = decl.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) return normalizeModule(ref.expression.text);
      return undefined;
    }
    if (ts.isVariableDeclaration(decl)) {
      // Only `const` (or never reassigned) bindings are followed; `let x = fs` may change.
      if (!decl.initializer || !ts.isIdentifier(decl.name)) return undefined;
      if (!(ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) && !ts.isSourceFile(decl.parent.parent.parent)) return undefined;
      return this.resolve(decl.initializer, depth + 1);
    }
    if (ts.isBindingElement(decl)) return this.resolveBindingElement(decl, depth);
    return undefined;
  }

  /** `const { promises: { open } } = require("fs")` → fs:promises.open */
  private resolveBindingElement(element: ts.BindingElement, depth: number): QualifiedName | undefined {
    if (element.dotDotDotToken || !ts.isObjectBindingPattern(element.parent)) return undefined;
    const key = element.propertyName ?? element.name;
    if (!ts.isIdentifier(key) && !ts.isStringLiteral(key)) return undefined;
    const owner = element.parent.parent;
    let base: QualifiedName | undefined;
    if (ts.isVariableDeclaration(owner) && owner.initializer) base = this.resolve(owner.initializer, depth + 1);
    else if (ts.isBindingElement(owner)) base = this.resolveBindingElement(owner, depth + 1);
    return this.extend(base, key.text);
  }
}
