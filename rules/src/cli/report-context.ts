// What the CI formats share: the repository root that report paths are relative to (the
// git root above the cwd, else the cwd — code scanning, GitLab and GitHub annotations
// resolve paths from the checkout's root), the source texts of the linted files, and
// fingerprints that stay stable when code moves: a hash of the path, the rule, the
// finding's source line (whitespace collapsed) and its occurrence among equal keys.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { FileResult, LintDiagnostic } from "../engine";

export interface ReportContext {
  cwd: string;
  repoRoot: string;
  /** The text of a linted file (the stdin text for --stdin), or undefined when unreadable. */
  sourceOf: (filePath: string) => string | undefined;
}

export function createReportContext(cwd: string, texts: ReadonlyMap<string, string> = new Map()): ReportContext {
  const cache = new Map(texts);
  return {
    cwd,
    repoRoot: repositoryRoot(cwd),
    sourceOf: (filePath) => {
      if (!cache.has(filePath)) {
        try {
          cache.set(filePath, fs.readFileSync(filePath, "utf8").replace(/^\uFEFF/, ""));
        } catch {
          return undefined;
        }
      }
      return cache.get(filePath);
    },
  };
}

/** The nearest directory at or above `cwd` holding `.git` (a directory, or a file in worktrees and submodules), else `cwd`. */
export function repositoryRoot(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, ".git"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(cwd);
  }
}

/** A path relative to the repository root, with forward slashes. */
export function repoPath(context: ReportContext, filePath: string): string {
  return path.relative(context.repoRoot, filePath).split(path.sep).join("/");
}

/** Stable fingerprints of every finding of a file, in the order of `result.diagnostics`. */
export function fingerprints(context: ReportContext, result: FileResult): string[] {
  const text = context.sourceOf(result.filePath) ?? "";
  const file = repoPath(context, result.filePath);
  const seen = new Map<string, number>();
  return result.diagnostics.map((d) => {
    const key = `${file}\u0000${d.ruleId}\u0000${lineText(text, d)}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return createHash("sha256").update(`${key}\u0000${occurrence}`).digest("hex").slice(0, 32);
  });
}

function lineText(text: string, d: LintDiagnostic): string {
  if (!text) return d.message;
  const start = text.lastIndexOf("\n", Math.max(0, d.start - 1)) + 1;
  const endBreak = text.indexOf("\n", d.end);
  return text.slice(start, endBreak === -1 ? text.length : endBreak).replace(/\s+/g, " ").trim();
}
