// Resources an object holds in a field and replaces. A method that runs again and again
// (a handler, a (re)connect, a method a callback calls again — `owners.runsRepeatedly`)
// stores a freshly acquired stream, socket or client in `this.x` / `self.x`; when nothing
// in the object ever closes, hands off or even watches the field, each run drops the
// previous resource with its handle still open:
//
//   reconnect() { this.socket = net.connect(port) }      // the old socket stays open
//   open() { this.out = this.makeStream() }              // makeStream(): return fs.createWriteStream(p)
//
// The acquisition may sit in a same-owner helper whose return value is the resource
// (`return fs.createWriteStream(p)`, or `const d = …; return d`); it is then reported there,
// at the acquisition, and the field is the one the repeating caller assigns.
import ts from "typescript";
import { type FunctionNode, enclosingFunction } from "../core/ast";
import type { Facts } from "../core/facts";
import type { ResourceSpec } from "../apis/resources";
import { type InstanceOwner, type OwnersAnalysis, owners } from "./owners";
import { outerReference } from "./ownership";
import { classifyUse } from "./resource-tracking";

export interface FieldResource {
  owner: InstanceOwner;
  /** The method whose assignment stores the field ("constructor" for the constructor body). */
  method: string;
  methodFn: FunctionNode;
  field: string;
  /** The `this.x = …` assignment that replaces it. */
  assignment: ts.BinaryExpression;
}

/** Events whose listener means the object follows the resource's end (a reconnect on close replaces a dead one). */
const END_EVENTS = new Set(["close", "end", "error", "exit", "finish", "disconnect", "disconnected", "destroy"]);
const LISTEN_METHODS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener", "addEventListener"]);

/**
 * The field of the call's owner that the resource `call` acquires is stored in, when
 * nothing in the owner ever releases, hands off, tests, resets or listens to the end of
 * that field: first one a repeating method overwrites (`overwritten`: every run leaves the
 * previous resource open), else one stored — by any method, the constructor included — in
 * an owner with a teardown (`dispose`, `close`, `stop` …), which forgets it, so every
 * torn-down instance leaves it open. Undefined otherwise: created once and never torn down
 * is not a leak. (The owner's fields are read once for both questions.)
 */
export function unwatchedFieldResource(facts: Facts, call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec): { found: FieldResource; overwritten: boolean } | undefined {
  const fields = unwatchedFields(facts, call, spec);
  if (fields.length === 0) return undefined;
  const ownersOfFile = facts.analysis(owners);
  const overwritten = fields.find((found) => ownersOfFile.runsRepeatedly(found.owner, { name: found.method, fn: found.methodFn }));
  if (overwritten) return { found: overwritten, overwritten: true };
  const forgotten = fields.find((found) => found.owner.teardown !== undefined);
  return forgotten ? { found: forgotten, overwritten: false } : undefined;
}

/** The fields of the call's owner its resource is stored in, where nothing in the owner looks after the field. */
function unwatchedFields(facts: Facts, call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec): FieldResource[] {
  const ownersOfFile = facts.analysis(owners);
  const owner = ownersOfFile.instanceAt(call);
  if (!owner) return [];
  const result: FieldResource[] = [];
  for (const value of valuesOf(facts, ownersOfFile, owner, call, spec)) {
    const assignment = fieldAssignment(value);
    const field = assignment ? ownersOfFile.fieldOf(owner, assignment.left) : undefined;
    const method = assignment && field !== undefined ? ownersOfFile.methodAt(owner, assignment) : undefined;
    if (!assignment || !field || !method) continue;
    const refs = ownersOfFile.fieldReferences(owner, field).filter((r) => r !== assignment.left);
    if (refs.some((r) => !isPlainUse(facts, r, spec))) continue;
    result.push({ owner, method: method.name, methodFn: method.fn, field, assignment });
  }
  return result;
}

/**
 * The expressions that carry the resource to where it is stored: the call itself
 * (under `await`), or — when it is returned from a method of the owner — each
 * `this.method(…)` call of that method in the owner.
 */
