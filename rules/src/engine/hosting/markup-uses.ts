// Component markup: where a `.vue` / `.svelte` file's template renders an imported component. The
// script view (sfc.ts) blanks the template, so the importer index (importers.ts) asks here whether a
// component's tag is rendered once, unconditionally: not inside a Svelte `{#if}` / `{#each}` /
// `{#await}` / `{#key}` block, not on or under a Vue element with `v-if` / `v-else-if` / `v-else` /
// `v-for`, and not more than once. Such a child is mounted with its parent and lives as long as it.
import path from "node:path";

const SCRIPT_OR_STYLE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?-->/g;
const SVELTE_BLOCK = /\{\s*([#/])(if|each|await|key)\b/g;
const VUE_CONDITION = /\sv-(if|else-if|else|for)\b/;
const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);

/** The tag names a component imported as `local` goes by in markup: `Backplate`, and in Vue also `notification-manager`. */
function tagNames(local: string, vue: boolean): string[] {
  const kebab = local.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
  return vue && kebab !== local ? [local, kebab] : [local];
}

/** Whether the component's markup renders `<local …>` exactly once, outside any conditional or repeated block. */
export function rendersOnceInMarkup(fileName: string, text: string, local: string): boolean {
  const vue = path.extname(fileName).toLowerCase() === ".vue";
  const markup = text.replace(SCRIPT_OR_STYLE, (m) => " ".repeat(m.length)).replace(COMMENT, (m) => " ".repeat(m.length));
  const names = new Set(tagNames(local, vue));
  let found = 0;
  let conditional = false;
  let svelteDepth = 0;
  // Open elements with whether each (or one of its ancestors) is conditional or repeated.
  const open: Array<{ name: string; guarded: boolean }> = [];
  const token = new RegExp(`${SVELTE_BLOCK.source}|<(/?)([A-Za-z][\\w.:-]*)((?:"[^"]*"|'[^']*'|\\{[^}]*\\}|[^>"'{])*?)(/?)>`, "g");
  for (const match of markup.matchAll(token)) {
    if (match[1] !== undefined) {
      if (svelteDepth > 0 || match[1] === "#") svelteDepth += match[1] === "#" ? 1 : -1;
      continue;
    }
    const [closing, name, attributes, selfClosing] = [match[3] === "/", match[4], match[5] ?? "", match[6] === "/"];
    if (closing) {
      const at = open.map((o) => o.name).lastIndexOf(name);
      if (at >= 0) open.length = at;
      continue;
    }
    const guarded = (open.length > 0 && open[open.length - 1].guarded) || (vue && VUE_CONDITION.test(attributes));
    if (names.has(name)) {
      found++;
      if (guarded || svelteDepth > 0) conditional = true;
    }
    if (!selfClosing && !VOID_ELEMENTS.has(name.toLowerCase())) open.push({ name, guarded });
  }
  return found === 1 && !conditional;
}
