// Choosing and running the output format: the built-in ones, or a formatter module with
// ESLint's signature `(results, context) => string | Promise<string>` (so ESLint formatters
// work too), and writing the report to stdout or `--output-file`. Custom formatters get
// ESLint's LintResult shape: severity 2 for errors, 1 for warnings and info.
import fs from "node:fs";
import path from "node:path";
import type { FileResult, RuleModule } from "../engine";
import { declaredFixKinds, docsUrlFor } from "../engine";
import { BUILTIN_FORMATS, UsageError } from "./args";
import { formatCheckstyle, formatGitlab } from "./ci-formats";
import { formatGithub, formatJson, formatStylish } from "./formatters";
import { type ReportContext } from "./report-context";
import { formatSarif } from "./sarif";

export interface RenderOptions {
  rules: readonly RuleModule[];
  context: ReportContext;
  color: boolean;
  version: string;
  dryRun: boolean;
  maxWarnings?: number;
}

type Formatter = (results: EslintResult[], context: object) => string | Promise<string>;

export interface EslintResult {
  filePath: string;
  messages: Array<{
    ruleId: string; severity: 1 | 2; message: string; line: number; column: number; endLine: number; endColumn: number;
    fix?: { range: [number, number]; text: string };
    suggestions?: Array<{ desc: string; fix: { range: [number, number]; text: string } }>;
  }>;
  suppressedMessages: never[];
  errorCount: number;
  fatalErrorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  usedDeprecatedRules: never[];
  output?: string;
  source?: string;
}

/** Throws a UsageError for a format that is neither built in nor a loadable formatter module. */
export function resolveFormat(format: string, cwd: string): string | Formatter {
  if ((BUILTIN_FORMATS as readonly string[]).includes(format)) return format;
  const candidates = /^[./]|^[A-Za-z]:[\\/]|\.[cm]?js$/.test(format)
    ? [path.resolve(cwd, format)]
    : [format, `leaklint-formatter-${format}`, `eslint-formatter-${format}`];
  for (const candidate of candidates) {
    let resolved: string;
    try {
      resolved = require.resolve(candidate, { paths: [cwd] });
    } catch {
      continue;
    }
    let loaded: unknown;
    try {
      loaded = require(resolved);
    } catch (error) {
      throw new UsageError(`cannot load the formatter "${format}" (${resolved}): ${(error as Error).message}`);
    }
    const fn = typeof loaded === "function" ? loaded : (loaded as { default?: unknown } | null)?.default;
    if (typeof fn !== "function") throw new UsageError(`the formatter "${format}" must export a function (results, context) => string`);
    return fn as Formatter;
  }
  throw new UsageError(`unknown format "${format}" (expected ${BUILTIN_FORMATS.join(", ")}, or a formatter module: a path or package name)`);
}

export async function render(format: string | Formatter, results: readonly FileResult[], options: RenderOptions): Promise<string> {
  const { context } = options;
  switch (format) {
    case "json":
      return formatJson(results, options.dryRun);
    case "sarif":
      return formatSarif(results, options.rules, context, options.version);
    case "github":
      return formatGithub(results, context.repoRoot);
    case "gitlab":
      return formatGitlab(results, context);
    case "checkstyle":
      return formatCheckstyle(results);
    case "stylish":
      return formatStylish(results, options.color);
  }
  if (typeof format === "string") throw new UsageError(`unknown format "${format}"`);
  const eslintResults = results.map((r) => toEslintResult(r, context));
  const warnings = eslintResults.reduce((n, r) => n + r.warningCount, 0);
  let text: unknown;
  try {
    text = await format(eslintResults, {
      cwd: context.cwd,
      color: options.color,
      rulesMeta: rulesMeta(options.rules),
      maxWarningsExceeded: options.maxWarnings !== undefined && warnings > options.maxWarnings ? { maxWarnings: options.maxWarnings, foundWarnings: warnings } : undefined,
    });
  } catch (error) {
    throw new Error(`the formatter failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
  if (typeof text !== "string") throw new Error(`the formatter returned ${typeof text}, not a string`);
  return text === "" || text.endsWith("\n") ? text : text + "\n";
}

/** Writes the report to `--output-file` (creating its folder) or to stdout. */
export function writeReport(text: string, outputFile: string | undefined, cwd: string, stdout: (text: string) => void): void {
  if (outputFile === undefined) {
    stdout(text);
    return;
  }
  const file = path.resolve(cwd, outputFile);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`cannot write the output file ${outputFile}: ${(error as Error).message}`);
  }
}

function toEslintResult(result: FileResult, context: ReportContext): EslintResult {
  const source = context.sourceOf(result.filePath);
  const asEslintFix = (edits: ReadonlyArray<{ start: number; end: number; newText: string }>): { range: [number, number]; text: string } | undefined => {
    if (edits.length === 0 || source === undefined) return undefined;
    const sorted = [...edits].sort((a, b) => a.start - b.start);
    const start = sorted[0].start;
    const end = Math.max(...sorted.map((e) => e.end));
    let text = "";
    let at = start;
    for (const edit of sorted) {
      text += source.slice(at, edit.start) + edit.newText;
      at = Math.max(at, edit.end);
    }
    return { range: [start, end], text: text + source.slice(at, end) };
  };
  const messages = result.diagnostics.map((d) => {
    const safe = d.fixes.find((f) => f.safe);
    const fix = safe && asEslintFix(safe.edits);
    const suggestions = d.fixes.filter((f) => !f.safe).flatMap((f) => {
      const s = asEslintFix(f.edits);
      return s ? [{ desc: f.description, fix: s }] : [];
    });
    return {
      ruleId: d.ruleId, severity: (d.severity === "error" ? 2 : 1) as 1 | 2, message: d.message,
      line: d.startPos.line, column: d.startPos.column, endLine: d.endPos.line, endColumn: d.endPos.column,
      ...(fix ? { fix } : {}), ...(suggestions.length > 0 ? { suggestions } : {}),
    };
  });
  const count = (severity: 1 | 2, fixable = false): number => messages.filter((m) => m.severity === severity && (!fixable || m.fix)).length;
  return {
    filePath: result.filePath,
    messages,
    suppressedMessages: [],
    errorCount: count(2),
    fatalErrorCount: result.diagnostics.filter((d) => d.ruleId === "parse-error").length,
    warningCount: count(1),
    fixableErrorCount: count(2, true),
    fixableWarningCount: count(1, true),
    usedDeprecatedRules: [],
    ...(result.output !== undefined ? { output: result.output } : {}),
  };
}

function rulesMeta(rules: readonly RuleModule[]): Record<string, object> {
  return Object.fromEntries(rules.map((rule) => [rule.id, {
    type: "problem",
    docs: { description: rule.meta.description, url: docsUrlFor(rule.id) },
    ...(declaredFixKinds(rule.meta).includes("safe") ? { fixable: "code" } : {}),
    hasSuggestions: declaredFixKinds(rule.meta).includes("suggestion"),
  }]));
}
