// "Leaklint: Confirm with heap snapshots…": pick two or three .heapsnapshot files, let the
// server run `leaklint heap diff` on them, and show what it found inline: confirmed static
// findings and runtime-only growth, each with its growth and retainer path. The findings
// live in their own diagnostic collection ("leaklint heap"), replaced by the next run.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { type HeapDiffArgs, type HeapDiffResult, type HeapFinding, ServerCommands } from "../../server/src/protocol";

export async function confirmWithHeapSnapshots(client: LanguageClient, collection: vscode.DiagnosticCollection): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    filters: { "Heap snapshots": ["heapsnapshot"] },
    openLabel: "Diff snapshots",
    title: "Base, target and final heap snapshots (two or three, in the order they were taken)",
  });
  if (!picked) return;
  if (picked.length < 2 || picked.length > 3) {
    void vscode.window.showErrorMessage(`leaklint: pick two or three heap snapshots (got ${picked.length}).`);
    return;
  }
  // The order they were taken in: by modification time.
  const stats = await Promise.all(picked.map(async (uri) => ({ uri, mtime: (await vscode.workspace.fs.stat(uri)).mtime })));
  const args: HeapDiffArgs = { snapshots: stats.sort((a, b) => a.mtime - b.mtime).map((s) => s.uri.fsPath) };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "leaklint: diffing heap snapshots…" },
    () => client.sendRequest<HeapDiffResult>("workspace/executeCommand", { command: ServerCommands.heapDiff, arguments: [args] }),
  );
  collection.clear();
  if (result.error) {
    void vscode.window.showErrorMessage(`leaklint: ${result.error}`);
    return;
  }
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const finding of result.findings) {
    const list = byFile.get(finding.filePath) ?? [];
    list.push(toDiagnostic(finding));
    byFile.set(finding.filePath, list);
  }
  for (const [file, diagnostics] of byFile) collection.set(vscode.Uri.file(file), diagnostics);
  const confirmed = result.findings.filter((f) => f.confirmed).length;
  void vscode.window.showInformationMessage(`leaklint: ${confirmed} confirmed at run time, ${result.findings.length - confirmed} runtime-growth.`);
}

function toDiagnostic(finding: HeapFinding): vscode.Diagnostic {
  const range = new vscode.Range(finding.line - 1, finding.column - 1, finding.endLine - 1, Math.max(finding.endColumn - 1, finding.column));
  const { countDelta, retainedSizeDelta, retainerPath } = finding.runtime;
  const growth = `+${countDelta.toLocaleString("en-US")} objects, +${(retainedSizeDelta / 1024).toFixed(1)} kB retained, held by ${retainerPath}`;
  const message = finding.confirmed ? `Confirmed at run time (${growth}): ${finding.message}` : finding.message;
  const diagnostic = new vscode.Diagnostic(range, message, finding.severity === "error" ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = "leaklint heap";
  diagnostic.code = finding.ruleId;
  return diagnostic;
}
