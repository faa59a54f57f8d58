// Back to source: a growth group's file and line. Closures carry their script (closure →
// `shared` → `script_or_debug_info`, named by the script's path or URL) and their position
// (the snapshot's `locations` section, 0-based). A holder reached through a closure
// context (`cache` in a module's scope) is placed at the variable's declaration, found
// in the script's source; other groups at the place most of their new closures were
// created (the listener passed to `on`, the callback passed to `setInterval`).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type ts from "typescript";
import type { GrowthGroup } from "./diff";
import { HeapGraph } from "./graph";

export interface SourceLocation {
  filePath: string;
  /** 1-based. */
  line: number;
  column: number;
  /** The module-scope (or closure) variable that holds the growth, when there is one. */
  variable?: string;
}

export interface PlacedGroup extends GrowthGroup {
  location?: SourceLocation;
  /** Another place the group could be reported at (matched against static findings too). */
  alternatives: SourceLocation[];
  retainerPath: string;
}

export class SourceMapper {
  private readonly scripts = new Map<number, string>();
  private readonly contextClosures = new Map<number, number[]>();
  /** Location entries by node index when `locations` is not sorted by node (V8 writes it sorted). */
  private unsorted: Map<number, number> | undefined;

  constructor(private readonly graph: HeapGraph) {
    const { locations } = graph.snapshot;
    for (let i = 4; i < locations.length; i += 4) {
      if (locations[i] >= locations[i - 4]) continue;
      this.unsorted = new Map();
      for (let j = 0; j < locations.length; j += 4) this.unsorted.set(locations[j], j);
      break;
    }
  }

  /** Places every group; the closures of the contexts they go through are found in one pass. */
  placeAll(groups: readonly GrowthGroup[]): PlacedGroup[] {
    const g = this.graph;
    const wanted = new Set<number>();
    for (const group of groups) {
      const path = g.pathTo(group.holder);
      const k = lastIndex(path, (e) => g.edgeType(e) === "context");
      if (k >= 0) wanted.add(k === 0 ? 0 : g.edgeTarget(path[k - 1]));
    }
    for (const context of wanted) this.contextClosures.set(context, []);
    if (wanted.size > 0) {
      for (let n = 0; n < g.nodeCount; n++) {
        if (g.type(n) !== "closure") continue;
        const list = this.contextClosures.get(g.child(n, "context") ?? -1);
        if (list && list.length < 8) list.push(n);
      }
    }
    return groups.map((group) => this.place(group));
  }

