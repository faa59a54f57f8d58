// Does an RxJS observable complete by itself? A subscription to one that does ends with it and
// holds nothing afterwards. Read the way RxJS defines completion:
//   - finite sources complete: `of`, `from`, `EMPTY`, `forkJoin`, `timer(ms)`, `defer`, an
//     `HttpClient` request (one response, then complete);
//   - `a.pipe(op1, op2, …)` is read left to right: `take(1)` / `first()` / … complete whatever came
//     before; `map`, `tap`, `filter`, `catchError`, … keep what came before; `switchMap(f)` (and the
//     other flattening operators) completes when what came before completes and so does every
//     observable `f` returns; `repeat`, `expand` never do;
//   - `combineLatest` / `zip` / `merge` / `concat` / `race` of inputs that all complete complete;
//   - the application's own sources and operators are followed to their definitions
//     (rx-definitions.ts): a service method returning `….pipe(getFirstCompletedRemoteData())`,
//     an operator `() => (source) => source.pipe(filter(…), take(1))`; a local `const x$ = …`,
//     a field every assignment of which completes, a private method's parameter every call passes a
//     completing observable to;
//   - a notification that its object is going away (`tab.destroyed$`) fires once.
// And one source ends with its subscriber rather than completing: the `ActivatedRoute` an Angular
// component is injected with ("The Router destroys a routed component when it is no longer needed
// and the injected ActivatedRoute dies with it", angular.dev router guide), read in that component.
import ts from "typescript";
import { defineAnalysis } from "../core/analysis";
import { thisClass } from "../core/ast";
import type { Facts } from "../core/facts";
import { type DefinedFunction, definitionsOf, fieldDeclaration, projectMethods } from "./rx-definitions";

/** Operators after which the observable completes, whatever came before. */
const COMPLETING_OPERATORS = new Set(["take", "first", "last", "single", "takeWhile", "takeUntilDestroyed", "elementAt", "find", "findIndex", "toArray", "timeout"]);
const FINITE_SOURCES = new Set(["of", "from", "EMPTY", "forkJoin", "firstValueFrom", "lastValueFrom", "throwError", "defer", "ajax", "range"]);
const COMBINING = new Set(["combineLatest", "zip", "merge", "concat", "race"]);
/** Flattening operators: complete when the outer and every inner observable complete. */
const FLATTENING = new Set(["switchMap", "mergeMap", "concatMap", "exhaustMap", "flatMap", "switchMapTo", "mergeMapTo", "concatMapTo"]);
/** Operators that keep the observable going after its source completes. */
const NEVER_ENDING = new Set(["repeat", "repeatWhen", "expand"]);
const HTTP_VERBS = new Set(["get", "post", "put", "delete", "patch", "head", "options", "request", "jsonp"]);
const DESTROY_NOTICES = /^(destroyed|willDestroy|destroy|disposed|willDispose|onDestroy|onDispose|closed|willClose)\$?$/;
const ROUTE_STREAMS = new Set(["params", "queryParams", "data", "paramMap", "queryParamMap", "fragment", "url", "title"]);
const MAX_DEPTH = 12;

type Bindings = ReadonlyMap<ts.Node, boolean>;
const NONE: Bindings = new Map();

/** Per file: whether observables complete, with the answers for the functions it followed kept. */
export class RxCompletion {
  /** Answers per function, field, variable and parameter followed (all read without bindings). */
  private readonly returns = new Map<ts.Node, boolean>();
  private readonly importNames = new Map<ts.SourceFile, Map<string, string>>();
  private subscriber: ts.ClassLikeDeclaration | undefined;

  constructor(private readonly facts: Facts, private readonly methods: ReturnType<typeof projectMethods.run>) {}

  /**
   * Whether `observable`, subscribed to in `subscriber` (the class whose code subscribes, if any),
   * completes by itself, or ends with the subscriber (its own `ActivatedRoute`).
   */
  completes(observable: ts.Expression, subscriber?: ts.ClassLikeDeclaration): boolean {
    if (subscriber !== this.subscriber) this.returns.clear(); // what reads the subscriber's own route depends on it
    this.subscriber = subscriber;
    return this.value(observable, NONE, 0);
  }

