// Name resolution for the loose tier, without a program, a binder or a checker.
//
// Rules ask "which declaration does this identifier refer to?" (and compare the
// answers). The binder answers that by building symbol tables and a control-flow
// graph for every node of every file, which costs more than parsing; most of it is
// never asked about. This index answers the same question on demand: it walks up
// from the identifier through the scopes that enclose it and builds each scope's
// table the first time it is consulted, from statements only (declarations never
// hide inside expressions, except function/class expression names and parameters).
//
// The answers are `ts.Symbol`-shaped objects (name, flags, declarations,
// valueDeclaration), one per binding, so identity comparisons work as with the checker.
import ts from "typescript";
import { isFunctionNode, thisClass } from "./ast";

/** What a rule needs of a symbol; the checker's symbols and this index's both satisfy it. */
export interface SymbolSource {
  symbolAt(node: ts.Node): ts.Symbol | undefined;
}

class LooseSymbol {
  readonly declarations: ts.Declaration[] = [];
  valueDeclaration: ts.Declaration | undefined;

  constructor(readonly escapedName: string, readonly flags: ts.SymbolFlags, readonly scope: ts.Node) {}

  get name(): string {
    return this.escapedName;
  }

  getName(): string {
    return this.escapedName;
  }

  add(declaration: ts.Declaration): void {
    this.declarations.push(declaration);
    if (!(this.flags & ts.SymbolFlags.Alias)) this.valueDeclaration ??= declaration;
  }
}

/** The bindings one scope declares, by name. */
class Table extends Map<string, LooseSymbol> {
  constructor(readonly scope: ts.Node) {
    super();
  }
}

/** Rules read `declarations`, `valueDeclaration`, `flags` and names, which a LooseSymbol has. */
function asSymbol(symbol: LooseSymbol | undefined): ts.Symbol | undefined {
  return symbol as unknown as ts.Symbol | undefined;
}

export class ScopeIndex implements SymbolSource {
  private readonly tables = new Map<ts.Node, Table>();
  private readonly members = new Map<ts.ClassLikeDeclaration, Table>();

  /** The node a symbol of this index is declared in (its references all lie inside it). */
  scopeOf(symbol: ts.Symbol): ts.Node | undefined {
    return symbol instanceof LooseSymbol ? symbol.scope : undefined;
  }

