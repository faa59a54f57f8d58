// Incremental linting for editors: a quick answer after an edit, always followed by an exact one.
//
// A `LintMemo` keeps, per top-level statement of the file's last lint, the findings that the
// visitors of rules without an `onFileEnd` reported while visiting that statement's nodes. After
// an edit the incremental parser hands back the statements the edit did not touch as the same
// nodes with the same text; a *quick* lint (`exact: false`) then visits only the statements
// the edit can affect — the changed ones, and, transitively, the statements that share a
// top-level name with them (a module-level `timer` started in one function and cleared in
// another) — and takes the other statements' findings from the memo, moved to their new
// offsets. Rules with an `onFileEnd` (whole-file work) and the file-level visitors run as
// always. Anything this cannot follow makes the quick lint a full one: another config, rule
// set or program context; a changed import, export or leaklint directive; a finding that
// points into changed code or names a line that moved; most of the file affected.
//
// A quick result is a fast guess, not the answer: rules may relate statements in ways no
// shared name shows (file-level text tests, types). Hosts publish it and then run an exact
// lint of the same text, which replaces it when it differs (the language server does).
import ts from "typescript";
import type { LintDiagnostic } from "./types";
import type { LintFileOptions } from "./linter";

/** What the host passes to `lintSteps` (LintFileOptions.incremental). */
export interface IncrementalLint {
  memo: LintMemo;
  /** True: visit every statement (the exact answer, and the memo's next base). */
  exact: boolean;
  /** Whatever else the findings depend on besides this text and the lint options (the program's other files). */
  context?: string;
}

interface StatementRecord {
  text: string;
  pos: number;
  end: number;
  /** The line `pos` was on. */
  line: number;
  /** The top-level names it declares, and those of other statements it mentions. */
  declares: string[];
  mentions: string[];
  /** An import, an export of other code, a module declaration: its change makes a quick lint a full one (and so does `isFragileCode`). */
  fragileKind: boolean;
  /** Findings of the per-statement rules, in the coordinates of the lint that recorded them. */
  findings: LintDiagnostic[];
}

interface Recorded {
  key: string;
  fileName: string;
  textLength: number;
  byNode: Map<ts.Statement, StatementRecord>;
  /** Every statement of that lint in order, for mapping offsets. */
  ordered: StatementRecord[];
}

/** The statements to visit, and the findings taken over for the others. */
export interface IncrementalPlan {
  visit: ReadonlySet<number>;
  /** By statement index of the new file. */
  reused: ReadonlyMap<number, LintDiagnostic[]>;
}

/** Above this share of statements affected, a quick lint is a full one. */
const MAX_AFFECTED_SHARE = 0.5;
/** A message that names a line (`also on line 12`) is stale once its statement moved down or up. */
const NAMES_A_LINE = /\bline \d/;
const DECLARES_AT = /@(\d+)$/;

export class LintMemo {
  private last: Recorded | undefined;
  /** Quick lints that took findings over, for hosts' statistics. */
  quick = 0;
  /** Why the last quick lint was a full one (statistics, tests). */
  fullBecause: string | undefined;

  /** The name graph of the file being linted (the plan's, then the record's). */
  private graph: { sourceFile: ts.SourceFile; graph: NameGraph } | undefined;

  forget(): void {
    this.last = undefined;
    this.graph = undefined;
  }

  private graphOf(sourceFile: ts.SourceFile, identifiers: (name: string) => readonly ts.Node[]): NameGraph {
    if (this.graph?.sourceFile !== sourceFile) this.graph = { sourceFile, graph: nameGraph(sourceFile.statements, identifiers) };
    return this.graph.graph;
  }

  /**
   * Which statements a quick lint of `sourceFile` visits; undefined: all of them. `identifiers`
   * looks up the identifiers of the new file spelled `name` (the linter's syntax index).
   */
  plan(sourceFile: ts.SourceFile, key: string, identifiers: (name: string) => readonly ts.Node[]): IncrementalPlan | undefined {
    this.fullBecause = undefined;
    const full = (why: string): undefined => {
      this.fullBecause = why;
      return undefined;
    };
    const last = this.last;
    if (!last) return full("no earlier lint");
    if (last.key !== key || last.fileName !== sourceFile.fileName) return full("other options or context");
    const statements = sourceFile.statements;
    const text = sourceFile.text;
    const kept = new Map<StatementRecord, number>(); // old record → new statement index
    const changed: number[] = [];
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      const record = last.byNode.get(statement);
      if (record && record.end - record.pos === statement.end - statement.pos && !kept.has(record)
        && text.slice(statement.pos, statement.end) === record.text) kept.set(record, i);
      else changed.push(i);
    }
    const removed = last.ordered.filter((record) => !kept.has(record));
    for (const i of changed) if (isFragile(statements[i], text)) return full("an import, export or directive changed");
    for (const record of removed) if (record.fragileKind || isFragileCode(record.text)) return full("an import, export or directive changed");

