// The three-snapshot technique: objects allocated after the base snapshot (node ids not
// in it — V8 keeps an object's id across snapshots and never reuses one) that are alive
// in the target and still alive in the final snapshot. They are grouped by their holder:
// the first object on their shortest retainer path that already existed at base (a
// module-level Map, an emitter's `_events`, a timer list, an AbortSignal's listener
// map …) together with the edge into the new objects.
import { HeapGraph } from "./graph";
import { type HeapSnapshot, readSnapshot, readSnapshotIds } from "./snapshot";

export interface GrowthGroup {
  /** Node index of the holder in the analysed snapshot. */
  holder: number;
  /** Edge from the holder to the new objects (`table`, `tick`, `[]` …). */
  edge: string;
  /** New objects in the group, VM internals (hidden, code, shapes) not counted. */
  count: number;
  /** Self sizes of all new objects of the group, in bytes. */
  shallowSize: number;
  /** Bytes of new objects the holder dominates (only it keeps them alive); see docs/heap.md. */
  retainedSize: number;
  /** New closures of the group (node indices; at most CLOSURE_SAMPLE) and how many there are. */
  closures: number[];
  closureCount: number;
  /** The first new object the holder references (names the last step of the path). */
  sample: number;
}

export interface HeapDiff {
  graph: HeapGraph;
  groups: GrowthGroup[];
  /** New objects alive at the end that no group of `minCount` holds. */
  ungrouped: number;
  newObjects: number;
}

export interface DiffOptions {
  /** Groups with fewer new objects are dropped (default 100). */
  minCount?: number;
}

const CLOSURE_SAMPLE = 200;
const UNCOUNTED = new Set(["hidden", "code", "object shape", "synthetic", "array"]);

/** Reads the files (base and final for ids only, one at a time) and diffs them. */
export function diffSnapshotFiles(base: string, target: string, final: string | undefined, options: DiffOptions = {}): HeapDiff {
  const baseIds = readSnapshotIds(base);
  if (final === undefined) return diffSnapshots(baseIds, undefined, readSnapshot(target), options);
  const targetIds = readSnapshotIds(target);
  return diffSnapshots(baseIds, targetIds, readSnapshot(final), options);
}

/**
 * `analysed` is the last snapshot; with a `targetIds` set the objects must also have been
 * alive in the target (three snapshots), otherwise new since base is enough.
 */
export function diffSnapshots(baseIds: Uint32Array, targetIds: Uint32Array | undefined, analysed: HeapSnapshot, options: DiffOptions = {}): HeapDiff {
  const minCount = options.minCount ?? 100;
  const graph = new HeapGraph(analysed);
  const count = graph.nodeCount;
  const isNew = new Uint8Array(count);
  let newObjects = 0;
  // 1: allocated after base and alive in target (and final); 2: allocated after the target,
  // not counted but passed through, so a collection's backing store reallocated since the
  // target (a Map's table) still leads from the holder to the entries.
  for (let n = 1; n < count; n++) {
    const id = graph.id(n);
    if (has(baseIds, id)) continue;
    isNew[n] = targetIds && !has(targetIds, id) ? 2 : 1;
    if (isNew[n] === 1) newObjects++;
  }
  // Dominators before paths: their working arrays are released before the paths' are made.
  const { idom, newRetained } = newRetainedSizes(graph, isNew);
  graph.computePaths();
  // Group by holder + edge, in breadth-first order so a parent is placed before its children.
  const groupOf = new Int32Array(count).fill(-1);
  const keys = new Map<string, number>();
  const groups: GrowthGroup[] = [];
  for (let i = 1; i < graph.reachable; i++) {
    const n = graph.order[i];
    if (!isNew[n]) continue;
    const parent = graph.parent(n);
    let group = groupOf[parent];
    if (group < 0) {
      // A linked list of old objects of the new one's class (a timer list's `_idlePrev`
      // chain) is climbed to the object that holds the list.
      let holder = parent;
      let entry = n;
      const name = graph.name(n);
      while (holder !== 0 && graph.parentEdge[holder] !== HeapGraph.NONE && graph.name(holder) === name) {
        entry = holder;
        holder = graph.parent(holder);
      }
      const edge = graph.edgeName(graph.parentEdge[entry]).replace(/^\[?\d+\]?$/, "[]");
      const key = `${holder}:${edge}`;
      group = keys.get(key) ?? -1;
      if (group < 0) {
        group = groups.length;
        keys.set(key, group);
        groups.push({ holder, edge, count: 0, shallowSize: 0, retainedSize: 0, closures: [], closureCount: 0, sample: n });
      }
    }
    groupOf[n] = group;
    if (isNew[n] !== 1) continue;
    const g = groups[group];
    const type = graph.type(n);
    if (!UNCOUNTED.has(type) && !graph.name(n).startsWith("system /")) g.count++;
    g.shallowSize += graph.selfSize(n);
    if (type === "closure" && g.closureCount++ < CLOSURE_SAMPLE) g.closures.push(n);
  }
  const kept = groups.filter((g) => g.count >= minCount);
  retainedSizes(idom, newRetained, groupOf, groups, kept);
  const ungrouped = groups.filter((g) => g.count < minCount).reduce((sum, g) => sum + g.count, 0);
  kept.sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count);
  return { graph, groups: kept, ungrouped, newObjects };
}

/**
 * Retained growth of a group: the new objects of the group that no other object of the
 * group dominates are its tops (a Map's new table, each Timeout of a timer list); the
 * group retains the new objects in their dominator subtrees — what freeing them would
 * release. Subtrees of two tops are disjoint unless one top dominates the other through
 * an object outside the group, which would count it twice; the tests bound it by the
 * shallow size of all new objects.
 */
function retainedSizes(idom: Uint32Array, newRetained: Float64Array, groupOf: Int32Array, all: GrowthGroup[], kept: GrowthGroup[]): void {
  const wanted = new Set(kept);
  for (let n = 0; n < groupOf.length; n++) {
    const group = groupOf[n];
    if (group < 0 || !wanted.has(all[group])) continue;
    const d = idom[n];
    if (d === HeapGraph.NONE || groupOf[d] !== group) all[group].retainedSize += newRetained[n];
  }
}

/** Immediate dominators, and per node the self sizes of the new objects it dominates (itself included). */
function newRetainedSizes(graph: HeapGraph, isNew: Uint8Array): { idom: Uint32Array; newRetained: Float64Array } {
  const { idom, preorder } = graph.dominators();
  const newRetained = new Float64Array(graph.nodeCount);
  for (let p = preorder.length - 1; p >= 0; p--) {
    const n = preorder[p];
    if (isNew[n] === 1) newRetained[n] += graph.selfSize(n);
    const d = idom[n];
    if (d !== HeapGraph.NONE) newRetained[d] += newRetained[n];
  }
  return { idom, newRetained };
}

function has(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
