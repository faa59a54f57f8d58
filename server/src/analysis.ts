// Analysing one open document: find its program (typed project or loose), lint it with
// the resolved rules, convert to LSP diagnostics and say how it went (status). Every
// failure — a rule that throws, an unparsable or binary file, a broken tsconfig or
// config — ends up as a diagnostic and a log line (once), never as a dead server.
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  ENGINE_RULES, type LintDiagnostic, LintMemo, RULE_DOCS_DIR, SUPPRESSIONS_FILE, engineDiagnostic, fixFile, isLintable, lintSteps, mapToComponent, ruleDocumentation,
} from "leaklint";
import { type Diagnostic, DiagnosticSeverity, type TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type ts from "typescript";
import { type Budget, Exclusive, SHORT_SLICE_MS, runInSlices } from "./budget";
import { asSuppressed, fileLevelDiagnostic, toLspDiagnostic } from "./convert";
import { singleEdit } from "./fix-all";
import type { DocumentLinter } from "./linting";
import type { ProjectHost } from "./projects";
import type { LeaklintSettings, RuleDocumentation, StatusParams } from "./protocol";

const EXTENSION_OF_LANGUAGE: Record<string, string> = {
  typescript: ".ts",
  typescriptreact: ".tsx",
  javascript: ".js",
  javascriptreact: ".jsx",
  vue: ".vue",
  svelte: ".svelte",
};

export interface AnalysisResult {
  diagnostics: Diagnostic[];
  status: StatusParams;
  /** A quick lint took findings of statements the edit did not touch from the last lint: an exact one should follow. */
  quick?: boolean;
}

/**
 * "quick": after an edit, re-visit only what it can affect (engine core/incremental.ts); "exact": the whole
 * file; "confirm": the exact lint after a quick one, in shorter slices (the next keystroke makes it stale).
 */
export type AnalysisMode = "quick" | "exact" | "confirm";

export const SKIPPED = "analysis-skipped";

/** Diagnostics converted between two steps of an analysis. */
const CONVERSIONS_PER_STEP = 2000;

export class Analyzer {
  /** Running totals for `leaklint/stats` (benchmarks). */
  readonly totals = { analyses: 0, programMs: 0, lintMs: 0, skipped: 0, stale: 0, quick: 0 };
  private readonly exclusive = new Exclusive();
  /** The last lint of each open document, per statement, for quick lints. */
  private readonly memos = new Map<string, LintMemo>();

  constructor(
    private readonly projects: ProjectHost,
    private readonly linter: DocumentLinter,
    private readonly log: (key: string, message: string) => void,
    private readonly budget: Budget,
  ) {}

  /** The document being analysed (or fixed) right now. */
  get analysing(): string | undefined {
    return this.exclusive.current;
  }

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
    this.memos.delete(document.uri);
    this.projects.close(this.fileNameOf(document));
  }

  /**
   * The document's diagnostics and status, or undefined when the analysis went stale
   * (`isCurrent()` turned false, or a newer analysis of the document started).
   */
  analyze(document: TextDocument, settings: LeaklintSettings, folder: string | undefined, isCurrent: () => boolean, mode: AnalysisMode = "exact",
  ): Promise<AnalysisResult | undefined> {
    return this.exclusive.run(document.uri, async (stopped) => {
      const current = (): boolean => !stopped() && isCurrent();
      if (!current()) return this.stale();
      const restricted = !this.linter.trusted;
      const tooLarge = this.tooLarge(document);
      if (tooLarge) return this.skipped(document, tooLarge, restricted);
      try {
        const started = performance.now();
        const outcome = await runInSlices(this.analysisSteps(document, settings, folder, restricted, mode), this.budget.analysisMs, current,
          mode === "confirm" ? SHORT_SLICE_MS : undefined);
        if (outcome.kind === "stale") return this.stale();
        if (outcome.kind === "over-budget") {
          return this.skipped(document, `its analysis took longer than its ${this.budget.analysisMs} ms budget`, restricted);
        }
        const ms = performance.now() - started;
        const result = withDuration(outcome.value, ms, settings.slowAnalysisMs);
        // Clients without leaklint/status hear of a slow file in the log (once per document).
        if (result.status.slow) this.log(`slow:${document.uri}`, `${document.uri}: ${slowMessage(ms, settings.slowAnalysisMs)}`);
        return result;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.log(`crash:${document.uri}:${message}`, `Analysis of ${document.uri} failed: ${error instanceof Error ? error.stack : message}`);
        return {
          diagnostics: [fileLevelDiagnostic("internal-error", `leaklint could not analyse this file: ${message}`, DiagnosticSeverity.Error)],
          status: { uri: document.uri, state: "error", message, restricted },
        };
      }
    });
  }

  private *analysisSteps(document: TextDocument, settings: LeaklintSettings, folder: string | undefined, restricted: boolean, mode: AnalysisMode,
  ): Generator<void, AnalysisResult> {
    const started = performance.now();
    this.sync(document);
    const fileName = this.fileNameOf(document);
    const { config, configError: bundledConfigError } = this.linter.configFor(fileName, settings, folder);
    let configError = bundledConfigError;
    if (this.linter.isIgnored(fileName, config, folder)) {
      return { diagnostics: [], status: { uri: document.uri, state: "ok", message: "not linted: the file is ignored (node_modules, .gitignore or the config's ignores)", restricted } };
    }
    let target = this.projects.targetFor(fileName);
    if (!target) return { diagnostics: [], status: { uri: document.uri, state: "warn", message: "no program for this file", restricted } };
    const programReady = performance.now();
    yield;
    const workspace = this.linter.workspaceEngine(folder, settings);
    let found: LintDiagnostic[];
    let quick = false;
    if (workspace && folder) {
      // The workspace's own leaklint (engines.ts), in one step, on this program when its TypeScript built it.
      const result = workspace.lint(fileName, document.getText(), target.types?.program, settings, folder);
      found = result.diagnostics;
      configError = result.configError;
    } else {
      let memo = this.memos.get(document.uri);
      if (!memo) this.memos.set(document.uri, (memo = new LintMemo()));
      const taken = memo.quick;
      const incremental = { memo, exact: mode !== "quick", context: this.projects.contextOf(fileName, target) };
      const options = { ...this.linter.lintOptions(config, settings, target.sourceFile.fileName), incremental };
      found = mapToComponent(target.sourceFile, yield* lintSteps(target.sourceFile, target.types, options));
      quick = memo.quick > taken;
      if (target.rebuilt?.()) {
        // The checker failed on some file of the project and the program was rebuilt without it: once more, on the new program.
        target = this.projects.targetFor(fileName);
        if (!target) return { diagnostics: [], status: { uri: document.uri, state: "warn", message: "no program for this file", restricted } };
        found = mapToComponent(target.sourceFile, yield* lintSteps(target.sourceFile, target.types, options));
      }
    }
    if (target.untyped) found.unshift(untypedDiagnostic(target.sourceFile, target.untyped));
    const linted = performance.now();
    const suppressed = this.linter.suppressedIn(target.sourceFile.fileName, found, folder);
    const diagnostics: Diagnostic[] = [];
    for (const d of found) {
      const converted = toLspDiagnostic(d, document);
      if (!suppressed?.has(d)) diagnostics.push(converted);
      else if (!settings.hideSuppressedFindings) diagnostics.push(asSuppressed(converted, SUPPRESSIONS_FILE));
      if (diagnostics.length % CONVERSIONS_PER_STEP === 0) yield;
    }
    this.totals.analyses++; // analyses run to their end
    this.totals.programMs += programReady - started;
    this.totals.lintMs += linted - programReady;
    for (const d of found) if (d.ruleId === "internal-error") this.log(`internal:${document.uri}:${d.message}`, `${document.uri}: ${d.message}`);
    if (configError) {
      diagnostics.unshift(fileLevelDiagnostic("config-error", `leaklint config ignored (linted with the defaults): ${configError}`,
        DiagnosticSeverity.Warning));
    }
    if (quick) this.totals.quick++;
    return { diagnostics, status: statusOf(document.uri, found, configError, restricted), quick };
  }

  /** Why the document is over the size budget, if it is. */
  private tooLarge(document: TextDocument): string | undefined {
    const length = document.getText().length;
    if (length <= this.budget.maxDocumentSize) return undefined;
    return `it has ${length.toLocaleString("en-US")} characters (the limit is ${this.budget.maxDocumentSize.toLocaleString("en-US")})`;
  }

  private skipped(document: TextDocument, why: string, restricted: boolean): AnalysisResult {
    this.totals.skipped++;
    const message = `leaklint analysis skipped: file too large (${why})`;
    this.log(`skipped:${document.uri}`, `${document.uri}: ${message}`);
    return {
      diagnostics: [fileLevelDiagnostic(SKIPPED, message, DiagnosticSeverity.Warning)],
      status: { uri: document.uri, state: "warn", message, restricted, slow: "skipped" },
    };
  }

  private stale(): undefined {
    this.totals.stale++;
    return undefined;
  }

  /**
   * One edit applying all safe fixes of the document (of rule `ruleId` only, when given),
   * re-linted until stable (none for a document over the size budget).
   */
  fixAll(document: TextDocument, settings: LeaklintSettings, folder: string | undefined, ruleId?: string): Promise<TextEdit[]> {
    if (this.tooLarge(document)) return Promise.resolve([]);
    return this.exclusive.run(document.uri, async () => this.fixAllNow(document, settings, folder, ruleId), false);
  }

  private fixAllNow(document: TextDocument, settings: LeaklintSettings, folder: string | undefined, ruleId: string | undefined): TextEdit[] {
    const fileName = this.fileNameOf(document);
    this.sync(document);
    const options = this.linter.lintOptionsFor(fileName, settings, folder);
    const workspace = this.linter.workspaceEngine(folder, settings);
    const lintAs = (text: string): LintDiagnostic[] => this.projects.withOverlay(fileName, text, () => {
      const target = this.projects.targetFor(fileName);
      if (!target) return [];
      if (workspace && folder) return workspace.lint(fileName, text, target.types?.program, settings, folder).diagnostics;
      return mapToComponent(target.sourceFile, this.linter.lintWith(target, options));
    });
    try {
      const fixed = fixFile(fileName, document.getText(), lintAs, { onlyRule: ruleId });
      if (fixed.notConverged.length > 0) this.log(`fixall-converge:${document.uri}`, `${document.uri}: ${fixed.diagnostics[0].message}`);
      return singleEdit(document, fixed.text);
    } catch (error) {
      this.log(`fixall:${document.uri}:${String(error)}`, `Fix-all failed for ${document.uri}: ${String(error)}`);
      return [];
    }
  }

  ruleDocumentation(ruleId: string): RuleDocumentation | undefined {
    // Beside the bundled server (`rule-docs/`), else the engine package's own pages.
    return ruleDocumentation(ruleId, this.linter.ruleSet, [path.join(__dirname, "rule-docs"), RULE_DOCS_DIR]);
  }
}

