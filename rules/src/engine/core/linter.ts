// The linter: runs the enabled rules over one source file in a single walk,
// applies directive comments, and isolates faults — a rule that throws yields one
// internal-error diagnostic for that file and rule, and everything else still runs.
import ts from "typescript";
import { docsUrlFor } from "./define-rule";
import { walk } from "./ast";
import { type Handler, collectTargets, visitTargets } from "./dispatch";
import { isDevelopmentOnly } from "./dev-only";
import { Directives } from "./directives";
import { clampRange, describeThrown, fixProblem } from "./faults";
import { Facts } from "./facts";
import { type IncrementalLint, type IncrementalPlan, memoKey } from "./incremental";
import type { UnparsableSourceFile } from "./compiler-options";
import type { Analysis } from "./analysis";
import { type ReportDescriptor, type ResolvedRule, type RuleModule, type RuleVisitors, declaredFixKinds } from "./rule";
import type { EngineSettings, Fix, LintDiagnostic, RelatedLocation, Severity, TypeInfo } from "./types";

export interface LintFileOptions {
  rules: readonly ResolvedRule[];
  settings: EngineSettings;
  reportUnusedDirectives?: boolean;
  /** Accumulates milliseconds per rule id (create + visitors) when given. */
  ruleTimes?: Map<string, number>;
  /** An editor's memo of the last lint of this file: a quick lint re-visits only what an edit can affect (core/incremental.ts). */
  incremental?: IncrementalLint;
}

export const ENGINE_RULES = {
  parseError: "parse-error",
  internalError: "internal-error",
  invalidFix: "invalid-fix",
  fixNotConverged: "fix-not-converged",
  typesUnavailable: "types-unavailable",
  tsconfigError: "tsconfig-error",
  unusedDirective: "unused-directive",
} as const;

/**
 * A fault of leaklint or of a rule's code (a rule that threw, a fix that was refused), not
 * a finding about the code: hosts show it, but it does not decide the CLI's exit code.
 */
export function isEngineFault(diagnostic: Pick<LintDiagnostic, "ruleId">): boolean {
  return diagnostic.ruleId === ENGINE_RULES.internalError || diagnostic.ruleId === ENGINE_RULES.invalidFix
    || diagnostic.ruleId === ENGINE_RULES.fixNotConverged;
}

const EMPTY_SETTINGS: EngineSettings = { resources: [], listeners: [], pools: [] };

/**
 * Lints one file. `types` is its typed program and checker (a tsconfig project); without
 * it the file is analysed loose — names and scopes only.
 */
