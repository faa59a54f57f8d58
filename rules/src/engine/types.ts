// The engine's public vocabulary: rule modules, diagnostics, fixes and the
// facts a rule may ask for. Hosts (CLI, language server, tests) speak only these types.
import type ts from "typescript";
import type { Facts } from "./facts";

/** A tsconfig program that resolves imports and lib types, and its checker. Absent in the loose tier. */
export interface TypeInfo {
  program: ts.Program;
  checker: ts.TypeChecker;
}

export type Family = "resource" | "growth" | "listener" | "timer" | "context";
/** Engine diagnostics (parse errors, rule crashes, unused directives) use family "engine". */
export type DiagnosticFamily = Family | "engine";
export type Severity = "error" | "warning" | "info";
export type SeveritySetting = "off" | "warn" | "error" | "info";
export type FixCapability = "none" | "safe" | "suggestion";
/** Shared analyses a rule declares; the engine computes each once per file, lazily. */
export type AnalysisName = "imports" | "lifetime" | "flow" | "references" | "types";

/** A replacement of the half-open character range [start, end). */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  description: string;
  /** Safe fixes are applied by `--fix` and fix-all; suggestions only as quick fixes. */
  safe: boolean;
  edits: TextEdit[];
}

export interface RelatedLocation {
  fileName: string;
  start: number;
  end: number;
  message: string;
}

export interface Position {
  line: number; // 1-based
  column: number; // 1-based, in UTF-16 code units like the editor
}

export interface LintDiagnostic {
  fileName: string;
  ruleId: string;
  family: DiagnosticFamily;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  startPos: Position;
  endPos: Position;
  related: RelatedLocation[];
  fixes: Fix[];
  docsUrl: string;
}

export interface RuleMeta {
  family: Family;
  description: string;
  fix: FixCapability;
  /** True when the rule needs the type checker to say anything at all. */
  requiresTypeInfo: boolean;
  requires: AnalysisName[];
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

export interface ResourceApi {
  module: string;
  call: string;
  release: string[];
  kind?: "stream" | "file-handle" | "connection" | "client";
}

export interface ListenerApi {
  module?: string;
  register: string;
  unregister: string[];
}

export interface PoolApi {
  module: string;
  acquire: string;
  release: string[];
}

export interface EngineSettings {
  resources: ResourceApi[];
  listeners: ListenerApi[];
  pools: PoolApi[];
}

export interface RuleSetting {
  severity: SeveritySetting;
  options?: Record<string, unknown>;
}
