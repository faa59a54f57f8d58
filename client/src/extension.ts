// The VS Code extension: a thin client that starts the bundled leaklint language server
// over IPC, forwards settings (the server pulls them per document), registers the
// commands and the status item, and restarts the server when the workspace becomes
// trusted. All lint logic lives in the server. The only module-level binding is the
// activation handle `deactivate` needs to stop the server (as in lsp-sample).
import * as vscode from "vscode";
import {
  type LanguageClientOptions, type ServerOptions, LanguageClient, State, TransportKind,
} from "vscode-languageclient/node";
import {
  type InitializationOptions, type StatusParams, ClientCommands, DEFAULT_VALIDATE, Methods, type RuleDocumentation,
} from "../../server/src/protocol";
import { fixAllInActiveFile, pickAndShowRuleDocumentation, showRuleDocumentation } from "./commands";
import { confirmWithHeapSnapshots } from "./heap";
import { StatusItem } from "./status";

/** Per-activation state, kept in one object instead of module globals. */
class Extension implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private status: StatusItem | undefined;
  private readonly output = vscode.window.createOutputChannel("leaklint", { log: true });
  private readonly heapFindings = vscode.languages.createDiagnosticCollection("leaklint heap");

  constructor(private readonly context: vscode.ExtensionContext) {}

  async start(): Promise<void> {
    const trusted = vscode.workspace.isTrusted;
    this.status?.dispose();
    this.status = new StatusItem(!trusted, ClientCommands.showOutput);
    const serverModule = this.context.asAbsolutePath("dist/server.js");
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6011"] } },
    };
    const initializationOptions: InitializationOptions = { trusted, customNotifications: true };
    // The languages `leaklint.validate` lists (the server checks the same setting per document).
    const languages = vscode.workspace.getConfiguration("leaklint").get<string[]>("validate") ?? DEFAULT_VALIDATE;
    const clientOptions: LanguageClientOptions = {
      documentSelector: languages.flatMap((language) => [{ scheme: "file", language }, { scheme: "untitled", language }]),
      initializationOptions,
      outputChannel: this.output,
      diagnosticPullOptions: { onChange: true, onSave: true },
    };
    const client = new LanguageClient("leaklint", "leaklint", serverOptions, clientOptions);
    client.onDidChangeState((event) => {
      this.status?.setState(event.newState === State.Running ? "running" : event.newState === State.Starting ? "starting" : "stopped");
    });
    client.onNotification(Methods.status, (params: StatusParams) => this.status?.setDocumentStatus(params));
    client.onNotification(Methods.showDocumentation, (doc: RuleDocumentation) => void showRuleDocumentation(doc));
    this.client = client;
    if (!trusted) this.output.info("Workspace not trusted: leaklint runs with built-in rules and defaults only.");
    await client.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isRunning()) await client.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  registerCommands(): void {
    const withClient = (action: (client: LanguageClient) => Promise<void>) => async (): Promise<void> => {
      if (this.client) await action(this.client);
    };
    this.context.subscriptions.push(
      vscode.commands.registerCommand(ClientCommands.fixAll, withClient(fixAllInActiveFile)),
      vscode.commands.registerCommand(ClientCommands.showRuleDocumentation, (ruleId?: string) =>
        withClient((client) => pickAndShowRuleDocumentation(client, ruleId))()),
      vscode.commands.registerCommand(ClientCommands.restartServer, () => this.restart()),
      vscode.commands.registerCommand(ClientCommands.showOutput, () => this.output.show()),
      vscode.commands.registerCommand(ClientCommands.confirmWithHeapSnapshots, withClient((client) => confirmWithHeapSnapshots(client, this.heapFindings))),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart()),
      // The document selector is fixed when the client starts: a new language list needs a new client.
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("leaklint.validate")) void this.restart();
      }),
    );
  }

  dispose(): void {
    this.status?.dispose();
    this.output.dispose();
    this.heapFindings.dispose();
  }
}

let extension: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new Extension(context);
  context.subscriptions.push(extension);
  extension.registerCommands();
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}
