// Linting a set of files end to end — discovery, programs, rules, fixes — for the
// hosts that work on disk (the CLI, benchmarks, tests). The language server drives
// `lintSourceFile` with its own long-lived incremental programs instead.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { type LeaklintConfig, type ResolvedRule, resolveRules } from "./config";
import { ConfigLookup, fixFile, isIgnoredByConfig } from "./host";
import { ImporterIndex } from "./importers";
import { type ComponentSourceFile, mapToComponent } from "./sfc";
import { safeFixes } from "../fixes/fixes";
import { ENGINE_RULES, type LintFileOptions, engineDiagnostic, lintSourceFile } from "../core/linter";
import { collectGarbage } from "./program-groups";
import { createLintUnits, discoverFiles, guardedHost, parseLooseFile, parseTsconfig, readableTsconfig, typeInfo, unitFiles } from "./project";
import { TsconfigLookup } from "./tsconfigs";
import type { RuleModule } from "../core/rule";
import type { LintDiagnostic, SeveritySetting } from "../core/types";

export interface RunOptions {
  paths: string[];
  /** The files to lint, already selected by the host (the CLI's globs and ignores): `paths` is then not walked. */
  files?: readonly string[];
  cwd?: string;
  rules: readonly RuleModule[];
  configFile?: string;
  overrides?: Record<string, SeveritySetting>;
  project?: string;
  types?: boolean;
  /**
   * Apply safe fixes: write them to disk (the findings are then what remains), or with "dry-run"
   * only compute the fixed text (`FileResult.output`; the findings stay those of the file on disk).
   */
  fix?: boolean | "dry-run";
  /** Only fixes of findings of these families are applied (`--fix-type`); default all. */
  fixFamilies?: readonly string[];
  /** Do not read .gitignore files. */
  noGitignore?: boolean;
  includeNodeModules?: boolean;
  /** Lint committed bundles and generated files found in directories too (default false). */
  includeBundles?: boolean;
  reportUnusedDirectives?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** The whole run's files, when `files` is a piece of it (a worker's or a shard's): what importers say is read from these. */
  importerFiles?: readonly string[];
  /** Drop findings that the file's importers explain (default true); a caching host filters cached and fresh results alike itself. */
  filterByImporters?: boolean;
  /** Report the problems of the tsconfigs used as findings in them (default true); a host that splits the run reports them once. */
  reportTsconfigProblems?: boolean;
  /** Record each program's files in `RunResult.programs` (for the cache). */
  recordPrograms?: boolean;
  /**
   * Collect garbage when a program is let go and another is to be built (the CLI): V8 would
   * otherwise grow the heap towards its limit before collecting, and peak memory would grow
   * with the number of programs although only one is alive (program-groups.ts).
   */
  collectBetweenPrograms?: boolean;
}

export interface FileResult {
  filePath: string;
  diagnostics: LintDiagnostic[];
  /** Fixed text written to disk (only with `fix`). */
  fixed?: boolean;
  /** The fixed text, when fixes changed it (`fix` or "dry-run"). */
  output?: string;
  /** The tsconfig whose program typed the file; undefined when it was linted without types. */
  tsconfig?: string;
  /** Linted without types because this tsconfig (its nearest, or `--project`) does not include it. */
  notIncludedBy?: string;
}

export interface RunResult {
  files: FileResult[];
  config: LeaklintConfig;
  /** The rules of files no override matches. */
  rules: ResolvedRule[];
  /** Files discovery left out: committed bundles and generated files. */
  skipped: { bundles: string[] };
  /** Milliseconds per rule id, and per phase under "phase:<name>". */
  times: Map<string, number>;
  /** With `recordPrograms`: the files of each tsconfig's program (lib and declaration files included). */
  programs?: Map<string, string[]>;
  /** With a cache: how many files' results came from it. */
  reused?: number;
}

/** The config of the run's folder (`cwd`): `configFile`, else the nearest one at or above `cwd`. */
export function loadConfigFor(options: Pick<RunOptions, "configFile" | "cwd" | "rules">): LeaklintConfig {
  return new ConfigLookup({ ...options, cwd: options.cwd ?? process.cwd() }).root();
}

