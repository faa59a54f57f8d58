// What the CLI tells on stderr about the run itself, not the code: `--stats` (time per rule
// and phase, files, bundles skipped, files reused from `--cache`, files per tsconfig), `--debug` (the config file and the
// tsconfig each file used, or why it had none), and warnings about type information that a
// project silently lacks: a tsconfig that includes none of the linted files under it, or
// files linted without types although their nearest tsconfig exists.
import path from "node:path";
import type { FileResult, RunResult } from "../engine";

const LISTED = 5;

export function formatStats(result: RunResult, skippedBundles: number, cwd: string): string {
  const rows = [...result.times.entries()].sort((a, b) => b[1] - a[1]);
  const width = Math.max(16, ...rows.map(([name]) => name.length));
  const lines = ["", `${"rule / phase".padEnd(width)}  time (ms)`];
  for (const [name, ms] of rows) lines.push(`${name.padEnd(width)}  ${ms.toFixed(1).padStart(9)}`);
  lines.push(`${"files".padEnd(width)}  ${String(result.files.length).padStart(9)}`);
  lines.push(`${"skipped bundles".padEnd(width)}  ${String(skippedBundles).padStart(9)}`);
  if (result.reused !== undefined) lines.push(`${"files from cache".padEnd(width)}  ${String(result.reused).padStart(9)}`);
  lines.push("", "tsconfig                                   files");
  for (const [tsconfig, count] of tsconfigCounts(result.files, cwd)) lines.push(`${tsconfig.padEnd(42)} ${String(count).padStart(6)}`);
  return lines.join("\n") + "\n";
}

function tsconfigCounts(files: readonly FileResult[], cwd: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of files) {
    const key = file.tsconfig ? path.relative(cwd, file.tsconfig) : "(without types)";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function formatDebug(result: RunResult, cwd: string): string {
  const rel = (file: string): string => path.relative(cwd, file) || ".";
  const lines = [`leaklint: config: ${result.config.file ? rel(result.config.file) : "none (defaults)"}`];
  for (const file of result.files) {
    const why = file.tsconfig ? `typed with ${rel(file.tsconfig)}`
      : file.notIncludedBy ? `without types: ${rel(file.notIncludedBy)} does not include it`
        : untypedReason(file) ?? "without types: no tsconfig.json at or above it";
    lines.push(`leaklint: ${rel(file.filePath)}: ${why}`);
  }
  return lines.join("\n") + "\n";
}

function untypedReason(file: FileResult): string | undefined {
  const note = file.diagnostics.find((d) => d.ruleId === "types-unavailable");
  return note ? `without types: ${note.message.replace(/^Linted without types: /, "").replace(/\.$/, "")}` : undefined;
}

/**
 * One warning per tsconfig that left linted files without types: "includes none of" when it
 * types no linted file at all, else how many of its neighbours it leaves out.
 */
export function tsconfigWarnings(files: readonly FileResult[], cwd: string): string[] {
  const typedBy = new Set(files.flatMap((f) => (f.tsconfig ? [f.tsconfig] : [])));
  const leftOut = new Map<string, string[]>();
  for (const file of files) if (file.notIncludedBy) leftOut.set(file.notIncludedBy, [...(leftOut.get(file.notIncludedBy) ?? []), file.filePath]);
  const rel = (file: string): string => path.relative(cwd, file) || ".";
  return [...leftOut].map(([tsconfig, outside]) => {
    const examples = outside.slice(0, LISTED).map(rel).join(", ") + (outside.length > LISTED ? `, … (${outside.length - LISTED} more)` : "");
    const reason = typedBy.has(tsconfig)
      ? `${outside.length} file(s) next to ${rel(tsconfig)} were linted without types: its "include"/"files" do not cover them (${examples})`
      : `${rel(tsconfig)} includes none of the ${outside.length} linted file(s) under it, so they were linted without types (${examples})`;
    return `leaklint: warning: ${reason}. Add them to a tsconfig, or pass --project.`;
  });
}
