// The project's own imports of a file, for the importer index (importers.ts): the sites that load a module by a
// relative specifier or an alias of the project's source folder (`import`, `export … from`, `require`, `import()`),
// and whether a specifier names a given file.
import path from "node:path";
import ts from "typescript";

const RESOLVE_EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".vue"];

/** `import x from "./m"`, `require("./m")`, `import("./m")` with a relative (or `@/`) specifier. */
export function relativeImportSites(sourceFile: ts.SourceFile): Array<{ specifier: string; node: ts.Node }> {
  const sites: Array<{ specifier: string; node: ts.Node }> = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)
      && isLocalSpecifier(node.moduleSpecifier.text)) {
      sites.push({ specifier: node.moduleSpecifier.text, node });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))
      && isLocalSpecifier(node.arguments[0].text)) {
      sites.push({ specifier: node.arguments[0].text, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return sites;
}

/** Aliases of a project's own source folder: `@/` (Vue CLI, Vite, Next.js templates) and `$lib/` (SvelteKit). */
const SOURCE_ALIASES: ReadonlyArray<[string, string]> = [["@/", "src"], ["$lib/", path.join("src", "lib")]];
/** How many folders above the importer an aliased source folder may sit (`apps/studio/src` for `apps/studio/src-commercial/entrypoints/main.ts`). */
const MAX_ALIAS_DEPTH = 6;

function isLocalSpecifier(specifier: string): boolean {
  return specifier.startsWith(".") || SOURCE_ALIASES.some(([alias]) => specifier.startsWith(alias));
}

export function resolvesTo(importer: string, specifier: string, target: string): boolean {
  if (specifier.startsWith(".")) return resolvesFrom(path.resolve(path.dirname(importer), specifier), target);
  const alias = SOURCE_ALIASES.find(([prefix]) => specifier.startsWith(prefix));
  if (!alias) return false;
  // The `src/` folder above the importer (`@/utils/x` from `src/main.js` is `src/utils/x`), or beside a folder above it.
  const parts = path.resolve(importer).split(path.sep);
  const src = parts.lastIndexOf("src");
  if (alias[0] === "@/" && src >= 0) return resolvesFrom(path.join(parts.slice(0, src + 1).join(path.sep) || path.sep, specifier.slice(2)), target);
  for (let dir = path.dirname(path.resolve(importer)), depth = 0; depth < MAX_ALIAS_DEPTH; dir = path.dirname(dir), depth++) {
    if (resolvesFrom(path.join(dir, alias[1], specifier.slice(alias[0].length)), target)) return true;
    if (path.dirname(dir) === dir) break;
  }
  return false;
}

function resolvesFrom(base: string, target: string): boolean {
  return RESOLVE_EXTENSIONS.some((ext) => base + ext === target)
    || RESOLVE_EXTENSIONS.some((ext) => ext !== "" && path.join(base, `index${ext}`) === target)
    || base.replace(/\.js$/, ".ts") === target || base.replace(/\.js$/, ".tsx") === target;
}
