// The property-based check of safe fixes: a seeded generator mutates the fixtures and the
// example project (rename a binding, wrap a statement in a block / try / if, duplicate a
// statement, re-indent, swap quotes, drop semicolons, CRLF line endings, a second copy of a
// leak), lints each mutant, applies the safe fixes until stable and checks: the loop
// converges, the result parses, fixing again changes nothing, no safe-fixable finding is
// left, and no error was added — binding-level errors (redeclared, missing or used-before-
// declaration names, `await` outside async) loose, every TypeScript error under
// `strict: true` in the typed tier. `npm test` runs a bounded seeded sample; `npm run fuzz`
// the long run.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { type LintDiagnostic, fixUntilStable, lintSourceFile, lintText, typeInfo } from "leaklint";
import { FIXTURES_DIR, REPO_ROOT, listFixtureFiles, lintOptions } from "./fixtures";
import { ProgramPool } from "./fuzz-programs";

export interface FuzzInput {
  file: string;
  text: string;
  /** The compiler options of its tsconfig (typed tier), undefined loose. */
  compilerOptions: ts.CompilerOptions | undefined;
}

export interface FuzzFigures {
  inputs: number;
  /** Mutants that did not parse (skipped: not the fixes' fault). */
  invalidInputs: number;
  fixed: number;
  nonConverging: number;
  fixAddedErrors: number;
  unparsable: number;
  notIdempotent: number;
  findingLeft: number;
  uncaught: number;
  internal: number;
  /** One line per failed property (capped). */
  failures: string[];
}

/** Binding-level errors: a name redeclared, missing or used before its declaration, `await` outside async. */
const BINDING_CODES = new Set([2300, 2304, 2448, 2449, 2451, 2454, 1308, 18004, 2552, 2663]);
const MAX_FAILURES = 50;
/** Loose files are checked with the standard library and Node's types, nothing resolved: only binding errors count. */
const LOOSE_OPTIONS: ts.CompilerOptions = {
  allowJs: true, checkJs: false, noResolve: true, jsx: ts.JsxEmit.Preserve, noEmit: true, target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], types: ["node"], typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")],
};
/** Library and package declarations parsed once for the whole run (fuzz-programs.ts). */
const programs = new ProgramPool();

export function fuzzInputs(): FuzzInput[] {
  const files = listFixtureFiles(FIXTURES_DIR).filter((f) => /\.[cm]?[jt]sx?$/.test(f));
  const example = path.join(REPO_ROOT, "examples", "leaky-service");
  const exampleFiles = listFixtureFiles(path.join(example, "src")).filter((f) => /\.tsx?$/.test(f));
  return [...files, ...exampleFiles].map((file) => ({ file, text: fs.readFileSync(file, "utf8"), compilerOptions: optionsFor(file) }));
}

function optionsFor(file: string): ts.CompilerOptions | undefined {
  for (let dir = path.dirname(file); dir.startsWith(REPO_ROOT) && dir !== REPO_ROOT; dir = path.dirname(dir)) {
    if (dir === FIXTURES_DIR) return undefined;
    const config = path.join(dir, "tsconfig.json");
    if (!fs.existsSync(config)) continue;
    const read = ts.readConfigFile(config, ts.sys.readFile);
    return ts.parseJsonConfigFileContent(read.config, ts.sys, dir).options;
  }
  return undefined;
}

