// Rule modules: what a rule declares (family, fix kinds, type needs, the shared analyses
// it reads), the context it is given, and its visitors.
import type ts from "typescript";
import type { Analysis } from "./analysis";
import type { Facts } from "./facts";
import type { EngineSettings, Family, Fix, FixCapability, Severity } from "./types";

export interface RuleMeta {
  family: Family;
  description: string;
  /**
   * The kinds of fix the rule emits: "none", one kind, or both ("safe" and "suggestion").
   * The linter refuses a fix of an undeclared kind.
   */
  fix: FixCapability | readonly FixCapability[];
  /** True when the rule needs the type checker to say anything at all. */
  requiresTypeInfo: boolean;
  /** The shared analyses the rule reads through `context.use` (the analysis values themselves). */
  requires: readonly Analysis<unknown>[];
  defaultSeverity: Severity;
}

/** What a rule hands to `report`: a node or a range, a message id and its data. */
export interface ReportDescriptor<MessageId extends string> {
  node: ts.Node | { start: number; end: number };
  messageId: MessageId;
  data?: Record<string, string | number>;
  related?: Array<{ node: ts.Node | { start: number; end: number }; message: string }>;
  fixes?: Fix[];
}

export interface RuleContext<MessageId extends string, Options> {
  readonly id: string;
  readonly sourceFile: ts.SourceFile;
  readonly fileName: string;
  readonly options: Options;
  readonly facts: Facts;
  /** User-declared APIs from the config (resources, listeners, pools). */
  readonly settings: EngineSettings;
  report(descriptor: ReportDescriptor<MessageId>): void;
  /** The result of a shared analysis declared in `meta.requires` (computed once per file); throws for an undeclared one. */
  use<T>(analysis: Analysis<T>): T;
}

/** Visitors keyed by syntax kind; `onFileEnd` runs after the walk. */
export type RuleVisitors = Partial<Record<ts.SyntaxKind, (node: any) => void>> & {
  onFileEnd?: () => void;
};

export interface RuleModule<MessageId extends string = string, Options = unknown> {
  id: string;
  meta: RuleMeta;
  messages: Record<MessageId, string>;
  /** JSON schema of the options object (validated when the config is loaded). */
  schema: object;
  defaultOptions: Options;
  create(context: RuleContext<MessageId, Options>): RuleVisitors;
}

/** A rule as configured for a run: its module, severity and options. */
export interface ResolvedRule {
  rule: RuleModule;
  severity: Severity;
  options: unknown;
}

/** The fix kinds a rule declares, as a list ("none" declares none). */
export function declaredFixKinds(meta: RuleMeta): Array<"safe" | "suggestion"> {
  const kinds = Array.isArray(meta.fix) ? meta.fix : [meta.fix];
  return kinds.filter((k): k is "safe" | "suggestion" => k !== "none");
}

/** How the fix kinds read in tables and protocol messages: "none", "safe", "suggestion" or "safe, suggestion". */
export function fixLabel(meta: RuleMeta): string {
  return declaredFixKinds(meta).join(", ") || "none";
}
