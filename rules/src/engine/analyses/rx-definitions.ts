// Where the application's own RxJS sources and operators are defined, so that rx-completion.ts can
// read what they return. A call `this.itemService.findById(id)` is followed to `findById` in the
// class of the injected `itemService` (a constructor parameter's type, a field's type, `inject(X)`),
// `this.load()` to the class's own method (its base classes too), `getFirstPayload()` to the local
// or imported function. With a typed program the checker answers first, and the classes of other
// files are reached through it; when the receiver has no declared type at all, the methods of that
// name across the program's own files are taken — all of them, so that a caller only counts as
// completing when every definition it could reach completes (`ProjectMethods`: one index per
// program). A receiver declared with a library's type (`Store`, `Router`) is never guessed at.
import ts from "typescript";
import { defineAnalysis } from "../core/analysis";
import { thisClass } from "../core/ast";
import type { Facts } from "../core/facts";
import { isProgramTestFile } from "./program-calls";

export type DefinedFunction = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.GetAccessorDeclaration;

const MAX_BASES = 4;

/** The class methods (and arrow-function fields) of a typed program's own, non-test files, by name. */
export class ProjectMethods {
  private byName: Map<string, DefinedFunction[]> | undefined;

  constructor(private readonly program: ts.Program) {}

  named(name: string): readonly DefinedFunction[] {
    this.byName ??= this.index();
    return this.byName.get(name) ?? [];
  }

  private index(): Map<string, DefinedFunction[]> {
    const found = new Map<string, DefinedFunction[]>();
    for (const file of this.program.getSourceFiles()) {
      if (file.isDeclarationFile || /[\\/]node_modules[\\/]/.test(file.fileName) || isProgramTestFile(this.program, file)) continue;
      const visit = (node: ts.Node): void => {
        if (ts.isClassLike(node)) {
          for (const member of node.members) {
            const fn = memberFunction(member);
            const name = member.name && ts.isIdentifier(member.name) ? member.name.text : undefined;
            if (fn && name) found.set(name, [...(found.get(name) ?? []), fn]);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    return found;
  }
}

/** Methods by name across the typed program (undefined in the loose tier). */
export const projectMethods = defineAnalysis<ProjectMethods | undefined>({
  id: "project-methods",
  scope: "program",
  run: ({ program }) => (program ? new ProjectMethods(program) : undefined),
});

/**
 * The function(s) a callee names, each with a body in the application's own code; undefined when
 * they cannot all be found (a library's function, an abstract method, an unknown receiver).
 */
export function definitionsOf(facts: Facts, callee: ts.Expression, methods: ProjectMethods | undefined): readonly DefinedFunction[] | undefined {
  if (ts.isIdentifier(callee)) {
    const declaration = facts.hasTypes ? checkedDeclarations(facts, callee)?.[0]
      : callee.getSourceFile() === facts.sourceFile ? facts.symbolAt(callee)?.valueDeclaration : undefined;
    const fn = declaration && functionOf(declaration);
    return fn ? [fn] : undefined;
  }
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.name)) return undefined;
  if (facts.hasTypes) {
    const declarations = checkedDeclarations(facts, callee.name);
    if (declarations && declarations.length > 0) {
      const fns = declarations.map(functionOf);
      return fns.every((fn) => fn !== undefined) ? (fns as DefinedFunction[]) : undefined;
    }
  }
  const owner = receiverClass(facts, callee.expression);
  if (owner === "unknown") {
    const named = methods?.named(callee.name.text) ?? [];
    return named.length > 0 ? named : undefined;
  }
  const fn = owner && methodOf(facts, owner, callee.name.text, 0);
  return fn ? [fn] : undefined;
}

/** The declarations the checker finds for a name, none from a declaration file; undefined when it finds none. */
function checkedDeclarations(facts: Facts, name: ts.Identifier): readonly ts.Declaration[] | undefined {
  let symbol = facts.checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = facts.checker.getAliasedSymbol(symbol);
  const declarations = symbol?.declarations;
  if (!declarations || declarations.length === 0) return undefined;
  return declarations.some((d) => d.getSourceFile().isDeclarationFile) ? [] : declarations;
}

function functionOf(declaration: ts.Node): DefinedFunction | undefined {
  if (ts.isFunctionDeclaration(declaration)) return declaration.body ? declaration : undefined;
  if (ts.isMethodDeclaration(declaration) || ts.isPropertyDeclaration(declaration) || ts.isGetAccessorDeclaration(declaration)) return memberFunction(declaration);
  if (ts.isVariableDeclaration(declaration) && declaration.initializer
    && (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer))) return declaration.initializer;
  return undefined;
}

function memberFunction(member: ts.ClassElement | ts.Declaration): DefinedFunction | undefined {
  if ((ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member)) && member.body) return member;
  if (ts.isPropertyDeclaration(member) && member.initializer && (ts.isArrowFunction(member.initializer) || ts.isFunctionExpression(member.initializer))) {
    return member.initializer;
  }
  return undefined;
}