  /** A declaration's answer, computed once (a cycle — `this.x$ = this.x$.pipe(…)` — does not prove itself). */
  private once(key: ts.Node, compute: () => boolean): boolean {
    const known = this.returns.get(key);
    if (known !== undefined) return known;
    this.returns.set(key, false);
    const result = compute();
    this.returns.set(key, result);
    return result;
  }

  private value(expr: ts.Expression, bound: Bindings, depth: number): boolean {
    const value = skipOuter(expr);
    if (depth > MAX_DEPTH) return false;
    if (ts.isConditionalExpression(value)) return this.value(value.whenTrue, bound, depth) && this.value(value.whenFalse, bound, depth);
    if (ts.isCallExpression(value)) return this.call(value, bound, depth);
    if (ts.isArrayLiteralExpression(value)) return true; // an array as an `ObservableInput` (`switchMap(() => [false])`)
    if (ts.isIdentifier(value)) return this.identifier(value, bound, depth);
    if (!ts.isPropertyAccessExpression(value)) return false;
    if (DESTROY_NOTICES.test(value.name.text)) return true; // `tab.destroyed$`, `session.willDestroy$`
    if (ROUTE_STREAMS.has(value.name.text) && this.isSubscribersRoute(value.expression)) return true;
    return value.expression.kind === ts.SyntaxKind.ThisKeyword && this.field(value, depth);
  }

