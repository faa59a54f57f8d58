// The e2e scenarios inside the extension host, through the VS Code API: diagnostics of
// a leaky file, quick fixes in order, the preferred fix applied and saved, and
// "Leaklint: Fix all leaks in this file". Waits on onDidChangeDiagnostics, never on timers.
import assert from "node:assert/strict";
import * as vscode from "vscode";

const RULE = "uncleared-interval";

function leaklintDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === "leaklint" && codeOf(d) === RULE);
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  return String(typeof diagnostic.code === "object" ? diagnostic.code.value : diagnostic.code);
}

function waitForDiagnostics(uri: vscode.Uri, predicate: (diagnostics: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const diagnostics = leaklintDiagnostics(uri);
      if (!predicate(diagnostics)) return false;
      subscription.dispose();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) check();
    });
    check();
  });
}

suite("leaklint extension", () => {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const metrics = vscode.Uri.joinPath(folder, "src", "timers", "metrics.ts");

  test("diagnostics, quick fixes in order, preferred fix applied and saved", async () => {
    const document = await vscode.workspace.openTextDocument(metrics);
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitForDiagnostics(metrics, (d) => d.length === 3);
    assert.deepEqual(diagnostics.map((d) => d.range.start.line + 1), [7, 19, 35]);
    const dropped = diagnostics[1];
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", metrics, dropped.range,
      vscode.CodeActionKind.QuickFix.value);
    const ours = actions.filter((a) => a.diagnostics?.some((d) => d.source === "leaklint"));
    assert.deepEqual(ours.map((a) => a.title), [
      "Store the timer in this.interval and clear it in dispose()",
      `Disable ${RULE} for this line`,
      `Disable ${RULE} for the entire file`,
      `Show documentation for ${RULE}`,
    ]);
    assert.equal(ours[0].isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(ours[0].edit!));
    assert.ok(await document.save());
    const after = await waitForDiagnostics(metrics, (d) => d.length === 2);
    assert.ok(!after.some((d) => d.message === dropped.message));
    assert.match((await vscode.workspace.fs.readFile(metrics)).toString(), /clearInterval\(this\.interval\)/);
  });

  test("Leaklint: Fix all leaks in this file", async () => {
    const document = await vscode.workspace.openTextDocument(metrics);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand("leaklint.fixAll");
    const after = await waitForDiagnostics(metrics, (d) => d.length === 1);
    assert.deepEqual(after.map((d) => d.range.start.line + 1), [7], "only the suggestion-only diagnostic is left");
    assert.match(document.getText(), /res\.on\("close", \(\) => clearInterval\(tick\)\);\n\s+res\.write/);
  });
});