  /** 1-based position of a closure from the `locations` section. */
  position(closure: number): { line: number; column: number } | undefined {
    const { locations } = this.graph.snapshot;
    let at = -1;
    if (this.unsorted) at = this.unsorted.get(closure) ?? -1;
    else {
      let lo = 0;
      let hi = locations.length / 4 - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = locations[mid * 4];
        if (v === closure) {
          at = mid * 4;
          break;
        }
        if (v < closure) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return at < 0 ? undefined : { line: locations[at + 2] + 1, column: locations[at + 3] + 1 };
  }

  private place(group: GrowthGroup): PlacedGroup {
    const path = this.graph.pathTo(group.holder);
    const contextEdge = lastIndex(path, (e) => this.graph.edgeType(e) === "context");
    // Growth made of closures (listeners, timer callbacks) is placed where they were
    // created; growth of data at the variable that holds it. Both are kept for matching.
    const exported = contextEdge < 0 ? this.exportLocation(path) : undefined;
    const byContext = this.contextLocation(path, contextEdge) ?? exported?.location;
    const byClosures = this.closureLocation(group);
    const closuresFirst = group.closureCount * 10 >= group.count;
    const [location, other] = closuresFirst ? [byClosures ?? byContext, byContext] : [byContext ?? byClosures, byClosures];
    const alternatives = other && other !== location ? [other] : [];
    return { ...group, location, alternatives, retainerPath: this.describe(path, contextEdge >= 0 ? contextEdge : exported?.from, group) };
  }

  /** The user script a closure was compiled from (absolute path), or undefined. */
  scriptOf(closure: number): string | undefined {
    const shared = this.graph.child(closure, "shared");
    if (shared === undefined) return undefined;
    let name = this.scripts.get(shared);
    if (name === undefined) {
      const script = this.graph.child(shared, "script_or_debug_info") ?? this.graph.child(shared, "script");
      name = script === undefined ? "" : this.graph.name(script);
      this.scripts.set(shared, name);
    }
    return userScript(name);
  }

  private contextLocation(path: number[], contextEdge: number): SourceLocation | undefined {
    if (contextEdge < 0) return undefined;
    const e = path[contextEdge];
    const context = contextEdge === 0 ? 0 : this.graph.edgeTarget(path[contextEdge - 1]);
    const variable = this.graph.edgeName(e);
    for (const closure of this.closuresOf(context)) {
      const filePath = this.scriptOf(closure);
      if (!filePath) continue;
      const at = this.position(closure); // until resolveDeclarations() finds the variable's own line
      if (at) return { filePath, line: at.line, column: at.column, variable };
    }
    return undefined;
  }

  /**
   * A CommonJS export (`exports.jobs = new Map()`, what TypeScript emits for `export const`):
   * the path runs through the module object, `Module.exports.jobs`; the file is the module's
   * `filename`, the line found by resolveDeclarations().
   */
  private exportLocation(path: number[]): { location: SourceLocation; from: number } | undefined {
    const g = this.graph;
    for (let k = path.length - 2; k >= 1; k--) {
      const module = g.edgeTarget(path[k - 1]);
      if (g.edgeName(path[k]) !== "exports" || g.name(module) !== "Module") continue;
      const filename = g.child(module, "filename");
      const filePath = filename === undefined ? undefined : userScript(g.name(filename));
      if (filePath) return { location: { filePath, line: 1, column: 1, variable: g.edgeName(path[k + 1]) }, from: k + 1 };
    }
    return undefined;
  }

  private closureLocation(group: GrowthGroup): SourceLocation | undefined {
    const tally = new Map<string, { location: SourceLocation; count: number }>();
    for (const closure of group.closures) {
      const filePath = this.scriptOf(closure);
      const at = this.position(closure);
      if (!filePath || !at) continue;
      const key = `${filePath}:${at.line}:${at.column}`;
      const entry = tally.get(key) ?? { location: { filePath, line: at.line, column: at.column }, count: 0 };
      entry.count++;
      tally.set(key, entry);
    }
    let best: { location: SourceLocation; count: number } | undefined;
    for (const entry of tally.values()) if (!best || entry.count > best.count) best = entry;
    return best?.location;
  }

  private closuresOf(context: number): number[] {
    return this.contextClosures.get(context) ?? [];
  }

  /** `cache (Map) → table`, from the holding variable (or export) on, or the last steps of the path. */
  private describe(path: number[], start: number | undefined, group: GrowthGroup): string {
    const g = this.graph;
    const from = start ?? Math.max(0, path.length - 3);
    const steps = path.slice(from).map((e) => step(g.edgeName(e), g.name(g.edgeTarget(e))));
    steps.push(step(group.edge, g.name(group.sample)));
    const runs: string[] = [];
    for (let i = 0; i < steps.length; i++) {
      let j = i;
      while (j + 1 < steps.length && steps[j + 1] === steps[i]) j++;
      runs.push(j > i ? `${steps[i]} ×${j - i + 1}` : steps[i]);
      i = j;
    }
    return runs.join(" → ");
  }
}

function step(edge: string, target: string): string {
  const shown = target === "" || target.startsWith("system /") || target.length > 40 ? "" : ` (${target})`;
  return `${edge}${shown}`;
}

function lastIndex(path: number[], predicate: (e: number) => boolean): number {
  for (let i = path.length - 1; i >= 0; i--) if (predicate(path[i])) return i;
  return -1;
}

/** An absolute file path for a script of the program (not Node's own, not eval'd code). */
export function userScript(name: string): string | undefined {
  if (name.startsWith("file://")) {
    try {
      return fileURLToPath(name);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(name) ? name : undefined;
}

/**
 * Moves locations that name a variable to its declaration (the shallowest one of that name
 * in the file), parsing each file once. Run after the snapshot is released: it loads
 * TypeScript.
 */
export function resolveDeclarations(groups: readonly PlacedGroup[]): void {
  const tables = new Map<string, Map<string, { line: number; column: number }> | undefined>();
  for (const location of groups.flatMap((g) => (g.location ? [g.location, ...g.alternatives] : []))) {
    if (!location.variable) continue;
    if (!tables.has(location.filePath)) tables.set(location.filePath, declarationsIn(location.filePath));
    const at = tables.get(location.filePath)?.get(location.variable);
    if (at) Object.assign(location, at);
  }
}

function declarationsIn(filePath: string): Map<string, { line: number; column: number }> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(filePath, "utf8");
  } catch {
    return undefined;
  }
  const typescript = require("typescript") as typeof ts;
  const file = typescript.createSourceFile(filePath, text, typescript.ScriptTarget.Latest, true);
  const found = new Map<string, { line: number; column: number; depth: number }>();
  const visit = (node: ts.Node, depth: number): void => {
    const name = (typescript.isVariableDeclaration(node) || typescript.isFunctionDeclaration(node) || typescript.isClassDeclaration(node)) && node.name && typescript.isIdentifier(node.name) ? node.name : exportAssigned(typescript, node);
    if (name && (found.get(name.text)?.depth ?? Infinity) > depth) {
      const pos = file.getLineAndCharacterOfPosition(name.getStart(file));
      found.set(name.text, { line: pos.line + 1, column: pos.character + 1, depth });
    }
    typescript.forEachChild(node, (child) => visit(child, depth + 1));
  };
  visit(file, 0);
  return new Map([...found].map(([name, { line, column }]) => [name, { line, column }]));
}

/** `X` of `exports.X = …` / `module.exports.X = …` (not the `= void 0` preamble). */
function exportAssigned(typescript: typeof ts, node: ts.Node): ts.Identifier | undefined {
  if (!typescript.isBinaryExpression(node) || node.operatorToken.kind !== typescript.SyntaxKind.EqualsToken) return undefined;
  if (typescript.isVoidExpression(node.right) || (typescript.isBinaryExpression(node.right) && node.right.operatorToken.kind === typescript.SyntaxKind.EqualsToken)) return undefined; // TypeScript's `exports.a = exports.b = void 0` preamble
  const left = node.left;
  if (!typescript.isPropertyAccessExpression(left) || !typescript.isIdentifier(left.name)) return undefined;
  const target = left.expression.getText();
  return target === "exports" || target === "module.exports" ? left.name : undefined;
}
