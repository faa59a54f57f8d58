// Calls that run once per load of the importing module, read from its syntax alone (the importer
// index has no facts for other files): the module's top level, or inside callbacks that run once
// when their host does (an IIFE, a promise reaction `.then` / `.catch` / `.finally`, a `DOMContentLoaded`
// or `load` listener, `.once(…)`, `whenReady()`), or after a once-guard of the function that holds
// it (`if (initialized) return settings; initialized = true; …` with `initialized` a module-level
// variable): however often that function is called, the code after the guard runs once.
import ts from "typescript";
import { type FunctionNode, ONE_SHOT_EVENTS, isFunctionNode, isIife, isInLoop } from "../core/ast";

const ONCE_MEMBERS = new Set(["then", "catch", "finally", "once", "whenReady", "ready", "nextTick", "queueMicrotask"]);
const LISTEN = new Set(["addEventListener", "on", "addListener"]);

/** The call at `node` runs once each time its module loads. */
export function runsOncePerLoad(node: ts.Node): boolean {
  for (let at: ts.Node = node; ;) {
    const fn = enclosing(at);
    if (isInLoop(at)) return false;
    if (!fn) return true;
    if (ts.isClassLike(fn)) return false;
    if (afterOnceGuard(at, fn)) return true;
    if (!isIife(fn) && !isOnceCallback(fn)) return false;
    at = fn;
  }
}

function enclosing(node: ts.Node): FunctionNode | ts.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current) || ts.isClassLike(current)) return current;
  }
  return undefined;
}

/** `p.then(fn)`, `document.addEventListener("DOMContentLoaded", fn)`, `app.once("ready", fn)`. */
function isOnceCallback(fn: ts.Node): boolean {
  const call = fn.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(fn as ts.Expression) || !ts.isPropertyAccessExpression(call.expression)) return false;
  const member = call.expression.name.text;
  if (ONCE_MEMBERS.has(member)) return true;
  const event = call.arguments[0];
  return LISTEN.has(member) && event !== undefined && ts.isStringLiteralLike(event) && ONE_SHOT_EVENTS.has(event.text);
}

/** `node` sits in `fn`'s body after `if (flag) return …;`, and the body sets `flag = true`, a module-level variable. */
function afterOnceGuard(node: ts.Node, fn: FunctionNode): boolean {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return false;
  const statement = body.statements.find((s) => s.pos <= node.pos && node.end <= s.end);
  if (!statement) return false;
  for (const earlier of body.statements) {
    if (earlier === statement) return false;
    if (!ts.isIfStatement(earlier) || earlier.elseStatement || !endsInReturn(earlier.thenStatement) || !ts.isIdentifier(earlier.expression)) continue;
    const flag = earlier.expression.text;
    if (setsTrue(body, flag) && isModuleVariable(fn.getSourceFile(), flag)) return true;
  }
  return false;
}

function endsInReturn(statement: ts.Statement): boolean {
  const last = ts.isBlock(statement) ? statement.statements[statement.statements.length - 1] : statement;
  return last !== undefined && ts.isReturnStatement(last);
}

function setsTrue(body: ts.Block, flag: string): boolean {
  return body.statements.some((s) => ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression)
    && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(s.expression.left) && s.expression.left.text === flag
    && s.expression.right.kind === ts.SyntaxKind.TrueKeyword);
}

function isModuleVariable(file: ts.SourceFile, name: string): boolean {
  return file.statements.some((s) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name));
}
