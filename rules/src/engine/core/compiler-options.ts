// Compiler settings the core needs without the hosting layer: the options of the loose
// tier (a file parsed on its own, no program) and the marker of a file that could not be parsed.
import ts from "typescript";

export const LOOSE_COMPILER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  jsx: ts.JsxEmit.Preserve,
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  noLib: true,
  noResolve: true,
  types: [],
  noEmit: true,
  skipLibCheck: true,
};

/** A placeholder for a file the parser could not read; the linter reports the reason. */
export interface UnparsableSourceFile extends ts.SourceFile {
  leaklintParseFailure?: string;
}
