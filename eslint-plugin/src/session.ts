// One leaklint run per file and ESLint pass, shared by every leaklint rule ESLint enabled
// on it. ESLint calls each rule's `create` before it walks the file, so by the first
// `Program:exit` every enabled rule has joined the session: the engine then lints the
// file once (one walk, one set of shared analyses) and each rule reports its own findings.
// Typed on typescript-eslint's `parserServices.program` when the parser built one; loose
// otherwise (the engine parses the text itself — espree's tree is not a TypeScript tree).
import type { Rule, SourceCode } from "eslint";
import {
  type LeaklintConfig, type LintDiagnostic, type RuleModule, ConfigError, ConfigLookup, RulesPerFile, lintHostedFile, rules as builtinRules,
} from "leaklint";

type HostProgram = Parameters<typeof lintHostedFile>[2];

interface Joined {
  rule: RuleModule;
  /** The rule's options from the ESLint config (they win over the leaklint config's). */
  options: Record<string, unknown> | undefined;
}

interface Outcome {
  byRule: Map<string, LintDiagnostic[]>;
  /** What is not a finding of one rule — engine diagnostics, why types were not used, a broken config — reported once per file. */
  notices: Array<{ message: string; start: number; end: number }>;
}

export class FileSession {
  private readonly joined = new Map<string, Joined>();
  private outcome?: Outcome;

  constructor(private readonly fileName: string, private readonly cwd: string, private readonly sourceCode: SourceCode) {}

  join(rule: RuleModule, options: Record<string, unknown> | undefined): void {
    this.joined.set(rule.id, { rule, options });
  }

  /** The first rule that joined reports the notices (so they appear once). */
  isLead(ruleId: string): boolean {
    return this.joined.keys().next().value === ruleId;
  }

  findings(ruleId: string): LintDiagnostic[] {
    return this.run().byRule.get(ruleId) ?? [];
  }

  notices(): Outcome["notices"] {
    return this.run().notices;
  }

  private run(): Outcome {
    if (this.outcome) return this.outcome;
    const outcome: Outcome = { byRule: new Map(), notices: [] };
    this.outcome = outcome;
    let config: LeaklintConfig;
    try {
      // The file's own config, looked up as the CLI and the editor do (the engine's host layer).
      config = new ConfigLookup({ cwd: this.cwd, rules: builtinRules }).for(this.fileName).config;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      outcome.notices.push({ message: `leaklint configuration: ${error.message}`, start: 0, end: 0 });
      return outcome;
    }
    // Which rules leaklint runs on this kind of file (test files, one-shot scripts), as the CLI does;
    // severities and the rule list are ESLint's.
    const here = new Set(new RulesPerFile(builtinRules, { ...config, rules: {}, overrides: [] }).for(this.fileName).map((r) => r.rule.id));
    const resolved = [...this.joined.values()].filter((j) => here.has(j.rule.id)).map(({ rule, options }) => ({
      rule,
      severity: rule.meta.defaultSeverity,
      options: { ...(rule.defaultOptions as object), ...(config.rules[rule.id]?.options ?? {}), ...(options ?? {}) },
    }));
    if (resolved.length === 0) return outcome;
    const program = (this.sourceCode.parserServices as { program?: HostProgram } | undefined)?.program;
    const result = lintHostedFile(this.fileName, this.sourceCode.text, program, {
      rules: resolved,
      settings: config.settings,
      reportUnusedDirectives: config.reportUnusedDirectives,
    });
    if (result.untyped) outcome.notices.push({ message: `leaklint linted this file without types: ${result.untyped}.`, start: 0, end: 0 });
    holdBackRedeclaringFixes(result.diagnostics);
    for (const diagnostic of result.diagnostics) {
      if (diagnostic.family === "engine") {
        outcome.notices.push({ message: diagnostic.message, start: diagnostic.start, end: diagnostic.end });
        continue;
      }
      const list = outcome.byRule.get(diagnostic.ruleId) ?? [];
      list.push(diagnostic);
      outcome.byRule.set(diagnostic.ruleId, list);
    }
    return outcome;
  }
}

/**
 * ESLint applies every non-overlapping fix of a pass; two fixes that declare the same name in one
 * scope (two inline `bus.on("message", …)` handlers both hoisted to `onMessage`) would redeclare it.
 * As `leaklint --fix` does, the later one waits for the next pass, where it gets a fresh name.
 */
function holdBackRedeclaringFixes(diagnostics: LintDiagnostic[]): void {
  const safe = diagnostics.flatMap((d) => d.fixes.filter((f) => f.safe && f.declares?.length).map((fix) => ({ d, fix })));
  safe.sort((a, b) => Math.min(...a.fix.edits.map((e) => e.start)) - Math.min(...b.fix.edits.map((e) => e.start)));
  const declared = new Set<string>();
  for (const { d, fix } of safe) {
    if (fix.declares!.some((name) => declared.has(name))) d.fixes = d.fixes.filter((f) => f !== fix);
    else for (const name of fix.declares!) declared.add(name);
  }
}

const sessions = new WeakMap<SourceCode, FileSession>();

/** The session of the file `context` lints in this pass (ESLint makes one SourceCode per file and pass). */
export function sessionFor(context: Rule.RuleContext): FileSession {
  let session = sessions.get(context.sourceCode);
  if (!session) {
    session = new FileSession(context.filename, context.cwd, context.sourceCode);
    sessions.set(context.sourceCode, session);
  }
  return session;
}
