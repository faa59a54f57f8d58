// TypeScript programs for the documents the editor has open: one long-lived incremental
// program per tsconfig project (typed analysis; an edit re-parses one file and the next
// program reuses the rest). Files outside any tsconfig are parsed on their
// own and analysed loose (no program: names and scopes only, like the CLI).
// Open documents and temporary overlays (fix-all passes) shadow the disk.
import path from "node:path";
import ts from "typescript";
import {
  LOOSE_PARSE_OPTIONS, type TypeInfo, TsconfigLookup, buildCheckedProgram, isComponentFile, parseLooseFile, parseTsconfig, stubbingHost, tsconfigProblems,
} from "leaklint";
import { FileStore, SourceFiles } from "./file-store";

export interface AnalysisTarget {
  sourceFile: ts.SourceFile;
  /** The tsconfig project's program and checker; undefined for a loose file. */
  types?: TypeInfo;
  tsconfig?: string;
  /** Why a file of a typed project is analysed without types (the checker failed on it). */
  untyped?: string;
  /** True once the program was rebuilt because its checker failed while this target was analysed: analyse again. */
  rebuilt?: () => boolean;
}

export type FileChangeKind = "created" | "changed" | "deleted";

/**
 * One incremental program over a fixed set of root files and compiler options: an edit
 * re-parses the changed file incrementally and the next program reuses everything else
 * from the previous one. Unlike a LanguageService, nothing binds files or builds a
 * checker until a rule asks a type question. Module resolutions and package.json
 * lookups are cached until files are created or deleted.
 */
class Project {
  private generation = 0;
  private built: { key: string; program: ts.Program; fileCount: number } | undefined;
  private readonly host: ts.CompilerHost;
  private readonly resolutions: ts.ModuleResolutionCache;
  private roots: Set<string>;
  private lastFileNames: readonly string[] = [];
  /** Files the checker failed on, read as empty by the program (linted without types) until their text changes. */
  private stubbed = new Map<string, { reason: string; version: string }>();
  /** Checker failures recovered from (a target built before one is stale). */
  failures = 0;

  constructor(
    readonly tsconfig: string,
    private readonly options: ts.CompilerOptions,
    roots: readonly string[],
    private readonly store: FileStore,
    private readonly files: SourceFiles,
  ) {
    this.roots = new Set(roots);
    const directory = path.dirname(tsconfig);
    const host = ts.createCompilerHost(options);
    // JSDoc only where it makes types (JavaScript files), as tsc parses: the rules read no JSDoc, and a project opens faster.
    host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
    host.getCurrentDirectory = () => directory;
    host.getSourceFile = (fileName, languageVersionOrOptions) =>
      files.get(fileName, typeof languageVersionOrOptions === "object" ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions });
    host.fileExists = (file) => store.exists(file);
    host.readFile = (file) => store.text(file);
    host.directoryExists = (dir) => store.directoryExists(dir);
    this.resolutions = ts.createModuleResolutionCache(directory, host.getCanonicalFileName, options);
    host.getModuleResolutionCache = () => this.resolutions;
    host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, containingSourceFile) => literals.map((literal) =>
      ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, this.resolutions, redirected,
        ts.getModeForUsageLocation(containingSourceFile, literal, compilerOptions)));
    this.host = host;
  }

  has(fileName: string): boolean {
    return this.roots.has(fileName);
  }

  /** Files were created or deleted: new roots, and resolutions start over. */
  setRoots(roots: readonly string[]): void {
    this.roots = new Set(roots);
    this.resolutions.clear();
    this.built = undefined;
    this.generation++;
  }

  /** The current program; `changed` tells whether its set of files differs from the previous program's. */
  program(): { program: ts.Program; changed: boolean } {
    const key = `${this.store.generation}/${this.generation}`;
    if (this.built?.key === key) return { program: this.built.program, changed: false };
    const previous = this.built;
    for (const [fileName, stub] of this.stubbed) if (this.store.version(fileName) !== stub.version) this.stubbed.clear(); // edited: try it again
    const host = stubbingHost({ ...this.host }, new Set(this.stubbed.keys()));
    const program = ts.createProgram({ rootNames: [...this.roots], options: this.options, host, oldProgram: previous?.program });
    const files = program.getSourceFiles();
    const changed = !previous || previous.fileCount !== files.length || files.some((f) => !previous.program.getSourceFile(f.fileName));
    this.built = { key, program, fileCount: files.length };
    if (changed) this.lastFileNames = files.map((f) => f.fileName);
    return { program, changed };
  }

  /** Why `fileName` is left out of the typed program, if it is. */
  untypedReason(fileName: string): string | undefined {
    return this.stubbed.get(ts.sys.resolvePath(fileName))?.reason;
  }

  /**
   * The checker of the current program, built on first use. A checker that fails (a stack
   * overflow while binding a very deep file) leaves half-bound files behind: the program is
   * rebuilt from fresh parses with the deepest file read as empty (the engine's checker
   * guard), and the question that failed still fails this once (the caller analyses again).
   */
  checker(program: ts.Program): ts.TypeChecker {
    try {
      return program.getTypeChecker();
    } catch (error) {
      if (program === this.built?.program && error instanceof RangeError) this.recover(program);
      throw error;
    }
  }

  private recover(failed: ts.Program): void {
    let attempt = failed;
    const checked = buildCheckedProgram((stubbed) => {
      const bound = new Set(attempt.getSourceFiles().map((f) => f.fileName));
      this.files.release((fileName) => !bound.has(fileName)); // what a failed checker bound is unusable
      attempt = ts.createProgram({ rootNames: [...this.roots], options: this.options, host: stubbingHost({ ...this.host }, stubbed) });
      return attempt;
    });
    this.failures++;
    this.stubbed = new Map([...checked.untyped].map(([fileName, reason]) => [fileName, { reason, version: this.store.version(fileName) }]));
    if (!checked.program) {
      this.built = undefined;
      return;
    }
    const files = checked.program.getSourceFiles();
    this.built = { key: this.built!.key, program: checked.program, fileCount: files.length };
    this.lastFileNames = files.map((f) => f.fileName);
  }

  /** The files of the last program built (kept across `setRoots`, which only forces a rebuild). */
  fileNames(): readonly string[] {
    return this.lastFileNames;
  }
}

