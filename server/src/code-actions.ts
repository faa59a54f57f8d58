// Code actions, in a fixed order per diagnostic (vscode-eslint's model): the safe fix
// (preferred), the suggestions, "Disable <rule> for this line" (added to the line's
// `leaklint-disable-next-line` directive when it has one), "Fix all <rule> problems" (when
// the file has two or more with a safe fix), "Disable <rule> for the entire file", "Show
// documentation for <rule>". Edits travel in `CodeAction.edit` as a workspace edit pinned to
// the document version the diagnostic was computed for; the per-rule fix-all is a command
// (computed when chosen, not on every request).
import {
  type CodeAction, CodeActionKind, type Diagnostic, type TextEdit, type WorkspaceEdit,
} from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { ENGINE_RULES } from "leaklint";
import { isLeaklintDiagnostic } from "./convert";
import { type ApplyFixAllArgs, type DiagnosticData, FIX_ALL_KIND, ServerCommands } from "./protocol";

/** Rule ids the engine reports for itself: no fixes, no disabling, no docs page. */
const ENGINE_IDS = new Set<string>([...Object.values(ENGINE_RULES), "config-error"]);

/**
 * `fixable(ruleId)`: how many findings of the rule in the whole document have a safe fix
 * (from its last analysis).
 */
export function quickFixes(
  document: TextDocument, diagnostics: readonly Diagnostic[], documentChanges: boolean, fixable: (ruleId: string) => number = () => 0,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (!isLeaklintDiagnostic(diagnostic)) continue;
    const { ruleId, version, fixes } = diagnostic.data as DiagnosticData;
    const edit = (edits: TextEdit[]): WorkspaceEdit => workspaceEdit(document.uri, version, edits, documentChanges);
    const ordered = [...fixes.filter((f) => f.safe), ...fixes.filter((f) => !f.safe)];
    ordered.forEach((fix, index) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.safe && index === 0,
        edit: edit(fix.edits),
      });
    });
    if (ENGINE_IDS.has(ruleId)) continue;
    if (version === document.version) {
      actions.push({
        title: `Disable ${ruleId} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: edit([disableLineEdit(document, diagnostic.range.start.line, ruleId)]),
      });
      if (fixable(ruleId) >= 2 && fixes.some((f) => f.safe)) {
        const args: ApplyFixAllArgs = { uri: document.uri, version, ruleId };
        const title = `Fix all ${ruleId} problems`;
        actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: ServerCommands.applyFixAll, arguments: [args] } });
      }
      actions.push({
        title: `Disable ${ruleId} for the entire file`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: edit([disableFileEdit(document, ruleId)]),
      });
    }
    actions.push({
      title: `Show documentation for ${ruleId}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Show documentation for ${ruleId}`, command: ServerCommands.showDocumentation, arguments: [ruleId] },
    });
  }
  return actions;
}

export function fixAllAction(uri: string, version: number, edits: TextEdit[], documentChanges: boolean): CodeAction {
  return { title: "Fix all leaklint problems (safe fixes)", kind: FIX_ALL_KIND, edit: workspaceEdit(uri, version, edits, documentChanges) };
}

export function workspaceEdit(uri: string, version: number, edits: TextEdit[], documentChanges: boolean): WorkspaceEdit {
  return documentChanges ? { documentChanges: [{ textDocument: { uri, version }, edits }] } : { changes: { [uri]: edits } };
}

/** A `// leaklint-disable-next-line` comment line naming rules: its rule list ends at group 1's end. */
const NEXT_LINE_DIRECTIVE = /^(\s*\/\/\s*leaklint-disable-next-line\s+[a-z0-9@/_-]+(?:\s*,\s*[a-z0-9@/_-]+)*)(?:\s+--.*)?\s*$/i;

/**
 * `// leaklint-disable-next-line <rule>` above the line, with the line's indentation; when the
 * line above is such a directive already, the rule is added to its list (`a` → `a, b`).
 */
function disableLineEdit(document: TextDocument, line: number, ruleId: string): TextEdit {
  if (line > 0) {
    const above = document.getText({ start: { line: line - 1, character: 0 }, end: { line, character: 0 } }).replace(/\r?\n$/, "");
    const match = NEXT_LINE_DIRECTIVE.exec(above);
    if (match) {
      const at = { line: line - 1, character: match[1].length };
      return { range: { start: at, end: at }, newText: `, ${ruleId}` };
    }
  }
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(text)![0];
  const start = { line, character: 0 };
  return { range: { start, end: start }, newText: `${indent}// leaklint-disable-next-line ${ruleId}\n` };
}

/** `/* leaklint-disable <rule> *\/` at the top of the file, after a shebang line. */
function disableFileEdit(document: TextDocument, ruleId: string): TextEdit {
  const line = document.getText().startsWith("#!") ? 1 : 0;
  const start = { line, character: 0 };
  return { range: { start, end: start }, newText: `/* leaklint-disable ${ruleId} */\n` };
}

/** Whether a request's `only` filter asks for the fix-all source action. */
export function wantsFixAll(only: readonly string[] | undefined): boolean {
  if (!only) return false;
  return only.some((kind) => FIX_ALL_KIND === kind || FIX_ALL_KIND.startsWith(`${kind}.`));
}

export function wantsQuickFixes(only: readonly string[] | undefined): boolean {
  return !only || only.some((kind) => kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`) || kind === "");
}