  symbolAt(node: ts.Node): ts.Symbol | undefined {
    if (ts.isPropertyAccessExpression(node)) return this.symbolAt(node.name);
    if (!ts.isIdentifier(node)) return undefined;
    const parent = node.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.name === node) return this.memberAccess(parent);
    if (isMemberName(node, parent)) return ts.isClassLike(parent.parent) ? this.member(parent.parent, node.text) : undefined;
    if (!isReference(node, parent)) return undefined;
    if (ts.isFunctionExpression(parent) && parent.name === node) {
      const own = this.tableOf(parent).get(node.text);
      return own?.declarations[0] === parent ? asSymbol(own) : undefined; // else shadowed inside by a parameter or `var`
    }
    // The name of a function or class declaration lives in the scope around it, not in its own.
    const start = (ts.isFunctionDeclaration(parent) || ts.isClassDeclaration(parent)) && parent.name === node ? parent.parent : parent;
    return asSymbol(this.lookup(node.text, start));
  }

  private lookup(name: string, from: ts.Node): LooseSymbol | undefined {
    for (let scope: ts.Node | undefined = from; scope; scope = scope.parent) {
      if (!opensScope(scope)) continue;
      const found = this.tableOf(scope).get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** `this.x` inside a class (and `C.x` for a class `C`) → the class member `x`. */
  private memberAccess(access: ts.PropertyAccessExpression): ts.Symbol | undefined {
    const receiver = access.expression;
    if (receiver.kind === ts.SyntaxKind.ThisKeyword) {
      const classNode = thisClass(access);
      return classNode && this.member(classNode, access.name.text);
    }
    const decl = ts.isIdentifier(receiver) ? this.symbolAt(receiver)?.valueDeclaration : undefined;
    if (!decl || !ts.isClassLike(decl)) return undefined;
    const member = this.member(decl, access.name.text);
    return member?.declarations?.some((d) => ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Static) ? member : undefined;
  }

  private member(classNode: ts.ClassLikeDeclaration, name: string): ts.Symbol | undefined {
    let table = this.members.get(classNode);
    if (!table) {
      table = new Table(classNode);
      for (const member of classNode.members) {
        if (member.name && (ts.isIdentifier(member.name) || ts.isPrivateIdentifier(member.name) || ts.isStringLiteral(member.name))) {
          declare(table, member.name.text, member, ts.SymbolFlags.Property);
        }
        if (ts.isConstructorDeclaration(member)) {
          for (const param of member.parameters) {
            if (ts.isIdentifier(param.name) && ts.getModifiers(param)?.some((m) => isParameterPropertyModifier(m.kind))) {
              declare(table, param.name.text, param, ts.SymbolFlags.Property);
            }
          }
        }
      }
      this.members.set(classNode, table);
    }
    return asSymbol(table.get(name));
  }

  private tableOf(scope: ts.Node): Table {
    let table = this.tables.get(scope);
    if (!table) {
      table = new Table(scope);
      fillTable(table, scope);
      this.tables.set(scope, table);
    }
    return table;
  }
}

function isParameterPropertyModifier(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.PublicKeyword || kind === ts.SyntaxKind.PrivateKeyword
    || kind === ts.SyntaxKind.ProtectedKeyword || kind === ts.SyntaxKind.ReadonlyKeyword;
}

function declare(table: Table, name: string, declaration: ts.Declaration, flags: ts.SymbolFlags): void {
  let symbol = table.get(name);
  if (!symbol) table.set(name, (symbol = new LooseSymbol(name, flags, table.scope)));
  symbol.add(declaration);
}

function opensScope(node: ts.Node): boolean {
  if (isFunctionNode(node)) return true;
  switch (node.kind) {
    case ts.SyntaxKind.SourceFile:
    case ts.SyntaxKind.Block:
    case ts.SyntaxKind.ModuleBlock:
    case ts.SyntaxKind.CaseBlock:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.CatchClause:
    case ts.SyntaxKind.ClassExpression:
    case ts.SyntaxKind.FunctionType:
    case ts.SyntaxKind.ConstructorType:
    case ts.SyntaxKind.MethodSignature:
    case ts.SyntaxKind.CallSignature:
    case ts.SyntaxKind.ConstructSignature:
    case ts.SyntaxKind.IndexSignature:
      return true;
    default:
      return false;
  }
}

/** The bindings a scope introduces itself (its statements', parameters', or its own name). */
function fillTable(table: Table, scope: ts.Node): void {
  switch (scope.kind) {
    case ts.SyntaxKind.SourceFile:
    case ts.SyntaxKind.ModuleBlock:
      declareStatements(table, (scope as ts.SourceFile | ts.ModuleBlock).statements);
      hoistVars(table, (scope as ts.SourceFile | ts.ModuleBlock).statements);
      return;
    case ts.SyntaxKind.Block:
      declareStatements(table, (scope as ts.Block).statements);
      return;
    case ts.SyntaxKind.CaseBlock:
      for (const clause of (scope as ts.CaseBlock).clauses) declareStatements(table, clause.statements);
      return;
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement: {
      const init = (scope as ts.ForStatement | ts.ForInStatement | ts.ForOfStatement).initializer;
      if (init && ts.isVariableDeclarationList(init) && isLexical(init)) declareList(table, init);
      return;
    }
    case ts.SyntaxKind.CatchClause: {
      const variable = (scope as ts.CatchClause).variableDeclaration;
      if (variable) declareBinding(table, variable.name, variable, ts.SymbolFlags.BlockScopedVariable);
      return;
    }
    case ts.SyntaxKind.ClassExpression: {
      const name = (scope as ts.ClassExpression).name;
      if (name) declare(table, name.text, scope as ts.ClassExpression, ts.SymbolFlags.Class);
      return;
    }
    default: {
      const fn = scope as ts.SignatureDeclaration & { body?: ts.Node };
      for (const param of fn.parameters) declareBinding(table, param.name, param, ts.SymbolFlags.FunctionScopedVariable);
      if (fn.body && ts.isBlock(fn.body)) hoistVars(table, fn.body.statements);
      // A function expression's own name, unless a parameter or `var` inside shadows it.
      if (ts.isFunctionExpression(scope) && scope.name && !table.has(scope.name.text)) declare(table, scope.name.text, scope, ts.SymbolFlags.Function);
    }
  }
}

function isLexical(list: ts.VariableDeclarationList): boolean {
  return (list.flags & ts.NodeFlags.BlockScoped) !== 0;
}

/** Block-scoped declarations made directly by a list of statements (and imports at the top). */
function declareStatements(table: Table, statements: ts.NodeArray<ts.Statement>): void {
  for (const statement of statements) {
    switch (statement.kind) {
      case ts.SyntaxKind.VariableStatement: {
        const list = (statement as ts.VariableStatement).declarationList;
        if (isLexical(list)) declareList(table, list);
        break;
      }
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.EnumDeclaration:
      case ts.SyntaxKind.ModuleDeclaration: {
        const declaration = statement as ts.FunctionDeclaration | ts.ClassDeclaration | ts.EnumDeclaration | ts.ModuleDeclaration;
        if (declaration.name && ts.isIdentifier(declaration.name)) declare(table, declaration.name.text, declaration, declarationFlags(statement.kind));
        break;
      }
      case ts.SyntaxKind.ImportEqualsDeclaration:
        declare(table, (statement as ts.ImportEqualsDeclaration).name.text, statement as ts.ImportEqualsDeclaration, ts.SymbolFlags.Alias);
        break;
      case ts.SyntaxKind.ImportDeclaration:
        declareImport(table, (statement as ts.ImportDeclaration).importClause);
        break;
    }
  }
}

function declarationFlags(kind: ts.SyntaxKind): ts.SymbolFlags {
  if (kind === ts.SyntaxKind.FunctionDeclaration) return ts.SymbolFlags.Function;
  if (kind === ts.SyntaxKind.ClassDeclaration) return ts.SymbolFlags.Class;
  if (kind === ts.SyntaxKind.EnumDeclaration) return ts.SymbolFlags.RegularEnum;
  return ts.SymbolFlags.ValueModule;
}

function declareImport(table: Table, clause: ts.ImportClause | undefined): void {
  if (!clause) return;
  if (clause.name) declare(table, clause.name.text, clause, ts.SymbolFlags.Alias);
  const bindings = clause.namedBindings;
  if (!bindings) return;
  if (ts.isNamespaceImport(bindings)) declare(table, bindings.name.text, bindings, ts.SymbolFlags.Alias);
  else for (const element of bindings.elements) declare(table, element.name.text, element, ts.SymbolFlags.Alias);
}

function declareList(table: Table, list: ts.VariableDeclarationList): void {
  const flags = isLexical(list) ? ts.SymbolFlags.BlockScopedVariable : ts.SymbolFlags.FunctionScopedVariable;
  for (const declaration of list.declarations) declareBinding(table, declaration.name, declaration, flags);
}

/** A name or a destructuring pattern: each identifier in it, declared by its binding element. */
function declareBinding(table: Table, name: ts.BindingName, declaration: ts.Declaration, flags: ts.SymbolFlags): void {
  if (ts.isIdentifier(name)) {
    declare(table, name.text, declaration, flags);
    return;
  }
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) declareBinding(table, element.name, element, flags);
  }
}

