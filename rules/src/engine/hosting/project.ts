// Project loading: which files to lint (walking directories, skipping node_modules,
// .gitignore'd paths, declaration files and configured ignores) and which TypeScript
// program each file is analysed in — the program of its nearest tsconfig.json when the
// file belongs to it (full types); otherwise the file is parsed on its own and analysed
// loose (no program, no lib, no module resolution: import-resolved names and scopes only).
import fs from "node:fs";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import ts from "typescript";
import { LOOSE_COMPILER_OPTIONS, type UnparsableSourceFile } from "../core/compiler-options";
import type { TypeInfo } from "../core/types";
import { isCommittedBundle } from "../analyses/file-kind";
import { COMPONENT_EXTENSIONS, type ComponentSourceFile, componentView, isComponentFile } from "./sfc";
import { type CheckedProgram, unparsablePlaceholder } from "./checker-guard";
import { type Project, groupBuilder, groupProjects } from "./program-groups";
import { SharedSourceFiles } from "./shared-sources";
import { TsconfigLookup, withTypeScript5Types } from "./tsconfigs";

export { LOOSE_COMPILER_OPTIONS, type UnparsableSourceFile };
export { guardedHost, unparsablePlaceholder } from "./checker-guard";

export const LINTABLE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
const ALWAYS_SKIPPED_DIRS = new Set(["node_modules", ".git", ".hg", ".svn"]);

export function isLintable(file: string): boolean {
  if (/\.d\.[cm]?ts$/.test(file)) return false;
  const extension = path.extname(file).toLowerCase();
  return LINTABLE_EXTENSIONS.includes(extension) || COMPONENT_EXTENSIONS.includes(extension);
}

export interface DiscoveryOptions {
  /** Patterns (gitignore syntax) relative to `ignoreBase`. */
  ignores: readonly string[];
  ignoreBase: string;
  /** Also lint files in node_modules (used by the precision survey and benchmarks). */
  includeNodeModules?: boolean;
  /**
   * Skip committed bundles and generated files found in directories (default true); a file
   * named on the command line is linted anyway. Skipped files are pushed here when given.
   */
  skipBundles?: boolean;
  skipped?: string[];
  /** Do not read .gitignore files (the CLI's `--no-ignore`). */
  noGitignore?: boolean;
}

interface IgnoreLayer {
  dir: string;
  matcher: Ignore;
}

/** Configured ignores (gitignore syntax, relative to `ignoreBase`) as a predicate on absolute paths. */
function configuredIgnores(options: DiscoveryOptions): (abs: string, isDir: boolean) => boolean {
  const configured = ignore().add([...options.ignores]);
  return (abs, isDir) => {
    const rel = path.relative(options.ignoreBase, abs);
    if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return false;
    return configured.ignores(toPosix(rel) + (isDir ? "/" : ""));
  };
}

/**
 * Whether discovery would leave this file out of a walk of its folders: it lies in
 * node_modules (or a VCS folder), a .gitignore between it and its repository root
 * excludes it, or the config's `ignores` do. The editor asks this of each open
 * document, so that it lints what `leaklint .` lints. Given the folder the user opened
 * (`root`), only folders below it count, and a .gitignore that excludes that folder
 * itself (a checkout inside another repository's ignored folder) does not hide its files.
 */
export function isIgnoredFile(file: string, options: DiscoveryOptions & { root?: string }): boolean {
  const abs = path.resolve(file);
  const root = options.root && path.resolve(options.root);
  const below = root && abs.startsWith(root + path.sep) ? path.relative(root, path.dirname(abs)) : path.dirname(abs);
  if (below.split(path.sep).some((name) => ALWAYS_SKIPPED_DIRS.has(name) && !(options.includeNodeModules && name === "node_modules"))) return true;
  if (configuredIgnores(options)(abs, false)) return true;
  if (options.noGitignore || options.includeNodeModules) return false;
  const layers = ancestorGitignores(abs).filter((layer) => !root || !isGitIgnored(root, true, [layer]));
  return isGitIgnored(abs, false, layers);
}