  private call(call: ts.CallExpression, bound: Bindings, depth: number): boolean {
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === "pipe") {
      return call.arguments.reduce((state, op, i) => this.operator(op, state, i === call.arguments.length - 1, bound, depth), this.value(callee.expression, bound, depth));
    }
    const name = this.originalName(callee);
    if (ts.isIdentifier(callee) || (ts.isPropertyAccessExpression(callee) && /^(rx(js)?|(Rx\.)?Observable)$/i.test(callee.expression.getText()))) {
      if (FINITE_SOURCES.has(name)) return true;
      if (name === "timer") return call.arguments.length < 2;
      if (COMBINING.has(name)) return call.arguments.length > 0 && call.arguments.every((arg) => this.inputs(arg, bound, depth));
    }
    if (ts.isPropertyAccessExpression(callee) && HTTP_VERBS.has(name) && this.isHttpClient(callee.expression)) return true;
    const definitions = definitionsOf(this.facts, callee, this.methods);
    return definitions !== undefined && definitions.length > 0 && definitions.every((fn) => this.returnsCompleting(fn, depth + 1));
  }

  /** The state after `op`, given whether what came before it completes. */
  private operator(op: ts.Expression, before: boolean, last: boolean, bound: Bindings, depth: number): boolean {
    if (!ts.isCallExpression(op)) return before;
    const name = this.originalName(op.expression);
    if (COMPLETING_OPERATORS.has(name)) return true;
    if (name === "takeUntil") return last || before; // a notifier the owner fires on teardown ends it
    if (NEVER_ENDING.has(name)) return false;
    if (FLATTENING.has(name)) return before && op.arguments[0] !== undefined && this.inner(op.arguments[0], bound, depth);
    if (name === "pipe" && ts.isIdentifier(op.expression)) return op.arguments.reduce((state, inner) => this.operator(inner, state, false, bound, depth), before);
    if (name === "catchError") return before && op.arguments[0] !== undefined && this.inner(op.arguments[0], bound, depth, true);
    const definitions = ts.isIdentifier(op.expression) || ts.isPropertyAccessExpression(op.expression)
      ? definitionsOf(this.facts, op.expression, this.methods) : undefined;
    if (!definitions || definitions.length === 0 || depth >= MAX_DEPTH) return before; // a library's operator: `map`, `filter`, `tap`, `select` keep completion
    return definitions.every((fn) => {
      const returned = returnedExpressions(fn);
      return returned.length > 0 && returned.every((r) => this.appliedOperator(r, before, bound, depth + 1));
    });
  }

  /** What an operator helper returns, applied: `(source) => source.pipe(…)` with `source` bound, or another operator. */
  private appliedOperator(returned: ts.Expression, before: boolean, bound: Bindings, depth: number): boolean {
    const value = skipOuter(returned);
    if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
      const source = value.parameters[0];
      const inner = new Map(bound);
      if (source) inner.set(source, before);
      const results = returnedExpressions(value);
      return results.length > 0 && results.every((r) => this.value(r, inner, depth));
    }
    return this.operator(value, before, false, bound, depth);
  }

  /** A flattening operator's projection: every observable it returns completes. */
  private inner(projection: ts.Expression, bound: Bindings, depth: number, orThrows = false): boolean {
    const value = skipOuter(projection);
    if (!ts.isArrowFunction(value) && !ts.isFunctionExpression(value)) return this.value(value, bound, depth);
    const returned = returnedExpressions(value);
    return returned.length > 0 ? returned.every((r) => this.value(r, bound, depth)) : orThrows;
  }

  /** A combining creator's argument: an observable, an array of them, or `xs.map((x) => observable)`. */
  private inputs(arg: ts.Expression, bound: Bindings, depth: number): boolean {
    const value = skipOuter(ts.isSpreadElement(arg) ? arg.expression : arg);
    if (ts.isArrayLiteralExpression(value)) return value.elements.every((e) => this.inputs(e, bound, depth));
    if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && value.expression.name.text === "map" && value.arguments[0]) {
      const projection = skipOuter(value.arguments[0]);
      if (ts.isArrowFunction(projection) || ts.isFunctionExpression(projection)) return this.inner(projection, bound, depth);
    }
    return this.value(value, bound, depth);
  }

  private returnsCompleting(fn: DefinedFunction, depth: number): boolean {
    return this.once(fn, () => {
      const returned = returnedExpressions(fn);
      return returned.length > 0 && returned.every((r) => this.value(r, NONE, depth));
    });
  }

  /** A bound operator source, a `const x$ = …`, or a private method's parameter every caller passes a completing observable. */
  private identifier(id: ts.Identifier, bound: Bindings, depth: number): boolean {
    if (id.text === "EMPTY") return true;
    const declaration = this.localDeclaration(id);
    if (!declaration) return false;
    if (bound.has(declaration)) return bound.get(declaration)!;
    if (ts.isVariableDeclaration(declaration)) {
      const values = assignedValues(declaration);
      return values !== undefined && values.length > 0 && this.once(declaration, () => values.every((v) => this.value(v, NONE, depth + 1)));
    }
    if (!ts.isParameter(declaration) || !ts.isMethodDeclaration(declaration.parent) || !isPrivate(declaration.parent)) return false;
    const method = declaration.parent;
    const index = method.parameters.indexOf(declaration);
    const calls = memberUses(method);
    return calls !== undefined && calls.length > 0 && this.once(declaration, () => calls.every((call) => {
      const arg = call.arguments[index];
      return arg !== undefined && this.value(arg, NONE, depth + 1);
    }));
  }

  /** `this.item$`: a field (not an input, not injected) whose initializer and every assignment complete. */
  private field(access: ts.PropertyAccessExpression, depth: number): boolean {
    const classNode = thisClass(access);
    const field = classNode && fieldDeclaration(classNode, access.name.text);
    if (!classNode || !field || !ts.isPropertyDeclaration(field) || ts.getDecorators(field)?.length) return false;
    return this.once(field, () => {
      const values: ts.Expression[] = field.initializer ? [field.initializer] : [];
      let other = false;
      const visit = (node: ts.Node): void => {
        if (ts.isPropertyAccessExpression(node) && node.name.text === access.name.text && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
          const parent = node.parent;
          if (ts.isBinaryExpression(parent) && parent.left === node) {
            if (parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) values.push(parent.right);
            else other = true;
          }
        }
        ts.forEachChild(node, visit);
      };
      classNode.members.forEach(visit);
      return !other && values.length > 0 && values.every((v) => this.value(v, NONE, depth + 1));
    });
  }

  /** `this.route` (or `route`) where the subscribing Angular class was injected with an `ActivatedRoute`. */
  private isSubscribersRoute(receiver: ts.Expression): boolean {
    const classNode = this.subscriber;
    if (!classNode || thisClass(receiver) !== classNode || !isAngularDeclaration(classNode)) return false;
    const name = ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword ? receiver.name.text : undefined;
    const field = name !== undefined ? fieldDeclaration(classNode, name) : undefined;
    if (!field) return false;
    const initializer = ts.isPropertyDeclaration(field) ? field.initializer : undefined;
    return (field.type !== undefined && field.type.getText() === "ActivatedRoute")
      || (initializer !== undefined && ts.isCallExpression(initializer) && initializer.expression.getText() === "inject"
        && initializer.arguments[0]?.getText() === "ActivatedRoute");
  }

  private isHttpClient(base: ts.Expression): boolean {
    return /http(client)?$/i.test(base.getText()) || (base.getSourceFile() === this.facts.sourceFile && this.facts.typeIs(base, ["HttpClient"]) === true);
  }

  /** The callee's name, through an import's renaming (`combineLatest as observableCombineLatest`). */
  private originalName(callee: ts.Expression): string {
    if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
    if (!ts.isIdentifier(callee)) return "";
    const file = callee.getSourceFile();
    let names = this.importNames.get(file);
    if (!names) {
      names = new Map();
      for (const statement of file.statements) {
        const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
        if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.set(e.name.text, (e.propertyName ?? e.name).text);
      }
      this.importNames.set(file, names);
    }
    return names.get(callee.text) ?? callee.text;
  }

  /** The declaration of a local binding, found syntactically in its own function (any file). */
  private localDeclaration(id: ts.Identifier): ts.Node | undefined {
    if (this.facts.hasTypes) {
      const declaration = this.facts.checker.getSymbolAtLocation(id)?.valueDeclaration;
      return declaration && (ts.isVariableDeclaration(declaration) || ts.isParameter(declaration)) ? declaration : undefined;
    }
    return id.getSourceFile() === this.facts.sourceFile ? this.facts.symbolAt(id)?.valueDeclaration : undefined;
  }
}