    // The changed code, and whatever shares a top-level name with it, transitively (names of
    // the removed code count as they were: a statement that mentioned or declared them).
    const affected = new Set<number>(changed);
    const limit = Math.max(1, Math.floor(statements.length * MAX_AFFECTED_SHARE));
    const graph = this.graphOf(sourceFile, identifiers);
    const names: string[] = removed.flatMap((record) => [...record.declares, ...record.mentions]);
    for (const i of changed) names.push(...(graph.namesOf.get(i) ?? []));
    const linked = new Set<string>();
    for (let next = 0; next < names.length; next++) {
      const name = names[next];
      if (linked.has(name)) continue;
      linked.add(name);
      for (const i of graph.holders.get(name) ?? []) {
        if (affected.has(i)) continue;
        affected.add(i);
        names.push(...(graph.namesOf.get(i) ?? []));
      }
      if (affected.size > limit) return full("the edit can affect most of the file");
    }

    // The findings of the other statements, moved; one that points into changed code, or names a line that moved, is recomputed.
    const offsets = new OffsetMap(last, kept, sourceFile);
    const reused = new Map<number, LintDiagnostic[]>();
    for (const [record, index] of kept) {
      if (affected.has(index) || record.findings.length === 0) continue;
      const moved = record.findings.map((d) => offsets.moveDiagnostic(d, sourceFile));
      if (moved.some((d) => d === undefined)) affected.add(index);
      else reused.set(index, moved as LintDiagnostic[]);
    }
    if (affected.size > limit) return full("the edit can affect most of the file");
    this.quick++;
    return { visit: affected, reused };
  }

  /** Keeps the findings of this lint per statement (`byStatement[i]`: the per-statement rules' findings of statement i). */
  record(sourceFile: ts.SourceFile, key: string, byStatement: readonly LintDiagnostic[][], identifiers: (name: string) => readonly ts.Node[]): void {
    const byNode = new Map<ts.Statement, StatementRecord>();
    const ordered: StatementRecord[] = [];
    const graph = this.graphOf(sourceFile, identifiers);
    this.graph = undefined;
    sourceFile.statements.forEach((statement, i) => {
      const record = {
        text: sourceFile.text.slice(statement.pos, statement.end), pos: statement.pos, end: statement.end,
        line: sourceFile.getLineAndCharacterOfPosition(statement.pos).line, declares: declaredNames(statement), mentions: graph.namesOf.get(i) ?? [],
        fragileKind: isFragileKind(statement), findings: byStatement[i] ?? [],
      };
      byNode.set(statement, record);
      ordered.push(record);
    });
    this.last = { key, fileName: sourceFile.fileName, textLength: sourceFile.text.length, byNode, ordered };
  }
}

/** Maps offsets of the last lint into the new text through the statements both share. */
class OffsetMap {
  private readonly deltas: Array<{ pos: number; end: number; delta: number | undefined; lines: number }>;
  private readonly newLength: number;

  constructor(private readonly last: Recorded, kept: ReadonlyMap<StatementRecord, number>, sourceFile: ts.SourceFile) {
    this.newLength = sourceFile.text.length;
    this.deltas = last.ordered.map((record) => {
      const index = kept.get(record);
      if (index === undefined) return { pos: record.pos, end: record.end, delta: undefined, lines: 0 };
      const statement = sourceFile.statements[index];
      return { pos: record.pos, end: record.end, delta: statement.pos - record.pos, lines: sourceFile.getLineAndCharacterOfPosition(statement.pos).line - record.line };
    });
  }