const CONFIG_NAMES = new Set(["tsconfig.json", "jsconfig.json"]);
/** How long a parsed file no program uses is kept before it is released. */
const RELEASE_AFTER_MS = 2_000;

/** All projects of one server connection. */
export class ProjectHost {
  private readonly store = new FileStore();
  private readonly files = new SourceFiles(this.store);
  private readonly projects = new Map<string, Project>();
  /** tsconfig files that failed to parse, with the reason (reported once per change). */
  private readonly broken = new Map<string, string>();
  /** Which tsconfig types a file (the engine's lookup, the same as the CLI's): read through `parse`, cached until files or tsconfigs change. */
  private readonly tsconfigs = new TsconfigLookup((tsconfig) => this.parse(tsconfig));
  /** Open files analysed loose (outside any tsconfig). */
  private readonly loose = new Set<string>();
  /** `.vue` / `.svelte` documents: the engine's script view of each (sfc.ts), per version. */
  private readonly components = new Map<string, { version: string; sourceFile: ts.SourceFile }>();

  /** Files no program uses any more, since when (they are released after `releaseAfterMs`). */
  private readonly unusedSince = new Map<string, number>();
  private releaseTimer: NodeJS.Timeout | undefined;

  constructor(private readonly log: (key: string, message: string) => void, private readonly releaseAfterMs = RELEASE_AFTER_MS) {}

  /** Keeps the store in sync with an open document (cheap: no parsing happens here). */
  setOpen(fileName: string, text: string, version: number): void {
    this.store.setOpen(fileName, text, version);
  }

  close(fileName: string): void {
    this.store.close(fileName);
    this.components.delete(fileName);
    if (this.loose.delete(fileName)) this.files.forget(fileName, LOOSE_PARSE_OPTIONS);
  }

  /** What a file is analysed in: its tsconfig project when it belongs to one, else loose. */
  targetFor(fileName: string): AnalysisTarget | undefined {
    const project = this.typedProjectFor(fileName);
    if (project) {
      const target = this.targetIn(project, fileName);
      if (target) return target;
    }
    return this.looseTarget(fileName);
  }

  /** What a lint of `fileName` depends on besides its own text and the lint options (the memo's context, engine core/incremental.ts). */
  contextOf(fileName: string, target: AnalysisTarget): string {
    return target.types ? `${target.tsconfig}|${this.store.versionsBesides(fileName)}` : "loose";
  }

  /** Runs `action` while `fileName` reads as `text` (fix-all passes), then restores it. */
  withOverlay<T>(fileName: string, text: string, action: () => T): T {
    this.store.setOverlay(fileName, text);
    try {
      return action();
    } finally {
      this.store.clearOverlay(fileName);
    }
  }

  /** Watched-file events: tsconfig changes rebuild their projects, source changes bump versions. */
  filesChanged(changes: ReadonlyArray<{ fileName: string; kind: FileChangeKind }>): void {
    for (const { fileName, kind } of changes) {
      const base = path.basename(fileName);
      if (CONFIG_NAMES.has(base) || /^tsconfig\..*\.json$/.test(base)) {
        this.dropProjects();
        continue;
      }
      this.store.touchDisk(fileName);
      if (kind !== "changed") this.refreshRoots();
    }
  }

  get projectCount(): number {
    return this.projects.size + (this.loose.size > 0 ? 1 : 0);
  }

  get documentCount(): number {
    return this.store.openCount;
  }

  dispose(): void {
    this.dropProjects();
    this.loose.clear();
    this.components.clear();
    this.files.clear();
    clearTimeout(this.releaseTimer);
  }

  get sourceFileCount(): number {
    return this.files.size;
  }

