// request-context-escape: request-scoped objects (req/res, ctx, request/reply) stored where they outlive the request, and AsyncLocalStorage#enterWith in request handlers.
import ts from "typescript";
import {
  type Fix, type RequestValue, calleeMemberName, calleeReceiver, defineRule, enclosingFunction, heldRequest, outlivesHandler, referenceKey,
  removeStatement, skipOuterExpressions, lifetimes, makeFix, replaceNode,
} from "../engine";

type MessageId = "stored" | "collected" | "enterWith";
type Options = Record<string, never>;

const GROW_METHODS = new Set(["push", "unshift", "add", "set", "append"]);
const SHRINK_METHODS = new Set(["delete", "splice", "shift", "pop", "clear", "remove", "filter", "slice"]);
const MAP_ONLY_METHODS = new Set(["get", "set", "has", "delete"]);
const WHAT = ["the request", "the response"];

export default defineRule<MessageId, Options>({
  id: "request-context-escape",
  meta: {
    family: "context",
    description: "request/response/context objects stored in long-lived places or captured by closures that outlive the request",
    fix: "suggestion",
    requiresTypeInfo: false,
    requires: [lifetimes],
    defaultSeverity: "warning",
  },
  messages: {
    stored: "{{what}} `{{name}}` is stored in {{where}}, which outlives the request: it keeps the request, its socket and buffers alive after the response, and the next request sees the previous one's objects.",
    collected: "{{what}} `{{name}}` is added to {{where}}, which outlives the request and never lets go: every request handled stays in memory with its socket and buffers.",
    enterWith: "`{{name}}.enterWith()` in a request handler sets the store for the rest of the current async context, not just this request: it leaks into whatever runs next on it. Use `{{name}}.run(store, …)`.",
  },
  schema: { type: "object", additionalProperties: false, properties: {} },
  defaultOptions: {},
  create(context) {
    const lifetime = context.use(lifetimes);
    const { facts, sourceFile } = context;
    return {
      [ts.SyntaxKind.BinaryExpression](node: ts.BinaryExpression) {
        if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !enclosingFunction(node)) return;
        const right = skipOuterExpressions(node.right);
        if (ts.isLiteralExpression(right) || ts.isCallExpression(right) || ts.isBinaryExpression(right)) return; // cheap filter
        const held = heldRequest(facts, right);
        if (!held) return;
        const where = longLivedPlace(node.left, held);
        if (!where || isResetElsewhere(node.left)) return;
        context.report({ node, messageId: "stored", data: describe(held, where), fixes: copyFieldsFix(node.right, held) });
      },
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        const method = calleeMemberName(call);
        if (method === "enterWith") return checkEnterWith(call);
        if (!method || !GROW_METHODS.has(method) || call.arguments.length === 0 || !enclosingFunction(call)) return;
        const receiver = calleeReceiver(call);
        if (!receiver) return;
        for (const arg of call.arguments) {
          const held = heldRequest(facts, arg);
          if (!held) continue;
          const where = longLivedPlace(receiver, held);
          // Module-level and static collections that only grow are unbounded-collection's (it offers the WeakMap too).
          if (!where || where.startsWith("the module-level") || where.startsWith("the static") || hasRemovals(receiver)) return;
          const fixes = [...weakMapFix(receiver, method, arg, call), ...copyFieldsFix(arg, held)];
          return context.report({ node: call, messageId: "collected", data: describe(held, where), fixes });
        }
      },
    };

    function describe(held: RequestValue, where: string): Record<string, string> {
      return { what: (WHAT[held.index] ?? "the request object").replace(/^t/, "T"), name: held.param.text, where };
    }

    /** Where `target` lives if that outlives the request of `held`: module level, a factory closure, a static field, a controller singleton. */
    function longLivedPlace(target: ts.Expression, held: RequestValue): string | undefined {
      let root = skipOuterExpressions(target);
      while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = skipOuterExpressions(root.expression);
      const text = target.getText(sourceFile);
      if (root.kind === ts.SyntaxKind.ThisKeyword) {
        const method = held.handler;
        const isController = ts.isMethodDeclaration(method) && lifetime.roleOf(method) === "request-handler";
        return isController && target !== root ? `\`${text}\` on the controller, a singleton shared by every request` : undefined;
      }
      if (!ts.isIdentifier(root) || root.text === "exports" || root.text === "module") return undefined;
      if (heldRequest(facts, root)) return undefined; // stored on the request itself
      const decl = facts.symbolAt(root)?.valueDeclaration;
      if (decl && ts.isClassLike(decl) && target !== root) return `the static \`${text}\``;
      const lives = outlivesHandler(facts, root, held.handler);
      if (lives === "module") return `the module-level \`${text}\``;
      if (lives === "closure") return `\`${text}\` in an enclosing function's closure (a middleware factory's state is shared by every request)`;
      return undefined;
    }

    /** `current = null` / `ctx.request = undefined` somewhere: the reference is dropped again. */
    function isResetElsewhere(target: ts.Expression): boolean {
      const key = referenceKey(target);
      if (!key) return false;
      const last = key.slice(key.lastIndexOf(".") + 1);
      return facts.identifiersNamed(last).some((id) => {
        const access = ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? id.parent : id;
        const assignment = access.parent;
        if (!ts.isBinaryExpression(assignment) || assignment.left !== access || referenceKey(access) !== key) return false;
        const value = skipOuterExpressions(assignment.right);
        return value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === "undefined") || ts.isVoidExpression(value);
      }) || /\bdelete\s/.test(sourceFile.text) && sourceFile.text.includes(`delete ${key}`);
    }

    /** The collection is shrunk somewhere (`delete`, `splice`, `clear`, reassigned …), or is weak. */
    function hasRemovals(receiver: ts.Expression): boolean {
      const key = referenceKey(receiver);
      if (!key) return true; // cannot follow it
      const last = key.slice(key.lastIndexOf(".") + 1);
      const decl = ts.isIdentifier(receiver) ? facts.symbolAt(receiver)?.valueDeclaration : undefined;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && /^new\s+Weak(Map|Set|Ref)\b/.test(decl.initializer.getText(sourceFile))) return true;
      return facts.identifiersNamed(last).some((id) => {
        const access = ts.isPropertyAccessExpression(id.parent) && id.parent.name === id ? id.parent : id;
        if (referenceKey(access) !== key) return false;
        const parent = access.parent;
        if (ts.isPropertyAccessExpression(parent) && parent.expression === access) {
          return SHRINK_METHODS.has(parent.name.text) || (parent.name.text === "length" && ts.isBinaryExpression(parent.parent) && parent.parent.left === parent);
        }
        return ts.isBinaryExpression(parent) && parent.left === access && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
      });
    }

    function checkEnterWith(call: ts.CallExpression): void {
      const receiver = calleeReceiver(call);
      if (!receiver || call.arguments.length !== 1 || lifetime.ownerOf(call).kind !== "request") return;
      if (facts.typeIs(receiver, ["AsyncLocalStorage"]) === false) return;
      const name = receiver.getText(sourceFile);
      context.report({ node: call.expression, messageId: "enterWith", data: { name }, fixes: runFix(call, name) });
    }

    /** `als.enterWith(store); next();` → `als.run(store, () => next());` (suggestion). */
    function runFix(call: ts.CallExpression, name: string): Fix[] {
      const statement = call.parent;
      const block = statement.parent;
      if (!ts.isExpressionStatement(statement) || !ts.isBlock(block)) return [];
      const following = block.statements[block.statements.indexOf(statement) + 1];
      if (!following) return [];
      const expression = ts.isReturnStatement(following) ? following.expression : ts.isExpressionStatement(following) ? following.expression : undefined;
      const awaited = expression && ts.isAwaitExpression(expression) ? expression.expression : expression;
      if (!awaited || !ts.isCallExpression(awaited)) return [];
      const prefix = ts.isReturnStatement(following) ? "return " : expression !== awaited ? "await " : "";
      const newText = `${prefix}${name}.run(${call.arguments[0].getText(sourceFile)}, () => ${awaited.getText(sourceFile)});`;
      return [makeFix(`Use ${name}.run() for the rest of the request`, false, [replaceNode(statement, sourceFile, newText), removeStatement(sourceFile, following)])];
    }

    /** Suggestion: copy the primitive fields instead of keeping the object. */
    function copyFieldsFix(value: ts.Expression, held: RequestValue): Fix[] {
      const inner = skipOuterExpressions(value);
      if (!ts.isIdentifier(inner)) return [];
      const name = inner.text;
      const koa = held.index === 0 && /^(ctx|c|context)$/.test(name);
      const fields = held.index === 1 ? ["statusCode"] : koa ? ["method", "path"] : ["method", "url"];
      const newText = `{ ${fields.map((f) => `${f}: ${name}.${f}`).join(", ")} }`;
      return [makeFix(`Keep only ${fields.join(" and ")} instead of ${name}`, false, [replaceNode(value, sourceFile, newText)])];
    }

    /** Suggestion: a `Map` keyed by request objects becomes a `WeakMap`, when it is only used as one. */
    function weakMapFix(receiver: ts.Expression, method: string, arg: ts.Expression, call: ts.CallExpression): Fix[] {
      if (method !== "set" || call.arguments[0] !== arg || !ts.isIdentifier(receiver)) return [];
      const decl = facts.symbolAt(receiver)?.valueDeclaration;
      if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !decl.initializer) return [];
      const init = decl.initializer;
      if (!ts.isNewExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== "Map" || init.arguments?.length) return [];
      const onlyMapUse = facts.referencesTo(decl.name).every((ref) => ts.isPropertyAccessExpression(ref.parent) && ref.parent.expression === ref
        && MAP_ONLY_METHODS.has(ref.parent.name.text) && ts.isCallExpression(ref.parent.parent));
      if (!onlyMapUse) return [];
      const edits = [replaceNode(init.expression, sourceFile, "WeakMap")];
      if (decl.type && ts.isTypeReferenceNode(decl.type) && decl.type.typeName.getText(sourceFile) === "Map") {
        edits.push(replaceNode(decl.type.typeName, sourceFile, "WeakMap"));
      }
      return [makeFix(`Make ${receiver.text} a WeakMap keyed by the request`, false, edits)];
    }
  },
});
