// Projects that share one program. The packages of a monorepo usually extend one base
// tsconfig and differ only in the files they name: their programs would have the same
// compiler options, and each would read, bind and type the shared packages (`core`) again —
// twenty packages, twenty checkers computing `core`'s types. Linted at the root, such
// projects are typed in one program over all their files, as `tsc -p` of a root tsconfig
// (or typescript-eslint with one `tsconfig.eslint.json`) types them: each file keeps its own
// tsconfig's options (lib, types, paths, strictness), only the set of files around it grows.
// Projects are grouped when their options are equal but for where output goes and they have
// no project references (a reference redirects imports to the referenced project's output);
// a group stops growing at MAX_GROUP_BYTES of source so that a program's memory stays
// bounded however large the repository is. The groups come from the whole run's files, so a
// piece of the run (a worker's, a shard's) types its files in the program the whole run would.
import fs from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import ts from "typescript";
import { type CheckedProgram, buildCheckedProgram, guardedHost, stubbingHost } from "./checker-guard";
import { type SharedSourceFiles, resolutionKey } from "./shared-sources";

/** Most root-file bytes one shared program holds (about 300,000 lines). */
export const MAX_GROUP_BYTES = 12_000_000;

export interface Project {
  tsconfig: string;
  parsed: ts.ParsedCommandLine;
}

export interface ProjectGroup {
  projects: Project[];
  /** The union of the projects' root files, in order. */
  rootNames: string[];
  /** The first project's options (the others' differ only in where output goes). */
  options: ts.CompilerOptions;
}

/** `projects` (in run order) grouped into shared programs; each group's projects in run order. */
export function groupProjects(projects: readonly Project[], maxBytes = MAX_GROUP_BYTES): ProjectGroup[] {
  const groups: Array<ProjectGroup & { roots: Set<string>; bytes: number }> = [];
  const open = new Map<string, (typeof groups)[number]>();
  for (const project of projects) {
    const key = project.parsed.projectReferences?.length ? undefined : resolutionKey(project.parsed.options);
    const roots = project.parsed.fileNames;
    let group = key === undefined ? undefined : open.get(key);
    let added = group ? roots.filter((f) => !group!.roots.has(f)) : roots;
    let bytes = added.reduce((sum, file) => sum + sizeOf(file), 0);
    if (group && group.bytes + bytes > maxBytes) {
      group = undefined;
      added = roots;
      bytes = roots.reduce((sum, file) => sum + sizeOf(file), 0);
    }
    if (!group) {
      group = { projects: [], rootNames: [], options: project.parsed.options, roots: new Set(), bytes: 0 };
      groups.push(group);
      if (key !== undefined) open.set(key, group);
    }
    group.projects.push(project);
    for (const file of added) group.roots.add(file);
    group.rootNames.push(...added);
    group.bytes += bytes;
  }
  return groups.map(({ projects: members, rootNames, options }) => ({ projects: members, rootNames, options }));
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0; // a root that is gone: the program reports it
  }
}

/**
 * The `build` of the group's units: the program is built by the first of its `units` units to
 * be linted and let go once the last one has it (one program is alive at a time).
 */
export function groupBuilder(group: ProjectGroup, units: number, shared: SharedSourceFiles): () => CheckedProgram {
  let checked: CheckedProgram | undefined;
  let handed = 0;
  return () => {
    const program = (checked ??= buildProgram(group.rootNames, group.options, shared));
    if (++handed === units) checked = undefined;
    return program;
  };
}

function buildProgram(rootNames: readonly string[], options: ts.CompilerOptions, shared: SharedSourceFiles): CheckedProgram {
  const compilerOptions = { ...options, noEmit: true };
  const checked = buildCheckedProgram((stubbed) => {
    // A rebuild after a checker failure starts from fresh parses: the failed files may be half bound.
    if (stubbed.size > 0) shared.clear();
    const host = ts.createCompilerHost(compilerOptions);
    return ts.createProgram({
      rootNames, options: compilerOptions, host: guardedHost(stubbed.size > 0 ? stubbingHost(host, stubbed) : shared.wrap(host, compilerOptions)),
    });
  });
  if (checked.program && checked.untyped.size === 0) shared.programBuilt(checked.program);
  else shared.clear();
  return checked;
}

/** Heap in use above which the released programs are collected before the next is built (about 3 mikro-orm-sized programs). */
const COLLECT_ABOVE_BYTES = 1024 * 1024 * 1024;
let fullCollection: (() => void) | undefined;

/**
 * A full garbage collection when the heap in use is over COLLECT_ABOVE_BYTES: below, V8's own
 * collections are cheaper (a full one costs about 0.7 s with a program's files alive), above,
 * V8 would let the heap grow towards its limit with garbage of programs long released.
 */
export function collectGarbage(): void {
  if (v8.getHeapStatistics().used_heap_size < COLLECT_ABOVE_BYTES) return;
  if (!fullCollection) {
    v8.setFlagsFromString("--expose-gc"); // `gc` is then defined in contexts created from here on
    fullCollection = vm.runInNewContext("gc") as () => void;
  }
  fullCollection();
}