  private targetIn(project: Project, fileName: string): AnalysisTarget | undefined {
    const { program, changed } = project.program();
    if (changed) this.release();
    const untyped = project.untypedReason(fileName);
    if (untyped) {
      const loose = this.looseTarget(fileName);
      return loose && { ...loose, untyped, tsconfig: project.tsconfig };
    }
    const sourceFile = program.getSourceFile(fileName);
    if (!sourceFile) return undefined;
    const failures = project.failures;
    return {
      sourceFile,
      types: { program, get checker() { return project.checker(program); } },
      tsconfig: project.tsconfig,
      rebuilt: () => project.failures !== failures,
    };
  }

  private looseTarget(fileName: string): AnalysisTarget | undefined {
    if (isComponentFile(fileName)) return this.componentTarget(fileName);
    const sourceFile = this.files.get(fileName, LOOSE_PARSE_OPTIONS);
    if (!sourceFile) return undefined;
    if (this.store.isOpen(fileName)) this.loose.add(fileName);
    return { sourceFile };
  }

  /** A component is linted through its script blocks, loose (the CLI's tier for components). */
  private componentTarget(fileName: string): AnalysisTarget | undefined {
    const version = this.store.version(fileName);
    const cached = this.components.get(fileName);
    if (cached?.version === version) return { sourceFile: cached.sourceFile };
    const text = this.store.text(fileName);
    if (text === undefined) return undefined;
    const sourceFile = parseLooseFile(fileName, text);
    if (this.store.isOpen(fileName)) this.components.set(fileName, { version, sourceFile });
    return { sourceFile };
  }

  private typedProjectFor(fileName: string): Project | undefined {
    const tsconfig = this.tsconfigs.find(fileName).tsconfig;
    if (!tsconfig || this.broken.has(tsconfig)) return undefined;
    let project = this.projects.get(tsconfig);
    if (!project) {
      const parsed = this.tsconfigs.read(tsconfig);
      if (!parsed) return undefined;
      project = new Project(tsconfig, { ...parsed.options, noEmit: true }, parsed.fileNames.map(normalize), this.store, this.files);
      this.projects.set(tsconfig, project);
    }
    if (!project.has(fileName)) return undefined;
    if (this.loose.delete(fileName)) this.files.forget(fileName, LOOSE_PARSE_OPTIONS);
    return project;
  }

  private parse(tsconfig: string): ts.ParsedCommandLine | undefined {
    try {
      const parsed = parseTsconfig(tsconfig);
      // What TypeScript recovers from (bad JSON, a missing extends, unknown options) is told, not ignored; the options it read apply.
      for (const problem of tsconfigProblems(tsconfig, parsed)) {
        const where = `${problem.file?.fileName ?? tsconfig}:${(problem.file?.getLineAndCharacterOfPosition(problem.start ?? 0).line ?? 0) + 1}`;
        const message = ts.flattenDiagnosticMessageText(problem.messageText, " ");
        this.log(`tsconfig:${where}:${message}`, `Problem in ${where} (used for ${tsconfig}): ${message}`);
      }
      return parsed;
    } catch (error) {
      const reason = (error as Error).message;
      this.broken.set(tsconfig, reason);
      this.log(`tsconfig:${tsconfig}:${reason}`, `Cannot use ${tsconfig} (analysing its files without types): ${reason}`);
      return undefined;
    }
  }

  /** Files were created or deleted: re-read every project's file list. */
  private refreshRoots(): void {
    this.tsconfigs.clear();
    for (const [tsconfig, project] of this.projects) {
      const parsed = this.tsconfigs.read(tsconfig);
      if (parsed) project.setRoots(parsed.fileNames.map(normalize));
    }
  }

  private dropProjects(): void {
    this.projects.clear();
    this.broken.clear();
    this.tsconfigs.clear();
    this.release();
  }

  /**
   * A program's set of files changed (imports removed, a project dropped): parsed files and
   * disk texts that no program and no open document has used for `releaseAfterMs` are let
   * go, so the packages a document stopped importing leave the heap (the grace keeps an
   * import that is being retyped from being parsed again on every keystroke).
   */
  private release(): void {
    const live = new Set<string>();
    for (const project of this.projects.values()) for (const fileName of project.fileNames()) live.add(normalize(fileName));
    const now = performance.now();
    const decided = new Map<string, boolean>();
    const keep = (fileName: string): boolean => {
      let kept = decided.get(fileName);
      if (kept !== undefined) return kept;
      if (live.has(normalize(fileName)) || this.store.isOpen(fileName) || this.loose.has(fileName)) {
        this.unusedSince.delete(fileName);
        kept = true;
      } else {
        const since = this.unusedSince.get(fileName) ?? now;
        kept = now - since < this.releaseAfterMs;
        if (kept) this.unusedSince.set(fileName, since);
        else this.unusedSince.delete(fileName);
      }
      decided.set(fileName, kept);
      return kept;
    };
    this.files.release(keep);
    this.store.releaseTexts(keep);
    if (this.unusedSince.size > 0 && !this.releaseTimer) {
      this.releaseTimer = setTimeout(() => {
        this.releaseTimer = undefined;
        this.release();
      }, this.releaseAfterMs).unref();
    }
  }
}

function normalize(fileName: string): string {
  return path.resolve(fileName);
}
