// Building a program's checker inside the fault box. The binder and the checker recurse
// over the syntax tree, so one very deep file (a chain of 1,100 `.then((r) => r)` calls)
// overflows the stack while the checker is created — and a checker that threw once is
// unusable for every file of the program. Stack overflows come from nesting, so the file
// to blame is the deepest one: it is replaced by an empty file, the program is rebuilt,
// and that file is linted without types (the caller says so in a diagnostic) while every
// other file keeps its types.
import ts from "typescript";
import type { UnparsableSourceFile } from "../core/compiler-options";
import { describeThrown } from "../core/faults";

/** Files given up before the whole program is (its files are then linted without types). */
const MAX_UNTYPED_FILES = 4;

export interface CheckedProgram {
  /** A program whose checker was built; undefined when none could be. */
  program?: ts.Program;
  /** Files left out of the program (linted without types), with the reason. */
  untyped: Map<string, string>;
  /** Why no checker could be built at all. */
  failure?: string;
}

/**
 * `create(stubbed)` builds the program with the files of `stubbed` read as empty
 * (see `stubbingHost`); this builds its checker, dropping the deepest file on each failure.
 */
export function buildCheckedProgram(create: (stubbed: ReadonlySet<string>) => ts.Program): CheckedProgram {
  const untyped = new Map<string, string>();
  for (;;) {
    const program = create(new Set(untyped.keys()));
    let error: unknown;
    try {
      program.getTypeChecker();
      return { program, untyped };
    } catch (thrown) {
      error = thrown;
    }
    const suspect = untyped.size < MAX_UNTYPED_FILES ? deepestFile(program, untyped) : undefined;
    if (!suspect) return { untyped, failure: describeThrown(error) };
    untyped.set(suspect, `the TypeScript checker failed while binding the program (${describeThrown(error)})`);
  }
}

/** A compiler host that reads the files of `stubbed` as empty files. */
export function stubbingHost<T extends ts.CompilerHost>(host: T, stubbed: ReadonlySet<string>): T {
  if (stubbed.size === 0) return host;
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    stubbed.has(ts.sys.resolvePath(fileName))
      ? ts.createSourceFile(fileName, "", languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  return host;
}

/** The program's most deeply nested file (lib files aside), not yet left out. */
function deepestFile(program: ts.Program, excluded: ReadonlyMap<string, string>): string | undefined {
  let deepest: { fileName: string; depth: number } | undefined;
  for (const sourceFile of program.getSourceFiles()) {
    const fileName = ts.sys.resolvePath(sourceFile.fileName);
    if (program.isSourceFileDefaultLibrary(sourceFile) || excluded.has(fileName)) continue;
    const depth = nestingDepth(sourceFile);
    if (!deepest || depth > deepest.depth) deepest = { fileName, depth };
  }
  return deepest?.fileName;
}

/** The depth of the syntax tree, measured with an explicit stack (it must not overflow itself). */
function nestingDepth(root: ts.Node): number {
  let max = 0;
  const stack: Array<[ts.Node, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    ts.forEachChild(node, (child) => {
      stack.push([child, depth + 1]);
    });
  }
  return max;
}

/**
 * Wraps a compiler host so that a file the parser cannot handle becomes an empty
 * placeholder carrying the reason, instead of an exception that takes down the
 * whole program: the linter reports it as a parse error and lints everything else.
 */
export function guardedHost<T extends ts.CompilerHost>(host: T): T {
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    try {
      return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    } catch (error) {
      return unparsablePlaceholder(fileName, languageVersion, error);
    }
  };
  return host;
}

export function unparsablePlaceholder(fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions, error: unknown): ts.SourceFile {
  const placeholder: UnparsableSourceFile = ts.createSourceFile(fileName, "", languageVersion, true);
  placeholder.leaklintParseFailure = error instanceof RangeError
    ? "the file is nested too deeply for the TypeScript parser"
    : `the TypeScript parser failed: ${error instanceof Error ? error.message : String(error)}`;
  return placeholder;
}
