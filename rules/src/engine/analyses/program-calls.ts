// Program-wide call sites: with a typed program, who calls an exported function across
// all of its files. Repetition asks it whether a function's every caller runs once — the
// module's top level, an IIFE, `main()` / `bootstrap()` / `activate()`, a one-shot
// `.then()` of `app.whenReady()` — so code in that function starts once, not per call.
import ts from "typescript";
import { defineAnalysis } from "../core/analysis";
import { type FunctionNode, enclosingFunction, functionName, isIife } from "../core/ast";

/** Functions that run once per process or extension host by convention. */
const ONCE_FUNCTIONS = new Set(["main", "bootstrap", "activate"]);
/** Receivers whose `.then()` / `.once()` callback runs once: `app.whenReady().then(…)`. */
const ONCE_RECEIVER = /\bwhenReady\(\)$/;

export class ProgramCalls {
  private readonly byName = new Map<string, ts.Identifier[]>();

  constructor(private readonly program: ts.Program) {}

  /**
   * True when `fn` (a named function declaration or `const f = () => …`) has at least one
   * caller in the program's own files, every reference to it outside imports and exports
   * is a direct call, and every such call runs once.
   */
  calledOnlyOnce(fn: FunctionNode): boolean {
    const name = ts.isFunctionDeclaration(fn) ? fn.name : ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name : undefined;
    if (!name) return false;
    const checker = this.program.getTypeChecker();
    const target = checker.getSymbolAtLocation(name);
    if (!target) return false;
    let calls = 0;
    for (const id of this.identifiersNamed(name.text)) {
      if (id === name) continue;
      let symbol = checker.getSymbolAtLocation(id);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      if (symbol !== target) continue;
      if (ts.findAncestor(id, (n) => ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isExportAssignment(n))) continue;
      const callee = ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? id.parent : id;
      if (!ts.isCallExpression(callee.parent) || callee.parent.expression !== callee || !runsOnce(callee.parent)) return false;
      calls++;
    }
    return calls > 0;
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

/** The call runs once: at the top level, in an IIFE, in a run-once function, or in a one-shot `.then()` callback. */
function runsOnce(call: ts.CallExpression): boolean {
  for (let fn = enclosingFunction(call); fn; fn = enclosingFunction(fn)) {
    if (isIife(fn) || isOnceThen(fn)) continue;
    const name = functionName(fn);
    return name !== undefined && ONCE_FUNCTIONS.has(name) && !enclosingFunction(fn);
  }
  return true;
}

function isOnceThen(fn: FunctionNode): boolean {
  const call = fn.parent;
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== "then") return false;
  return ONCE_RECEIVER.test(call.expression.expression.getText());
}

/** Program-wide call sites (typed tier only: undefined without a program). */
export const programCalls = defineAnalysis<ProgramCalls | undefined>({
  id: "program-calls",
  scope: "program",
  run: ({ program }) => (program ? new ProgramCalls(program) : undefined),
});