export function runLint(options: RunOptions): RunResult {
  const times = new Map<string, number>();
  const phase = <T>(name: string, action: () => T): T => {
    const start = performance.now();
    try {
      return action();
    } finally {
      times.set(`phase:${name}`, (times.get(`phase:${name}`) ?? 0) + performance.now() - start);
    }
  };
  // Each file's config is its own (host.ts: the nearest, as in the editor); the run folder's gives discovery its ignores.
  const configs = new ConfigLookup({ ...options, cwd: options.cwd ?? process.cwd() });
  const config = phase("config", () => configs.root());
  const rules = resolveRules(options.rules, config, options.overrides);
  const bundles: string[] = [];
  const discovered = options.files ? [...options.files] : phase("discover", () => discoverFiles(options.paths.map((p) => path.resolve(options.cwd ?? process.cwd(), p)), {
    ignores: config.ignores,
    ignoreBase: config.baseDir,
    includeNodeModules: options.includeNodeModules,
    skipBundles: !options.includeBundles,
    skipped: bundles,
    noGitignore: options.noGitignore,
  }));
  const files = discovered.filter((file) => {
    const own = phase("config", () => configs.for(file).config);
    return own === config || options.noGitignore || !isIgnoredByConfig(file, own);
  });
  const results: FileResult[] = [];
  const importers = new ImporterIndex(options.importerFiles ?? files, { testHelpers: config.builtinOverrides !== false }); // what other files say about a file's lifetime (hosting/importers.ts)
  const filterByImporters = options.filterByImporters ?? true;
  const programs = options.recordPrograms ? new Map<string, string[]>() : undefined;
  // A unit's program and checker are built when its first file is linted (a whole project almost
  // always has a file that asks a type question), inside the fault box, and let go once its
  // files are linted: one program is alive at a time (see createLintUnits).
  const problems: ts.Diagnostic[] = [];
  const units = phase("program", () => createLintUnits(files, { project: options.project, types: options.types, problems, groupFiles: options.importerFiles }));
  if (options.reportTsconfigProblems ?? true) results.push(...tsconfigResults(problems));
  let done = 0;
  for (const [index, unit] of units.entries()) {
    // The last program and its checker are garbage now, before the next one is built.
    if (options.collectBetweenPrograms && unit.build && index > 0 && units[index - 1].build && units[index - 1].build !== unit.build) phase("program", collectGarbage);
    const next = unitFiles(unit, programs && ((program) => programs.set(unit.tsconfig!, program.getSourceFiles().map((f) => f.fileName))));
    for (;;) {
      // Typed units build their checker on the first file; loose files are parsed here.
      const item = phase(unit.build ? "program" : "parse", () => next.next());
      if (item.done) break;
      const { fileName, sourceFile, types, untyped } = item.value;
      const { config: own, perFile } = configs.for(fileName);
      const lintOptions: LintFileOptions = {
        rules: perFile.for(fileName), settings: own.settings, reportUnusedDirectives: options.reportUnusedDirectives ?? own.reportUnusedDirectives, ruleTimes: times,
      };
      const keep = (found: LintDiagnostic[]): LintDiagnostic[] => (filterByImporters ? importers.filter(fileName, found) : found);
      let diagnostics = keep(mapToComponent(sourceFile, lintSourceFile(sourceFile, types, lintOptions)));
      if (untyped) {
        diagnostics.unshift(engineDiagnostic(sourceFile, ENGINE_RULES.typesUnavailable, "warning", `Linted without types: ${untyped}.`, 0, 0));
      }
      const result: FileResult = { filePath: fileName, diagnostics, tsconfig: types && unit.tsconfig, notIncludedBy: unit.notIncluded?.get(fileName) };
      if (options.fix && fixable(diagnostics, options.fixFamilies).length > 0) {
        // A component is linted through a blanked view of its script blocks: fixes apply to its own text (same offsets).
        const original = (sourceFile as ComponentSourceFile).leaklintComponent?.original ?? sourceFile.text;
        const outcome = fixText(fileName, original, diagnostics, types?.program.getCompilerOptions(), lintOptions, keep, options.fixFamilies);
        // A dry run changes nothing on disk: the findings stay those of the file as it is.
        if (options.fix !== "dry-run") result.diagnostics = outcome.diagnostics;
        if (outcome.text !== original) {
          result.output = outcome.text;
          if (options.fix !== "dry-run") writeFixed(fileName, outcome.text);
        }
        result.fixed = options.fix !== "dry-run";
      }
      results.push(result);
      options.onProgress?.(++done, files.length);
    }
  }
  results.sort((a, b) => a.filePath.localeCompare(b.filePath));
  return { files: results, config, rules, skipped: { bundles }, times, programs };
}

/**
 * Lints one text that is not (or not as given) on disk — the CLI's `--stdin` — as `filePath`:
 * with the options of its nearest tsconfig (or `project`) when that includes `filePath` or
 * `filePath` is not on disk, else loose. Fixes are never written: the fixed text is the result's `output`.
 */