/** `var` declarations anywhere in these statements, not inside nested functions or classes. */
function hoistVars(table: Table, statements: readonly ts.Statement[]): void {
  const stack: ts.Node[] = [...statements].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.kind) {
      case ts.SyntaxKind.VariableStatement:
        hoistList(table, (node as ts.VariableStatement).declarationList);
        break;
      case ts.SyntaxKind.Block:
        pushReversed(stack, (node as ts.Block).statements);
        break;
      case ts.SyntaxKind.IfStatement: {
        const statement = node as ts.IfStatement;
        if (statement.elseStatement) stack.push(statement.elseStatement);
        stack.push(statement.thenStatement);
        break;
      }
      case ts.SyntaxKind.DoStatement:
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.ExportSpecifier: // an alias of its own, as with the checker
    case ts.SyntaxKind.LabeledStatement:
      case ts.SyntaxKind.WithStatement:
        stack.push((node as ts.IterationStatement | ts.LabeledStatement | ts.WithStatement).statement);
        break;
      case ts.SyntaxKind.ForStatement:
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.ForOfStatement: {
        const loop = node as ts.ForStatement | ts.ForInStatement | ts.ForOfStatement;
        stack.push(loop.statement);
        if (loop.initializer && ts.isVariableDeclarationList(loop.initializer)) hoistList(table, loop.initializer);
        break;
      }
      case ts.SyntaxKind.TryStatement: {
        const statement = node as ts.TryStatement;
        if (statement.finallyBlock) stack.push(statement.finallyBlock);
        if (statement.catchClause) stack.push(statement.catchClause.block);
        stack.push(statement.tryBlock);
        break;
      }
      case ts.SyntaxKind.SwitchStatement:
        for (const clause of [...(node as ts.SwitchStatement).caseBlock.clauses].reverse()) pushReversed(stack, clause.statements);
        break;
    }
  }
}

