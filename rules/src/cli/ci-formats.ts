// Report formats CI systems read: the GitLab Code Quality report (a JSON array of
// `{ description, check_name, fingerprint, severity, location: { path, lines: { begin } } }`,
// paths from the repository root) and Checkstyle XML (Jenkins, many IDE and review tools).
import type { FileResult } from "../engine";
import { type ReportContext, fingerprints, repoPath } from "./report-context";

const GITLAB_SEVERITY = { error: "major", warning: "minor", info: "info" } as const;

export function formatGitlab(results: readonly FileResult[], context: ReportContext): string {
  const issues = results.flatMap((result) => {
    const prints = fingerprints(context, result);
    return result.diagnostics.map((d, i) => ({
      description: `${d.message} (${d.ruleId})`,
      check_name: d.ruleId,
      fingerprint: prints[i],
      severity: GITLAB_SEVERITY[d.severity],
      location: { path: repoPath(context, result.filePath), lines: { begin: d.startPos.line, end: d.endPos.line } },
    }));
  });
  return JSON.stringify(issues, null, 2) + "\n";
}

export function formatCheckstyle(results: readonly FileResult[]): string {
  const lines = ["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<checkstyle version=\"4.3\">"];
  for (const result of results) {
    if (result.diagnostics.length === 0) continue;
    lines.push(`  <file name="${escapeXml(result.filePath)}">`);
    for (const d of result.diagnostics) {
      lines.push(`    <error line="${d.startPos.line}" column="${d.startPos.column}" severity="${d.severity}" message="${escapeXml(`${d.message} (${d.ruleId})`)}" source="leaklint.${escapeXml(d.ruleId)}" />`);
    }
    lines.push("  </file>");
  }
  lines.push("</checkstyle>");
  return lines.join("\n") + "\n";
}

export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}
