// TypeScript programs for the documents the editor has open: one long-lived
// LanguageService per tsconfig project (typed analysis; an edit re-parses one file and
// the program is updated incrementally). Files outside any tsconfig are parsed on their
// own and analysed loose (no program: names and scopes only, like the CLI).
// Open documents and temporary overlays (fix-all passes) shadow the disk.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { type TypeInfo, parseLooseFile, parseTsconfig } from "leaklint";
import { commonAffixes } from "./text-diff";

export interface AnalysisTarget {
  sourceFile: ts.SourceFile;
  /** The tsconfig project's program and checker; undefined for a loose file. */
  types?: TypeInfo;
  tsconfig?: string;
}

export type FileChangeKind = "created" | "changed" | "deleted";

/** A snapshot that tells TypeScript what changed since the previous one, so it reparses incrementally. */
class TextSnapshot implements ts.IScriptSnapshot {
  constructor(readonly text: string) {}

  getText(start: number, end: number): string {
    return this.text.substring(start, end);
  }

  getLength(): number {
    return this.text.length;
  }

  getChangeRange(old: ts.IScriptSnapshot): ts.TextChangeRange | undefined {
    if (!(old instanceof TextSnapshot)) return undefined;
    const { prefix, suffix } = commonAffixes(old.text, this.text);
    return ts.createTextChangeRange(ts.createTextSpan(prefix, old.text.length - prefix - suffix), this.text.length - prefix - suffix);
  }
}

/**
 * Texts and versions of open documents and overlays; disk files get a version per change
 * event. Disk reads and existence checks are cached until a watched-file event (program
 * updates otherwise re-read every package.json on the module-resolution path per edit).
 */
class FileStore {
  generation = 0;
  private readonly open = new Map<string, { text: string; version: number }>();
  private readonly overlays = new Map<string, { text: string; version: number }>();
  private readonly diskVersions = new Map<string, number>();
  private readonly diskTexts = new Map<string, string | undefined>();
  private readonly diskExists = new Map<string, boolean>();
  private readonly directories = new Map<string, boolean>();
  /** The last snapshot handed out per file, reused while its version stands. */
  private readonly snapshots = new Map<string, { version: string; snapshot: TextSnapshot }>();
  private overlayCounter = 0;

  setOpen(fileName: string, text: string, version: number): void {
    const current = this.open.get(fileName);
    if (current && current.version === version && current.text === text) return;
    this.open.set(fileName, { text, version });
    this.generation++;
  }

  close(fileName: string): void {
    this.snapshots.delete(fileName);
    if (this.open.delete(fileName)) this.touchDisk(fileName);
  }

  snapshot(fileName: string): ts.IScriptSnapshot | undefined {
    const version = this.version(fileName);
    const cached = this.snapshots.get(fileName);
    if (cached?.version === version) return cached.snapshot;
    const text = this.text(fileName);
    if (text === undefined) return undefined;
    const snapshot = new TextSnapshot(text);
    // Only edited files need the previous snapshot's text; disk files are read once.
    if (this.open.has(fileName) || this.overlays.has(fileName)) this.snapshots.set(fileName, { version, snapshot });
    return snapshot;
  }

  isOpen(fileName: string): boolean {
    return this.open.has(fileName);
  }

  setOverlay(fileName: string, text: string): void {
    this.overlays.set(fileName, { text, version: ++this.overlayCounter });
    this.generation++;
  }

  clearOverlay(fileName: string): void {
    if (this.overlays.delete(fileName)) this.generation++;
  }

  touchDisk(fileName: string): void {
    this.diskVersions.set(fileName, (this.diskVersions.get(fileName) ?? 0) + 1);
    this.diskTexts.delete(fileName);
    this.diskExists.clear();
    this.directories.clear();
    this.generation++;
  }

  version(fileName: string): string {
    const overlay = this.overlays.get(fileName);
    if (overlay) return `x${overlay.version}`;
    const open = this.open.get(fileName);
    if (open) return `o${open.version}`;
    return `d${this.diskVersions.get(fileName) ?? 0}`;
  }

  text(fileName: string): string | undefined {
    const shadow = this.overlays.get(fileName) ?? this.open.get(fileName);
    if (shadow) return shadow.text;
    if (!this.diskTexts.has(fileName)) this.diskTexts.set(fileName, ts.sys.readFile(fileName));
    return this.diskTexts.get(fileName);
  }

  exists(fileName: string): boolean {
    if (this.overlays.has(fileName) || this.open.has(fileName)) return true;
    let exists = this.diskExists.get(fileName);
    if (exists === undefined) this.diskExists.set(fileName, (exists = ts.sys.fileExists(fileName)));
    return exists;
  }

  directoryExists(directory: string): boolean {
    let exists = this.directories.get(directory);
    if (exists === undefined) this.directories.set(directory, (exists = ts.sys.directoryExists(directory)));
    return exists;
  }

  get openCount(): number {
    return this.open.size;
  }
}

/** One LanguageService over a fixed set of root files and compiler options. */
class Project {
  private generation = 0;
  readonly service: ts.LanguageService;
  private roots: Set<string>;

