// Findings of `leaklint heap diff`: each growth group placed in the source either
// confirms the static finding at that place (the same JSON object as `leaklint --format
// json`, plus `runtime`) or becomes a `runtime-growth` finding of its own.
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import type { FileResult, LintDiagnostic, RuleModule, SeveritySetting } from "../engine";
import { type JsonFinding, toJsonFindings } from "../cli/formatters";
import { type DiffOptions, diffSnapshotFiles } from "./diff";
import { type PlacedGroup, type SourceLocation, SourceMapper, resolveDeclarations } from "./source";
import { applySourceMaps } from "./sourcemap";

export const RUNTIME_GROWTH = "runtime-growth";

export interface RuntimeInfo {
  /** New objects (allocated after base, alive in every later snapshot), VM internals not counted. */
  countDelta: number;
  shallowSizeDelta: number;
  /** Bytes of those objects that the holder's direct new references dominate. */
  retainedSizeDelta: number;
  retainerPath: string;
  /** What grows, from the retainer path: listener lists, timer lists, or a collection / other holder. */
  kind: GrowthKind;
}

export type GrowthKind = "listeners" | "timers" | "collection";

/** Families of static findings a kind of growth can confirm (a collection: any). */
const FAMILIES: Record<GrowthKind, string[] | undefined> = {
  listeners: ["listener", "context"],
  timers: ["timer", "context"],
  collection: undefined,
};

export type HeapFinding = JsonFinding & { runtime: RuntimeInfo; confirmed: boolean };

export interface HeapReport {
  findings: HeapFinding[];
  /** Groups of growth no user script could be found for (Node internals, native code). */
  unplaced: Array<{ runtime: RuntimeInfo }>;
  newObjects: number;
  lintedFiles: string[];
  /** The engine's diagnostic behind each confirmed finding (for SARIF). */
  diagnosticOf: Map<HeapFinding, LintDiagnostic>;
}

export interface ReportOptions {
  /** Lint the files the groups point at and confirm their findings (default true). */
  lint?: boolean;
  /** The rules to lint with (loaded on demand: the engine is only needed once the snapshots are released). */
  rules: () => readonly RuleModule[];
  cwd: string;
  overrides?: Record<string, SeveritySetting>;
  project?: string;
  configFile?: string;
}

const LINE_SLACK = 2;

export interface PlacedDiff {
  groups: PlacedGroup[];
  newObjects: number;
}

/**
 * Diffs the snapshot files and places the groups in the source. Nothing of the snapshots
 * is kept in the result, so their memory is free before the engine is loaded.
 */
export function placeGrowth(base: string, target: string, final: string | undefined, options: DiffOptions = {}): PlacedDiff {
  const diff = diffSnapshotFiles(base, target, final, options);
  return { groups: new SourceMapper(diff.graph).placeAll(diff.groups), newObjects: diff.newObjects };
}

export function buildReport(diff: PlacedDiff, options: ReportOptions): HeapReport {
  collectGarbage();
  const placed = diff.groups;
  resolveDeclarations(placed);
  applySourceMaps(placed); // compiled JavaScript: to the original file and line
  const files = [...new Set(placed.flatMap((g) => candidates(g)).map((l) => l.filePath))].filter((f) => fs.existsSync(f)).sort();
  const linted = options.lint === false || files.length === 0 ? [] : lintFiles(files, options);
  const statics = toJsonFindings(linted);
  const diagnostics = linted.flatMap((f) => f.diagnostics); // in the order of toJsonFindings
  const diagnosticOf = new Map<HeapFinding, LintDiagnostic>();
  const findings: HeapFinding[] = [];
  const unplaced: HeapReport["unplaced"] = [];
  const confirmedBy = new Map<JsonFinding, HeapFinding>();
  const growthAt = new Map<string, HeapFinding>();
  for (const group of placed) {
    const runtime = runtimeInfo(group);
    if (!group.location) {
      unplaced.push({ runtime });
      continue;
    }
    const match = matchStatic(group, runtime.kind, statics);
    if (match) {
      const existing = confirmedBy.get(match);
      if (existing) {
        merge(existing.runtime, runtime);
        continue;
      }
      const finding: HeapFinding = { ...match, runtime, confirmed: true };
      confirmedBy.set(match, finding);
      diagnosticOf.set(finding, diagnostics[statics.indexOf(match)]);
      findings.push(finding);
      continue;
    }
    const at = `${group.location.filePath}:${group.location.line}:${group.location.column}`;
    const same = growthAt.get(at);
    if (same) {
      merge(same.runtime, runtime);
      continue;
    }
    const finding = runtimeFinding(group.location, runtime);
    growthAt.set(at, finding);
    findings.push(finding);
  }
  findings.sort((a, b) => a.filePath.localeCompare(b.filePath) || a.line - b.line || a.column - b.column);
  return { findings, unplaced, newObjects: diff.newObjects, lintedFiles: files, diagnosticOf };
}