/** Deterministic 32-bit generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (text: string, file: string, next: () => number) => string;

const pick = <T>(items: readonly T[], next: () => number): T | undefined => (items.length ? items[Math.floor(next() * items.length)] : undefined);

function statementsOf(text: string, file: string): ts.Statement[] {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: ts.Statement[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isExpressionStatement(node) || ts.isVariableStatement(node)) && (ts.isBlock(node.parent) || ts.isSourceFile(node.parent))) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function wrapStatement(open: string, close: string): Mutation {
  return (text, file, next) => {
    const statement = pick(statementsOf(text, file), next);
    if (!statement) return text;
    const start = statement.getStart();
    return `${text.slice(0, start)}${open}${text.slice(start, statement.end)}${close}${text.slice(statement.end)}`;
  };
}

const MUTATIONS: ReadonlyArray<[string, Mutation]> = [
  ["rename", (text, file, next) => {
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const names: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) names.push(node.name.text);
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    const name = pick(names, next);
    return name ? text.replace(new RegExp(`\\b${name}\\b`, "g"), `${name}Renamed`) : text;
  }],
  ["block", wrapStatement("{ ", " }")],
  ["try", wrapStatement("try { ", " } catch {}")],
  ["if", wrapStatement("if (Date.now() > 0) { ", " }")],
  ["duplicate", (text, file, next) => {
    const statement = pick(statementsOf(text, file), next);
    if (!statement) return text;
    const copy = text.slice(statement.getStart(), statement.end).replace(/\/\/ expect:.*$/gm, "");
    return `${text.slice(0, statement.end)}\n${copy}${text.slice(statement.end)}`;
  }],
  ["indent", (text, _file, next) => (next() < 0.5 ? text.replace(/^( {2})+/gm, (m) => "    ".repeat(m.length / 2)) : text.replace(/^( {2})+/gm, (m) => "\t".repeat(m.length / 2)))],
  ["quotes", (text) => text.replace(/"([A-Za-z0-9 _:./@-]*)"/g, "'$1'")],
  ["semicolons", (text) => text.replace(/;(\s*(\/\/.*)?)$/gm, "$1")],
  ["crlf", (text) => text.replace(/\r?\n/g, "\r\n")],
  ["one-line", (text, file, next) => {
    const statement = pick(statementsOf(text, file).filter((s) => ts.isBlock(s.parent) && s.parent.statements.length === 1), next);
    if (!statement) return text;
    const block = statement.parent;
    return `${text.slice(0, block.getStart())}{ ${text.slice(statement.getStart(), statement.end).replace(/\/\/.*$/gm, "").replace(/\s*\n\s*/g, " ")} }${text.slice(block.end)}`;
  }],
];

export function mutate(input: FuzzInput, next: () => number): { text: string; applied: string[] } {
  let text = input.text;
  const applied: string[] = [];
  const count = 1 + Math.floor(next() * 3);
  for (let i = 0; i < count; i++) {
    const [name, mutation] = pick(MUTATIONS, next)!;
    text = mutation(text, input.file, next);
    applied.push(name);
  }
  return { text, applied };
}

function hasSyntaxErrors(file: string, text: string): boolean {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  return (sourceFile as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics.length > 0;
}

function scriptKind(file: string): ts.ScriptKind {
  return /\.tsx$/.test(file) ? ts.ScriptKind.TSX : /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : /\.jsx$/.test(file) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/** The errors of a text as `code message` strings: binding-level ones loose, all under `strict` with types. */
export function errorsOf(file: string, text: string, compilerOptions: ts.CompilerOptions | undefined): string[] {
  const options: ts.CompilerOptions = compilerOptions
    ? { ...compilerOptions, strict: true, noEmit: true }
    : LOOSE_OPTIONS;
  const program = programs.program(file, text, options);
  const sourceFile = program.getSourceFile(file)!;
  const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
  return diagnostics
    .filter((d) => compilerOptions || BINDING_CODES.has(d.code) || (d.category === ts.DiagnosticCategory.Error && d.code < 2000))
    .map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}

/**
 * The engine's lint of a mutant: loose as `lintText`; typed on a program from the pool (the
 * same engine call a host makes with its program, without re-parsing the libraries).
 */
function lintMutant(input: FuzzInput, text: string): LintDiagnostic[] {
  if (!input.compilerOptions) return lintText(input.file, text, lintOptions());
  const program = programs.program(input.file, text, { ...input.compilerOptions, noEmit: true });
  return lintSourceFile(program.getSourceFile(input.file)!, typeInfo(program), lintOptions());
}

/** Errors of `after` that `before` did not have (as a multiset). */
export function addedErrors(before: readonly string[], after: readonly string[]): string[] {
  const left = [...before];
  return after.filter((error) => {
    const index = left.indexOf(error);
    if (index < 0) return true;
    left.splice(index, 1);
    return false;
  });
}

export function emptyFigures(): FuzzFigures {
  return { inputs: 0, invalidInputs: 0, fixed: 0, nonConverging: 0, fixAddedErrors: 0, unparsable: 0, notIdempotent: 0, findingLeft: 0, uncaught: 0, internal: 0, failures: [] };
}

/** Checks the fix properties on one mutant and adds to `figures`. */
export function checkMutant(input: FuzzInput, text: string, label: string, figures: FuzzFigures): void {
  figures.inputs++;
  const fail = (what: string, detail = ""): void => {
    if (figures.failures.length < MAX_FAILURES) figures.failures.push(`${label}: ${what}${detail ? ` — ${detail}` : ""}`);
  };
  if (hasSyntaxErrors(input.file, text)) {
    figures.invalidInputs++;
    return;
  }
  const lint = (current: string): LintDiagnostic[] => lintMutant(input, current);
  try {
    const first = lint(text);
    if (first.some((d) => d.ruleId === "internal-error" || d.ruleId === "invalid-fix")) {
      figures.internal++;
      fail("internal error", first.find((d) => d.ruleId === "internal-error" || d.ruleId === "invalid-fix")!.message);
    }
    if (!first.some((d) => d.fixes.some((f) => f.safe))) return;
    figures.fixed++;
    const result = fixUntilStable(text, lint, first);
    if (result.notConverged.length > 0) {
      figures.nonConverging++;
      fail("did not converge", result.notConverged.join(", "));
    }
    if (hasSyntaxErrors(input.file, result.text)) {
      figures.unparsable++;
      fail("fixed text does not parse");
      return;
    }
    const again = fixUntilStable(result.text, lint, result.diagnostics);
    if (again.text !== result.text) {
      figures.notIdempotent++;
      fail("fixing again changed the text");
    }
    const left = result.diagnostics.filter((d) => d.fixes.some((f) => f.safe) && !result.notConverged.includes(d.ruleId));
    if (left.length > 0) {
      figures.findingLeft++;
      fail("a safe-fixable finding is left", left.map((d) => `${d.ruleId}@${d.startPos.line}`).join(", "));
    }
    // A mutant that did not type-check already (a renamed property, `super()` moved into a `try`) may
    // get one more instance of an error it has: only a new kind of error counts there.
    const before = errorsOf(input.file, text, input.compilerOptions);
    const after = errorsOf(input.file, result.text, input.compilerOptions);
    const added = before.length === 0 ? after : addedErrors(before, after).filter((error) => !before.includes(error));
    if (added.length > 0) {
      figures.fixAddedErrors++;
      fail("the fix added errors", added.slice(0, 3).join("; "));
    }
  } catch (error) {
    figures.uncaught++;
    fail("uncaught", error instanceof Error ? error.stack ?? error.message : String(error));
  }
}

/** The generator of mutant `n` of a run with `seed`: each mutant has its own, so a run splits into shards that find the same mutants. */
function mutantRandom(seed: number, n: number): () => number {
  return random(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n + 1, 0xc2b2ae35));
}

export interface FuzzRunOptions {
  /** Every `typedEvery`-th mutant is of a typed input (default 5). */
  typedEvery?: number;
  /** This run checks the mutants `n` with `n % shard.of === shard.index` (worker threads). */
  shard?: { index: number; of: number };
  /** Stop at this time (ms since the epoch) with the figures so far. */
  deadline?: number;
  onProgress?: (figures: FuzzFigures) => void;
}

/** Runs `count` seeded mutants over the inputs (typed inputs one in `typedEvery`). */
export function runFuzz(count: number, seed: number, options: FuzzRunOptions = {}): FuzzFigures {
  const inputs = fuzzInputs();
  const loose = inputs.filter((i) => !i.compilerOptions);
  const typed = inputs.filter((i) => i.compilerOptions);
  const figures = emptyFigures();
  const typedEvery = options.typedEvery ?? 5;
  const shard = options.shard ?? { index: 0, of: 1 };
  for (let n = shard.index; n < count && Date.now() < (options.deadline ?? Infinity); n += shard.of) {
    const next = mutantRandom(seed, n);
    const pool = typed.length > 0 && n % typedEvery === typedEvery - 1 ? typed : loose;
    const input = pool[Math.floor(next() * pool.length)];
    const mutant = mutate(input, next);
    checkMutant(input, mutant.text, `${path.relative(REPO_ROOT, input.file)} [seed ${seed} #${n}: ${mutant.applied.join("+")}]`, figures);
    options.onProgress?.(figures);
  }
  return figures;
}

/** The figures of several shards as one run's. */
export function mergeFigures(parts: readonly FuzzFigures[]): FuzzFigures {
  const total = emptyFigures();
  for (const part of parts) {
    for (const key of Object.keys(total) as Array<keyof FuzzFigures>) {
      if (key === "failures") total.failures.push(...part.failures.slice(0, Math.max(0, MAX_FAILURES - total.failures.length)));
      else total[key] += part[key];
    }
  }
  return total;
}
