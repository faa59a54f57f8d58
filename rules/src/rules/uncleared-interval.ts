// uncleared-interval: `setInterval` whose handle is dropped or never cleared on the owner's teardown path.
import ts from "typescript";
import {
  type Facts, type Fix, type Owner, type TextEdit, calleeMemberName, classifyReference, defineRule, enclosingFunction, freshName,
  indentationAt, isModuleLevel, outerReference, releaseInTeardown, thisClass,
} from "../engine";

type MessageId = "dropped" | "neverCleared" | "moduleLevel";
interface Options {
  /** Report module-level intervals in entry-point files too (default false). */
  checkEntryPoints: boolean;
}

const CLEAR_FUNCTIONS = ["clearInterval", "clearTimeout"];
const OWNERSHIP = { releaseMethods: [] as string[], releaseFunctions: CLEAR_FUNCTIONS };

export default defineRule<MessageId, Options>({
  id: "uncleared-interval",
  meta: {
    family: "timer",
    description: "setInterval whose handle is dropped or never cleared on the owner's teardown path",
    fix: "safe",
    requiresTypeInfo: false,
    requires: ["imports", "lifetime", "references"],
    defaultSeverity: "error",
  },
  messages: {
    dropped: "The handle of this `setInterval` is dropped, so the interval can never be cleared: each time {{when}} another timer starts that runs forever and keeps its callback's closure alive.",
    neverCleared: "`{{name}}` from `setInterval` is never cleared with `clearInterval`{{where}}: the timer runs forever and keeps its callback's closure alive.",
    moduleLevel: "This module-level `setInterval` is never cleared or `unref()`ed: in library code it keeps the process alive and its closure in memory for good.",
  },
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { checkEntryPoints: { type: "boolean", description: "Report module-level intervals in entry-point files too." } },
  },
  defaultOptions: { checkEntryPoints: false },
  create(context) {
    const { facts, sourceFile } = context;
    return {
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        // Cheap syntactic filter first; the import-resolved name settles it.
        if (calleeMemberName(call) !== "setInterval" || facts.calleeName(call) !== "global:setInterval") return;
        checkInterval(call);
      },
    };

    function checkInterval(call: ts.CallExpression): void {
      const handle = handleExpression(call);
      const parent = handle.parent;
      const unrefed = handle !== outerReference(call);
      const moduleLevel = isModuleLevel(call);
      if (ts.isExpressionStatement(parent) || ts.isVoidExpression(parent)) {
        if (moduleLevel) return reportModuleLevel(call, unrefed, parent);
        const owner = facts.lifetime.ownerOf(call);
        return context.report({
          node: call.expression,
          messageId: "dropped",
          data: { when: describeRun(facts, call, owner) },
          fixes: droppedFixes(call, owner, parent),
        });
      }
      const stored = storedReferences(handle);
      if (!stored) return; // returned, passed on or kept somewhere we cannot follow: handed off
      if (stored.refs.some((ref) => classifyReference(ref, OWNERSHIP) !== "use")) return;
      if (moduleLevel && !stored.member) return reportModuleLevel(call, unrefed || stored.refs.some(isUnrefCall), undefined);
      const owner = facts.lifetime.ownerOf(call);
      const teardown = stored.member !== undefined && owner.kind === "class" ? owner.teardown : undefined;
      context.report({
        node: call.expression,
        messageId: "neverCleared",
        data: { name: stored.name, where: teardown ? ` (not even in \`${teardown.name.getText(sourceFile)}()\`)` : "" },
        related: teardown ? [{ node: teardown.name, message: "teardown that should clear it" }] : [],
        fixes: storedFixes(call, owner, stored),
      });
    }

    function reportModuleLevel(call: ts.CallExpression, unrefed: boolean, statement: ts.Node | undefined): void {
      if (unrefed || (!context.options.checkEntryPoints && isEntryPoint(sourceFile))) return;
      const fixes: Fix[] = [];
      if (statement) {
        fixes.push({ description: "Call .unref() so the interval does not keep the process alive (Node.js)", safe: false,
          edits: [{ start: call.getEnd(), end: call.getEnd(), newText: ".unref()" }] });
      }
      context.report({ node: call.expression, messageId: "moduleLevel", fixes });
    }

    /** The expression that carries the handle: the call, or `setInterval(…).unref()`. */
    function handleExpression(call: ts.CallExpression): ts.Expression {
      const outer = outerReference(call);
      const access = outer.parent;
      if (ts.isPropertyAccessExpression(access) && (access.name.text === "unref" || access.name.text === "ref")
        && ts.isCallExpression(access.parent) && access.parent.expression === access) {
        return outerReference(access.parent);
      }
      return outer;
    }

    /** Where the handle is stored: a variable or a `this.field`, with every reference to it. */
    function storedReferences(handle: ts.Expression): { name: string; refs: ts.Expression[]; member?: string } | undefined {
      const parent = handle.parent;
      if (ts.isVariableDeclaration(parent) && parent.initializer === handle && ts.isIdentifier(parent.name)) {
        return { name: parent.name.text, refs: facts.referencesTo(parent.name) };
      }
      if (!ts.isBinaryExpression(parent) || parent.right !== handle || parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken) {
        return undefined;
      }
      const target = parent.left;
      if (ts.isIdentifier(target)) {
        const declaration = facts.symbolAt(target)?.valueDeclaration;
        if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
        return { name: target.text, refs: facts.referencesTo(declaration.name).filter((r) => r !== target) };
      }
      if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const classNode = thisClass(target);
        if (!classNode) return undefined;
        const refs = facts.memberReferences(classNode, target.name.text).filter((r) => r !== target);
        return { name: `this.${target.name.text}`, refs, member: target.name.text };
      }
      return undefined;
    }

    function droppedFixes(call: ts.CallExpression, owner: Owner, statement: ts.Node): Fix[] {
      const callText = call.getText(sourceFile);
      if (owner.kind === "class") {
        const field = freshName(sourceFile, "interval", (n) => owner.classNode.members.some((m) => m.name?.getText(sourceFile) === n));
        const teardown = releaseInTeardown(owner, sourceFile, call, `clearInterval(this.${field})`);
        if (!teardown) return [];
        const edits: TextEdit[] = [{ start: call.getStart(sourceFile), end: call.getEnd(), newText: `this.${field} = ${callText}` }, ...teardown.edits];
        edits.push(fieldDeclaration(owner.classNode, field));
        return [{ description: `Store the interval in this.${field} and clear it in ${teardown.where}`, safe: !teardown.created, edits }];
      }
      const fn = enclosingFunction(call);
      if (!fn) return [];
      const name = freshName(sourceFile, "interval", (n) => facts.identifiersNamed(n).length > 0);
      const teardown = releaseInTeardown(owner, sourceFile, statement, `clearInterval(${name})`);
      if (!teardown) return [];
      const edits: TextEdit[] = [{ start: call.getStart(sourceFile), end: call.getEnd(), newText: `const ${name} = ${callText}` }, ...teardown.edits];
      return [{ description: `Store the interval and clear it in ${teardown.where}`, safe: !teardown.created, edits }];
    }

    function storedFixes(call: ts.CallExpression, owner: Owner, stored: { name: string; member?: string }): Fix[] {
      if (stored.member === undefined && owner.kind === "class") return []; // a local in a method: no place to clear it from
      const teardown = releaseInTeardown(owner, sourceFile, call, `clearInterval(${stored.name})`);
      if (!teardown) return [];
      return [{ description: `Clear ${stored.name} in ${teardown.where}`, safe: !teardown.created, edits: teardown.edits }];
    }

    function fieldDeclaration(classNode: ts.ClassLikeDeclaration, field: string): TextEdit {
      const open = classNode.members.pos;
      const first = classNode.members[0];
      const indent = first ? indentationAt(sourceFile.text, first.getStart(sourceFile)) : "  ";
      const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
      const declaration = typed ? `private ${field}?: ReturnType<typeof setInterval>;` : `${field};`;
      return { start: open, end: open, newText: `\n${indent}${declaration}` };
    }
  },
});

function isUnrefCall(ref: ts.Expression): boolean {
  const access = outerReference(ref).parent;
  return ts.isPropertyAccessExpression(access) && access.name.text === "unref";
}

/** Entry points run once per process: a shebang, `require.main === module`, `import.meta.main` or a `.listen(` call. */
function isEntryPoint(sourceFile: ts.SourceFile): boolean {
  const text = sourceFile.text;
  return text.startsWith("#!") || /require\.main\s*===?\s*module|import\.meta\.main|\.listen\(/.test(text);
}

function describeRun(facts: Facts, call: ts.CallExpression, owner: Owner): string {
  switch (owner.kind) {
    case "class":
      return "an instance is created or this method runs";
    case "effect":
      return "the effect runs (every mount or dependency change)";
    case "request":
      return "a request is handled";
    case "vscode":
      return "the extension activates";
    case "vue-setup":
      return "the component mounts";
    default: {
      const role = facts.lifetime.roleAt(call);
      return role === "react-component" ? "the component renders" : "this function is called";
    }
  }
}
