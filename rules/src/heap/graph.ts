// The object graph of one snapshot over its typed arrays: edge offsets per node, node
// and edge names, retainers (shortest paths from the root, weak edges ignored) and the
// dominator tree (Lengauer-Tarjan), which gives retained sizes.
import type { HeapSnapshot } from "./snapshot";

const NONE = 0xffffffff;

export class HeapGraph {
  readonly nodeCount: number;
  /** First edge of each node; firstEdge[n + 1] ends it. */
  readonly firstEdge: Uint32Array;
  /**
   * After `computePaths()`: the edge that reaches each node first on a shortest path from
   * the root (NONE for the root and unreachable nodes; its source is `parent(n)`), and
   * the reachable nodes in breadth-first order.
   */
  parentEdge = new Uint32Array(0);
  order = new Uint32Array(0);
  reachable = 0;
  private readonly weakType: number;
  private readonly elementType: number;
  private readonly hiddenType: number;

  constructor(readonly snapshot: HeapSnapshot) {
    const counts = snapshot.node.edgeCount;
    this.nodeCount = snapshot.nodeCount;
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    let edge = 0;
    for (let n = 0; n < this.nodeCount; n++) {
      this.firstEdge[n] = edge;
      edge += counts[n];
    }
    this.firstEdge[this.nodeCount] = edge;
    if (edge !== snapshot.edgeCount) throw new Error(`${snapshot.file}: edge counts of the nodes (${edge}) do not add up to snapshot.edge_count (${snapshot.edgeCount})`);
    this.weakType = snapshot.edgeTypes.indexOf("weak");
    this.elementType = snapshot.edgeTypes.indexOf("element");
    this.hiddenType = snapshot.edgeTypes.indexOf("hidden");
  }

  /** Shortest retainer paths (breadth first from the root over strong edges). */
  computePaths(): void {
    this.parentEdge = new Uint32Array(this.nodeCount).fill(NONE);
    this.order = new Uint32Array(this.nodeCount);
    this.reachable = this.breadthFirst();
  }

