// The status bar item: server state (starting, running, stopped, restricted in an
// untrusted workspace, config or rule errors), the finding count of the active file, and a
// warning when its analysis was slow or skipped by the server's budget.
import * as vscode from "vscode";
import type { StatusParams } from "../../server/src/protocol";

export type ServerState = "starting" | "running" | "stopped";

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("leaklint.status", vscode.StatusBarAlignment.Right, 100);
  private readonly statuses = new Map<string, StatusParams>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private state: ServerState = "starting";

  constructor(private readonly restricted: boolean, showOutputCommand: string) {
    this.item.name = "leaklint";
    this.item.command = showOutputCommand;
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.languages.onDidChangeDiagnostics(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((document) => this.statuses.delete(document.uri.toString())),
    );
    this.render();
    this.item.show();
  }

  setState(state: ServerState): void {
    this.state = state;
    this.render();
  }

  setDocumentStatus(status: StatusParams): void {
    this.statuses.set(status.uri, status);
    this.render();
  }

  dispose(): void {
    this.item.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private render(): void {
    const document = vscode.window.activeTextEditor?.document;
    const status = document ? this.statuses.get(document.uri.toString()) : undefined;
    const count = document
      ? vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === "leaklint").length
      : 0;
    const restricted = this.restricted ? " (restricted)" : "";
    let icon = "$(check)";
    if (this.state === "starting") icon = "$(sync~spin)";
    else if (this.state === "stopped") icon = "$(circle-slash)";
    else if (status?.state === "error") icon = "$(error)";
    else if (status?.slow) icon = "$(watch)";
    else if (count > 0 || status?.state === "warn") icon = "$(warning)";
    const slow = status?.slow === "slow" ? " (slow)" : status?.slow === "skipped" ? " (skipped)" : "";
    this.item.text = `${icon} leaklint${count > 0 ? ` ${count}` : ""}${slow}${restricted}`;
    const lines = [`leaklint server: ${this.state}`];
    if (document) lines.push(`${count} finding${count === 1 ? "" : "s"} in this file`);
    if (status?.message) lines.push(status.message);
    if (this.restricted) lines.push("Untrusted workspace: built-in rules and defaults only.");
    this.item.tooltip = lines.join("\n");
    this.item.backgroundColor = status?.state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground")
      : status?.slow ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  }
}
