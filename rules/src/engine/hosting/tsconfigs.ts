// Which tsconfig types a file, looked up per file (as ESLint 10 looks up its config and as
// tsserver picks a project), the same for the CLI and the language server:
// - the file's directory and then each parent are searched; in each, `tsconfig.json` comes
//   first and then the other `tsconfig.*.json` files that name their files (`tsconfig.app.json`,
//   `tsconfig.webviews.json`, …, not a base config for `extends`), in name order: several
//   tsconfigs covering one folder are all used, and a file gets the first one that includes
//   it; a file its nearest tsconfigs leave out goes on to those above (as tsserver does
//   since TypeScript 5.6);
// - a tsconfig's project references are followed (depth first, after its own files): a
//   solution-style tsconfig (`"files": []` + `references`, the Vite default) hands its files
//   to the projects it references;
// - a folder without a tsconfig but with a `jsconfig.json` (a JavaScript project: VS Code reads it as
//   a tsconfig with `allowJs`) uses that;
// - a file no tsconfig includes is linted without types; `nearest` names the tsconfig that
//   would have been expected to include it (for the "does not include it" warning).
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface TsconfigChoice {
  /** The tsconfig whose program includes the file; undefined when none does. */
  tsconfig?: string;
  /** The first tsconfig found at or above the file (`--project` when given). */
  nearest?: string;
  /** `nearest` could not be read at all (its problem is told on its own). */
  nearestUnreadable?: boolean;
}

/** Reads a tsconfig; undefined when it cannot be read (the reader tells why). */
export type TsconfigReader = (tsconfig: string) => ts.ParsedCommandLine | undefined;

const TSCONFIG_NAME = /^tsconfig\..+\.json$/;

export class TsconfigLookup {
  private readonly parsed = new Map<string, { parsed?: ts.ParsedCommandLine; members: Set<string> }>();
  private readonly candidates = new Map<string, string[]>();

  constructor(private readonly reader: TsconfigReader) {}

  /** The tsconfig for `fileName` (absolute); with `project`, only that tsconfig and its references are asked. */
  find(fileName: string, project?: string): TsconfigChoice {
    const file = path.resolve(fileName);
    if (project) {
      const nearest = path.resolve(project);
      return { tsconfig: this.including(nearest, file, new Set()), nearest, nearestUnreadable: !this.read(nearest) };
    }
    let nearest: string | undefined;
    for (let dir = path.dirname(file); ; ) {
      const here = this.inDirectory(dir);
      nearest ??= here[0];
      for (const candidate of here) {
        const tsconfig = this.including(candidate, file, new Set());
        if (tsconfig) return { tsconfig, nearest };
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return { nearest, nearestUnreadable: nearest !== undefined && !this.read(nearest) };
  }

  /** The tsconfig as read (cached); undefined when it cannot be read. */
  read(tsconfig: string): ts.ParsedCommandLine | undefined {
    const key = path.resolve(tsconfig);
    let entry = this.parsed.get(key);
    if (!entry) {
      const parsed = this.reader(key);
      entry = { parsed, members: new Set(parsed?.fileNames.map((f) => path.resolve(f))) };
      this.parsed.set(key, entry);
    }
    return entry.parsed;
  }

  /** Files or tsconfigs changed: everything is read again. */
  clear(): void {
    this.parsed.clear();
    this.candidates.clear();
  }

  /** `tsconfig` if it includes `file`, else the first project it references (transitively) that does. */
  private including(tsconfig: string, file: string, seen: Set<string>): string | undefined {
    if (seen.has(tsconfig)) return undefined; // a reference cycle (TypeScript reports it)
    seen.add(tsconfig);
    const parsed = this.read(tsconfig);
    if (!parsed) return undefined;
    if (this.parsed.get(tsconfig)!.members.has(file)) return tsconfig;
    for (const reference of parsed.projectReferences ?? []) {
      const found = this.including(path.resolve(ts.resolveProjectReferencePath(reference)), file, seen);
      if (found) return found;
    }
    return undefined;
  }

  private inDirectory(dir: string): string[] {
    let found = this.candidates.get(dir);
    if (!found) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir);
      } catch {
        // an unreadable directory has no tsconfig we can use
      }
      const others = names.filter((name) => TSCONFIG_NAME.test(name)).sort().filter((name) => namesFiles(path.join(dir, name)));
      found = [...(names.includes("tsconfig.json") ? ["tsconfig.json"] : []), ...others]
        .map((name) => path.join(dir, name));
      // A JavaScript project's `jsconfig.json` (a tsconfig with `allowJs`, as VS Code reads it) when no tsconfig is there.
      if (found.length === 0 && names.includes("jsconfig.json")) found = [path.join(dir, "jsconfig.json")];
      this.candidates.set(dir, found);
    }
    return found;
  }
}

/**
 * A `tsconfig.*.json` next to the tsconfig.json is a project of its own when it says which
 * files it has (`include`, `files` or `references`): a base config for `extends` (Nx's
 * `tsconfig.base.json`) says none, and would otherwise include the whole tree.
 */
function namesFiles(tsconfig: string): boolean {
  const { config } = ts.readConfigFile(tsconfig, (file) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  });
  return typeof config === "object" && config !== null && ["include", "files", "references"].some((key) => key in config);
}

const TYPES_DEFAULT_IS_EMPTY = Number(ts.versionMajorMinor.split(".")[0]) >= 6;

/**
 * TypeScript 6 changed the default of `types` from "every package in `@types`" to none: a
 * tsconfig written for TypeScript 5 that does not set `types` would silently lose
 * `@types/node` and the like. Such a tsconfig gets TypeScript 5's behaviour (`types: ["*"]`,
 * TypeScript 6's spelling of it); a tsconfig that sets `types` keeps what it says.
 */
export function withTypeScript5Types(options: ts.CompilerOptions): ts.CompilerOptions {
  return TYPES_DEFAULT_IS_EMPTY && options.types === undefined ? { ...options, types: ["*"] } : options;
}
