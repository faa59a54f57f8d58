// The small vocabulary the VS Code client and the language server share: settings,
// initialization options, command ids and the custom messages. Plain strings and
// types only, so the client can import it without pulling in server code.

export type RunMode = "onType" | "onSave";
export type SeverityOverride = "off" | "warn" | "error" | "info";

/** The `leaklint.*` settings, pulled per document with `workspace/configuration`. */
export interface LeaklintSettings {
  enable: boolean;
  run: RunMode;
  /** Per-rule severity overrides; the project's config file wins where it sets a rule. */
  rules: Record<string, SeverityOverride>;
  /** A config file to use instead of the nearest one (relative to the workspace folder). */
  configFile: string | null;
  /** Language ids the server lints (the VS Code client's document selector follows it). */
  validate: string[];
  /** Lint with the workspace's own `node_modules/leaklint` when the workspace is trusted (else the bundled engine). */
  useWorkspaceLeaklint: boolean;
  /** An analysis that takes longer (ms, wall clock) is reported as slow in the status (0: never). */
  slowAnalysisMs: number;
  /** Leave out findings the workspace's leaklint-suppressions.json suppresses (default: shown as information). */
  hideSuppressedFindings: boolean;
}

export const DEFAULT_VALIDATE = ["javascript", "javascriptreact", "typescript", "typescriptreact", "vue", "svelte"];

export const DEFAULT_SETTINGS: LeaklintSettings = {
  enable: true, run: "onType", rules: {}, configFile: null, validate: DEFAULT_VALIDATE, useWorkspaceLeaklint: true, slowAnalysisMs: 2000,
  hideSuppressedFindings: false,
};

/** `initializationOptions` the server understands (all optional). */
export interface InitializationOptions {
  /** Workspace trust; fails closed: unless exactly `true`, built-in rules and defaults only (no config files, no rule overrides, no extra rules). */
  trusted?: boolean;
  /** Debounce for `run: onType`, in milliseconds (default 100). */
  debounceMs?: number;
  /** "auto" (default) pulls when the client offers `textDocument/diagnostic`, else pushes. */
  diagnosticMode?: "auto" | "push" | "pull";
  /** Absolute paths of modules exporting extra rule modules (embedders, tests). Ignored when untrusted. */
  extraRules?: string[];
  /** The client handles `leaklint/showDocumentation` and `leaklint/status` (the VS Code extension does). */
  customNotifications?: boolean;
  /** Documents longer than this many characters are not analysed ("analysis skipped: file too large"; default 8,000,000). */
  maxDocumentSize?: number;
  /** Analysis time per document version in milliseconds before it is given up as too large (default 10,000). */
  analysisBudgetMs?: number;
  /** How long parsed files that no program uses any more (a removed import's package) are kept before they are released (default 2,000 ms). */
  releaseAfterMs?: number;
  /**
   * After an edit, first publish a quick lint that re-visits only the top-level statements the edit can
   * affect, then the exact lint of the same version when it differs (default true; false: exact lints only).
   */
  quickLint?: boolean;
}

/** Commands the server executes (`workspace/executeCommand`). */
export const ServerCommands = {
  applyFixAll: "leaklint.applyFixAll",
  showDocumentation: "leaklint.showDocumentation",
  /** HeapDiffArgs → HeapDiffResult: `leaklint heap diff` on two or three snapshot files. */
  heapDiff: "leaklint.heapDiff",
} as const;

/** Commands the VS Code extension contributes. */
export const ClientCommands = {
  fixAll: "leaklint.fixAll",
  showRuleDocumentation: "leaklint.showRuleDocumentation",
  restartServer: "leaklint.restartServer",
  showOutput: "leaklint.showOutput",
  confirmWithHeapSnapshots: "leaklint.confirmWithHeapSnapshots",
} as const;

export const FIX_ALL_KIND = "source.fixAll.leaklint";

export const Methods = {
  /** request: RuleDocumentationParams → RuleDocumentation | null */
  ruleDocumentation: "leaklint/ruleDocumentation",
  /** request: void → RuleSummary[] */
  listRules: "leaklint/rules",
  /** request: void → ServerStats (runs a GC first when the server has --expose-gc) */
  stats: "leaklint/stats",
  /** notification server → client: RuleDocumentation to show */
  showDocumentation: "leaklint/showDocumentation",
  /** notification server → client: StatusParams after each analysis */
  status: "leaklint/status",
} as const;

export interface ApplyFixAllArgs {
  uri: string;
  version: number;
  /** Only this rule's safe fixes ("Fix all <rule> problems"); all rules when absent. */
  ruleId?: string;
}

export interface RuleDocumentationParams {
  ruleId: string;
}

export interface RuleDocumentation {
  ruleId: string;
  url: string;
  markdown?: string;
}

export interface RuleSummary {
  id: string;
  family: string;
  description: string;
  fix: string;
}

export interface StatusParams {
  uri: string;
  state: "ok" | "warn" | "error";
  message?: string;
  /** True when the workspace is untrusted and only built-in defaults apply. */
  restricted: boolean;
  /** How long the analysis took (ms, wall clock), when it ran. */
  durationMs?: number;
  /** The analysis took longer than `leaklint.slowAnalysisMs`, or the budget skipped it: the client warns. */
  slow?: "slow" | "skipped";
}

export interface ServerStats {
  heapUsed: number;
  documents: number;
  projects: number;
  /** Totals since start: analyses run, ms spent updating programs and ms spent in the rules. */
  analyses: number;
  programMs: number;
  lintMs: number;
  /** Analyses skipped over the size or time budget, and analyses stopped because a newer version arrived. */
  skipped: number;
  stale: number;
  /** Quick lints (statements the edit did not touch taken from the last lint), and quick results the exact lint then changed. */
  quick: number;
  corrected: number;
  /** Documents whose last result is a quick one not yet confirmed by the exact lint. */
  unconfirmed: number;
  /** Parsed files the server holds (open documents, their programs' files). */
  sourceFiles: number;
  /** The document being analysed right now, if any. */
  analysing: string | null;
}

interface WireRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** `Diagnostic.data` of a leaklint diagnostic: what the code actions need. */
export interface DiagnosticData {
  ruleId: string;
  /** The document version the ranges refer to. */
  version: number;
  fixes: Array<{ title: string; safe: boolean; edits: Array<{ range: WireRange; newText: string }> }>;
}

export interface HeapDiffArgs {
  /** Absolute paths of base, target and (optionally) final `.heapsnapshot` files, in that order. */
  snapshots: string[];
}

/** A finding of `leaklint heap diff --format json`: a confirmed static finding or runtime-growth (1-based lines and columns). */
export type HeapFinding = import("leaklint/dist/heap/report").HeapFinding;

export interface HeapDiffResult {
  findings: HeapFinding[];
  /** Why there are no findings to show (bad snapshot, untrusted workspace …). */
  error?: string;
}