function valuesOf(facts: Facts, ownersOfFile: OwnersAnalysis, owner: InstanceOwner, call: ts.Expression, spec: ResourceSpec): ts.Expression[] {
  const direct = awaited(outerReference(call));
  const fn = enclosingFunction(call);
  if (!fn || !returnsValue(facts, fn, direct, spec)) return [direct];
  const helper = [...owner.methods].find(([, m]) => m === fn)?.[0];
  if (!helper) return [direct];
  const callers: ts.Expression[] = [];
  for (const method of owner.methods.values()) {
    for (const ref of callsOf(method, helper)) if (ownersOfFile.isInstanceReference(owner, ref.expression)) callers.push(awaited(outerReference(ref.parent as ts.CallExpression)));
  }
  return callers;
}

/** `return value`, or `const d = value; … return d` where nothing else releases or hands off `d`. */
function returnsValue(facts: Facts, fn: FunctionNode, value: ts.Expression, spec: ResourceSpec): boolean {
  const parent = value.parent;
  if (ts.isReturnStatement(parent)) return true;
  if (!ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name) || enclosingFunction(parent) !== fn) return false;
  const name = parent.name.text;
  const others = facts.referencesTo(parent.name).filter((r) => !ts.isReturnStatement(outerReference(r).parent));
  if (others.some((r) => classifyUse(facts, r, spec) !== "use")) return false;
  let returned = false;
  visitOwnBody(fn, (node) => {
    if (ts.isReturnStatement(node) && node.expression && ts.isIdentifier(node.expression) && node.expression.text === name) returned = true;
  });
  return returned;
}

/** `this.helper` property accesses that are called, inside `root`. */
function callsOf(root: ts.Node, helper: string): ts.PropertyAccessExpression[] {
  const result: ts.PropertyAccessExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === helper && ts.isCallExpression(node.parent) && node.parent.expression === node) result.push(node);
    ts.forEachChild(node, visit);
  };
  visit(root);
  return result;
}

function visitOwnBody(fn: FunctionNode, visitor: (node: ts.Node) => void): void {
  const visit = (node: ts.Node): void => {
    visitor(node);
    if (node !== fn && (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node))) return;
    ts.forEachChild(node, visit);
  };
  visit(fn);
}

function awaited(expr: ts.Expression): ts.Expression {
  return ts.isAwaitExpression(expr.parent) ? outerReference(expr.parent) : expr;
}

/** `this.x = value` (plain `=`), as an expression statement or inside one. */
function fieldAssignment(value: ts.Expression): (ts.BinaryExpression & { left: ts.PropertyAccessExpression }) | undefined {
  const parent = value.parent;
  if (!ts.isBinaryExpression(parent) || parent.right !== value || parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  return ts.isPropertyAccessExpression(parent.left) ? parent as ts.BinaryExpression & { left: ts.PropertyAccessExpression } : undefined;
}

/**
 * A reference that neither releases nor hands off the field, does not test it
 * (`if (this.socket)`, `this.s && …`, `this.s ?? …` — a guard may keep the live one),
 * does not reassign it (`this.s = null` — a reset follows its end), and does not
 * listen to its end (`this.s.on("close", …)`, `this.s.onclose = …`).
 */
function isPlainUse(facts: Facts, ref: ts.PropertyAccessExpression, spec: ResourceSpec): boolean {
  if (classifyUse(facts, ref, spec) !== "use") return false;
  const outer = outerReference(ref);
  const parent = outer.parent;
  if (ts.isIfStatement(parent) || ts.isConditionalExpression(parent) || ts.isPrefixUnaryExpression(parent) || ts.isWhileStatement(parent)) return false;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return false;
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment && parent.left === outer) return false;
    if (op >= ts.SyntaxKind.EqualsEqualsToken && op <= ts.SyntaxKind.ExclamationEqualsEqualsToken) return false;
  }
  if (ts.isPropertyAccessExpression(parent) && parent.expression === outer) {
    if (parent.questionDotToken) return false; // `this.s?.x`: written for a field that may be gone
    if (/^on(close|end|error|exit)$/.test(parent.name.text)) return false;
    const call = parent.parent;
    const event = ts.isCallExpression(call) && call.expression === parent ? call.arguments[0] : undefined;
    if (LISTEN_METHODS.has(parent.name.text) && event && ts.isStringLiteralLike(event) && END_EVENTS.has(event.text)) return false;
  }
  return true;
}
