// Splitting a run into n pieces of work, the same way every time: for worker threads
// (`--concurrency`) and for CI machines (`--shard i/n`). Whole projects first, since a
// project's files share one program that each piece would otherwise build again; only when
// there are fewer projects than pieces are the largest ones cut into slices of their
// (sorted) files. Pieces are then filled largest project first, each going to the piece
// with the fewest files so far (ties to the lower piece): the same files and tsconfigs give
// the same pieces on every machine.
import { type LintUnit, type ProgramOptions, createLintUnits } from "./project";

/** Files grouped by the program that types them (undefined: linted loose). */
export interface WorkGroup {
  tsconfig?: string;
  files: string[];
}

/**
 * The run's files grouped by program, in the run's order (tsconfigs are read, no program is
 * built): projects that share a program (program-groups.ts) are one group, named by the first.
 */
export function groupByProject(files: readonly string[], options: Pick<ProgramOptions, "project" | "types"> = {}): WorkGroup[] {
  return groupByProgram(createLintUnits(files, options));
}

/** Units grouped by the program they share (their `build`), in order. */
export function groupByProgram(units: readonly LintUnit[]): WorkGroup[] {
  const groups: WorkGroup[] = [];
  const byProgram = new Map<unknown, WorkGroup>();
  for (const unit of units) {
    const known = unit.build && byProgram.get(unit.build);
    if (known) known.files.push(...unit.files);
    else groups.push({ tsconfig: unit.tsconfig, files: [...unit.files] });
    if (unit.build && !known) byProgram.set(unit.build, groups[groups.length - 1]);
  }
  return groups;
}

/** `groups` split into `count` pieces (some may be empty when there are fewer files); each piece's files sorted. */
export function partitionWork(groups: readonly WorkGroup[], count: number): string[][] {
  const items = groups.filter((g) => g.files.length > 0).map((g) => [...g.files].sort());
  while (items.length < count) {
    const largest = indexOfLargest(items);
    if (largest < 0 || items[largest].length < 2) break;
    const files = items[largest];
    const half = Math.ceil(files.length / 2);
    items.splice(largest, 1, files.slice(0, half), files.slice(half));
  }
  const order = items.map((files, index) => ({ files, index }))
    .sort((a, b) => b.files.length - a.files.length || a.index - b.index);
  const pieces: string[][] = Array.from({ length: count }, () => []);
  for (const { files } of order) {
    let target = 0;
    for (let i = 1; i < count; i++) if (pieces[i].length < pieces[target].length) target = i;
    pieces[target].push(...files);
  }
  return pieces.map((files) => files.sort());
}

function indexOfLargest(items: readonly string[][]): number {
  let best = -1;
  for (let i = 0; i < items.length; i++) if (best < 0 || items[i].length > items[best].length) best = i;
  return best;
}
