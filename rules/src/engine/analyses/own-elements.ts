// A component's own elements: what its template renders, which goes when the component does.
// An observer (ResizeObserver, IntersectionObserver, MutationObserver) is kept alive by the nodes
// it observes; observing only the component's own elements, it goes with them.
import ts from "typescript";
import type { Facts } from "../core/facts";
import type { ComponentSourceFile } from "../hosting/sfc";
import { skipOuterExpressions } from "../core/names";

/** `document.getElementById("x")`, `document.querySelector("#x")`: the id looked up. */
function idLookedUp(expr: ts.Expression): string | undefined {
  const call = skipOuterExpressions(expr);
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) || call.expression.expression.getText() !== "document") return undefined;
  const [argument] = call.arguments;
  if (!argument || !ts.isStringLiteralLike(argument)) return undefined;
  if (call.expression.name.text === "getElementById") return argument.text;
  if (call.expression.name.text === "querySelector" && /^#[\w-]+$/.test(argument.text)) return argument.text.slice(1);
  return undefined;
}

/** The component's markup (a `.vue`/`.svelte` file's text outside its script blocks), when the file is a component. */
function componentMarkup(facts: Facts): string | undefined {
  const original = (facts.sourceFile as ComponentSourceFile).leaklintComponent?.original;
  return original?.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, "");
}

/**
 * `expr` is an element of the component the code belongs to: `this.$el`, `this.$refs.x` (and what they
 * contain: `this.$el.querySelector(…)`), an element looked up by an id its own template declares
 * (`document.getElementById("formWrapper")` with `<div id="formWrapper">`, also through a variable), or a
 * Svelte `bind:this={el}` variable of its markup.
 */
export function isComponentOwnElement(facts: Facts, expr: ts.Expression, depth = 0): boolean {
  let inner = skipOuterExpressions(expr);
  if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && /^querySelector(All)?$/.test(inner.expression.name.text)
    && inner.expression.expression.getText() !== "document") return isComponentOwnElement(facts, inner.expression.expression, depth);
  while (ts.isPropertyAccessExpression(inner) || ts.isElementAccessExpression(inner)) {
    const base = skipOuterExpressions(inner.expression);
    if (base.kind === ts.SyntaxKind.ThisKeyword) return ts.isPropertyAccessExpression(inner) && /^\$(el|refs)$/.test(inner.name.text);
    inner = base;
  }
  const id = idLookedUp(inner);
  if (id !== undefined) return new RegExp(`\\bid=["']${id.replace(/[-]/g, "\\-")}["']`).test(componentMarkup(facts) ?? "");
  if (!ts.isIdentifier(inner) || depth > 0) return false;
  const decl = facts.symbolAt(inner)?.declarations?.[0];
  if (!decl || !ts.isVariableDeclaration(decl)) return false;
  if (decl.initializer) return isComponentOwnElement(facts, decl.initializer, depth + 1);
  return new RegExp(`bind:this=\\{${inner.text}\\}`).test(componentMarkup(facts) ?? "");
}
