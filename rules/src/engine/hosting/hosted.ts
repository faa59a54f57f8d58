// Linting one file for a host that parsed it already and may hold a program of its own
// (ESLint with typescript-eslint). Typed on the host's program when that program was built
// by the engine's TypeScript and holds this very text — the engine never builds a second
// one — and loose otherwise: the text parsed with the engine's own parser, at the host's
// offsets (the same text), so positions map back one to one.
import ts from "typescript";
import { type LintFileOptions, lintSourceFile } from "../core/linter";
import { describeThrown } from "../core/faults";
import { isComponentFile, mapToComponent } from "./sfc";
import { parseLooseFile, typeInfo } from "./project";
import type { LintDiagnostic } from "../core/types";

export interface HostedLint {
  diagnostics: LintDiagnostic[];
  /** True when the host's program (and its checker) was used. */
  typed: boolean;
  /** Why a program the host handed in could not be used (the file was linted loose). */
  untyped?: string;
}

export function lintHostedFile(fileName: string, text: string, program: ts.Program | null | undefined, options: LintFileOptions): HostedLint {
  // A component's program file is its script alone (vue-eslint-parser, svelte-eslint-parser), not the text the host lints.
  const typed = program && !isComponentFile(fileName) ? hostedSourceFile(program, fileName, text) : undefined;
  if (typed && "sourceFile" in typed) {
    return { diagnostics: lintSourceFile(typed.sourceFile, typeInfo(program!), options), typed: true };
  }
  const sourceFile = parseLooseFile(fileName, text);
  return { diagnostics: mapToComponent(sourceFile, lintSourceFile(sourceFile, undefined, options)), typed: false, untyped: typed?.reason };
}

/** The program's source file for `fileName`, when the engine can lint it with that program's types. */
function hostedSourceFile(program: ts.Program, fileName: string, text: string): { sourceFile: ts.SourceFile } | { reason: string } {
  const sourceFile = program.getSourceFile(fileName);
  if (!sourceFile) return { reason: "the parser's program does not include this file" };
  // Syntax kinds are numbered per TypeScript version: a tree from another copy would be misread.
  if (sourceFile.kind !== ts.SyntaxKind.SourceFile) return { reason: `the parser's program was built by another TypeScript than leaklint's ${ts.version}` };
  if (sourceFile.text !== text) return { reason: "the parser's program holds another version of this file" };
  try {
    program.getTypeChecker();
  } catch (error) {
    return { reason: `the TypeScript checker failed on the parser's program (${describeThrown(error)})` };
  }
  return { sourceFile };
}