  constructor(
    readonly tsconfig: string | undefined,
    private readonly options: ts.CompilerOptions,
    roots: readonly string[],
    store: FileStore,
    registry: ts.DocumentRegistry,
  ) {
    this.roots = new Set(roots);
    const directory = tsconfig ? path.dirname(tsconfig) : process.cwd();
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.roots],
      getProjectVersion: () => `${store.generation}/${this.generation}`,
      getScriptVersion: (file) => store.version(file),
      getScriptSnapshot: (file) => store.snapshot(file),
      getCurrentDirectory: () => directory,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (file) => store.exists(file),
      readFile: (file) => store.text(file),
      readDirectory: ts.sys.readDirectory,
      directoryExists: (directory) => store.directoryExists(directory),
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    };
    this.service = ts.createLanguageService(host, registry);
  }

  has(fileName: string): boolean {
    return this.roots.has(fileName);
  }

  setRoots(roots: readonly string[]): void {
    this.roots = new Set(roots);
    this.generation++;
  }

  program(): ts.Program | undefined {
    return this.service.getProgram();
  }

  dispose(): void {
    this.service.dispose();
  }
}

const CONFIG_NAMES = new Set(["tsconfig.json", "jsconfig.json"]);

/** All projects of one server connection. */
export class ProjectHost {
  private readonly store = new FileStore();
  private readonly registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames);
  private readonly projects = new Map<string, Project>();
  /** tsconfig files that failed to parse, with the reason (reported once per change). */
  private readonly broken = new Map<string, string>();
  private readonly nearestConfig = new Map<string, string | undefined>();
  /** Loose files parsed at their current version (files outside any tsconfig). */
  private readonly loose = new Map<string, { version: string; sourceFile: ts.SourceFile }>();

  constructor(private readonly log: (key: string, message: string) => void) {}

  /** Keeps the store in sync with an open document (cheap: no parsing happens here). */
  setOpen(fileName: string, text: string, version: number): void {
    this.store.setOpen(fileName, text, version);
  }

  close(fileName: string): void {
    this.store.close(fileName);
    this.loose.delete(fileName);
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
        if (kind !== "changed") this.nearestConfig.clear();
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
  }

  private targetIn(project: Project, fileName: string): AnalysisTarget | undefined {
    const program = project.program();
    const sourceFile = program?.getSourceFile(fileName);
    if (!program || !sourceFile) return undefined;
    return { sourceFile, types: { program, checker: program.getTypeChecker() }, tsconfig: project.tsconfig };
  }

  private looseTarget(fileName: string): AnalysisTarget | undefined {
    const version = this.store.version(fileName);
    let parsed = this.loose.get(fileName);
    if (parsed?.version !== version) {
      const text = this.store.text(fileName);
      if (text === undefined) return undefined;
      parsed = { version, sourceFile: parseLooseFile(fileName, text) };
      // Overlays (fix-all passes) are short-lived: only the document's own versions are kept.
      if (this.store.isOpen(fileName) && !version.startsWith("x")) this.loose.set(fileName, parsed);
    }
    return { sourceFile: parsed.sourceFile };
  }

  private typedProjectFor(fileName: string): Project | undefined {
    const tsconfig = this.findTsconfig(path.dirname(fileName));
    if (!tsconfig || this.broken.has(tsconfig)) return undefined;
    let project = this.projects.get(tsconfig);
    if (!project) {
      const parsed = this.parse(tsconfig);
      if (!parsed) return undefined;
      project = new Project(tsconfig, { ...parsed.options, noEmit: true }, parsed.fileNames.map(normalize), this.store, this.registry);
      this.projects.set(tsconfig, project);
    }
    if (!project.has(fileName)) return undefined;
    this.loose.delete(fileName);
    return project;
  }

  private parse(tsconfig: string): ts.ParsedCommandLine | undefined {
    try {
      return parseTsconfig(tsconfig);
    } catch (error) {
      const reason = (error as Error).message;
      this.broken.set(tsconfig, reason);
      this.log(`tsconfig:${tsconfig}:${reason}`, `Cannot use ${tsconfig} (analysing its files without types): ${reason}`);
      return undefined;
    }
  }

  /** Files were created or deleted: re-read every project's file list. */
  private refreshRoots(): void {
    for (const [tsconfig, project] of this.projects) {
      const parsed = this.parse(tsconfig);
      if (parsed) project.setRoots(parsed.fileNames.map(normalize));
    }
  }

  private dropProjects(): void {
    for (const project of this.projects.values()) project.dispose();
    this.projects.clear();
    this.broken.clear();
  }

  private findTsconfig(dir: string): string | undefined {
    if (this.nearestConfig.has(dir)) return this.nearestConfig.get(dir);
    const candidate = path.join(dir, "tsconfig.json");
    const parent = path.dirname(dir);
    const found = fs.existsSync(candidate) ? normalize(candidate) : parent === dir ? undefined : this.findTsconfig(parent);
    this.nearestConfig.set(dir, found);
    return found;
  }
}

function normalize(fileName: string): string {
  return path.resolve(fileName);
}