  /** The new offset of `offset`, undefined when it lies in code that changed; `lines`: how far its line moved. */
  private move(offset: number): { offset: number; lines: number } | undefined {
    if (offset === this.last.textLength) {
      const tail = this.deltas[this.deltas.length - 1];
      return tail?.delta !== undefined ? { offset: this.newLength, lines: tail.lines } : undefined;
    }
    let low = 0;
    let high = this.deltas.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const entry = this.deltas[middle];
      if (offset < entry.pos) high = middle - 1;
      else if (offset >= entry.end) low = middle + 1;
      else return entry.delta === undefined ? undefined : { offset: offset + entry.delta, lines: entry.lines };
    }
    return undefined;
  }

  moveDiagnostic(d: LintDiagnostic, sourceFile: ts.SourceFile): LintDiagnostic | undefined {
    const start = this.move(d.start);
    const end = d.end === d.start ? start : this.move(d.end);
    if (!start || !end) return undefined;
    if (start.lines !== 0 && NAMES_A_LINE.test(d.message)) return undefined;
    const related = [];
    for (const r of d.related) {
      if (r.fileName !== d.fileName) {
        related.push(r);
        continue;
      }
      const rs = this.move(r.start);
      const re = r.end === r.start ? rs : this.move(r.end);
      if (!rs || !re) return undefined;
      related.push({ ...r, start: rs.offset, end: re.offset });
    }
    const fixes = [];
    for (const fix of d.fixes) {
      const edits = [];
      for (const edit of fix.edits) {
        const es = this.move(edit.start);
        const ee = edit.end === edit.start ? es : this.move(edit.end);
        if (!es || !ee) return undefined;
        edits.push({ ...edit, start: es.offset, end: ee.offset });
      }
      let declares = fix.declares;
      if (declares) {
        const movedDeclares: string[] = [];
        for (const name of declares) {
          const at = DECLARES_AT.exec(name);
          const moved = at ? this.move(Number(at[1])) : undefined;
          if (at && !moved) return undefined;
          movedDeclares.push(at ? `${name.slice(0, at.index)}@${moved!.offset}` : name);
        }
        declares = movedDeclares;
      }
      fixes.push({ ...fix, edits, ...(declares ? { declares } : {}) });
    }
    const s = sourceFile.getLineAndCharacterOfPosition(start.offset);
    const e = sourceFile.getLineAndCharacterOfPosition(end.offset);
    return {
      ...d, start: start.offset, end: end.offset, related, fixes,
      startPos: { line: s.line + 1, column: s.character + 1 }, endPos: { line: e.line + 1, column: e.character + 1 },
    };
  }
}

/** What the findings depend on besides the text: the rules and their options, the settings, the tier and the host's context. */
export function memoKey(options: LintFileOptions, typed: boolean, context = ""): string {
  const rules = options.rules.map(({ rule, severity, options: ruleOptions }) => `${rule.id}:${severity}:${JSON.stringify(ruleOptions)}`).join(",");
  return `${typed ? "typed" : "loose"}|${context}|${rules}|${JSON.stringify(options.settings ?? null)}`;
}

/**
 * Statements whose change a quick lint does not follow: imports and exports of other code,
 * module declarations, code that requires modules (the file's imports are a file-level fact),
 * leaklint directives (they silence other statements' findings).
 */
function isFragile(statement: ts.Statement, text: string): boolean {
  return isFragileKind(statement) || isFragileCode(text.slice(statement.pos, statement.end));
}

function isFragileKind(statement: ts.Statement): boolean {
  return ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) || ts.isExportDeclaration(statement)
    || ts.isExportAssignment(statement) || ts.isModuleDeclaration(statement);
}

function isFragileCode(code: string): boolean {
  return code.includes("leaklint") || /\brequire\s*\(/.test(code);
}

/**
 * The top-level names each statement declares or mentions, and the statements holding each
 * name: what links statements for a quick lint. Only names some statement declares at the
 * top level count (imports do not: a changed import makes the lint a full one).
 */
interface NameGraph {
  holders: Map<string, number[]>;
  namesOf: Map<number, string[]>;
}

function nameGraph(statements: ts.NodeArray<ts.Statement>, identifiers: (name: string) => readonly ts.Node[]): NameGraph {
  const holders = new Map<string, number[]>();
  const namesOf = new Map<number, string[]>();
  const add = (name: string, i: number): void => {
    const list = holders.get(name);
    if (list?.[list.length - 1] === i) return;
    if (list) list.push(i);
    else holders.set(name, [i]);
    const names = namesOf.get(i);
    if (names) names.push(name);
    else namesOf.set(i, [name]);
  };
  const declared = new Map<string, number[]>();
  statements.forEach((statement, i) => {
    for (const name of declaredNames(statement)) declared.set(name, [...(declared.get(name) ?? []), i]);
  });
  for (const [name, declaring] of declared) {
    // Identifiers come in position order, so are their statements: one entry per statement.
    for (const id of identifiers(name)) {
      const i = statementIndexAt(statements, id.pos);
      if (i >= 0) add(name, i);
    }
    for (const i of declaring) if (!holders.get(name)?.includes(i)) add(name, i);
  }
  return { holders, namesOf };
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    const names: string[] = [];
    for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, names);
    return names;
  }
  const name = (statement as { name?: ts.Node }).name;
  return name && ts.isIdentifier(name) ? [name.text] : [];
}

function bindingNames(name: ts.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, into);
}

/** The index of the top-level statement whose range holds `pos` (-1: none, the end of the file). */
export function statementIndexAt(statements: ts.NodeArray<ts.Statement>, pos: number): number {
  let low = 0;
  let high = statements.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const statement = statements[middle];
    if (pos < statement.pos) high = middle - 1;
    else if (pos >= statement.end) low = middle + 1;
    else return middle;
  }
  return -1;
}
