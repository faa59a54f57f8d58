// Engine diagnostics → LSP diagnostics. Offsets are converted against the exact text
// that was analysed; fixes travel in `data` with the document version they refer to.
import { pathToFileURL } from "node:url";
import type { LintDiagnostic } from "leaklint";
import { type Diagnostic, DiagnosticSeverity, type Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { DiagnosticData } from "./protocol";

export const SOURCE = "leaklint";

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
} as const;

export function toLspDiagnostic(diagnostic: LintDiagnostic, document: TextDocument): Diagnostic {
  const rangeOf = (start: number, end: number): Range => ({ start: document.positionAt(start), end: document.positionAt(end) });
  const data: DiagnosticData = {
    ruleId: diagnostic.ruleId,
    version: document.version,
    fixes: diagnostic.fixes.map((fix) => ({
      title: fix.description,
      safe: fix.safe,
      edits: fix.edits.map((edit) => ({ range: rangeOf(edit.start, edit.end), newText: edit.newText })),
    })),
  };
  const result: Diagnostic = {
    range: rangeOf(diagnostic.start, diagnostic.end),
    severity: SEVERITY[diagnostic.severity],
    source: SOURCE,
    code: diagnostic.ruleId,
    message: diagnostic.message,
    data,
  };
  if (diagnostic.family !== "engine") result.codeDescription = { href: diagnostic.docsUrl };
  if (diagnostic.related.length > 0) {
    result.relatedInformation = diagnostic.related.map((related) => ({
      location: { uri: document.uri, range: rangeOf(related.start, related.end) },
      message: related.message,
    }));
  }
  return result;
}

/**
 * A finding the CLI's baseline suppresses: shown as information, saying so (it is still
 * there; a new one of the same rule in the file makes them all errors again).
 */
export function asSuppressed(diagnostic: Diagnostic, file: string): Diagnostic {
  return { ...diagnostic, severity: DiagnosticSeverity.Information, message: `${diagnostic.message} (suppressed in ${file})` };
}

/** A diagnostic at the top of the document for a problem that is not in it (a broken config). */
export function fileLevelDiagnostic(code: string, message: string, severity: DiagnosticSeverity): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity, source: SOURCE, code, message };
}

export function fileUri(fileName: string): string {
  return pathToFileURL(fileName).href;
}

export function isLeaklintDiagnostic(diagnostic: Diagnostic): boolean {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  // Some clients (Neovim 0.7) hand diagnostics back without their source; `data` is ours.
  return (diagnostic.source === SOURCE || diagnostic.source === undefined) && typeof data?.ruleId === "string" && Array.isArray(data.fixes);
}
