// File selection for the CLI, the ESLint way: each argument is a file, a directory or a
// glob (`src/**/*.ts`, `{a,b}`, `?`, `[…]`, relative to the cwd); directories and globs are
// walked by the engine's discovery (.gitignore, configured ignores, node_modules and bundles
// skipped); `--ignore-pattern` (gitignore syntax, relative to the cwd) drops more;
// `--no-ignore` applies none of the ignores. An argument that matches no file, or only
// ignored files, is an error (exit 2) unless `--no-error-on-unmatched-pattern`: a green CI
// run that linted nothing is the failure this prevents.
import fs from "node:fs";
import path from "node:path";
import ignore from "ignore";
import { type LeaklintConfig, type DiscoveryOptions, discoverFiles, isLintable } from "../engine";
import { UsageError } from "./args";

export interface SelectionOptions {
  cwd: string;
  config: LeaklintConfig;
  ignorePatterns: readonly string[];
  noIgnore: boolean;
  includeNodeModules: boolean;
  includeBundles: boolean;
  errorOnUnmatched: boolean;
}

export interface Selection {
  files: string[];
  /** Committed bundles and generated files discovery skipped (for --stats). */
  bundles: string[];
  /** Messages for stderr: named files that were ignored, unmatched arguments when they are not errors. */
  warnings: string[];
}

const GLOB_CHARS = /[*?[\]{}]/;

export function selectFiles(inputs: readonly string[], options: SelectionOptions): Selection {
  const byCwd = ignore().add(options.noIgnore ? [] : [...options.ignorePatterns]);
  const ignoredByPattern = (file: string): boolean => {
    const rel = toPosix(path.relative(options.cwd, file));
    return !!rel && !rel.startsWith("..") && !path.isAbsolute(rel) && byCwd.ignores(rel);
  };
  const files = new Set<string>();
  const bundles: string[] = [];
  const warnings: string[] = [];
  for (const input of inputs) {
    const found = filesOf(input, options, discoveryOptions(options, bundles));
    const kept = found.filter((f) => !ignoredByPattern(f));
    kept.forEach((f) => files.add(f));
    if (kept.length > 0) continue;
    const problem = explainEmpty(input, options);
    if (problem.ignoredFile) warnings.push(`leaklint: warning: ${input}: file ignored because of a matching ignore pattern (use --no-ignore to lint it)`);
    else if (!options.errorOnUnmatched) warnings.push(`leaklint: warning: ${problem.message}`);
    else throw new UsageError(problem.message);
  }
  return { files: [...files].sort(), bundles, warnings };
}

function discoveryOptions(options: SelectionOptions, skipped: string[]): DiscoveryOptions {
  return {
    ignores: options.noIgnore ? [] : options.config.ignores,
    ignoreBase: options.config.baseDir,
    includeNodeModules: options.includeNodeModules,
    skipBundles: !options.includeBundles,
    skipped,
    noGitignore: options.noIgnore,
  };
}

/** The files an argument names (before --ignore-pattern). */
function filesOf(input: string, options: SelectionOptions, discovery: DiscoveryOptions): string[] {
  const abs = path.resolve(options.cwd, input);
  if (fs.existsSync(abs)) return discoverFiles([abs], discovery);
  if (!GLOB_CHARS.test(input)) return [];
  const { base, matches } = compileGlob(input, options.cwd);
  if (!fs.existsSync(base) || !fs.statSync(base).isDirectory()) return [];
  return discoverFiles([base], discovery).filter(matches);
}

/** Why an argument gave no file: nothing there at all, nothing lintable, or everything ignored. */
function explainEmpty(input: string, options: SelectionOptions): { message: string; ignoredFile?: boolean } {
  const abs = path.resolve(options.cwd, input);
  const exists = fs.existsSync(abs);
  if (exists && fs.statSync(abs).isFile()) {
    if (!isLintable(abs)) return { message: `${input} is not a file leaklint lints (TypeScript, JavaScript, .vue or .svelte; not declaration files)` };
    return { message: "", ignoredFile: true };
  }
  const everything = filesOf(input, options, {
    ignores: [], ignoreBase: options.config.baseDir, includeNodeModules: options.includeNodeModules, skipBundles: false, noGitignore: true,
  });
  if (everything.length > 0) {
    return { message: `all files matched by "${input}" are ignored (.gitignore, "ignores" in the config, --ignore-pattern, or committed bundles; --no-ignore or --include-bundles lints them)` };
  }
  return { message: exists ? `no files to lint in "${input}" (no TypeScript or JavaScript files)` : `no files matching the pattern "${input}" were found` };
}

/**
 * A glob as a matcher of absolute paths, and the directory to walk: the leading segments
 * without glob characters. `**` spans directories, `*` and `?` stay within one, `{a,b}`
 * alternates, `[…]` is a character class.
 */
export function compileGlob(pattern: string, cwd: string): { base: string; matches: (file: string) => boolean } {
  const absolute = toPosix(path.resolve(cwd, pattern));
  const segments = absolute.split("/");
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  const base = segments.slice(0, firstGlob).join("/") || "/";
  const regex = new RegExp(`^${globToRegex(absolute)}$`);
  return { base: path.resolve(base), matches: (file) => regex.test(toPosix(path.resolve(file))) };
}

function globToRegex(glob: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === "*" && glob[i + 1] === "*") {
      const slashAfter = glob[i + 2] === "/";
      out += slashAfter ? "(?:[^/]*/)*" : ".*";
      i += slashAfter ? 2 : 1;
    } else if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else if (ch === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end === -1) out += "\\[";
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (ch === "{") {
      depth++;
      out += "(?:";
    } else if (ch === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (ch === "," && depth > 0) out += "|";
    else out += ch.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return out;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
