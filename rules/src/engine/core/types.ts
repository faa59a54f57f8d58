// The engine's public vocabulary: diagnostics, fixes, severities and the user-declared
// APIs. Hosts (CLI, language server, tests) speak these types; rule modules are in rule.ts.
import type ts from "typescript";

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
  /**
   * Names the fix declares, each with its scope (`timer@<function start>`: a `const timer`, a
   * hoisted handler). Two fixes that declare the same name in the same scope are not applied
   * in one pass: the second waits for the next pass, where the name is taken and it picks a
   * fresh one.
   */
  declares?: string[];
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