  /** The node `n` is first reached from (NONE for the root): the source of its parent edge. */
  parent(n: number): number {
    const e = this.parentEdge[n];
    if (e === NONE || e === undefined) return NONE;
    let lo = 0;
    let hi = this.nodeCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.firstEdge[mid] <= e) lo = mid;
      else hi = mid - 1;
    }
    while (this.firstEdge[lo + 1] <= e) lo++; // nodes without edges share an offset
    return lo;
  }

  static readonly NONE = NONE;

  id(n: number): number {
    return this.snapshot.node.id[n];
  }

  selfSize(n: number): number {
    return this.snapshot.node.selfSize[n];
  }

  type(n: number): string {
    return this.snapshot.nodeTypes[this.snapshot.node.type[n]] ?? "unknown";
  }

  name(n: number): string {
    return this.snapshot.strings[this.snapshot.node.name[n]] ?? "";
  }

  edgeTarget(e: number): number {
    return this.snapshot.edge.to[e];
  }

  edgeType(e: number): string {
    return this.snapshot.edgeTypes[this.snapshot.edge.type[e]] ?? "unknown";
  }

  /** Property / variable name, or `[i]` for elements and hidden slots. */
  edgeName(e: number): string {
    const type = this.snapshot.edge.type[e];
    const value = this.snapshot.edge.name[e];
    if (type === this.elementType || type === this.hiddenType) return `[${value}]`;
    return this.snapshot.strings[value] ?? `[${value}]`;
  }

  isWeak(e: number): boolean {
    return this.snapshot.edge.type[e] === this.weakType;
  }

  /** The target of the first edge of `n` with this name, or undefined. */
  child(n: number, edgeName: string): number | undefined {
    for (let e = this.firstEdge[n]; e < this.firstEdge[n + 1]; e++) if (this.edgeName(e) === edgeName) return this.edgeTarget(e);
    return undefined;
  }

  /** Edges from the root to `n` on its shortest retainer path (root first). */
  pathTo(n: number): number[] {
    const path: number[] = [];
    for (let at = n; this.parentEdge[at] !== NONE && at !== 0; at = this.parent(at)) path.push(this.parentEdge[at]);
    return path.reverse();
  }

  /**
   * Immediate dominators over strong edges (NONE for the root and unreachable nodes),
   * by Lengauer & Tarjan's algorithm with path compression: near-linear, where the
   * iterative algorithm needs a pass per link of a long doubly linked list (timer lists).
   */
  dominators(): { idom: Uint32Array; preorder: Uint32Array } {
    const count = this.nodeCount;
    // Depth-first numbering from 1 (0 = not reached), iterative.
    const dfnum = new Uint32Array(count + 1);
    const vertex = new Uint32Array(count + 1);
    const dfParent = new Uint32Array(count + 1);
    // Buffers are reused once dead (stack → semi, nextEdge → label → idom, dfnum → dom):
    // the peak is what bounds memory here.
    const stack = new Uint32Array(count + 1);
    const nextEdge = new Uint32Array(count + 1);
    let reached = 0;
    let top = 0;
    stack[0] = 0;
    dfnum[0] = ++reached;
    vertex[reached] = 0;
    nextEdge[0] = this.firstEdge[0];
    while (top >= 0) {
      const n = stack[top];
      if (nextEdge[n] >= this.firstEdge[n + 1]) {
        top--;
        continue;
      }
      const e = nextEdge[n]++;
      if (this.isWeak(e)) continue;
      const to = this.edgeTarget(e);
      if (dfnum[to] !== 0) continue;
      dfnum[to] = ++reached;
      vertex[reached] = to;
      dfParent[reached] = dfnum[n];
      nextEdge[to] = this.firstEdge[to];
      stack[++top] = to;
    }
    // Predecessors in depth-first numbers (compressed rows).
    const predStart = new Uint32Array(reached + 2);
    for (let n = 0; n < count; n++) {
      if (dfnum[n] === 0) continue;
      for (let e = this.firstEdge[n]; e < this.firstEdge[n + 1]; e++) if (!this.isWeak(e)) predStart[dfnum[this.edgeTarget(e)] + 1]++;
    }
    for (let i = 1; i <= reached + 1; i++) predStart[i] += predStart[i - 1];
    // Filled from the end of each row down, which leaves predStart at the rows' starts.
    for (let i = 0; i <= reached; i++) predStart[i] = predStart[i + 1];
    const preds = new Uint32Array(predStart[reached]);
    for (let n = count - 1; n >= 0; n--) {
      if (dfnum[n] === 0) continue;
      for (let e = this.firstEdge[n + 1] - 1; e >= this.firstEdge[n]; e--) if (!this.isWeak(e)) preds[--predStart[dfnum[this.edgeTarget(e)]]] = dfnum[n];
    }
    const semi = stack;
    const label = nextEdge;
    const dom = dfnum.fill(0); // dfnum is not needed once the predecessors are numbered
    const bucketHead = new Uint32Array(reached + 1);
    const ancestor = new Uint32Array(reached + 1);
    const bucketNext = new Uint32Array(reached + 1);
    for (let i = 1; i <= reached; i++) {
      semi[i] = i;
      label[i] = i;
    }
    const path: number[] = [];
    const evaluate = (v: number): number => {
      if (ancestor[v] === 0) return v;
      for (let x = v; ancestor[ancestor[x]] !== 0; x = ancestor[x]) path.push(x);
      while (path.length > 0) {
        const x = path.pop()!;
        const a = ancestor[x];
        if (semi[label[a]] < semi[label[x]]) label[x] = label[a];
        ancestor[x] = ancestor[a];
      }
      return label[v];
    };
    for (let w = reached; w >= 2; w--) {
      for (let r = predStart[w]; r < predStart[w + 1]; r++) {
        const u = evaluate(preds[r]);
        if (semi[u] < semi[w]) semi[w] = semi[u];
      }
      bucketNext[w] = bucketHead[semi[w]];
      bucketHead[semi[w]] = w;
      const p = dfParent[w];
      ancestor[w] = p;
      for (let v = bucketHead[p]; v !== 0; v = bucketNext[v]) {
        const u = evaluate(v);
        dom[v] = semi[u] < semi[v] ? u : p;
      }
      bucketHead[p] = 0;
    }
    for (let w = 2; w <= reached; w++) if (dom[w] !== semi[w]) dom[w] = dom[dom[w]];
    for (let w = 2; w <= reached; w++) dom[w] = vertex[dom[w]];
    const idom = label.fill(NONE); // label is done with: idom by node
    for (let w = 2; w <= reached; w++) idom[vertex[w]] = dom[w];
    // preorder: reachable nodes, each after its dominator.
    return { idom: idom.subarray(0, count), preorder: vertex.subarray(1, reached + 1) };
  }

  /**
   * Breadth first from the root. Roots that only say what happened to be on the stack or in
   * a handle when the snapshot was written (`(Handle scope)`, `(Stack roots)`) are followed
   * last, so a path names the module, closure or object that really keeps a thing alive
   * (DevTools ranks them the same way); what only they reach still gets a path.
   */
  private breadthFirst(): number {
    if (this.nodeCount === 0) return 0;
    const seen = new Uint8Array(this.nodeCount);
    const deferred: number[] = [];
    let head = 0;
    let tail = 0;
    this.order[tail++] = 0;
    seen[0] = 1;
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) {
        for (const e of deferred) {
          const to = this.edgeTarget(e);
          if (seen[to]) continue;
          seen[to] = 1;
          this.parentEdge[to] = e;
          this.order[tail++] = to;
        }
      }
      while (head < tail) {
        const n = this.order[head++];
        for (let e = this.firstEdge[n]; e < this.firstEdge[n + 1]; e++) {
          if (this.isWeak(e)) continue;
          const to = this.edgeTarget(e);
          if (seen[to]) continue;
          if (pass === 0 && this.type(to) === "synthetic" && TRANSIENT_ROOTS.has(this.name(to))) {
            deferred.push(e);
            continue;
          }
          seen[to] = 1;
          this.parentEdge[to] = e;
          this.order[tail++] = to;
        }
      }
    }
    return tail;
  }
}

const TRANSIENT_ROOTS = new Set(["(Handle scope)", "(Stack roots)", "(Strong roots)"]);

function intersect(idom: Uint32Array, a: number, b: number): number {
  while (a !== b) {
    while (a < b) a = idom[a];
    while (b < a) b = idom[b];
  }
  return a;
}