export function lintSourceFile(sourceFile: ts.SourceFile, types: TypeInfo | undefined, options: LintFileOptions): LintDiagnostic[] {
  const steps = lintSteps(sourceFile, types, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}


/**
 * `lintSourceFile` in steps: the generator yields every few thousand nodes (and between
 * finishers), so a host can keep serving between steps, stop a run whose input went stale
 * (`return()` on the generator) or one that exceeds its time budget. Its value is the
 * diagnostics.
 */
export function* lintSteps(sourceFile: ts.SourceFile, types: TypeInfo | undefined, options: LintFileOptions): Generator<void, LintDiagnostic[]> {
  const failure = (sourceFile as UnparsableSourceFile).leaklintParseFailure;
  if (failure) return [engineDiagnostic(sourceFile, ENGINE_RULES.parseError, "error", `Parsing error: ${failure} (the file was not linted)`, 0, 0)];
  const parseErrors = syntaxErrors(sourceFile, types?.program);
  if (parseErrors.length > 0) return [parseErrorDiagnostic(sourceFile, parseErrors[0])];

  ensureParents(sourceFile);
  const facts = new Facts(sourceFile, types);
  const directives = new Directives(sourceFile);
  const diagnostics: LintDiagnostic[] = [];
  const failed = new Set<string>();
  const dispatch = new Map<ts.SyntaxKind, Handler[]>();
  const finishers: Array<{ id: string; run: () => void }> = [];
  const refused = new Set<string>();
  // A fix that cannot be applied is dropped from its finding (which stays) and said once per rule and file.
  const refuseFix = (id: string, problem: string): void => {
    if (refused.has(id)) return;
    refused.add(id);
    diagnostics.push(engineDiagnostic(sourceFile, ENGINE_RULES.invalidFix, "error",
      `Rule "${id}" produced a fix that was refused and not applied: ${problem}`, 0, 0));
  };
  const timed = <T>(id: string, action: () => T): T | undefined => {
    if (failed.has(id)) return undefined;
    const start = options.ruleTimes ? performance.now() : 0;
    try {
      return action();
    } catch (error) {
      failed.add(id);
      diagnostics.push(internalErrorDiagnostic(sourceFile, id, error));
      return undefined;
    } finally {
      if (options.ruleTimes) options.ruleTimes.set(id, (options.ruleTimes.get(id) ?? 0) + performance.now() - start);
    }
  };

  // Everything that reads a rule module runs under its guard: a plugin's meta, create and
  // visitor table are its code too (getters included).
  for (const { rule, severity, options: ruleOptions } of options.rules) {
    const id = rule.id;
    timed(id, () => {
      if (rule.meta.requiresTypeInfo && !types) return; // says nothing without a program
      const report = makeReporter(sourceFile, rule, severity, directives, diagnostics, refuseFix);
      const visitors = rule.create({
        id,
        sourceFile,
        fileName: sourceFile.fileName,
        options: ruleOptions,
        facts,
        settings: options.settings ?? EMPTY_SETTINGS,
        report,
        use: <T>(analysis: Analysis<T>): T => {
          if (!rule.meta.requires.includes(analysis)) {
            throw new Error(`rule ${id} uses the analysis "${analysis.id}" without declaring it in meta.requires`);
          }
          return facts.analysis(analysis);
        },
      }) as RuleVisitors | undefined;
      if (!visitors) return;
      const own: Array<[string, unknown]> = Object.entries(visitors); // read fully before any is registered
      // A rule with whole-file work keeps state across its visitors: it visits every statement, always.
      const whole = own.some(([key]) => key === "onFileEnd");
      for (const [key, visit] of own) {
        if (typeof visit !== "function") throw new Error(`rule ${id} returned a visitor "${key}" that is not a function`);
        if (key === "onFileEnd") {
          finishers.push({ id, run: visit as () => void });
          continue;
        }
        const kind = Number(key) as ts.SyntaxKind;
        const list = dispatch.get(kind) ?? [];
        list.push({ id, visit: visit as (node: ts.Node) => void, whole });
        dispatch.set(kind, list);
      }
    });
  }

  const visit = (id: string, visitor: (node: ts.Node) => void, node: ts.Node): void => {
    if (failed.has(id)) return;
    if (options.ruleTimes) {
      timed(id, () => visitor(node));
      return;
    }
    try {
      visitor(node);
    } catch (error) {
      failed.add(id);
      diagnostics.push(internalErrorDiagnostic(sourceFile, id, error));
    }
  };
  const incremental = options.incremental && !options.reportUnusedDirectives ? options.incremental : undefined;
  const key = incremental && memoKey(options, types !== undefined, incremental.context);
  // Per top-level statement, the findings of the rules without whole-file work (the memo's next base).
  const byStatement: LintDiagnostic[][] = [];
  let plan: IncrementalPlan | undefined;
  if (dispatch.size > 0) {
    const { targets, statementOf } = yield* collectTargets(sourceFile, facts, dispatch);
    if (incremental && !incremental.exact) plan = incremental.memo.plan(sourceFile, key!, (name) => facts.identifiersNamed(name));
    yield* visitTargets(targets, statementOf, dispatch, plan, (handler, node, statement) => {
      const before = diagnostics.length;
      visit(handler.id, handler.visit, node);
      if (incremental && statement >= 0 && !handler.whole) for (let j = before; j < diagnostics.length; j++) (byStatement[statement] ??= []).push(diagnostics[j]);
    });
  }
  for (const finisher of finishers) {
    yield;
    timed(finisher.id, finisher.run);
  }

  if (options.reportUnusedDirectives) {
    for (const directive of directives.unused()) {
      const what = directive.rules.length > 0 ? directive.rules.join(", ") : "all rules";
      diagnostics.push(engineDiagnostic(sourceFile, ENGINE_RULES.unusedDirective, "warning",
        `Unused leaklint-${directive.kind} directive (no problem of ${what} was reported here).`, directive.start, directive.end));
    }
  }
  if (plan) {
    for (const [statement, findings] of plan.reused) {
      byStatement[statement] = findings;
      diagnostics.push(...findings);
    }
  }
  if (incremental) {
    if (diagnostics.some(isEngineFault)) incremental.memo.forget();
    else incremental.memo.record(sourceFile, key!, byStatement, (name) => facts.identifiersNamed(name));
  }
  // A total order: a quick lint (findings taken over come last) and an exact one list the same findings alike.
  return diagnostics.sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId) || a.end - b.end || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

/**
 * Parent pointers. The binder sets them, but a typed file is linted without binding
 * unless a rule asks a type question, and hosts may hand in files parsed without them;
 * TypeScript's own `setParentRecursive` (internal) in incremental mode only descends
 * where a parent is missing or stale, so a file that has them costs next to nothing.
 */
const setParentRecursive = (ts as unknown as { setParentRecursive?: (node: ts.Node, incremental: boolean) => void }).setParentRecursive;

function ensureParents(sourceFile: ts.SourceFile): void {
  if (setParentRecursive) {
    setParentRecursive(sourceFile, true);
    return;
  }
  walk(sourceFile, (node) => {
    ts.forEachChild(node, (child) => {
      (child as { parent: ts.Node }).parent = node;
    });
  });
}

/**
 * The parser's own errors. `parseDiagnostics` is what the parser recorded (internal but
 * stable across 5.x/6.0); the public `getSyntacticDiagnostics` would also re-walk every
 * JavaScript file looking for TypeScript-only syntax, which costs a fifth of a parse.
 */
function syntaxErrors(sourceFile: ts.SourceFile, program: ts.Program | undefined): readonly ts.Diagnostic[] {
  const recorded = (sourceFile as ts.SourceFile & { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics;
  return recorded ?? program?.getSyntacticDiagnostics(sourceFile) ?? [];
}

function makeReporter(
  sourceFile: ts.SourceFile,
  rule: RuleModule,
  severity: Severity,
  directives: Directives,
  sink: LintDiagnostic[],
  refuseFix: (ruleId: string, problem: string) => void,
): (descriptor: ReportDescriptor<string>) => void {
  const kinds = declaredFixKinds(rule.meta);
  const eol = lineBreakOf(sourceFile.text);
  const length = sourceFile.text.length;
  return (descriptor) => {
    const fixes: Fix[] = [];
    if (descriptor.fixes !== undefined && !Array.isArray(descriptor.fixes)) refuseFix(rule.id, "the report's fixes are not a list");
    for (const fix of Array.isArray(descriptor.fixes) ? descriptor.fixes : []) {
      const problem = fixProblem(fix, length, kinds);
      if (problem) refuseFix(rule.id, problem);
      else fixes.push(fix);
    }
    const { start, end } = rangeOf(sourceFile, descriptor.node);
    if (directives.isSilenced(rule.id, start)) return;
    if ("kind" in descriptor.node && isDevelopmentOnly(descriptor.node)) return; // runs only in development: not a production leak
    const template = (rule.messages as Record<string, string>)[descriptor.messageId];
    if (typeof template !== "string") throw new Error(`rule ${rule.id} reported unknown message id "${descriptor.messageId}"`);
    const related: RelatedLocation[] = (descriptor.related ?? []).map((r) => ({
      fileName: sourceFile.fileName,
      ...rangeOf(sourceFile, r.node),
      message: String(r.message),
    }));
    sink.push({
      ...positioned(sourceFile, start, end),
      fileName: sourceFile.fileName,
      ruleId: rule.id,
      family: rule.meta.family,
      severity,
      message: formatMessage(template, descriptor.data),
      related,
      fixes: fixes.map((fix) => normalizeFix(fix, eol)),
      docsUrl: docsUrlFor(rule.id),
    });
  };
}

/** Edits sorted by position, their line breaks in the file's own style (a CRLF file gets CRLF lines). */
function normalizeFix(fix: Fix, eol: string): Fix {
  const edits = fix.edits.map((edit) => (edit.newText.includes("\n") ? { ...edit, newText: edit.newText.replace(/\r?\n/g, eol) } : edit));
  return { ...fix, edits: edits.sort((a, b) => a.start - b.start) };
}

/** The file's line break: CRLF when its first line ends with one. */
function lineBreakOf(text: string): string {
  const first = text.indexOf("\n");
  return first > 0 && text[first - 1] === "\r" ? "\r\n" : "\n";
}

export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (data && key in data ? String(data[key]) : whole));
}

/** A reported node's or range's offsets, clamped into the file (a plugin may hand in any numbers). */
function rangeOf(sourceFile: ts.SourceFile, node: ts.Node | { start: number; end: number }): { start: number; end: number } {
  if ("kind" in node) return clampRange(node.getStart(sourceFile), node.getEnd(), sourceFile.text.length);
  return clampRange(node.start, node.end, sourceFile.text.length);
}

function positioned(sourceFile: ts.SourceFile, start: number, end: number): Pick<LintDiagnostic, "start" | "end" | "startPos" | "endPos"> {
  const s = sourceFile.getLineAndCharacterOfPosition(start);
  const e = sourceFile.getLineAndCharacterOfPosition(end);
  return { start, end, startPos: { line: s.line + 1, column: s.character + 1 }, endPos: { line: e.line + 1, column: e.character + 1 } };
}

export function engineDiagnostic(
  sourceFile: ts.SourceFile,
  ruleId: string,
  severity: Severity,
  message: string,
  start: number,
  end: number,
): LintDiagnostic {
  return {
    ...positioned(sourceFile, start, Math.max(start, end)),
    fileName: sourceFile.fileName,
    ruleId,
    family: "engine",
    severity,
    message,
    related: [],
    fixes: [],
    docsUrl: docsUrlFor(ruleId),
  };
}

function parseErrorDiagnostic(sourceFile: ts.SourceFile, error: ts.DiagnosticWithLocation | ts.Diagnostic): LintDiagnostic {
  const start = Math.min(error.start ?? 0, sourceFile.text.length);
  const message = ts.flattenDiagnosticMessageText(error.messageText, " ");
  return engineDiagnostic(sourceFile, ENGINE_RULES.parseError, "error",
    `Parsing error: ${message} (the file was not linted)`, start, start + (error.length ?? 0));
}

function internalErrorDiagnostic(sourceFile: ts.SourceFile, ruleId: string, error: unknown): LintDiagnostic {
  const detail = describeThrown(error);
  return engineDiagnostic(sourceFile, ENGINE_RULES.internalError, "error",
    `Rule "${ruleId}" failed on this file and was skipped for it: ${detail}`, 0, 0);
}
