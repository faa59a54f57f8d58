// The commands the extension contributes. They only ask the server: fix-all runs on the
// server (which sends back a workspace edit), documentation comes from the server.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  type ApplyFixAllArgs, type RuleDocumentation, type RuleSummary, Methods, ServerCommands,
} from "../../server/src/protocol";

export async function fixAllInActiveFile(client: LanguageClient): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) return;
  const args: ApplyFixAllArgs = { uri: document.uri.toString(), version: document.version };
  await client.sendRequest("workspace/executeCommand", { command: ServerCommands.applyFixAll, arguments: [args] });
}

/** Rule ids of leaklint diagnostics under the cursor first, then every rule. */
export async function pickAndShowRuleDocumentation(client: LanguageClient, ruleId?: string): Promise<void> {
  let id = ruleId;
  if (!id) {
    const rules = await client.sendRequest<RuleSummary[]>(Methods.listRules);
    const editor = vscode.window.activeTextEditor;
    const here = editor
      ? vscode.languages.getDiagnostics(editor.document.uri)
        .filter((d) => d.source === "leaklint" && d.range.contains(editor.selection.active))
        .map((d) => String(typeof d.code === "object" ? d.code.value : d.code))
      : [];
    const items = [...new Set([...here, ...rules.map((r) => r.id)])].map((ruleIdItem) => ({
      label: ruleIdItem,
      description: rules.find((r) => r.id === ruleIdItem)?.description,
    }));
    id = (await vscode.window.showQuickPick(items, { placeHolder: "Rule to show the documentation of" }))?.label;
  }
  if (!id) return;
  const doc = await client.sendRequest<RuleDocumentation | null>(Methods.ruleDocumentation, { ruleId: id });
  if (doc) await showRuleDocumentation(doc);
}

export async function showRuleDocumentation(doc: RuleDocumentation): Promise<void> {
  if (!doc.markdown) {
    await vscode.env.openExternal(vscode.Uri.parse(doc.url));
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: "markdown", content: doc.markdown });
  await vscode.commands.executeCommand("markdown.showPreview", document.uri);
}