function hoistList(table: Table, list: ts.VariableDeclarationList): void {
  if (!isLexical(list)) declareList(table, list);
}

function pushReversed(stack: ts.Node[], nodes: readonly ts.Node[]): void {
  for (let i = nodes.length - 1; i >= 0; i--) stack.push(nodes[i]);
}

/** Names of members (`a.b`'s `b`, `{ b: 1 }`'s `b`, `m() {}`), which are not variable references. */
function isMemberName(node: ts.Identifier, parent: ts.Node): parent is ts.ClassElement | ts.ObjectLiteralElement {
  switch (parent.kind) {
    case ts.SyntaxKind.PropertyDeclaration:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
    case ts.SyntaxKind.PropertyAssignment:
    case ts.SyntaxKind.PropertySignature:
    case ts.SyntaxKind.MethodSignature:
    case ts.SyntaxKind.EnumMember:
      return (parent as ts.NamedDeclaration).name === node;
    default:
      return false;
  }
}

/** Whether an identifier names a variable (a use or a declaration), rather than a property, label or key. */
function isReference(node: ts.Identifier, parent: ts.Node): boolean {
  switch (parent.kind) {
    case ts.SyntaxKind.QualifiedName:
      return (parent as ts.QualifiedName).left === node;
    case ts.SyntaxKind.BindingElement:
      return (parent as ts.BindingElement).propertyName !== node;
    case ts.SyntaxKind.ImportSpecifier:
      return (parent as ts.ImportSpecifier).name === node;
    case ts.SyntaxKind.ExportSpecifier: // an alias of its own, as with the checker
    case ts.SyntaxKind.LabeledStatement:
    case ts.SyntaxKind.BreakStatement:
    case ts.SyntaxKind.ContinueStatement:
    case ts.SyntaxKind.MetaProperty:
    case ts.SyntaxKind.JsxAttribute:
    case ts.SyntaxKind.NamespaceExportDeclaration:
    case ts.SyntaxKind.TypeParameter:
    case ts.SyntaxKind.InterfaceDeclaration:
    case ts.SyntaxKind.TypeAliasDeclaration:
      return false;
    case ts.SyntaxKind.JsxOpeningElement:
    case ts.SyntaxKind.JsxSelfClosingElement:
    case ts.SyntaxKind.JsxClosingElement:
      // `<canvas>` is an intrinsic element, not the variable `canvas`; `<Canvas>` is a reference.
      return !/^[a-z]/.test(node.text);
    default:
      return true;
  }
}
