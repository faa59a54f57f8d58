// `--cache`: a file's findings from an earlier run, reused only when nothing they could depend
// on has changed. The whole cache is dropped when the run's key changes (leaklint's and
// TypeScript's versions, the config file's text and the resolved config, rule overrides,
// the rules and plugins, the options that change findings). A file's entry is reused when
// its text hashes the same and it falls to the same tsconfig (or to none, with the same
// "not included by") — and, for a typed file, when its program is as it was: the tsconfig
// reads to the same options and root files, and every file the program read (sources, lib
// and `.d.ts` files of dependencies) is unchanged. That is conservative on purpose: an edit
// anywhere in a project re-lints the whole project, as types can flow from any of its files.
// A program file is unchanged when its size and mtime are (else its text is hashed).
// Entries hold findings before importer filtering (what the file's importers say drops some,
// hosting/importers.ts) and after it: the filtered ones are reused while every file of the
// run is as it was, else the host filters the stored findings again.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import type { Project } from "./program-groups";
import type { LintUnit } from "./project";
import type { FileResult } from "./run";

const FORMAT = 1;

interface Stamp {
  size: number;
  mtimeMs: number;
  hash: string;
}

interface CacheData {
  format: number;
  key: string;
  files: Record<string, { hash: string; result: FileResult; filtered?: FileResult["diagnostics"] }>;
  /** The run's files and their hashes, when the filtered findings were stored. */
  evidence?: string;
  programs: Record<string, { config: string; files: Record<string, Stamp> }>;
}

export function hashText(text: string | Buffer): string {
  return crypto.createHash("sha1").update(text).digest("hex");
}

/** The key of everything that applies to the whole run: any change drops the cache. */
export function runKey(parts: unknown): string {
  return hashText(JSON.stringify({ parts, typescript: ts.version }));
}

export class LintCache {
  private readonly data: CacheData;
  private readonly hashes = new Map<string, string>();
  private readonly stamps = new Map<string, Stamp | undefined>();
  private readonly stats = new Map<string, { size: number; mtimeMs: number } | undefined>();
  private readonly configKeys = new Map<string, string>();

  private constructor(private readonly location: string, key: string, stored: CacheData | undefined) {
    this.data = stored?.format === FORMAT && stored.key === key ? stored : { format: FORMAT, key, files: {}, programs: {} };
  }

  /** The cache at `location` for a run of `key`; empty when it is missing, unreadable or of another run. */
  static open(location: string, key: string): LintCache {
    let stored: CacheData | undefined;
    try {
      stored = JSON.parse(fs.readFileSync(location, "utf8")) as CacheData;
    } catch {
      stored = undefined; // no cache yet, or one we cannot read: start afresh
    }
    return new LintCache(location, key, stored);
  }

  /** The units' files whose stored results still hold, and those to lint. */
  split(units: readonly LintUnit[]): { reused: FileResult[]; stale: string[] } {
    const reused: FileResult[] = [];
    const stale: string[] = [];
    for (const unit of units) {
      // A program shared by several projects (program-groups.ts) holds all their roots: their configs are its key.
      if (unit.parsed) this.configKeys.set(unit.tsconfig!, configKey(unit.parsed, unit.programOf));
      const programHolds = !unit.tsconfig || this.programUnchanged(unit.tsconfig);
      for (const file of unit.files) {
        const hash = this.hashOf(file); // taken before the file is linted: an edit during the run is not cached as linted
        const entry = this.data.files[file];
        const holds = programHolds && entry !== undefined && entry.hash === hash
          && entry.result.tsconfig === unit.tsconfig && entry.result.notIncludedBy === unit.notIncluded?.get(file);
        if (holds) reused.push(entry.result);
        else stale.push(file);
      }
    }
    return { reused, stale };
  }

  /** Records fresh results (findings before importer filtering) and the files of the programs that typed them. */
  store(results: readonly FileResult[], programs: ReadonlyMap<string, readonly string[]>): void {
    for (const [tsconfig, files] of programs) {
      const config = this.configKeys.get(tsconfig);
      const stamped = files.map((file) => [file, this.stampOf(file)] as const);
      if (config === undefined || stamped.some(([, stamp]) => !stamp)) delete this.data.programs[tsconfig];
      else this.data.programs[tsconfig] = { config, files: Object.fromEntries(stamped) as Record<string, Stamp> };
    }
    for (const result of results) {
      const hash = this.hashOf(result.filePath);
      if (hash !== undefined && (!result.tsconfig || this.data.programs[result.tsconfig])) this.data.files[result.filePath] = { hash, result };
      else delete this.data.files[result.filePath];
    }
  }

  /** What every file of the run says: stored filtered findings hold while it is unchanged. */
  evidenceOf(files: readonly string[]): string {
    return hashText(JSON.stringify([...files].sort().map((file) => [file, this.hashOf(file) ?? ""])));
  }

  /** The stored filtered findings of `file`, if they were filtered with this `evidence`. */
  filtered(file: string, evidence: string): FileResult["diagnostics"] | undefined {
    return this.data.evidence === evidence ? this.data.files[file]?.filtered : undefined;
  }

  /** Records the filtered findings of the run's files, filtered with `evidence`. */
  storeFiltered(results: readonly FileResult[], evidence: string): void {
    this.data.evidence = evidence;
    for (const result of results) {
      const entry = this.data.files[result.filePath];
      if (entry) entry.filtered = result.diagnostics;
    }
  }

  save(): void {
    try {
      fs.mkdirSync(path.dirname(this.location), { recursive: true });
      fs.writeFileSync(this.location, JSON.stringify(this.data));
    } catch (error) {
      throw new Error(`cannot write the cache ${this.location}: ${(error as Error).message}`);
    }
  }

  private programUnchanged(tsconfig: string): boolean {
    const stored = this.data.programs[tsconfig];
    if (!stored || stored.config !== this.configKeys.get(tsconfig)) return false;
    for (const [file, was] of Object.entries(stored.files)) {
      const now = this.statOf(file);
      if (!now || now.size !== was.size) return false;
      if (now.mtimeMs !== was.mtimeMs && this.hashOf(file) !== was.hash) return false;
    }
    return true;
  }

  private hashOf(file: string): string | undefined {
    if (!this.hashes.has(file)) {
      try {
        this.hashes.set(file, hashText(fs.readFileSync(file)));
      } catch {
        return undefined;
      }
    }
    return this.hashes.get(file);
  }

  private statOf(file: string): { size: number; mtimeMs: number } | undefined {
    if (!this.stats.has(file)) {
      try {
        const stat = fs.statSync(file);
        this.stats.set(file, { size: stat.size, mtimeMs: stat.mtimeMs });
      } catch {
        this.stats.set(file, undefined);
      }
    }
    return this.stats.get(file);
  }

  private stampOf(file: string): Stamp | undefined {
    if (!this.stamps.has(file)) {
      const stat = this.statOf(file);
      const hash = stat && this.hashOf(file);
      this.stamps.set(file, stat && hash !== undefined ? { ...stat, hash } : undefined);
    }
    return this.stamps.get(file);
  }
}

/** What a tsconfig reads to: its options (extended configs included) and root files, and those of the projects sharing its program. */
function configKey(parsed: ts.ParsedCommandLine, programOf: readonly Project[] = []): string {
  const read = (p: ts.ParsedCommandLine) => ({ options: p.options, roots: [...p.fileNames].sort(), references: p.projectReferences });
  return hashText(JSON.stringify({ ...read(parsed), programOf: programOf.map((project) => [project.tsconfig, read(project.parsed)]) }));
}
