// Output formats of the CLI: stylish (for people), json (the PRODUCT.md shape; with
// `output` after --fix-dry-run), github (workflow commands, paths from the repository
// root); SARIF lives in sarif.ts, GitLab and Checkstyle in ci-formats.ts.
import path from "node:path";
import type { FileResult, LintDiagnostic } from "../engine";

export interface JsonFinding {
  filePath: string;
  ruleId: string;
  family: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fixes: Array<{ description: string; safe: boolean; edits: Array<{ range: [number, number]; newText: string }> }>;
  /** The whole fixed text of the file (only with --fix-dry-run, on findings of a file that fixes changed). */
  output?: string;
}

export function toJsonFindings(results: readonly FileResult[], withOutput = false): JsonFinding[] {
  return results.flatMap((result) => result.diagnostics.map((d): JsonFinding => ({
    filePath: result.filePath,
    ruleId: d.ruleId,
    family: d.family,
    severity: d.severity,
    message: d.message,
    line: d.startPos.line,
    column: d.startPos.column,
    endLine: d.endPos.line,
    endColumn: d.endPos.column,
    fixes: d.fixes.map((f) => ({
      description: f.description,
      safe: f.safe,
      edits: f.edits.map((e) => ({ range: [e.start, e.end] as [number, number], newText: e.newText })),
    })),
    ...(withOutput && result.output !== undefined ? { output: result.output } : {}),
  })));
}

export function formatJson(results: readonly FileResult[], withOutput = false): string {
  return JSON.stringify(toJsonFindings(results, withOutput), null, 2) + "\n";
}

export function formatStylish(results: readonly FileResult[], useColor: boolean): string {
  const paint = (code: number, text: string): string => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let fixable = 0;
  for (const result of results) {
    if (result.diagnostics.length === 0) continue;
    lines.push("", paint(4, result.filePath));
    for (const d of result.diagnostics) {
      if (d.severity === "error") errors++;
      else if (d.severity === "warning") warnings++;
      else infos++;
      if (d.fixes.some((f) => f.safe)) fixable++;
      const severity = d.severity === "error" ? paint(31, "error") : d.severity === "warning" ? paint(33, "warning") : paint(36, "info");
      lines.push(`  ${d.startPos.line}:${d.startPos.column}  ${severity}  ${d.message}  ${paint(2, d.ruleId)}`);
    }
  }
  const total = errors + warnings + infos;
  if (total === 0) return "";
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  lines.push("", paint(errors > 0 ? 31 : 33, `✖ ${plural(total, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")}${infos ? `, ${infos} info` : ""})`));
  if (fixable > 0) lines.push(`  ${plural(fixable, "problem")} fixable with the \`--fix\` option.`);
  return lines.join("\n") + "\n";
}

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `root`: the repository root (GitHub resolves annotation paths from the checkout's root). */
export function formatGithub(results: readonly FileResult[], root: string): string {
  const command = (d: LintDiagnostic): string => (d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice");
  return results.flatMap((result) => result.diagnostics.map((d) => {
    const file = escapeProperty(path.relative(root, result.filePath).split(path.sep).join("/"));
    const props = `file=${file},line=${d.startPos.line},col=${d.startPos.column},endLine=${d.endPos.line},endColumn=${d.endPos.column},title=${escapeProperty(`leaklint(${d.ruleId})`)}`;
    return `::${command(d)} ${props}::${escapeData(d.message)}\n`;
  })).join("");
}
