// The annotated-fixture harness: lints fixture files with every rule, matches the
// diagnostics against `// expect: <rule-id> ["message regex"]` comments, and checks
// golden `.fixed` files (all safe fixes applied until stable) and `.suggested` files
// (the first suggestion of every diagnostic applied once).
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import {
  type LintDiagnostic, type ResolvedRule, applyFixes, createLintUnits, fixUntilStable as fixLoop, isLintable, lintSourceFile, lintText, mapToComponent, rules, unitFiles,
} from "leaklint";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const FIXTURES_DIR = path.join(REPO_ROOT, "test", "fixtures");

export interface Expectation {
  line: number;
  ruleId: string;
  message?: RegExp;
}

export function allRules(): ResolvedRule[] {
  return rules.map((rule) => ({ rule, severity: rule.meta.defaultSeverity, options: rule.defaultOptions }));
}

export function listFixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") out.push(...listFixtureFiles(abs));
    else if (entry.isFile() && isLintable(abs)) out.push(abs);
  }
  return out.sort();
}

export function parseExpectations(text: string): Expectation[] {
  const result: Expectation[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const comment = line.indexOf("expect:");
    if (comment < 0) return;
    const pattern = /expect:\s*([a-z][a-z0-9-]*)(?:\s+"((?:[^"\\]|\\.)*)")?/g;
    for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
      result.push({ line: index + 1, ruleId: match[1], message: match[2] ? new RegExp(match[2].replace(/\\"/g, "\"")) : undefined });
    }
  });
  return result;
}

/** Lints the given fixture files, each in the program of its nearest tsconfig (or loose). */
export function lintFixtures(files: readonly string[]): Map<string, { diagnostics: LintDiagnostic[]; compilerOptions?: ts.CompilerOptions }> {
  const results = new Map<string, { diagnostics: LintDiagnostic[]; compilerOptions?: ts.CompilerOptions }>();
  for (const unit of createLintUnits(files)) {
    for (const { fileName, sourceFile, types } of unitFiles(unit)) {
      const diagnostics = mapToComponent(sourceFile, lintSourceFile(sourceFile, types, { rules: allRules(), settings: { resources: [], listeners: [], pools: [] } }));
      results.set(fileName, { diagnostics, compilerOptions: types?.program.getCompilerOptions() });
    }
  }
  return results;
}

/** Differences between expectations and diagnostics, as readable lines (empty when they agree). */
export function compareExpectations(expectations: readonly Expectation[], diagnostics: readonly LintDiagnostic[]): string[] {
  const problems: string[] = [];
  const remaining = [...expectations];
  for (const d of diagnostics) {
    const index = remaining.findIndex((e) => e.line === d.startPos.line && e.ruleId === d.ruleId && (!e.message || e.message.test(d.message)));
    if (index >= 0) remaining.splice(index, 1);
    else problems.push(`unexpected ${d.ruleId} at line ${d.startPos.line}:${d.startPos.column}: ${d.message}`);
  }
  for (const e of remaining) problems.push(`missing ${e.ruleId} at line ${e.line}${e.message ? ` matching ${e.message}` : ""}`);
  return problems;
}

export function lintOptions(): Parameters<typeof lintText>[2] {
  return { rules: allRules(), settings: { resources: [], listeners: [], pools: [] } };
}

/** Applies safe fixes and re-lints until stable, like `leaklint --fix` (the engine's loop). */
export function fixUntilStable(file: string, text: string, compilerOptions: ts.CompilerOptions | undefined): string {
  return fixLoop(text, (current) => lintText(file, current, lintOptions(), compilerOptions)).text;
}

/** Applies the first suggestion (non-safe fix) of every diagnostic, once. */
export function applySuggestions(diagnostics: readonly LintDiagnostic[], text: string): string {
  const suggestions = diagnostics.flatMap((d) => d.fixes.filter((f) => !f.safe).slice(0, 1));
  return applyFixes(text, suggestions).text;
}

/** Syntax errors of a text, and type errors when `compilerOptions` are given. */
export function compileErrors(file: string, text: string, compilerOptions: ts.CompilerOptions | undefined): string[] {
  const options = compilerOptions ?? { allowJs: true, noLib: true, noResolve: true, jsx: ts.JsxEmit.Preserve };
  const host = ts.createCompilerHost(options, true);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) =>
    path.resolve(name) === path.resolve(file) ? ts.createSourceFile(file, text, version, true) : original(name, version, onError, create);
  const program = ts.createProgram({ rootNames: [file], options: { ...options, noEmit: true }, host });
  const sourceFile = program.getSourceFile(file)!;
  const diagnostics = [
    ...program.getSyntacticDiagnostics(sourceFile),
    ...(compilerOptions ? program.getSemanticDiagnostics(sourceFile) : []),
  ];
  return diagnostics.map((d) => {
    const pos = d.start !== undefined ? sourceFile.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    return `${pos.line + 1}:${pos.character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
}