/** Expands paths into the sorted list of files to lint. */
export function discoverFiles(paths: readonly string[], options: DiscoveryOptions): string[] {
  const found = new Set<string>();
  const isConfiguredIgnore = configuredIgnores(options);
  for (const input of paths) {
    const abs = path.resolve(input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new Error(`No such file or directory: ${input}`);
    }
    if (stat.isFile()) {
      if (isLintable(abs) && !isConfiguredIgnore(abs, false)) found.add(abs);
      continue;
    }
    // Surveys of installed packages lint inside node_modules, which .gitignore excludes.
    const layers = options.includeNodeModules || options.noGitignore ? [] : ancestorGitignores(abs);
    walkDirectory(abs, layers, options, isConfiguredIgnore, found);
  }
  return [...found].sort();
}

function walkDirectory(
  dir: string,
  inherited: IgnoreLayer[],
  options: DiscoveryOptions,
  isConfiguredIgnore: (abs: string, isDir: boolean) => boolean,
  found: Set<string>,
): void {
  const stack: Array<{ dir: string; layers: IgnoreLayer[] }> = [{ dir, layers: inherited }];
  while (stack.length > 0) {
    const { dir: current, layers: parentLayers } = stack.pop()!;
    const own = options.noGitignore ? undefined : readGitignore(current);
    const layers = own ? [...parentLayers, own] : parentLayers;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const abs = path.join(current, entry.name);
      const isDir = entry.isDirectory();
      if (isDir && ALWAYS_SKIPPED_DIRS.has(entry.name) && !(options.includeNodeModules && entry.name === "node_modules")) continue;
      if (isGitIgnored(abs, isDir, layers) || isConfiguredIgnore(abs, isDir)) continue;
      if (isDir) stack.push({ dir: abs, layers });
      else if (entry.isFile() && isLintable(abs)) {
        if (options.skipBundles !== false && isCommittedBundle(abs)) options.skipped?.push(abs);
        else found.add(abs);
      }
    }
  }
}

function readGitignore(dir: string): IgnoreLayer | undefined {
  const file = path.join(dir, ".gitignore");
  if (!fs.existsSync(file)) return undefined;
  try {
    return { dir, matcher: ignore().add(fs.readFileSync(file, "utf8")) };
  } catch {
    return undefined;
  }
}

/** .gitignore files above `dir`, up to the repository root (the directory holding .git). */
function ancestorGitignores(dir: string): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const layer = readGitignore(current);
    if (layer) layers.unshift(layer);
    if (fs.existsSync(path.join(current, ".git")) || path.dirname(current) === current) break;
  }
  return layers;
}