export function runLintText(options: RunOptions & { text: string; filePath: string }): RunResult {
  const filePath = path.resolve(options.cwd ?? process.cwd(), options.filePath);
  const { config, perFile } = new ConfigLookup({ ...options, cwd: options.cwd ?? process.cwd() }).for(filePath);
  const rules = perFile.for(filePath);
  const lintOptions: LintFileOptions = {
    rules,
    settings: config.settings,
    reportUnusedDirectives: options.reportUnusedDirectives ?? config.reportUnusedDirectives,
    ruleTimes: new Map(),
  };
  let compilerOptions: ts.CompilerOptions | undefined;
  let notIncludedBy: string | undefined;
  const choice = options.types === false ? {} : new TsconfigLookup(readableTsconfig)
    .find(filePath, options.project && path.resolve(options.cwd ?? process.cwd(), options.project));
  if (choice.nearestUnreadable) parseTsconfig(choice.nearest!); // throws with TypeScript's reason
  // A file on disk must be one of the tsconfig's; a text that is not on disk yet (an unsaved
  // buffer) takes the options of the tsconfig it would belong to.
  const tsconfig = choice.tsconfig ?? (fs.existsSync(filePath) ? undefined : choice.nearest);
  if (tsconfig) compilerOptions = parseTsconfig(tsconfig).options;
  else notIncludedBy = choice.nearest;
  const diagnostics = lintText(filePath, options.text, lintOptions, compilerOptions);
  const result: FileResult = { filePath, diagnostics, tsconfig: compilerOptions && tsconfig, notIncludedBy };
  if (options.fix && fixable(diagnostics, options.fixFamilies).length > 0) {
    const outcome = fixText(filePath, options.text, diagnostics, compilerOptions, lintOptions, undefined, options.fixFamilies);
    if (options.fix !== "dry-run") result.diagnostics = outcome.diagnostics;
    if (outcome.text !== options.text) result.output = outcome.text;
  }
  return { files: [result], config, rules, skipped: { bundles: [] }, times: lintOptions.ruleTimes ?? new Map() };
}

/** What TypeScript says is wrong with the tsconfig files of the run, as findings in those files. */
export function tsconfigResults(problems: readonly ts.Diagnostic[]): FileResult[] {
  const byFile = new Map<string, LintDiagnostic[]>();
  for (const problem of problems) {
    if (!problem.file) continue; // every tsconfig problem TypeScript reports while parsing has its file
    const start = problem.start ?? 0;
    const message = `${path.basename(problem.file.fileName)}: ${ts.flattenDiagnosticMessageText(problem.messageText, " ")}`;
    const found = engineDiagnostic(problem.file, ENGINE_RULES.tsconfigError, "warning", message, start, start + (problem.length ?? 0));
    const known = byFile.get(problem.file.fileName) ?? [];
    // A base config that several projects extend is read once per project: tell it once.
    if (!known.some((d) => d.start === found.start && d.message === found.message)) byFile.set(problem.file.fileName, [...known, found]);
  }
  return [...byFile].map(([filePath, diagnostics]) => ({ filePath: path.resolve(filePath), diagnostics }));
}

/** The safe fixes of the findings whose family `families` lists (all when undefined). */
function fixable(diagnostics: readonly LintDiagnostic[], families: readonly string[] | undefined): ReturnType<typeof safeFixes> {
  return safeFixes(families ? diagnostics.filter((d) => families.includes(d.family)) : diagnostics);
}

/**
 * Applies safe fixes (of the findings of `families` only, when given), re-lints, and repeats
 * until nothing changes (bounded, fix-loop.ts); returns the text and what remains. Rules whose
 * fixes did not converge are named in a finding of the file.
 */
export function fixText(
  file: string,
  original: string,
  originalDiagnostics: LintDiagnostic[],
  compilerOptions: ts.CompilerOptions | undefined,
  lintOptions: LintFileOptions,
  keep: (diagnostics: LintDiagnostic[]) => LintDiagnostic[] = (d) => d,
  families?: readonly string[],
): { text: string; diagnostics: LintDiagnostic[] } {
  return fixFile(file, original, (text) => keep(lintText(file, text, lintOptions, compilerOptions)), { first: originalDiagnostics, families });
}

function writeFixed(file: string, text: string): void {
  fs.writeFileSync(file, hasByteOrderMark(file) && !text.startsWith("\uFEFF") ? `\uFEFF${text}` : text);
}

/** The file starts with a UTF-8 byte order mark (the compiler's reader drops it from the text; --fix keeps it). */
function hasByteOrderMark(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(3);
    return fs.readSync(fd, head, 0, 3, 0) === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  } finally {
    fs.closeSync(fd);
  }
}

/** Lints one text: loose, or in a single-file program with a typed copy of `compilerOptions`. */
export function lintText(fileName: string, text: string, lintOptions: LintFileOptions, compilerOptions?: ts.CompilerOptions): LintDiagnostic[] {
  if (!compilerOptions) {
    const sourceFile = parseLooseFile(fileName, text);
    return mapToComponent(sourceFile, lintSourceFile(sourceFile, undefined, lintOptions));
  }
  const program = createSingleFileProgram(fileName, text, { ...compilerOptions, noEmit: true });
  return lintSourceFile(program.getSourceFile(fileName)!, typeInfo(program), lintOptions);
}

function createSingleFileProgram(fileName: string, text: string, compilerOptions: ts.CompilerOptions): ts.Program {
  const host = ts.createCompilerHost(compilerOptions, true);
  const originalGet = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    path.resolve(name) === path.resolve(fileName)
      ? ts.createSourceFile(fileName, text, languageVersion, true)
      : originalGet(name, languageVersion, onError, shouldCreate);
  guardedHost(host);
  const originalExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === path.resolve(fileName) || originalExists(name);
  return ts.createProgram({ rootNames: [fileName], options: compilerOptions, host });
}
