// Back to source: a growth group's file and line. Closures carry their script (closure →
// `shared` → `script_or_debug_info`, named by the script's path or URL) and their position
// (the snapshot's `locations` section, 0-based). A holder reached through a closure
// context (`cache` in a module's scope) is placed at the variable's declaration, found
// in the script's source; other groups at the place most of their new closures were
// created (the listener passed to `on`, the callback passed to `setInterval`).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
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
  private readonly positions = new Map<number, { line: number; column: number }>();
  private readonly scripts = new Map<number, string>();
  private contextClosures: Map<number, number[]> | undefined;
  private readonly declarations = new Map<string, Map<string, { line: number; column: number }>>();

  constructor(private readonly graph: HeapGraph) {
    const { locations, locationFields, nodeFields } = graph.snapshot;
    for (let i = 0; i + 3 < locations.length; i += locationFields) {
      this.positions.set(locations[i] / nodeFields, { line: locations[i + 2] + 1, column: locations[i + 3] + 1 });
    }
  }

  place(group: GrowthGroup): PlacedGroup {
    const path = this.graph.pathTo(group.holder);
    const contextEdge = lastIndex(path, (e) => this.graph.edgeType(e) === "context");
    // Growth made of closures (listeners, timer callbacks) is placed where they were
    // created; growth of data at the variable that holds it. Both are kept for matching.
    const byContext = this.contextLocation(path, contextEdge);
    const byClosures = this.closureLocation(group);
    const closuresFirst = group.closureCount * 10 >= group.count;
    const [location, other] = closuresFirst ? [byClosures ?? byContext, byContext] : [byContext ?? byClosures, byClosures];
    const alternatives = other && other !== location ? [other] : [];
    return { ...group, location, alternatives, retainerPath: this.describe(path, contextEdge, group) };
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
      const declared = this.declaration(filePath, variable);
      const at = declared ?? this.positions.get(closure);
      if (at) return { filePath, line: at.line, column: at.column, variable };
    }
    return undefined;
  }

  private closureLocation(group: GrowthGroup): SourceLocation | undefined {
    const tally = new Map<string, { location: SourceLocation; count: number }>();
    for (const closure of group.closures) {
      const filePath = this.scriptOf(closure);
      const at = this.positions.get(closure);
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
    if (!this.contextClosures) {
      this.contextClosures = new Map();
      const g = this.graph;
      for (let n = 0; n < g.nodeCount; n++) {
        if (g.type(n) !== "closure") continue;
        const ctx = g.child(n, "context");
        if (ctx === undefined) continue;
        const list = this.contextClosures.get(ctx) ?? [];
        if (list.length < 8) list.push(n);
        this.contextClosures.set(ctx, list);
      }
    }
    return this.contextClosures.get(context) ?? [];
  }

  /** Position of the shallowest declaration of `name` in the file (1-based), if readable. */
  private declaration(filePath: string, name: string): { line: number; column: number } | undefined {
    let table = this.declarations.get(filePath);
    if (!table) {
      table = new Map();
      this.declarations.set(filePath, table);
      let text: string;
      try {
        text = fs.readFileSync(filePath, "utf8");
      } catch {
        return undefined;
      }
      const file = ts.createSourceFile(filePath, text, ts.ScriptTarget.Latest, true);
      const found = table;
      const visit = (node: ts.Node, depth: number, best: Map<string, number>): void => {
        const declared = (ts.isVariableDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name && ts.isIdentifier(node.name) ? node.name : undefined;
        if (declared && (best.get(declared.text) ?? Infinity) > depth) {
          best.set(declared.text, depth);
          const pos = file.getLineAndCharacterOfPosition(declared.getStart(file));
          found.set(declared.text, { line: pos.line + 1, column: pos.character + 1 });
        }
        ts.forEachChild(node, (child) => visit(child, depth + 1, best));
      };
      visit(file, 0, new Map());
    }
    return table.get(name);
  }

  /** `cache (Map) → table`, from the holding variable on, or the last steps of the path. */
  private describe(path: number[], contextEdge: number, group: GrowthGroup): string {
    const g = this.graph;
    const from = contextEdge >= 0 ? contextEdge : Math.max(0, path.length - 3);
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
