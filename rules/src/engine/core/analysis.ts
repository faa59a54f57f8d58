// Declared analyses, as in go/analysis: a shared analysis is a value made by
// `defineAnalysis({ id, requires, run })`. The engine computes it at most once per file
// (or once per program for `scope: "program"`), caches the result and hands it to the
// rules that declared it in `meta.requires`. Results are facts, never message text.
import type ts from "typescript";
import type { Facts } from "./facts";

export interface AnalysisPass {
  readonly facts: Facts;
  readonly sourceFile: ts.SourceFile;
  /** The typed program for program-scoped analyses (undefined in the loose tier). */
  readonly program: ts.Program | undefined;
  /** The result of an analysis this one declared in `requires`; throws for an undeclared one. */
  use<T>(analysis: Analysis<T>): T;
}

export interface Analysis<T> {
  readonly id: string;
  readonly requires: readonly Analysis<unknown>[];
  /** "file" (default): once per source file; "program": once per typed program, shared by its files. */
  readonly scope: "file" | "program";
  readonly run: (pass: AnalysisPass) => T;
}

export function defineAnalysis<T>(spec: {
  id: string;
  requires?: readonly Analysis<unknown>[];
  scope?: "file" | "program";
  run: (pass: AnalysisPass) => T;
}): Analysis<T> {
  return Object.freeze({ id: spec.id, requires: spec.requires ?? [], scope: spec.scope ?? "file", run: spec.run });
}

export function isAnalysis(value: unknown): value is Analysis<unknown> {
  return typeof value === "object" && value !== null && typeof (value as Analysis<unknown>).id === "string"
    && typeof (value as Analysis<unknown>).run === "function" && Array.isArray((value as Analysis<unknown>).requires);
}

/** Results of program-scoped analyses, per program (dropped with the program). */
const programResults = new WeakMap<ts.Program, Map<Analysis<unknown>, unknown>>();
const IN_PROGRESS = Symbol("in progress");

/** Per-file results; the engine keeps one per file inside `Facts`. */
export class AnalysisCache {
  private readonly results = new Map<Analysis<unknown>, unknown>();

  constructor(private readonly facts: Facts, private readonly program: ts.Program | undefined) {}

  /** The analysis' result, computing it (and what it requires) on first use. */
  get<T>(analysis: Analysis<T>): T {
    const store = analysis.scope === "program" && this.program ? programStore(this.program) : this.results;
    const cached = store.get(analysis);
    if (cached === IN_PROGRESS) throw new Error(`analysis "${analysis.id}" requires itself`);
    if (cached !== undefined || store.has(analysis)) return cached as T;
    store.set(analysis, IN_PROGRESS);
    try {
      const value = analysis.run({
        facts: this.facts,
        sourceFile: this.facts.sourceFile,
        program: this.program,
        use: <U>(dependency: Analysis<U>): U => {
          if (!analysis.requires.includes(dependency)) {
            throw new Error(`analysis "${analysis.id}" uses "${dependency.id}" without declaring it in requires`);
          }
          return this.get(dependency);
        },
      });
      store.set(analysis, value);
      return value;
    } catch (error) {
      store.delete(analysis);
      throw error;
    }
  }
}

function programStore(program: ts.Program): Map<Analysis<unknown>, unknown> {
  let store = programResults.get(program);
  if (!store) programResults.set(program, (store = new Map()));
  return store;
}
