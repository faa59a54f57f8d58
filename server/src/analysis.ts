// Analysing one open document: find its program (typed project or loose), lint it with
// the resolved rules, convert to LSP diagnostics and say how it went (status). Every
// failure — a rule that throws, an unparsable or binary file, a broken tsconfig or
// config — ends up as a diagnostic and a log line (once), never as a dead server.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type LintDiagnostic, SUPPRESSIONS_FILE, docsUrlFor, isLintable, readRuleDoc } from "leaklint";
import { type Diagnostic, DiagnosticSeverity, type TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { asSuppressed, fileLevelDiagnostic, toLspDiagnostic } from "./convert";
import { fixUntilStable, singleEdit } from "./fix-all";
import type { DocumentLinter } from "./linting";
import type { ProjectHost } from "./projects";
import type { LeaklintSettings, RuleDocumentation, StatusParams } from "./protocol";

const EXTENSION_OF_LANGUAGE: Record<string, string> = {
  typescript: ".ts",
  typescriptreact: ".tsx",
  javascript: ".js",
  javascriptreact: ".jsx",
};

export interface AnalysisResult {
  diagnostics: Diagnostic[];
  status: StatusParams;
}

export class Analyzer {
  /** Running totals for `leaklint/stats` (benchmarks). */
  readonly totals = { analyses: 0, programMs: 0, lintMs: 0 };

  constructor(
    private readonly projects: ProjectHost,
    private readonly linter: DocumentLinter,
    private readonly log: (key: string, message: string) => void,
  ) {}

  /** The path the document is analysed under: its file, or a virtual one with an extension TypeScript accepts. */
  fileNameOf(document: TextDocument): string {
    const extension = EXTENSION_OF_LANGUAGE[document.languageId] ?? ".ts";
    if (!document.uri.startsWith("file:")) {
      return path.join(path.sep, "leaklint-virtual", `${encodeURIComponent(document.uri)}${extension}`);
    }
    const fileName = path.resolve(fileURLToPath(document.uri));
    return isLintable(fileName) ? fileName : `${fileName}${extension}`;
  }

  /** Keeps the project store in sync with the editor's text (no analysis). */
  sync(document: TextDocument): void {
    this.projects.setOpen(this.fileNameOf(document), document.getText(), document.version);
  }

  close(document: TextDocument): void {
    this.projects.close(this.fileNameOf(document));
  }

  analyze(document: TextDocument, settings: LeaklintSettings, folder: string | undefined): AnalysisResult {
    const restricted = !this.linter.trusted;
    try {
      const started = performance.now();
      this.sync(document);
      const target = this.projects.targetFor(this.fileNameOf(document));
      if (!target) return { diagnostics: [], status: { uri: document.uri, state: "warn", message: "no program for this file", restricted } };
      const programReady = performance.now();
      const outcome = this.linter.lint(target, settings, folder);
      this.totals.analyses++;
      this.totals.programMs += programReady - started;
      this.totals.lintMs += performance.now() - programReady;
      const diagnostics = outcome.diagnostics.map((d) => {
        const converted = toLspDiagnostic(d, document);
        return outcome.suppressed?.has(d) ? asSuppressed(converted, SUPPRESSIONS_FILE) : converted;
      });
      for (const d of outcome.diagnostics) if (d.ruleId === "internal-error") this.log(`internal:${document.uri}:${d.message}`, `${document.uri}: ${d.message}`);
      if (outcome.configError) {
        diagnostics.unshift(fileLevelDiagnostic("config-error", `leaklint config ignored (linted with the defaults): ${outcome.configError}`,
          DiagnosticSeverity.Warning));
      }
      return { diagnostics, status: statusOf(document.uri, outcome.diagnostics, outcome.configError, restricted) };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.log(`crash:${document.uri}:${message}`, `Analysis of ${document.uri} failed: ${error instanceof Error ? error.stack : message}`);
      return {
        diagnostics: [fileLevelDiagnostic("internal-error", `leaklint could not analyse this file: ${message}`, DiagnosticSeverity.Error)],
        status: { uri: document.uri, state: "error", message, restricted },
      };
    }
  }

  /** One edit applying all safe fixes of the document, re-linted until stable. */
  fixAll(document: TextDocument, settings: LeaklintSettings, folder: string | undefined): TextEdit[] {
    const fileName = this.fileNameOf(document);
    this.sync(document);
    const options = this.linter.lintOptionsFor(fileName, settings, folder);
    const lintAs = (text: string): LintDiagnostic[] => this.projects.withOverlay(fileName, text, () => {
      const target = this.projects.targetFor(fileName);
      if (!target) return [];
      return this.linter.lintWith(target, options);
    });
    try {
      return singleEdit(document, fixUntilStable(document.getText(), lintAs, (message) => this.log(`fixall-converge:${document.uri}`, `${document.uri}: ${message}`)));
    } catch (error) {
      this.log(`fixall:${document.uri}:${String(error)}`, `Fix-all failed for ${document.uri}: ${String(error)}`);
      return [];
    }
  }

  ruleDocumentation(ruleId: string): RuleDocumentation | undefined {
    if (!this.linter.ruleSet.some((rule) => rule.id === ruleId)) return undefined;
    return { ruleId, url: docsUrlFor(ruleId), markdown: loadRuleDoc(ruleId) };
  }

}

function statusOf(uri: string, diagnostics: readonly LintDiagnostic[], configError: string | undefined, restricted: boolean): StatusParams {
  const crashed = diagnostics.find((d) => d.ruleId === "internal-error");
  if (configError || crashed) return { uri, state: "error", message: configError ?? crashed!.message, restricted };
  const parse = diagnostics.find((d) => d.ruleId === "parse-error");
  if (parse) return { uri, state: "warn", message: parse.message, restricted };
  return { uri, state: "ok", restricted };
}

/** Rule docs: beside the bundled server (`rule-docs/`), else from the engine package. */
function loadRuleDoc(ruleId: string): string | undefined {
  try {
    return fs.readFileSync(path.join(__dirname, "rule-docs", `${ruleId}.md`), "utf8");
  } catch {
    return readRuleDoc(ruleId);
  }
}