/** Whether observables complete, per file (typed: through the program's classes too). */
export const rxCompletion = defineAnalysis<RxCompletion>({
  id: "rx-completion",
  requires: [projectMethods],
  run: (pass) => new RxCompletion(pass.facts, pass.use(projectMethods)),
});

function skipOuter(expr: ts.Expression): ts.Expression {
  let value = expr;
  while (ts.isParenthesizedExpression(value) || ts.isAsExpression(value) || ts.isNonNullExpression(value) || ts.isTypeAssertionExpression(value)) value = value.expression;
  return value;
}

function isPrivate(member: ts.MethodDeclaration): boolean {
  return ts.isPrivateIdentifier(member.name) || (ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword) ?? false);
}

function isAngularDeclaration(classNode: ts.ClassLikeDeclaration): boolean {
  return (ts.getDecorators(classNode) ?? []).some((d) => /^(Component|Directive)\b/.test(d.expression.getText()));
}

/**
 * A local variable's values: the initializer of a `const`; of a `let`, the initializer and every
 * `x = …` in its scope. Undefined when it is changed otherwise (`x ??= …`, a destructuring).
 */
function assignedValues(declaration: ts.VariableDeclaration): ts.Expression[] | undefined {
  const list = declaration.parent;
  if (!ts.isIdentifier(declaration.name) || !ts.isVariableDeclarationList(list)) return undefined;
  const values = declaration.initializer ? [declaration.initializer] : [];
  if (list.flags & ts.NodeFlags.Const) return values;
  const name = declaration.name.text;
  let other = false;
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === name && node !== declaration.name) {
      const parent = node.parent;
      if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) values.push(parent.right);
      else if ((ts.isBinaryExpression(parent) && parent.left === node && isAssignment(parent.operatorToken.kind))
        || ts.isArrayLiteralExpression(parent) || ts.isShorthandPropertyAssignment(parent)) other = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(list.parent.parent);
  return other ? undefined : values;
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** Every `this.m(…)` of a private method in its class; undefined when it is also used otherwise (passed on, bound). */
function memberUses(method: ts.MethodDeclaration): ts.CallExpression[] | undefined {
  const name = method.name.getText();
  const calls: ts.CallExpression[] = [];
  let other = false;
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && node.name.getText() === name) {
      if (ts.isCallExpression(node.parent) && node.parent.expression === node && node.expression.kind === ts.SyntaxKind.ThisKeyword) calls.push(node.parent);
      else other = true;
    }
    ts.forEachChild(node, visit);
  };
  if (ts.isClassLike(method.parent)) method.parent.members.forEach(visit);
  return other ? undefined : calls;
}

function returnedExpressions(fn: DefinedFunction | ts.ArrowFunction | ts.FunctionExpression): ts.Expression[] {
  if (!fn.body) return [];
  if (!ts.isBlock(fn.body)) return [fn.body];
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    ts.forEachChild(node, visit);
  };
  fn.body.statements.forEach(visit);
  return found;
}
