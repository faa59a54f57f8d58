// Single-file components (`.vue`, `.svelte`): the code is in their `<script>` blocks. The linter
// sees a view of the file with everything outside those blocks blanked — each character replaced
// by a space, line breaks kept — so offsets, lines and columns are the component's own.
//
// A block that runs once per component instance (Vue's `<script setup>`, Svelte's instance
// script) is, for lifetimes, the body of the component's setup: its top-level `const cache =
// new Map()` lives as long as one instance, and `onMounted`/`onMount` hooks there belong to it.
// The view wraps such a block, after its imports, in `;({ async setup() {` … `} });`, and
// `mapToComponent` moves the findings' offsets back over the inserted text.
import path from "node:path";
import ts from "typescript";
import type { LintDiagnostic, TextEdit } from "../core/types";

export const COMPONENT_EXTENSIONS = [".vue", ".svelte"];

const SCRIPT_BLOCK = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const SETUP_OPEN = ";({ async setup() {";
const SETUP_CLOSE = "\n} });";

export function isComponentFile(fileName: string): boolean {
  return COMPONENT_EXTENSIONS.includes(path.extname(fileName).toLowerCase());
}

/** Text inserted into the view at an offset of the component's text. */
interface Insertion {
  at: number;
  length: number;
}

export interface ComponentView {
  /** The component's text with everything outside its script blocks blanked, per-instance blocks wrapped. */
  text: string;
  scriptKind: ts.ScriptKind;
  insertions: Insertion[];
}

/** A source file parsed from a component view carries the view's insertions. */
export type ComponentSourceFile = ts.SourceFile & { leaklintComponent?: { original: string; insertions: Insertion[] } };

/** The script view of a component; one without a script block is all blank. */
export function componentView(fileName: string, text: string): ComponentView {
  const svelte = path.extname(fileName).toLowerCase() === ".svelte";
  const chars = text.replace(/[^\r\n]/g, " ").split("");
  const wraps: Array<{ open: number; close: number }> = [];
  let typed = false;
  let jsx = false;
  for (const match of text.matchAll(SCRIPT_BLOCK)) {
    const attributes = match[1];
    const lang = /\blang\s*=\s*["']?(\w+)/i.exec(attributes)?.[1]?.toLowerCase();
    if (lang === "ts" || lang === "tsx" || /\btype\s*=\s*["']?text\/typescript/i.test(attributes)) typed = true;
    if (lang === "tsx" || lang === "jsx") jsx = true;
    const start = (match.index ?? 0) + match[0].indexOf(">") + 1;
    const body = match[2];
    for (let i = 0; i < body.length; i++) chars[start + i] = body[i];
    const perInstance = svelte ? !/\bcontext\s*=\s*["']?module/i.test(attributes) : /\bsetup\b/i.test(attributes);
    if (perInstance) wraps.push({ open: start + afterImports(body), close: start + body.length });
  }
  const insertions: Insertion[] = [];
  let view = chars.join("");
  // Insert from the end so earlier offsets stay valid while building.
  for (const wrap of [...wraps].reverse()) {
    view = view.slice(0, wrap.close) + SETUP_CLOSE + view.slice(wrap.close);
    view = view.slice(0, wrap.open) + SETUP_OPEN + view.slice(wrap.open);
  }
  for (const wrap of wraps) insertions.push({ at: wrap.open, length: SETUP_OPEN.length }, { at: wrap.close, length: SETUP_CLOSE.length });
  const scriptKind = typed ? (jsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS) : jsx ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
  return { text: view, scriptKind, insertions };
}

/** The offset in a block's text just after its leading import declarations (imports stay at module level). */
function afterImports(body: string): number {
  const block = ts.createSourceFile("block.ts", body, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  let end = 0;
  for (const statement of block.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isImportEqualsDeclaration(statement) && !ts.isExportDeclaration(statement)) break;
    end = statement.end;
  }
  return end;
}

/** Moves a view's diagnostics (offsets, positions, related locations, fix edits) back onto the component's text. */
export function mapToComponent(sourceFile: ts.SourceFile, diagnostics: LintDiagnostic[]): LintDiagnostic[] {
  const component = (sourceFile as ComponentSourceFile).leaklintComponent;
  if (!component || component.insertions.length === 0) return diagnostics;
  const lines = lineStarts(component.original);
  const toOriginal = (offset: number): number => {
    let shift = 0;
    for (const insertion of component.insertions) {
      const viewStart = insertion.at + shift;
      if (offset < viewStart) break;
      if (offset < viewStart + insertion.length) return insertion.at; // inside inserted text: its anchor
      shift += insertion.length;
    }
    return offset - shift;
  };
  const position = (offset: number) => {
    let low = 0;
    let high = lines.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lines[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lines[low] + 1 };
  };
  const edit = (e: TextEdit): TextEdit => ({ start: toOriginal(e.start), end: toOriginal(e.end), newText: e.newText });
  return diagnostics.map((d) => {
    const start = toOriginal(d.start);
    const end = toOriginal(d.end);
    return {
      ...d, start, end, startPos: position(start), endPos: position(end),
      related: d.related.map((r) => ({ ...r, start: toOriginal(r.start), end: toOriginal(r.end) })),
      fixes: d.fixes.map((f) => ({ ...f, edits: f.edits.map(edit) })),
    };
  });
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) continue; // CRLF: the line starts after the LF
    if (c === 10 || c === 13) starts.push(i + 1);
  }
  return starts;
}
