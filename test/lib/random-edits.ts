// Random edit sequences for the quick-lint test (test/server-quick-lint.test.ts) and its benchmark
// on real applications (bench/quick-lint.js): lines deleted, copied and moved, leaky and releasing
// statements inserted, identifiers and numbers changed; most edits keep the file parsing.
import ts from "typescript";
import type { Position, TextEdit } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";

/** The seeded generator of the fix fuzzer, so that a failing sequence can be replayed. */
export { random } from "./fix-fuzz";

/** Statements that start, keep, clear and grow things, some of them sharing top-level names with each other. */
const SNIPPETS = [
  "setInterval(() => console.log(Date.now()), 1000);",
  "const poll = setInterval(() => {}, 250);",
  "clearInterval(poll);",
  "let timer: ReturnType<typeof setInterval> | undefined;",
  "timer = setInterval(() => {}, 1000);",
  "clearInterval(timer);",
  "const seen = new Map<string, number>();",
  "seen.set(String(Date.now()), 1);",
  "seen.clear();",
  'process.on("message", () => {});',
  "export function tick(): void { setInterval(() => {}, 10); }",
];

const parses = (text: string): boolean =>
  (ts.createSourceFile("edited.tsx", text, ts.ScriptTarget.Latest) as ts.SourceFile & { parseDiagnostics: unknown[] }).parseDiagnostics.length === 0;

/**
 * A random edit that mostly keeps the file parsing (one in ten may break it); a file broken
 * for three edits gets its last parsing text back, so both ways through a syntax error are taken.
 */
export class Editor {
  private lastGood: string;
  private broken = 0;

  constructor(text: string, private readonly next: () => number) {
    this.lastGood = text;
  }

  edit(document: TextDocument): TextEdit {
    const text = document.getText();
    if (this.broken >= 3) {
      this.broken = 0;
      return { range: { start: document.positionAt(0), end: document.positionAt(text.length) }, newText: this.lastGood };
    }
    for (let attempt = 0; ; attempt++) {
      const edit = randomEdit(text, this.next);
      const edited = TextDocument.applyEdits(document, [edit]);
      if (parses(edited)) {
        this.lastGood = edited;
        this.broken = 0;
        return edit;
      }
      if (attempt >= 20 || this.next() < 0.1) {
        this.broken++;
        return edit;
      }
    }
  }
}

/** One random edit of `text` as an LSP text edit. */
function randomEdit(text: string, next: () => number): TextEdit {
  const lines = text.split("\n");
  const pick = (n: number): number => Math.floor(next() * n);
  const line = pick(lines.length);
  const at = (l: number, c = 0): Pos => ({ line: l, character: c });
  const choice = next();
  if (choice < 0.25 && lines.length > 1) return { range: { start: at(line), end: at(line + 1) }, newText: "" }; // delete a line
  if (choice < 0.7) {
    // Copy a line elsewhere, or insert a snippet.
    const target = pick(lines.length);
    return { range: { start: at(target), end: at(target) }, newText: `${choice < 0.45 ? lines[line] : SNIPPETS[pick(SNIPPETS.length)]}\n` };
  }
  const current = lines[line];
  const digit = /\d/.exec(current.slice(pick(current.length + 1)));
  if (choice < 0.85 && digit) {
    const column = current.lastIndexOf(digit[0]);
    return { range: { start: at(line, column), end: at(line, column + 1) }, newText: String(pick(10)) }; // change a number
  }
  const words = [...current.matchAll(/[A-Za-z_]\w*/g)];
  if (words.length === 0) return { range: { start: at(line), end: at(line) }, newText: "" };
  const word = words[pick(words.length)];
  const column = word.index! + pick(word[0].length + 1);
  return { range: { start: at(line, column), end: at(line, column) }, newText: "x" }; // rename by one letter
}

type Pos = Position;