/** The note the CLI gives a file the checker failed on (`types-unavailable`). */
function untypedDiagnostic(sourceFile: ts.SourceFile, reason: string): LintDiagnostic {
  return engineDiagnostic(sourceFile, ENGINE_RULES.typesUnavailable, "warning", `Linted without types: ${reason}.`, 0, 0);
}

function statusOf(uri: string, diagnostics: readonly LintDiagnostic[], configError: string | undefined, restricted: boolean): StatusParams {
  const crashed = diagnostics.find((d) => d.ruleId === "internal-error");
  if (configError || crashed) return { uri, state: "error", message: configError ?? crashed!.message, restricted };
  const parse = diagnostics.find((d) => d.ruleId === "parse-error");
  if (parse) return { uri, state: "warn", message: parse.message, restricted };
  return { uri, state: "ok", restricted };
}

function slowMessage(ms: number, slowMs: number): string {
  return `leaklint analysis of this file was slow: ${(ms / 1000).toFixed(1)} s (leaklint.slowAnalysisMs is ${slowMs} ms)`;
}

/** The analysis took `ms`: slower than `slowMs` (0: never) turns an ok status into a warning that says so. */
function withDuration(result: AnalysisResult, ms: number, slowMs: number): AnalysisResult {
  const durationMs = Math.round(ms);
  if (slowMs <= 0 || ms <= slowMs) return { ...result, status: { ...result.status, durationMs } };
  const message = slowMessage(ms, slowMs);
  const state = result.status.state === "error" ? "error" : "warn";
  return { ...result, status: { ...result.status, state, durationMs, slow: "slow", message: result.status.message ? `${result.status.message}; ${message}` : message } };
}