/**
 * The class of a receiver: `this`, or `this.field` whose field is typed with (or initialized by
 * `inject(X)` / `new X()`) a class of the application. "unknown" when the field has no declared
 * type; undefined when the type is someone else's or cannot be resolved.
 */
function receiverClass(facts: Facts, receiver: ts.Expression): ts.ClassLikeDeclaration | "unknown" | undefined {
  const holder = thisClass(receiver);
  if (receiver.kind === ts.SyntaxKind.ThisKeyword) return holder;
  if (!holder || !ts.isPropertyAccessExpression(receiver) || receiver.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const field = fieldDeclaration(holder, receiver.name.text);
  if (!field) return undefined;
  const initializer = ts.isPropertyDeclaration(field) ? field.initializer : undefined;
  const created = initializer && (ts.isNewExpression(initializer) || (ts.isCallExpression(initializer) && initializer.expression.getText() === "inject"))
    ? initializer.expression !== undefined && (ts.isNewExpression(initializer) ? initializer.expression : initializer.arguments[0]) : undefined;
  const typeName = field.type && ts.isTypeReferenceNode(field.type) ? field.type.typeName : created && ts.isIdentifier(created) ? created : undefined;
  if (!typeName) return field.type || initializer ? undefined : "unknown";
  return ts.isIdentifier(typeName) ? classNamed(facts, typeName) : undefined;
}

/** A field of the class: a property or a constructor parameter property. */
export function fieldDeclaration(classNode: ts.ClassLikeDeclaration, name: string): ts.PropertyDeclaration | ts.ParameterDeclaration | undefined {
  for (const member of classNode.members) {
    if (ts.isPropertyDeclaration(member) && member.name.getText() === name) return member;
    if (ts.isConstructorDeclaration(member)) {
      const parameter = member.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name && ts.getModifiers(p)?.length);
      if (parameter) return parameter;
    }
  }
  return undefined;
}

function classNamed(facts: Facts, name: ts.Identifier): ts.ClassLikeDeclaration | undefined {
  const declaration = facts.hasTypes ? checkedDeclarations(facts, name)?.find(ts.isClassLike)
    : name.getSourceFile() === facts.sourceFile ? facts.symbolAt(name)?.valueDeclaration : undefined;
  return declaration && ts.isClassLike(declaration) ? declaration : undefined;
}

/** A method of the class or of its base classes, followed while they resolve. */
function methodOf(facts: Facts, classNode: ts.ClassLikeDeclaration, name: string, depth: number): DefinedFunction | undefined {
  const member = classNode.members.find((m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === name);
  if (member) return memberFunction(member);
  const base = classNode.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const baseClass = base && ts.isIdentifier(base) && depth < MAX_BASES ? classNamed(facts, base) : undefined;
  return baseClass && methodOf(facts, baseClass, name, depth + 1);
}