/**
 * The snapshot's typed arrays are garbage once the groups are placed, but V8 frees them
 * only at a full collection, and loading TypeScript does not trigger one before it has
 * grown the process by the snapshot's size again: one explicit collection first keeps
 * the peak at the snapshot's (a 50 MB snapshot: 173 → 137 MB peak RSS).
 */
function collectGarbage(): void {
  try {
    v8.setFlagsFromString("--expose-gc");
    (vm.runInNewContext("gc") as () => void)();
  } catch {
    // without it only the peak is higher
  }
}

function candidates(group: PlacedGroup): SourceLocation[] {
  return group.location ? [group.location, ...group.alternatives] : [];
}

function lintFiles(files: string[], options: ReportOptions): FileResult[] {
  const { runLint } = require("../engine") as typeof import("../engine");
  return runLint({ paths: files, cwd: options.cwd, rules: options.rules(), overrides: options.overrides, project: options.project, configFile: options.configFile }).files;
}

/**
 * A static finding of a compatible family in the same file whose lines hold the location;
 * for a variable's declaration also the nearest within LINE_SLACK lines (a rule may report
 * the initialiser or where the collection grows).
 */
function matchStatic(group: PlacedGroup, kind: GrowthKind, statics: readonly JsonFinding[]): JsonFinding | undefined {
  const families = FAMILIES[kind];
  for (const location of candidates(group)) {
    const file = path.resolve(location.filePath);
    const sameFile = statics.filter((f) => path.resolve(f.filePath) === file && (!families || families.includes(f.family)));
    const containing = sameFile.find((f) => f.line <= location.line && location.line <= f.endLine);
    if (containing) return containing;
    if (!location.variable) continue;
    let best: JsonFinding | undefined;
    for (const f of sameFile) {
      const distance = Math.abs(f.line - location.line);
      if (distance <= LINE_SLACK && (!best || distance < Math.abs(best.line - location.line))) best = f;
    }
    if (best) return best;
  }
  return undefined;
}

function runtimeInfo(group: PlacedGroup): RuntimeInfo {
  return { countDelta: group.count, shallowSizeDelta: group.shallowSize, retainedSizeDelta: group.retainedSize, retainerPath: group.retainerPath, kind: kindOf(group.retainerPath) };
}

function kindOf(retainerPath: string): GrowthKind {
  if (/(^|[ .])_events\b|kEvents|\(AbortSignal\)|\(EventTarget\)/.test(retainerPath)) return "listeners";
  if (/\((Timeout|TimersList|Immediate)\)|timerListMap|immediateQueue/.test(retainerPath)) return "timers";
  return "collection";
}

function merge(into: RuntimeInfo, more: RuntimeInfo): void {
  into.countDelta += more.countDelta;
  into.shallowSizeDelta += more.shallowSizeDelta;
  into.retainedSizeDelta += more.retainedSizeDelta;
  if (!into.retainerPath.split("; ").includes(more.retainerPath)) into.retainerPath += `; ${more.retainerPath}`;
}

function runtimeFinding(location: SourceLocation, runtime: RuntimeInfo): HeapFinding {
  const what = location.variable ? `\`${location.variable}\` keeps growing at run time` : "objects created here keep growing at run time";
  return {
    filePath: location.filePath,
    ruleId: RUNTIME_GROWTH,
    family: "growth",
    severity: "warning",
    message: `${what}: ${describeGrowth(runtime)}, and no static rule reports it here`,
    line: location.line,
    column: location.column,
    endLine: location.line,
    endColumn: location.column,
    fixes: [],
    runtime,
    confirmed: false,
  };
}

/** `+1,000 objects, +96 kB retained between snapshots, held by bus (EventEmitter) → …` */
export function describeGrowth(runtime: RuntimeInfo): string {
  return `+${runtime.countDelta.toLocaleString("en-US")} objects, +${formatBytes(runtime.retainedSizeDelta)} retained between snapshots, held by ${runtime.retainerPath}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
