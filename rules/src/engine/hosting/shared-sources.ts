// Parsed (and bound) files shared by the programs of one run. Linting at the root of a
// monorepo builds one program per tsconfig, and each of them reads the same lib files,
// `@types` and sibling packages again: a package that imports `core` parsed and bound
// `core` once more. As tsserver's document registry does, a program asks here first:
// a file parsed for an earlier program with the same parse and bind settings is handed
// over as it is (the binder skips a file it has bound already; each checker keeps its own
// types). A file is kept while the last program built uses it: the next program (a sibling
// project, often with other options) takes what the two share — lib files, `@types`, common
// packages — and the files only earlier programs used are let go, so that memory stays that
// of one program however many programs a run builds (bench/monorepo.js).
// Module resolution is shared too, between programs whose options resolve alike (the same
// options but for where output goes): `import "@scope/core"` is looked up once per folder.
import ts from "typescript";

/** Compiler options that change how a file is parsed or bound (tsserver's bucket key). */
const settingsKey = (() => {
  const registry = ts.createDocumentRegistry();
  return (options: ts.CompilerOptions): string => registry.getKeyForCompilationSettings(options) as string;
})();

/** How many programs back a file must have been used to be kept (1: by the last one built). */
const KEEP_PROGRAMS = 1;

/** Options that only say where and what to emit: they do not change how a module resolves. */
const OUTPUT_OPTIONS = new Set([
  "outDir", "outFile", "rootDir", "declarationDir", "tsBuildInfoFile", "configFilePath", "composite", "incremental",
  "declaration", "declarationMap", "emitDeclarationOnly", "sourceMap", "inlineSourceMap", "inlineSources", "noEmit", "removeComments",
]);

export class SharedSourceFiles {
  private files = new Map<string, { sourceFile: ts.SourceFile; used: number }>();
  private generation = 0;
  private readonly resolutions = new Map<string, ts.ModuleResolutionCache>();

  /** Wraps `host` so that its program takes the files parsed for an earlier program with `options`. */
  wrap<T extends ts.CompilerHost>(host: T, options: ts.CompilerOptions): T {
    const settings = settingsKey(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const key = fileKey(settings, fileName, languageVersion);
      const known = this.files.get(key);
      if (known) return known.sourceFile;
      const sourceFile = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (sourceFile) this.files.set(key, { sourceFile, used: this.generation });
      return sourceFile;
    };
    const key = resolutionKey(options);
    let cache = this.resolutions.get(key);
    if (!cache) this.resolutions.set(key, (cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => host.getCanonicalFileName(f), options)));
    const resolutions = cache;
    host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, containingSourceFile) => literals.map((literal) =>
      ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, resolutions, redirected, ts.getModeForUsageLocation(containingSourceFile, literal, compilerOptions)));
    return host;
  }

  /** `program` is built: its files are fresh, and those no recent program used are let go. */
  programBuilt(program: ts.Program): void {
    const used = new Set(program.getSourceFiles());
    this.generation++;
    for (const [key, entry] of this.files) {
      if (used.has(entry.sourceFile)) entry.used = this.generation;
      else if (entry.used <= this.generation - KEEP_PROGRAMS) this.files.delete(key);
    }
  }

  /** Forgets every file: after a checker failed, its files may be half bound. */
  clear(): void {
    this.files = new Map();
    this.resolutions.clear();
  }
}

/** The options but those that only say where output goes: equal keys resolve and type alike. */
export function resolutionKey(options: ts.CompilerOptions): string {
  return JSON.stringify(Object.entries(options).filter(([name]) => !OUTPUT_OPTIONS.has(name)));
}

function fileKey(settings: string, fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions): string {
  const options = typeof languageVersion === "object" ? languageVersion : { languageVersion };
  return `${settings}|${ts.sys.resolvePath(fileName)}|${options.languageVersion}|${options.impliedNodeFormat ?? ""}|${options.jsDocParsingMode ?? ""}`;
}
