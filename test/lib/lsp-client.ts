// A minimal LSP client for tests and the server benchmark: spawns the real server
// (server/bin/leaklint-lsp.js) over stdio, answers the requests a server sends to its
// client (configuration, applyEdit, showDocument, registration), keeps every
// notification and lets tests wait for one that matches — events, never sleeps.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from "vscode-jsonrpc/node";
import type {
  ClientCapabilities, CodeAction, Diagnostic, InitializeResult, PublishDiagnosticsParams, TextEdit, WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";

export const REPO = path.resolve(__dirname, "..", "..", "..");
export const SERVER_BIN = path.join(REPO, "server", "bin", "leaklint-lsp.js");

interface Waiter {
  method: string;
  predicate: (params: any) => boolean;
  resolve: (params: any) => void;
}

export interface StartOptions {
  root: string;
  initializationOptions?: Record<string, unknown>;
  /** Offer pull diagnostics (`textDocument/diagnostic`). Default false: push. */
  pull?: boolean;
  settings?: Record<string, unknown>;
  execArgv?: string[];
  /** The server's bin (default: this repository's `server/bin/leaklint-lsp.js`; an installed package's for the package tests). */
  serverBin?: string;
}

export class TestClient {
  readonly connection: MessageConnection;
  readonly notifications: Array<{ method: string; params: any }> = [];
  readonly appliedEdits: WorkspaceEdit[] = [];
  readonly shownDocuments: string[] = [];
  readonly documents = new Map<string, TextDocument>();
  /** What `workspace/configuration` answers (mutable: change it, then send didChangeConfiguration). */
  settings: Record<string, unknown>;
  capabilities!: InitializeResult["capabilities"];
  private readonly waiters: Waiter[] = [];
  private readonly process: ChildProcess;
  stderr = "";

  private constructor(options: StartOptions) {
    this.settings = options.settings ?? {};
    this.process = spawn(process.execPath, [...(options.execArgv ?? []), options.serverBin ?? SERVER_BIN, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.process.stderr!.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification((method: string, params: any) => {
      this.notifications.push({ method, params });
      for (const waiter of [...this.waiters]) {
        if (waiter.method === method && waiter.predicate(params)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    this.connection.onRequest("workspace/configuration", (params: { items: Array<{ section?: string }> }) =>
      params.items.map((item) => (item.section === "leaklint" ? this.settings : null)));
    this.connection.onRequest("workspace/applyEdit", (params: { edit: WorkspaceEdit }) => {
      this.appliedEdits.push(params.edit);
      return { applied: true };
    });
    this.connection.onRequest("window/showDocument", (params: { uri: string }) => {
      this.shownDocuments.push(params.uri);
      return { success: true };
    });
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("workspace/diagnostic/refresh", () => {
      this.notifications.push({ method: "workspace/diagnostic/refresh", params: null });
      return null;
    });
    this.connection.listen();
  }

  static async start(options: StartOptions): Promise<TestClient> {
    const client = new TestClient(options);
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: true,
        applyEdit: true,
        workspaceEdit: { documentChanges: true },
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        diagnostics: { refreshSupport: true },
      },
      window: { showDocument: { support: true } },
      textDocument: {
        synchronization: { didSave: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        codeAction: { dataSupport: true, isPreferredSupport: true },
        ...(options.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
      },
    };
    const result = await client.connection.sendRequest<InitializeResult>("initialize", {
      processId: process.pid,
      rootUri: uriOf(options.root),
      workspaceFolders: [{ uri: uriOf(options.root), name: path.basename(options.root) }],
      capabilities,
      // Wall-clock budgets are the budget tests' own business: elsewhere a loaded machine must not skip analyses.
      initializationOptions: { analysisBudgetMs: 600_000, ...options.initializationOptions },
    });
    client.capabilities = result.capabilities;
    await client.connection.sendNotification("initialized", {});
    return client;
  }

  /** Writes bytes to the server's stdin as they are, bypassing the message framing (protocol-error tests). */
  writeRaw(text: string): void {
    this.process.stdin!.write(text);
  }

  /** Resolves with the server's raw output from now on once it matches `pattern` (messages the connection cannot deliver, such as responses with id null). */
  waitForOutput(pattern: RegExp): Promise<string> {
    let seen = "";
    return new Promise((resolve) => {
      const listener = (chunk: Buffer): void => {
        seen += chunk.toString();
        if (!pattern.test(seen)) return;
        this.process.stdout!.off("data", listener);
        resolve(seen);
      };
      this.process.stdout!.on("data", listener);
    });
  }

  /** Resolves with the first notification (already received or future) that matches. */
  waitFor<T = any>(method: string, predicate: (params: T) => boolean = () => true, from = 0): Promise<T> {
    const seen = this.notifications.slice(from).find((n) => n.method === method && predicate(n.params));
    if (seen) return Promise.resolve(seen.params as T);
    return new Promise((resolve) => this.waiters.push({ method, predicate, resolve }));
  }

  /** The publishDiagnostics for exactly this version of the document. */
  diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
    return this.waitFor<PublishDiagnosticsParams>("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version)
      .then((p) => p.diagnostics);
  }

  publishedVersions(uri: string): Array<number | undefined> {
    return this.notifications.filter((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri)
      .map((n) => n.params.version as number | undefined);
  }

  open(fileName: string, text = fs.readFileSync(fileName, "utf8"), languageId = languageOf(fileName)): TextDocument {
    const document = TextDocument.create(uriOf(fileName), languageId, 1, text);
    this.documents.set(document.uri, document);
    void this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: document.uri, languageId, version: 1, text },
    });
    return document;
  }

  /** Applies edits locally and sends them as one incremental didChange; returns the new version. */
  change(uri: string, edits: TextEdit[]): TextDocument {
    const current = this.documents.get(uri)!;
    const text = TextDocument.applyEdits(current, edits);
    const next = TextDocument.create(uri, current.languageId, current.version + 1, text);
    this.documents.set(uri, next);
    const contentChanges = [...edits].sort((a, b) => compare(b.range.start, a.range.start)).map((e) => ({ range: e.range, text: e.newText }));
    void this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: next.version }, contentChanges });
    return next;
  }

  /** Applies a workspace edit the server returned (checking its version) as a didChange. */
  applyWorkspaceEdit(edit: WorkspaceEdit): TextDocument[] {
    const changed: TextDocument[] = [];
    for (const change of edit.documentChanges ?? []) {
      if (!("textDocument" in change)) continue;
      const current = this.documents.get(change.textDocument.uri)!;
      if (change.textDocument.version !== null && change.textDocument.version !== current.version) {
        throw new Error(`edit for version ${change.textDocument.version}, document is at ${current.version}`);
      }
      changed.push(this.change(change.textDocument.uri, change.edits as TextEdit[]));
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) changed.push(this.change(uri, edits));
    return changed;
  }

  /** Quick fixes for one diagnostic, as an editor asks for them. */
  codeActions(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
    return this.connection.sendRequest<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] },
    });
  }

  close(uri: string): void {
    this.documents.delete(uri);
    void this.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.once("exit", () => resolve());
    });
    try {
      await this.connection.sendRequest("shutdown");
      await this.connection.sendNotification("exit");
    } catch {
      this.process.kill();
    }
    await exited;
    this.connection.dispose();
  }

  get alive(): boolean {
    return this.process.exitCode === null;
  }
}

export function uriOf(fileName: string): string {
  return pathToFileURL(fileName).href;
}

function languageOf(fileName: string): string {
  const ext = path.extname(fileName);
  if (ext === ".tsx") return "typescriptreact";
  if (ext === ".jsx") return "javascriptreact";
  if ([".js", ".mjs", ".cjs"].includes(ext)) return "javascript";
  if (ext === ".vue" || ext === ".svelte") return ext.slice(1);
  return "typescript";
}

function compare(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

/** A fresh copy of examples/leaky-service under test/.tmp (inside the repo, so @types resolve). */
export function copyExample(name: string): string {
  const target = path.join(REPO, "test", ".tmp", `${name}-${process.pid}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(REPO, "examples", "leaky-service"), target, { recursive: true });
  return target;
}
