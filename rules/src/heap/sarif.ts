// SARIF output of `leaklint heap diff` / `capture`: the CLI's SARIF (same rules, paths,
// fingerprints, fixes), holding only what the heap showed. A confirmed finding is the
// engine's diagnostic with "(confirmed at run time: …)" after its message and
// `properties.confirmed` / `properties.runtime`; runtime-only growth is a result of the
// `runtime-growth` rule at its location.
import type { FileResult, LintDiagnostic, RuleModule } from "../engine";
import { packageVersion } from "../cli/main";
import { createReportContext } from "../cli/report-context";
import { formatSarif } from "../cli/sarif";
import { type HeapFinding, type HeapReport, RUNTIME_GROWTH, describeGrowth } from "./report";

const RUNTIME_GROWTH_RULE = {
  id: RUNTIME_GROWTH,
  name: RUNTIME_GROWTH,
  shortDescription: { text: "Objects that kept growing between heap snapshots where no static rule reports a leak" },
  help: { text: "Growth found by `leaklint heap diff` (three heap snapshots: allocated after the first, alive in the later ones) that no static finding explains. See docs/heap.md." },
  helpUri: "https://github.com/leaklint/leaklint/blob/main/docs/heap.md",
  defaultConfiguration: { level: "warning" },
  properties: { family: "growth", fix: "none" },
};

export function formatHeapSarif(report: HeapReport, rules: readonly RuleModule[], cwd: string): string {
  const context = createReportContext(cwd);
  const byFile = new Map<string, FileResult>();
  const findingOf = new Map<LintDiagnostic, HeapFinding>();
  for (const finding of report.findings) {
    const diagnostic = report.diagnosticOf.get(finding) ?? growthDiagnostic(finding, context.sourceOf(finding.filePath) ?? "");
    findingOf.set(diagnostic, finding);
    const result = byFile.get(finding.filePath) ?? { filePath: finding.filePath, diagnostics: [] };
    result.diagnostics.push(diagnostic);
    byFile.set(finding.filePath, result);
  }
  return formatSarif([...byFile.values()], rules, context, packageVersion(), {
    rules: [RUNTIME_GROWTH_RULE],
    annotate: (d) => {
      const finding = findingOf.get(d);
      if (!finding) return undefined;
      return {
        message: finding.confirmed ? ` (confirmed at run time: ${describeGrowth(finding.runtime)})` : "",
        properties: { confirmed: finding.confirmed, runtime: finding.runtime },
      };
    },
  });
}

/** A runtime-growth finding as an engine diagnostic (offsets from its line and column). */
function growthDiagnostic(finding: HeapFinding, text: string): LintDiagnostic {
  let offset = 0;
  for (let line = 1; line < finding.line && offset >= 0; line++) offset = text.indexOf("\n", offset) + 1 || -1;
  const start = Math.max(0, offset) + finding.column - 1;
  const position = { line: finding.line, column: finding.column };
  return {
    fileName: finding.filePath,
    ruleId: RUNTIME_GROWTH,
    family: "growth",
    severity: "warning",
    message: finding.message,
    start,
    end: start,
    startPos: position,
    endPos: position,
    related: [],
    fixes: [],
    docsUrl: RUNTIME_GROWTH_RULE.helpUri,
  };
}
