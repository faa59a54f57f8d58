// The LSP adapter: one LeaklintServer per connection owns every piece of state (open
// documents, settings cache, projects, scheduler); nothing lives at module level.
// Push diagnostics (debounced, stale versions dropped) by default; pull diagnostics
// (`textDocument/diagnostic`) when the client offers them.
import { fileURLToPath } from "node:url";
import path from "node:path";
import {
  type CodeAction, type CodeActionParams, type Connection, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification,
  type DidChangeWatchedFilesParams, type DocumentDiagnosticReport, DocumentDiagnosticReportKind, type ExecuteCommandParams, FileChangeType,
  type InitializeParams, type InitializeResult, LSPErrorCodes, ResponseError, TextDocumentSyncKind, TextDocuments, type Diagnostic,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { CONFIG_FILE_NAMES, fixLabel } from "leaklint";
import { type AnalysisMode, Analyzer } from "./analysis";
import { DEFAULT_BUDGET } from "./budget";
import { fixAllAction, quickFixes, wantsFixAll, wantsQuickFixes, workspaceEdit } from "./code-actions";
import { heapSnapshotsOf, runHeapDiff } from "./heap-diff";
import { DocumentLinter } from "./linting";
import { ProjectHost } from "./projects";
import {
  type ApplyFixAllArgs, type DiagnosticData, type HeapDiffResult, type InitializationOptions, type LeaklintSettings, type RuleDocumentationParams, type RuleSummary, type ServerStats,
  FIX_ALL_KIND, Methods, ServerCommands,
} from "./protocol";
import { Scheduler } from "./scheduler";
import { SettingsCache } from "./settings";

const WATCHED_GLOBS = ["**/tsconfig*.json", "**/jsconfig.json", "**/package.json", ...CONFIG_FILE_NAMES.map((n) => `**/${n}`),
  "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,vue,svelte}", "**/.gitignore"];
const MAX_LOGGED_KEYS = 1000;
/** The exact lint confirming a quick one waits for a pause in typing this long: keystrokes in between make it stale before it starts. */
const CONFIRM_AFTER_MS = 250;
/** Above this size (characters) a document is analysed on open and save only, not while typing. */
const LARGE_DOCUMENT = 1_000_000;

interface ClientFeatures {
  pull: boolean;
  refresh: boolean;
  documentChanges: boolean;
  configuration: boolean;
  dynamicConfiguration: boolean;
  dynamicWatchers: boolean;
  showDocument: boolean;
  customNotifications: boolean;
}

export class LeaklintServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly logged = new Set<string>();
  /** Last results per document (pull mode with `run: onSave` answers from here until the next save). */
  private readonly results = new Map<string, { version: number; diagnostics: Diagnostic[]; quick?: boolean }>();
  private readonly openedVersion = new Map<string, number>();
  private features!: ClientFeatures;
  private folders: string[] = [];
  private settings!: SettingsCache;
  private projects!: ProjectHost;
  private linter!: DocumentLinter;
  private analyzer!: Analyzer;
  private scheduler!: Scheduler;
  private quickLint = false;
  /** Pull mode: documents whose exact result differs from the quick one last pulled (answered from `results` on the next pull). */
  private readonly confirmed = new Set<string>();
  /** Quick results that the exact lint of the same version then changed. */
  private corrected = 0;

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.initialized());
    c.onDidChangeConfiguration((params) => {
      this.settings.changed(params.settings);
      this.revalidateAll();
    });
    c.onDidChangeWatchedFiles((params) => this.watchedFilesChanged(params));
    c.onCodeAction((params) => this.codeActions(params));
    c.onExecuteCommand((params) => this.executeCommand(params));
    c.languages.diagnostics.on((params, token) => this.pullDiagnostics(params.textDocument.uri, token));
    c.onRequest(Methods.ruleDocumentation, (params: RuleDocumentationParams) => this.analyzer.ruleDocumentation(params.ruleId) ?? null);
    c.onRequest(Methods.listRules, (): RuleSummary[] => this.linter.ruleSet.map((rule) => ({
      id: rule.id, family: rule.meta.family, description: rule.meta.description, fix: fixLabel(rule.meta),
    })));
    c.onRequest(Methods.stats, () => this.stats());
    c.onShutdown(() => {
      this.scheduler?.dispose();
      this.projects?.dispose();
    });

    this.documents.onDidOpen(({ document }) => {
      this.openedVersion.set(document.uri, document.version);
      this.analyzer.sync(document);
      if (!this.features.pull) this.scheduler.schedule(document.uri, document.version, 0);
    });
    this.documents.onDidChangeContent(({ document }) => {
      if (this.openedVersion.get(document.uri) === document.version) return;
      this.analyzer.sync(document);
      if (!this.features.pull) void this.changed(document);
    });
    this.documents.onDidSave(({ document }) => void this.saved(document));
    this.documents.onDidClose(({ document }) => {
      const { uri } = document;
      this.scheduler.cancel(uri);
      this.analyzer.close(document);
      this.settings.forget(uri);
      this.results.delete(uri);
      this.confirmed.delete(uri);
      this.openedVersion.delete(uri);
      if (!this.features.pull) void c.sendDiagnostics({ uri, diagnostics: [] });
    });
    this.documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const caps = params.capabilities;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const mode = options.diagnosticMode ?? "auto";
    this.features = {
      pull: mode === "pull" || (mode === "auto" && caps.textDocument?.diagnostic !== undefined),
      refresh: caps.workspace?.diagnostics?.refreshSupport === true,
      documentChanges: caps.workspace?.workspaceEdit?.documentChanges === true,
      configuration: caps.workspace?.configuration === true,
      dynamicConfiguration: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      dynamicWatchers: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      showDocument: caps.window?.showDocument?.support === true,
      customNotifications: options.customNotifications === true,
    };
    this.folders = (params.workspaceFolders ?? []).map((f) => f.uri)
      .concat(params.workspaceFolders ? [] : params.rootUri ? [params.rootUri] : [])
      .filter((uri) => uri.startsWith("file:")).map((uri) => path.resolve(fileURLToPath(uri)));
    const log = (key: string, message: string): void => this.logOnce(key, message);
    // Fails closed: only an explicit `trusted: true` loads workspace config, rule settings and extra rules.
    const trusted = options.trusted === true;
    this.settings = new SettingsCache(this.features.configuration
      ? (scopeUri) => this.connection.workspace.getConfiguration({ scopeUri, section: "leaklint" })
      : undefined);
    this.projects = new ProjectHost(log, typeof options.releaseAfterMs === "number" && options.releaseAfterMs >= 0 ? options.releaseAfterMs : undefined);
    this.linter = new DocumentLinter({ trusted, extraRules: options.extraRules ?? [], log });
    this.analyzer = new Analyzer(this.projects, this.linter, log, {
      maxDocumentSize: positive(options.maxDocumentSize) ?? DEFAULT_BUDGET.maxDocumentSize,
      analysisMs: positive(options.analysisBudgetMs) ?? DEFAULT_BUDGET.analysisMs,
    });
    // On unless turned off (`quickLint: false`): the quick result first, then the exact one when it differs.
    this.quickLint = options.quickLint !== false;
    this.scheduler = new Scheduler(options.debounceMs ?? 100, (uri, version, exact) => this.validate(uri, version, exact));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: ["quickfix", FIX_ALL_KIND], resolveProvider: false },
        executeCommandProvider: { commands: [ServerCommands.applyFixAll, ServerCommands.showDocumentation, ServerCommands.heapDiff] },
        workspace: { workspaceFolders: { supported: true } },
        ...(this.features.pull
          ? { diagnosticProvider: { identifier: "leaklint", interFileDependencies: false, workspaceDiagnostics: false } }
          : {}),
      },
      serverInfo: { name: "leaklint" },
    };
  }

  private initialized(): void {
    if (this.features.dynamicConfiguration) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: "leaklint" });
    }
    if (this.features.dynamicWatchers) {
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })),
      });
    }
    const where = this.linter.trusted ? "" : " Workspace not trusted: built-in rules and defaults only (config files, rule settings and extra rules ignored).";
    this.connection.console.info(`leaklint server started (${this.features.pull ? "pull" : "push"} diagnostics).${where}`);
  }

  private async changed(document: TextDocument): Promise<void> {
    const settings = await this.settings.get(document.uri);
    if (settings.run !== "onType") return;
    if (document.getText().length > LARGE_DOCUMENT) {
      this.logOnce(`large:${document.uri}`, `${document.uri} is large: analysed on open and save only.`);
      return;
    }
    this.scheduler.schedule(document.uri, document.version, undefined, !this.quickLint);
  }

  private async saved(document: TextDocument): Promise<void> {
    const settings = await this.settings.get(document.uri);
    if (settings.run !== "onSave" && document.getText().length <= LARGE_DOCUMENT) return;
    if (this.features.pull) {
      this.results.delete(document.uri);
      if (this.features.refresh) void this.connection.languages.diagnostics.refresh();
    } else {
      this.scheduler.schedule(document.uri, document.version, 0);
    }
  }

  /** Push mode: analyse `version` if it is still the document's version after every await. */
  private async validate(uri: string, version: number, exact: boolean): Promise<void> {
    const settings = await this.settings.get(uri);
    const document = this.documents.get(uri);
    if (!document || document.version !== version) return;
    const published = this.results.get(uri);
    // The exact lint that confirms a quick one is published (or, pulled, offered) only when it differs.
    const confirming = exact && published?.quick === true && published.version === version;
    const diagnostics = await this.run(document, settings, undefined, confirming ? "confirm" : exact ? "exact" : "quick");
    if (!diagnostics) return;
    if (confirming && sameDiagnostics(published.diagnostics, diagnostics)) return;
    if (confirming) this.corrected++;
    if (this.features.pull) {
      // Pull mode schedules only these confirmations: the client pulls again and gets the exact result.
      if (confirming) {
        this.confirmed.add(uri);
        if (this.features.refresh) void this.connection.languages.diagnostics.refresh();
      }
      return;
    }
    await this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  private async pullDiagnostics(uri: string, token: { isCancellationRequested: boolean }): Promise<DocumentDiagnosticReport> {
    const document = this.documents.get(uri);
    if (!document) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const settings = await this.settings.get(uri);
    const cached = this.results.get(uri);
    if (settings.run === "onSave" && cached) return { kind: DocumentDiagnosticReportKind.Full, items: cached.diagnostics };
    // The exact result of this version (the confirmation of a quick one asked for this pull).
    if (cached && cached.version === document.version && !cached.quick && this.confirmed.has(uri)) {
      this.confirmed.delete(uri);
      return { kind: DocumentDiagnosticReportKind.Full, items: cached.diagnostics };
    }
    // Let queued didChange notifications land first; a newer version makes this request stale.
    await new Promise((resolve) => setImmediate(resolve));
    // TextDocuments updates the document object in place: the version analysed is the one read now.
    const version = document.version;
    const stale = (): boolean => token.isCancellationRequested || this.documents.get(uri)?.version !== version;
    // Quick only when the client can be asked to pull again once the exact result differs.
    const mode = this.quickLint && this.features.refresh && this.openedVersion.get(uri) !== version ? "quick" : "exact";
    const items = stale() ? undefined : await this.run(document, settings, () => !stale(), mode);
    if (!items) throw new ResponseError(LSPErrorCodes.ServerCancelled, "A newer version of the document arrived", { retriggerRequest: true });
    if (this.results.get(uri)?.quick && !stale()) this.scheduler.schedule(uri, version, CONFIRM_AFTER_MS, true);
    return { kind: DocumentDiagnosticReportKind.Full, items };
  }

  /**
   * The document's diagnostics; undefined when a newer version made the analysis stale. A quick result is followed by an exact one.
   * TextDocuments updates `document` in place, so the version analysed is read once, here, and `document.version` is not
   * read again: compared with itself it would never look stale.
   */
  private async run(document: TextDocument, settings: LeaklintSettings, isCurrent?: () => boolean, mode: AnalysisMode = "exact",
  ): Promise<Diagnostic[] | undefined> {
    const { uri, version } = document;
    const current = isCurrent ?? ((): boolean => this.documents.get(uri)?.version === version);
    if (!settings.enable || !settings.validate.includes(document.languageId)) return [];
    const result = await this.analyzer.analyze(document, settings, this.folderOf(uri), current, mode);
    if (!result) return undefined;
    const { diagnostics, status, quick } = result;
    this.results.set(uri, { version, diagnostics, quick });
    if (this.features.customNotifications) void this.connection.sendNotification(Methods.status, status);
    // Confirmed only while current: a newer version has its own analysis scheduled.
    if (quick && !this.features.pull && current()) this.scheduler.schedule(uri, version, CONFIRM_AFTER_MS, true);
    return diagnostics;
  }

  private revalidateAll(): void {
    this.results.clear();
    if (this.features.pull) {
      if (this.features.refresh) void this.connection.languages.diagnostics.refresh();
      return;
    }
    for (const document of this.documents.all()) this.scheduler.schedule(document.uri, document.version, 0);
  }

  private watchedFilesChanged(params: DidChangeWatchedFilesParams): void {
    const kinds = { [FileChangeType.Created]: "created", [FileChangeType.Changed]: "changed", [FileChangeType.Deleted]: "deleted" } as const;
    const changes = params.changes.filter((c) => c.uri.startsWith("file:"))
      .map((c) => ({ fileName: path.resolve(fileURLToPath(c.uri)), kind: kinds[c.type] }));
    if (changes.some((c) => CONFIG_FILE_NAMES.includes(path.basename(c.fileName)) || path.basename(c.fileName) === "package.json")) {
      this.linter.invalidateConfigs();
    }
    this.projects.filesChanged(changes);
    this.revalidateAll();
  }

  private async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const document = this.documents.get(params.textDocument.uri);
    if (!document) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (wantsQuickFixes(only)) {
      const last = this.results.get(document.uri);
      const fixable = (ruleId: string): number => (last?.version !== document.version ? 0 : last.diagnostics.filter((d) => d.code === ruleId
        && (d.data as DiagnosticData | undefined)?.fixes.some((f) => f.safe)).length);
      actions.push(...quickFixes(document, params.context.diagnostics, this.features.documentChanges, fixable));
    }
    if (wantsFixAll(only)) {
      const settings = await this.settings.get(document.uri);
      const edits = settings.enable && settings.validate.includes(document.languageId) ? await this.analyzer.fixAll(document, settings, this.folderOf(document.uri)) : [];
      if (edits.length > 0) actions.push(fixAllAction(document.uri, document.version, edits, this.features.documentChanges));
    }
    return actions;
  }

  private async executeCommand(params: ExecuteCommandParams): Promise<HeapDiffResult | void> {
    const [argument] = params.arguments ?? [];
    if (params.command === ServerCommands.heapDiff) return this.heapDiff(argument);
    if (params.command === ServerCommands.applyFixAll) {
      const { uri, ruleId } = argument as ApplyFixAllArgs;
      const document = this.documents.get(uri);
      if (!document) return;
      const settings = await this.settings.get(uri);
      const edits = await this.analyzer.fixAll(document, settings, this.folderOf(uri), typeof ruleId === "string" ? ruleId : undefined);
      if (edits.length === 0) return;
      const result = await this.connection.workspace.applyEdit({
        label: typeof ruleId === "string" ? `Fix all ${ruleId} problems` : "Fix all leaks in this file",
        edit: workspaceEdit(uri, document.version, edits, this.features.documentChanges),
      });
      if (!result.applied) this.logOnce(`applyEdit:${uri}:${document.version}`, `Fix-all edit was not applied: ${result.failureReason ?? "unknown"}`);
    } else if (params.command === ServerCommands.showDocumentation) {
      await this.showDocumentation(String(argument));
    }
  }

  /** The diff lints with the workspace's config and tsconfigs: only in a trusted workspace. */
  private async heapDiff(argument: unknown): Promise<HeapDiffResult> {
    if (!this.linter.trusted) return { findings: [], error: "Confirming with heap snapshots needs a trusted workspace (it lints with the workspace's config)." };
    const snapshots = heapSnapshotsOf(argument);
    if (typeof snapshots === "string") return { findings: [], error: snapshots };
    return runHeapDiff(snapshots, this.folders[0] ?? path.dirname(snapshots[0]));
  }

  private async showDocumentation(ruleId: string): Promise<void> {
    const doc = this.analyzer.ruleDocumentation(ruleId);
    if (!doc) return void this.connection.window.showWarningMessage(`leaklint: unknown rule "${ruleId}"`);
    if (this.features.customNotifications) return void this.connection.sendNotification(Methods.showDocumentation, doc);
    if (this.features.showDocument) return void (await this.connection.window.showDocument({ uri: doc.url, external: true }));
    void this.connection.window.showInformationMessage(`${ruleId}: ${doc.url}`);
  }

  private stats(): ServerStats {
    (globalThis as { gc?: () => void }).gc?.();
    return {
      heapUsed: process.memoryUsage().heapUsed, documents: this.projects.documentCount, projects: this.projects.projectCount,
      sourceFiles: this.projects.sourceFileCount, analysing: this.analyzer.analysing ?? null, ...this.analyzer.totals, corrected: this.corrected,
      unconfirmed: [...this.results.values()].filter((r) => r.quick).length,
    };
  }

  private folderOf(uri: string): string | undefined {
    if (!uri.startsWith("file:")) return this.folders[0];
    const file = fileURLToPath(uri);
    return this.folders.filter((f) => file.startsWith(f + path.sep)).sort((a, b) => b.length - a.length)[0] ?? this.folders[0];
  }

  private logOnce(key: string, message: string): void {
    if (this.logged.has(key)) return;
    if (this.logged.size >= MAX_LOGGED_KEYS) this.logged.clear();
    this.logged.add(key);
    this.connection.console.warn(message);
  }
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}
