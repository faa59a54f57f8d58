// unreleased-connection: clients checked out of a pool (`pool.connect()`, `getConnection()`, `acquire()`, sessions, duplicated clients) not released on every path, or released twice.
import ts from "typescript";
import {
  endsWithCommand,
  type CheckoutSpec, type Fix, type ResourceTrack, KNOWN_CHECKOUTS, calleeMemberName, configCheckouts, containingStatement, defineRule,
  describeExit, enclosingFunction, isInside, matchCheckout, releaseCalls, releaseInTeardown, trackResource, wrapInTryFinally, makeFix,
} from "../engine";

type MessageId = "dropped" | "neverReleased" | "leakPath" | "doubleRelease" | "notInTeardown";
interface Options {
  /** Count exceptions thrown while the connection is checked out as leaking exits (default true). */
  checkExceptions: boolean;
}

export default defineRule<MessageId, Options>({
  id: "unreleased-connection",
  meta: {
    family: "resource",
    description: "connections checked out of a pool (pool.connect(), getConnection(), acquire()) not released on every path",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [],
    defaultSeverity: "error",
  },
  messages: {
    dropped: "The connection from `{{label}}` is never stored, so it is never returned to the pool: every call takes one more until the pool is exhausted and requests hang.",
    neverReleased: "`{{name}}` from `{{label}}` is never released: every call keeps one more connection checked out until the pool is exhausted and requests hang.",
    leakPath: "`{{name}}` from `{{label}}` is not released on {{exit}}: each time that happens one connection never returns to the pool. Release it in `finally`.",
    doubleRelease: "`{{name}}` is released twice (also on line {{line}}): the second release throws or hands back a connection that someone else may already hold.",
    notInTeardown: "`this.{{name}}` from `{{label}}` is never released, not even in `{{teardown}}()`: the connection stays open after the object is torn down.",
  },
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { checkExceptions: { type: "boolean", description: "Report connections left checked out when a call throws before the release." } },
  },
  defaultOptions: { checkExceptions: true },
  create(context) {
    const { facts, sourceFile } = context;
    const checkouts = [...KNOWN_CHECKOUTS, ...configCheckouts(context.settings)];
    const methods = new Set(checkouts.map((c) => c.method));
    return {
      [ts.SyntaxKind.CallExpression](call: ts.CallExpression) {
        if (!methods.has(calleeMemberName(call) ?? "") || !ts.isPropertyAccessExpression(call.expression)) return;
        const spec = matchCheckout(facts, call, checkouts);
        if (spec) check(call, spec);
      },
    };

    function check(call: ts.CallExpression, spec: CheckoutSpec): void {
      const track = trackResource(facts, call, spec, context.options.checkExceptions);
      if (!track) return;
      if (endsWithCommand(facts, call)) return; // once per command: the exit closes the pool
      const name = track.binding?.text ?? "it";
      const data = { label: spec.label, name, exit: describeExit(track, sourceFile) };
      const node = call.expression;
      switch (track.outcome) {
        case "dropped":
          return context.report({ node, messageId: "dropped", data });
        case "never": {
          const fix = wrapInTryFinally(track, sourceFile, spec.release[0] ? `${name}.${spec.release[0]}()` : undefined);
          return context.report({ node, messageId: "neverReleased", data, fixes: fix ? [{ ...fix, safe: false }] : [] });
        }
        case "field":
          return reportField(call, track);
        case "released":
        case "leak":
          if (track.leak) {
            const fix = wrapInTryFinally(track, sourceFile, undefined);
            context.report({
              node, messageId: "leakPath", data,
              related: [{ node: track.leak.node, message: "leaves with the connection checked out" }],
              fixes: fix ? [fix] : [],
            });
          }
          return reportDoubleRelease(track, name);
      }
    }

    function reportField(call: ts.CallExpression, track: ResourceTrack): void {
      const field = track.field!;
      const owner = { kind: "class" as const, classNode: field.classNode, teardown: field.teardown };
      const teardown = track.spec.release[0] ? releaseInTeardown(owner, sourceFile, call, `void this.${field.name}?.${track.spec.release[0]}()`) : undefined;
      const fixes: Fix[] = teardown ? [makeFix(`Release this.${field.name} in ${teardown.where}`, !teardown.created, teardown.edits)] : [];
      context.report({
        node: call.expression,
        messageId: "notInTeardown",
        data: { label: track.spec.label, name: field.name, teardown: field.teardown.name.getText(sourceFile) },
        related: [{ node: field.teardown.name, message: "teardown that should release it" }],
        fixes,
      });
    }

    /** A release in a `try` block (or earlier in the same block) followed by another in `finally` (or later). */
    function reportDoubleRelease(track: ResourceTrack, name: string): void {
      const calls = releaseCalls(track);
      for (const later of calls) {
        const earlier = calls.find((c) => c !== later && releasedBefore(c, later));
        if (!earlier) continue;
        const line = sourceFile.getLineAndCharacterOfPosition(earlier.getStart(sourceFile)).line + 1;
        context.report({ node: later, messageId: "doubleRelease", data: { name, line } });
        return;
      }
    }
  },
});

/** Whether `earlier` always runs before `later` on one path: same block in order, or try block before its finally. */
function releasedBefore(earlier: ts.CallExpression, later: ts.CallExpression): boolean {
  if (enclosingFunction(earlier) !== enclosingFunction(later)) return false;
  const first = containingStatement(earlier);
  const second = containingStatement(later);
  if (!first || !second || first === second) return false;
  if (first.parent === second.parent) {
    const list = (first.parent as ts.Block).statements;
    const between = list.slice(list.indexOf(first) + 1, list.indexOf(second));
    return list.indexOf(first) < list.indexOf(second) && !isConditional(earlier, first) && !between.some(exits);
  }
  for (let node: ts.Node = earlier; node.parent; node = node.parent) {
    const tryStatement = node.parent;
    if (ts.isTryStatement(tryStatement) && tryStatement.tryBlock === node) {
      return tryStatement.finallyBlock !== undefined && isInside(later, tryStatement.finallyBlock) && !isConditional(earlier, tryStatement.tryBlock)
        && !isConditional(later, tryStatement.finallyBlock);
    }
  }
  return false;
}

/** Whether `node` sits under an `if`, loop, `&&`/`?.` or callback below `top`. */
function isConditional(node: ts.Node, top: ts.Node): boolean {
  for (let current = node.parent; current && current !== top; current = current.parent) {
    if (ts.isIfStatement(current) || ts.isConditionalExpression(current) || ts.isIterationStatement(current, false) || ts.isCatchClause(current)
      || ts.isSwitchStatement(current) || ts.isBinaryExpression(current) || ts.isArrowFunction(current) || ts.isFunctionExpression(current)) {
      return true;
    }
  }
  return false;
}

function exits(statement: ts.Statement): boolean {
  return ts.isReturnStatement(statement) || ts.isThrowStatement(statement);
}
