// A run of the CLI's size: the selected files grouped by project, the results the cache
// still holds taken from it, the rest split into pieces (partition.ts) that are linted one
// after the other or by the host's workers (`runPieces`), and everything joined again in
// the order of a single run — so output does not depend on how the work was split.
import path from "node:path";
import type ts from "typescript";
import { resolveRules } from "./config";
import { ImporterIndex } from "./importers";
import { LintCache, runKey } from "./cache";
import { groupByProgram, partitionWork } from "./partition";
import { createLintUnits } from "./project";
import { type FileResult, type RunOptions, type RunResult, loadConfigFor, runLint, tsconfigResults } from "./run";

/** Lints pieces of the run (each with `options`, its `files` the piece); results in the pieces' order. */
export type PieceRunner = (pieces: readonly string[][], options: RunOptions) => Promise<Array<Pick<RunResult, "files" | "times" | "programs">>>;

export interface PlannedRunOptions extends RunOptions {
  files: readonly string[];
  /** How many pieces to split the files to lint into (1: one piece). */
  pieces?: number;
  runPieces?: PieceRunner;
  /** The cache file (`--cache-location`); no cache when undefined. Not used with `fix`. */
  cache?: string;
  /** More of the run's key: leaklint's version, the plugins' code. */
  cacheKey?: unknown;
}

const inline: PieceRunner = async (pieces, options) => pieces.map((files) => runLint({ ...options, files }));

export async function runLintPlanned(options: PlannedRunOptions): Promise<RunResult> {
  const { runPieces, pieces: _pieces, cache: _cache, cacheKey: _key, ...runOptions } = options;
  // One piece and no cache: the plain run (no second look at the tsconfigs).
  if ((options.pieces ?? 1) <= 1 && !(options.cache && !options.fix)) return runLint(runOptions);
  const config = loadConfigFor(options);
  const rules = resolveRules(options.rules, config, options.overrides);
  const problems: ts.Diagnostic[] = [];
  const units = createLintUnits(options.files, { project: options.project, types: options.types, problems, groupFiles: options.importerFiles });
  const cache = options.cache && !options.fix ? LintCache.open(options.cache, runKey({
    extra: options.cacheKey, config, overrides: options.overrides, rules: options.rules.map((r) => r.id),
    types: options.types, project: options.project && path.resolve(options.cwd ?? process.cwd(), options.project),
    reportUnusedDirectives: options.reportUnusedDirectives,
  })) : undefined;
  const { reused, stale } = cache ? cache.split(units) : { reused: [], stale: [...options.files] };
  const count = Math.max(1, Math.min(options.pieces ?? 1, stale.length));
  const toLint = new Set(stale);
  const pieces = count === 1 ? [stale] : partitionWork(groupByProgram(units).map((g) => ({ tsconfig: g.tsconfig, files: g.files.filter((f) => toLint.has(f)) })), count);
  const base: RunOptions = {
    ...runOptions, importerFiles: options.importerFiles ?? options.files, filterByImporters: !cache, reportTsconfigProblems: false, recordPrograms: Boolean(cache),
  };
  const run = runPieces && pieces.length > 1 ? runPieces : inline;
  const done = stale.length === 0 ? [] : await run(pieces.filter((p) => p.length > 0), base);
  const times = new Map<string, number>();
  for (const piece of done) for (const [name, ms] of piece.times) times.set(name, (times.get(name) ?? 0) + ms);
  const fresh = done.flatMap((piece) => piece.files);
  let linted: FileResult[] = [...reused, ...fresh];
  if (cache) {
    cache.store(fresh, new Map(done.flatMap((piece) => [...(piece.programs ?? [])])));
    const everyFile = options.importerFiles ?? options.files;
    const importers = new ImporterIndex(everyFile, { testHelpers: config.builtinOverrides !== false });
    const evidence = cache.evidenceOf(everyFile);
    linted = linted.map((file) => ({ ...file, diagnostics: cache.filtered(file.filePath, evidence) ?? importers.filter(file.filePath, file.diagnostics) }));
    cache.storeFiltered(linted, evidence);
    cache.save();
  }
  const files = [...tsconfigResults(problems), ...linted].sort((a, b) => a.filePath.localeCompare(b.filePath));
  return { files, config, rules, skipped: { bundles: [] }, times, reused: cache ? reused.length : undefined };
}