function isGitIgnored(abs: string, isDir: boolean, layers: readonly IgnoreLayer[]): boolean {
  for (const layer of layers) {
    const rel = path.relative(layer.dir, abs);
    if (rel && !rel.startsWith("..") && layer.matcher.ignores(toPosix(rel) + (isDir ? "/" : ""))) return true;
  }
  return false;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

export interface LintUnit {
  /**
   * Builds the tsconfig program and its checker (undefined for loose files, which are parsed
   * one at a time). Called by `unitFiles` when the unit's first file is linted, so that only
   * one program is alive at a time: nothing keeps it once its files are linted.
   */
  build?: () => CheckedProgram;
  files: string[];
  /** The tsconfig the program comes from, if any, as read. */
  tsconfig?: string;
  parsed?: ts.ParsedCommandLine;
  /** Loose files whose tsconfig (the nearest, or `--project`) does not include them, with that tsconfig. */
  notIncluded?: Map<string, string>;
  /** The tsconfigs whose projects share this unit's program (program-groups.ts), this one's among them. */
  programOf?: Project[];
}

export interface ProgramOptions {
  /** An explicit tsconfig for every file (`--project`); its references are followed. */
  project?: string;
  /** Use tsconfig programs with types (default true). */
  types?: boolean;
  /** What TypeScript says is wrong with the tsconfig files used is pushed here when given. */
  problems?: ts.Diagnostic[];
  /** The whole run's files when `files` is a piece of it: projects share programs as in the whole run. */
  groupFiles?: readonly string[];
}

/**
 * Groups files by the tsconfig that types them (hosting/tsconfigs.ts: looked up per file,
 * references followed, several tsconfigs per folder). Programs are not built here but by
 * each unit's `build`, inside the fault box (hosting/checker-guard.ts): a file the checker
 * cannot handle is linted loose instead. A tsconfig TypeScript cannot read makes its files loose.
 */
export function createLintUnits(files: readonly string[], options: ProgramOptions = {}): LintUnit[] {
  const byConfig = new Map<string, string[]>();
  const loose: string[] = [];
  const notIncluded = new Map<string, string>();
  const problems = new Map<string, ts.Diagnostic[]>();
  const lookup = new TsconfigLookup((file) => {
    const own: ts.Diagnostic[] = [];
    problems.set(file, own);
    return readTsconfig(file, own);
  });
  const told = new Set<string>();
  const tell = (tsconfig: string): void => {
    if (!told.has(tsconfig)) options.problems?.push(...(problems.get(tsconfig) ?? []));
    told.add(tsconfig);
  };
  for (const file of files) {
    const choice = options.types === false ? {} : lookup.find(file, options.project);
    if (choice.nearest) tell(choice.nearest);
    if (choice.tsconfig) {
      tell(choice.tsconfig);
      byConfig.set(choice.tsconfig, [...(byConfig.get(choice.tsconfig) ?? []), file]);
      continue;
    }
    loose.push(file);
    if (choice.nearest && !choice.nearestUnreadable) notIncluded.set(file, choice.nearest);
  }
  // The tsconfigs of the whole run, in its order, decide which projects share a program.
  const order = new Set<string>();
  for (const file of options.groupFiles && options.types !== false ? options.groupFiles : []) {
    const { tsconfig } = lookup.find(file, options.project);
    if (tsconfig) order.add(tsconfig);
  }
  for (const tsconfig of byConfig.keys()) order.add(tsconfig);
  const units: LintUnit[] = [];
  const shared = new SharedSourceFiles(); // the projects of a monorepo parse and bind their common files once
  for (const group of groupProjects([...order].map((tsconfig) => ({ tsconfig, parsed: lookup.read(tsconfig)! })))) {
    const members = group.projects.filter((p) => byConfig.has(p.tsconfig));
    const build = groupBuilder(group, members.length, shared);
    for (const { tsconfig, parsed } of members) {
      units.push({ files: byConfig.get(tsconfig)!, tsconfig, parsed, build, programOf: group.projects });
    }
  }
  if (loose.length > 0) units.push({ files: loose, notIncluded });
  return units;
}

/**
 * What `lintSourceFile` needs for each file of a unit, one file at a time: a typed unit builds
 * its program on the first file; a file its checker could not handle (or every file, when no
 * checker could be built) comes parsed loose, with the reason.
 */
export function* unitFiles(
  unit: LintUnit, onProgram?: (program: ts.Program) => void,
): Generator<{ fileName: string; sourceFile: ts.SourceFile; types: TypeInfo | undefined; untyped?: string }> {
  const checked = unit.build?.();
  if (checked?.program) onProgram?.(checked.program);
  const types = checked?.program && typeInfo(checked.program);
  for (const fileName of unit.files) {
    const untyped = !checked ? undefined : checked.untyped.get(fileName) ?? (types ? undefined : `no program of ${unit.tsconfig} could be type-checked (${checked.failure})`);
    const sourceFile = types && !untyped ? types.program.getSourceFile(fileName) : parseLooseFile(fileName);
    if (sourceFile) yield { fileName, sourceFile, types: untyped ? undefined : types, untyped };
  }
}

/** A program's type information, with the checker built on first use (most files ask no type question). */
export function typeInfo(program: ts.Program): TypeInfo {
  return {
    program,
    get checker() {
      return program.getTypeChecker();
    },
  };
}

/**
 * A file for the loose tier: parsed on its own, with parent pointers and without JSDoc
 * (a fifth of the parse of typical JavaScript; the loose tier asks no type questions).
 * No program, binder or checker: names resolve through the engine's scope index.
 */
export function parseLooseFile(fileName: string, text?: string): ts.SourceFile {
  try {
    const content = text ?? ts.sys.readFile(fileName) ?? "";
    if (isComponentFile(fileName)) {
      const view = componentView(fileName, content); // `.vue` / `.svelte`: their script blocks, at their own offsets
      const sourceFile: ComponentSourceFile = ts.createSourceFile(fileName, view.text, LOOSE_PARSE_OPTIONS, true, view.scriptKind);
      sourceFile.leaklintComponent = { original: content, insertions: view.insertions };
      return sourceFile;
    }
    return ts.createSourceFile(fileName, content, LOOSE_PARSE_OPTIONS, true);
  } catch (error) {
    return unparsablePlaceholder(fileName, LOOSE_PARSE_OPTIONS, error);
  }
}

/** How the loose tier parses: the newest syntax, without JSDoc. */
export const LOOSE_PARSE_OPTIONS: ts.CreateSourceFileOptions = {
  languageVersion: ts.ScriptTarget.ESNext,
  jsDocParsingMode: ts.JSDocParsingMode.ParseNone,
};

export function nearestTsconfig(dir: string, cache = new Map<string, string | undefined>()): string | undefined {
  if (cache.has(dir)) return cache.get(dir);
  const file = path.join(dir, "tsconfig.json");
  const parent = path.dirname(dir);
  const result = fs.existsSync(file) ? file : parent === dir ? undefined : nearestTsconfig(parent, cache);
  cache.set(dir, result);
  return result;
}

/**
 * A tsconfig as TypeScript reads it (`extends` followed). Throws when it cannot be read at
 * all; what TypeScript recovers from (bad JSON, a missing `extends`, unknown options) is in
 * `errors`, and the options it could read still apply.
 */
export function parseTsconfig(file: string): ts.ParsedCommandLine {
  const { parsed, unreadable } = readTsconfigFile(file);
  if (!parsed) throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(unreadable?.messageText, "\n") || "cannot be read"}`);
  return parsed;
}

/** The tsconfig as TypeScript reads it, or undefined when it cannot be read at all. */
export function readableTsconfig(file: string): ts.ParsedCommandLine | undefined {
  return readTsconfigFile(file).parsed;
}

function readTsconfigFile(file: string): { parsed?: ts.ParsedCommandLine; unreadable?: ts.Diagnostic } {
  let unreadable: ts.Diagnostic | undefined;
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      unreadable = d;
    },
  };
  // A jsconfig.json gets TypeScript's jsconfig defaults (`allowJs` …) from its name; it does not need
  // the JavaScript of node_modules that `maxNodeModuleJsDepth: 2` would load.
  const jsconfig = path.basename(file) === "jsconfig.json";
  const parsed = ts.getParsedCommandLineOfConfigFile(file, jsconfig ? { noEmit: true, maxNodeModuleJsDepth: 0 } : { noEmit: true }, host);
  if (!parsed || unreadable) return { unreadable };
  parsed.options = withTypeScript5Types(parsed.options);
  return { parsed };
}

/** "No inputs were found": the tsconfig covers none of its files, which are then linted loose — not a problem of the config. */
const NO_INPUTS = 18003;

/**
 * The problems of a parsed tsconfig worth telling (see parseTsconfig), each with a file:
 * JSON syntax errors (which `errors` leaves out) and the option errors; a problem
 * TypeScript gives no file (an `extends` it cannot find) is the tsconfig's own.
 */
export function tsconfigProblems(file: string, parsed: ts.ParsedCommandLine): ts.Diagnostic[] {
  let own: ts.TsConfigSourceFile | undefined;
  return ts.getConfigFileParsingDiagnostics(parsed).filter((d) => d.code !== NO_INPUTS)
    .map((d) => (d.file ? d : { ...d, file: (own ??= ts.parseJsonText(file, ts.sys.readFile(file) ?? "")), start: 0, length: 0 }));
}

/**
 * The tsconfig, with its problems pushed to `problems`; undefined when it cannot be read
 * (that problem is located in the tsconfig itself, and its files are linted loose).
 */
function readTsconfig(file: string, problems: ts.Diagnostic[] | undefined): ts.ParsedCommandLine | undefined {
  const { parsed, unreadable } = readTsconfigFile(file);
  if (parsed) {
    problems?.push(...tsconfigProblems(file, parsed));
    return parsed;
  }
  const message = `${ts.flattenDiagnosticMessageText(unreadable?.messageText, " ") || "cannot be read"} (its files are linted without types)`;
  problems?.push({ file: ts.parseJsonText(file, ts.sys.readFile(file) ?? ""), start: 0, length: 0, category: ts.DiagnosticCategory.Error,
    code: unreadable?.code ?? 0, messageText: message });
  return undefined;
}
