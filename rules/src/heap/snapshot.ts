// A streaming reader of V8 `.heapsnapshot` files (Node's `v8.writeHeapSnapshot()`,
// `--heapsnapshot-signal`, DevTools). The file is one JSON object: `snapshot.meta`
// (field names and enums), then `nodes` and `edges` (flat number arrays), the
// allocation-trace sections, `locations` and `strings`. It is read in fixed chunks with
// a byte-level state machine: numbers go straight into typed arrays sized from
// `snapshot.node_count` / `edge_count` — one column per field the analysis reads (node
// type as a byte, name, id, self size, edge count; edge type, name, target as a node
// index), the others dropped — each string is decoded once, and sections the diff does
// not use are skipped without being kept. Memory: 17 bytes a node, 9 an edge, the
// strings and one chunk — never the JSON text or a tree of JS values.
import fs from "node:fs";

export class HeapSnapshotError extends Error {}

export interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
  location_fields?: string[];
}

export interface HeapSnapshot {
  file: string;
  nodeCount: number;
  edgeCount: number;
  nodeTypes: string[];
  edgeTypes: string[];
  /** Node columns; `type` indexes nodeTypes, `name` strings. Only `id` with `idsOnly`. */
  node: { type: Uint8Array; name: Uint32Array; id: Uint32Array; selfSize: Uint32Array; edgeCount: Uint32Array };
  /** Edge columns, in node order; `name` is a string index or an element index, `to` a node index. */
  edge: { type: Uint8Array; name: Uint32Array; to: Uint32Array };
  /** `locations`, 4 numbers an entry: node index, script id, line, column (0-based). */
  locations: Uint32Array;
  strings: string[];
}

type Column = Uint32Array | Uint8Array;

export interface ReadOptions {
  /** Keep only node ids (sorted), skip edges, locations and strings: for base/final snapshots. */
  idsOnly?: boolean;
  chunkSize?: number;
}

const NUMERIC = new Set(["nodes", "edges", "locations"]);
const enum Mode { SeekKey, Key, SeekValue, Header, Numbers, Strings, Skip, Done }
const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58, OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;

/** Sorted node ids of a snapshot (bounded memory: 4 bytes a node). */
export function readSnapshotIds(file: string): Uint32Array {
  return readSnapshot(file, { idsOnly: true }).node.id.sort();
}

export function readSnapshot(file: string, options: ReadOptions = {}): HeapSnapshot {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    throw new HeapSnapshotError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const reader = new Reader(file, options.idsOnly ?? false);
  const chunk = Buffer.allocUnsafe(options.chunkSize ?? 1 << 20);
  try {
    for (;;) {
      let read: number;
      try {
        read = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw new HeapSnapshotError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      if (read === 0) break;
      reader.feed(chunk, read);
    }
  } finally {
    fs.closeSync(fd);
  }
  return reader.finish();
}

class Reader {
  private mode = Mode.SeekKey;
  private started = false;
  private key = "";
  private keyBytes: number[] = [];
  // Header / Skip / Strings state.
  private inString = false;
  private escaped = false;
  private nest = 0;
  private header: Buffer[] = [];
  private stringParts: Buffer[] = [];
  private stringHasEscape = false;
  // Numbers state: one column (or none) per field of a row; locations go to `flat`.
  private columns: Array<Column | undefined> = [];
  private divisors: number[] = [];
  private width = 1;
  private field = 0;
  private row = 0;
  private rows = 0;
  private flat: Uint32Array = new Uint32Array(0);
  private count = 0;
  private current = 0;
  private hasDigits = false;
  private meta: { meta: SnapshotMeta; node_count: number; edge_count: number; nodeFields: number } | undefined;
  private readonly sections = new Map<string, Array<Column | undefined>>();
  private locations: Uint32Array | undefined;
  private readonly strings: string[] = [];

  constructor(private readonly file: string, private readonly idsOnly: boolean) {}

  feed(buf: Buffer, end: number): void {
    let i = 0;
    while (i < end) {
      switch (this.mode) {
        case Mode.SeekKey: i = this.seekKey(buf, i, end); break;
        case Mode.Key: i = this.readKey(buf, i, end); break;
        case Mode.SeekValue: i = this.seekValue(buf, i, end); break;
        case Mode.Header: i = this.skipValue(buf, i, end, true); break;
        case Mode.Skip: i = this.skipValue(buf, i, end, false); break;
        case Mode.Numbers: i = this.readNumbers(buf, i, end); break;
        case Mode.Strings: i = this.readStrings(buf, i, end); break;
        case Mode.Done: i = end; break;
      }
    }
  }

  finish(): HeapSnapshot {
    if (!this.meta) throw this.fail("no \"snapshot\" header (is this a .heapsnapshot file?)");
    if (this.mode !== Mode.Done) throw this.fail("the file ends early (truncated snapshot?)");
    const { meta, node_count: nodeCount, edge_count: edgeCount } = this.meta;
    const nodes = this.sections.get("nodes");
    if (!nodes) throw this.fail("no \"nodes\" section");
    const edges = this.sections.get("edges") ?? [];
    const [type, name, id, selfSize, count] = fieldOffsets(meta.node_fields, ["type", "name", "id", "self_size", "edge_count"], this);
    const [edgeType, edgeName, to] = fieldOffsets(meta.edge_fields, ["type", "name_or_index", "to_node"], this);
    if (!this.idsOnly && !edges[to]) throw this.fail("no \"edges\" section");
    const empty = new Uint32Array(0);
    return {
      file: this.file,
      nodeCount,
      edgeCount,
      nodeTypes: meta.node_types[0],
      edgeTypes: meta.edge_types[0],
      node: { type: (nodes[type] ?? new Uint8Array(0)) as Uint8Array, name: (nodes[name] ?? empty) as Uint32Array, id: nodes[id] as Uint32Array, selfSize: (nodes[selfSize] ?? empty) as Uint32Array, edgeCount: (nodes[count] ?? empty) as Uint32Array },
      edge: { type: (edges[edgeType] ?? new Uint8Array(0)) as Uint8Array, name: (edges[edgeName] ?? empty) as Uint32Array, to: (edges[to] ?? empty) as Uint32Array },
      locations: this.locations ?? empty,
      strings: this.strings,
    };
  }

  fail(message: string): HeapSnapshotError {
    return new HeapSnapshotError(`${this.file}: not a valid V8 heap snapshot: ${message}`);
  }

  private seekKey(buf: Buffer, i: number, end: number): number {
    for (; i < end; i++) {
      const c = buf[i];
      if (c === QUOTE && this.started) {
        this.keyBytes = [];
        this.mode = Mode.Key;
        return i + 1;
      }
      if (c === OPEN_BRACE && !this.started) this.started = true;
      else if (c === CLOSE_BRACE && this.started) {
        this.mode = Mode.Done;
        return end;
      } else if (c !== COMMA && !isSpace(c)) throw this.fail(`unexpected ${JSON.stringify(String.fromCharCode(c))} between sections`);
    }
    return i;
  }

  private readKey(buf: Buffer, i: number, end: number): number {
    for (; i < end; i++) {
      const c = buf[i];
      if (c === QUOTE) {
        this.key = String.fromCharCode(...this.keyBytes);
        this.mode = Mode.SeekValue;
        return i + 1;
      }
      if (this.keyBytes.length > 64) throw this.fail("a section name is too long");
      this.keyBytes.push(c);
    }
    return i;
  }

  private seekValue(buf: Buffer, i: number, end: number): number {
    for (; i < end; i++) {
      const c = buf[i];
      if (c === COLON || isSpace(c)) continue;
      const key = this.key;
      this.inString = false;
      this.escaped = false;
      this.nest = 0;
      if (key === "snapshot" && c === OPEN_BRACE) {
        this.mode = Mode.Header;
        this.header = [];
      } else if (!this.meta) {
        throw this.fail(`section "${key}" before the "snapshot" header`);
      } else if (NUMERIC.has(key) && c === OPEN_BRACKET && !(this.idsOnly && key !== "nodes")) {
        this.startNumbers(key);
        return i + 1;
      } else if (key === "strings" && c === OPEN_BRACKET && !this.idsOnly) {
        this.mode = Mode.Strings;
        this.inString = false;
        return i + 1;
      } else {
        this.mode = Mode.Skip;
      }
      return i;
    }
    return i;
  }

  private startNumbers(key: string): void {
    const { meta, node_count: nodeCount, edge_count: edgeCount, nodeFields } = this.meta!;
    this.count = 0;
    this.current = 0;
    this.hasDigits = false;
    this.field = 0;
    this.row = 0;
    this.mode = Mode.Numbers;
    if (key === "locations") {
      this.columns = [];
      this.flat = new Uint32Array(1 << 16);
      return;
    }
    const fields = key === "nodes" ? meta.node_fields : meta.edge_fields;
    const kept = key === "nodes" ? (this.idsOnly ? ["id"] : ["type", "name", "id", "self_size", "edge_count"]) : ["type", "name_or_index", "to_node"];
    this.rows = key === "nodes" ? nodeCount : edgeCount;
    this.width = fields.length;
    this.columns = fields.map((f) => (!kept.includes(f) ? undefined : f === "type" ? new Uint8Array(this.rows) : new Uint32Array(this.rows)));
    this.divisors = fields.map((f) => (f === "to_node" ? nodeFields : 1));
    this.sections.set(key, this.columns);
  }

  private readNumbers(buf: Buffer, i: number, end: number): number {
    let current = this.current;
    let hasDigits = this.hasDigits;
    for (; i < end; i++) {
      const c = buf[i];
      if (c >= 48 && c <= 57) {
        current = current * 10 + (c - 48);
        hasDigits = true;
      } else if (c === COMMA || c === CLOSE_BRACKET) {
        if (hasDigits) this.push(current);
        current = 0;
        hasDigits = false;
        if (c === CLOSE_BRACKET) {
          this.endNumbers();
          return i + 1;
        }
      } else if (!isSpace(c)) {
        throw this.fail(`unexpected ${JSON.stringify(String.fromCharCode(c))} in "${this.key}"`);
      }
    }
    this.current = current;
    this.hasDigits = hasDigits;
    return i;
  }

  private push(value: number): void {
    if (value > 0xffffffff) throw this.fail(`a number in "${this.key}" is out of range`);
    if (this.key === "locations") {
      if (this.count === this.flat.length) {
        const grown = new Uint32Array(this.flat.length * 2);
        grown.set(this.flat);
        this.flat = grown;
      }
      const at = this.count++;
      this.flat[at] = at % 4 === 0 ? value / this.meta!.nodeFields : value; // object_index → node index
      return;
    }
    if (this.row >= this.rows) throw this.fail(`"${this.key}" has more entries than the header says`);
    const column = this.columns[this.field];
    const divisor = this.divisors[this.field];
    if (divisor !== 1 && (value % divisor !== 0 || value / divisor >= this.meta!.node_count)) throw this.fail(`edge ${this.row} points outside "nodes"`);
    if (column) column[this.row] = divisor === 1 ? value : value / divisor;
    if (++this.field === this.width) {
      this.field = 0;
      this.row++;
    }
  }

  private endNumbers(): void {
    this.mode = Mode.SeekKey;
    this.current = 0;
    if (this.key === "locations") {
      this.locations = this.flat.slice(0, this.count - (this.count % 4));
      return;
    }
    if (this.field !== 0 || this.row !== this.rows) throw this.fail(`"${this.key}" does not match snapshot.${this.key === "nodes" ? "node" : "edge"}_count`);
  }

  private readStrings(buf: Buffer, i: number, end: number): number {
    while (i < end) {
      if (!this.inString) {
        const c = buf[i++];
        if (c === QUOTE) {
          this.inString = true;
          this.stringParts = [];
          this.stringHasEscape = false;
        } else if (c === CLOSE_BRACKET) {
          this.mode = Mode.SeekKey;
          return i;
        } else if (c !== COMMA && !isSpace(c)) {
          throw this.fail(`unexpected ${JSON.stringify(String.fromCharCode(c))} in "strings"`);
        }
        continue;
      }
      const start = i;
      let escaped = this.escaped;
      for (; i < end; i++) {
        const c = buf[i];
        if (escaped) escaped = false;
        else if (c === BACKSLASH) {
          escaped = true;
          this.stringHasEscape = true;
        } else if (c === QUOTE) break;
      }
      this.escaped = escaped;
      if (i === end) {
        this.stringParts.push(Buffer.from(buf.subarray(start, end))); // the chunk is reused: copy
        return i;
      }
      const bytes = this.stringParts.length === 0 ? buf.subarray(start, i) : Buffer.concat([...this.stringParts, buf.subarray(start, i)]);
      this.strings.push(this.stringHasEscape ? decodeEscaped(bytes, this) : bytes.toString("utf8"));
      this.stringParts = [];
      this.inString = false;
      i++;
    }
    return i;
  }

  /** Skips (or, for the header, collects) one JSON value, strings and nesting aware. */
  private skipValue(buf: Buffer, i: number, end: number, collect: boolean): number {
    const start = i;
    let inString = this.inString;
    let escaped = this.escaped;
    let nest = this.nest;
    let done = false;
    for (; i < end; i++) {
      const c = buf[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) nest++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        nest--;
        if (nest === 0) {
          i++;
          done = true;
          break;
        }
      } else if (nest === 0 && (c === COMMA || isSpace(c))) {
        done = true; // a scalar value ended
        break;
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    this.nest = nest;
    if (collect) {
      this.header.push(Buffer.from(buf.subarray(start, i)));
      if (this.header.reduce((n, b) => n + b.length, 0) > 1 << 20) throw this.fail("the \"snapshot\" header is too large");
    }
    if (done) {
      if (collect) this.readHeader();
      this.mode = Mode.SeekKey;
    }
    return i;
  }

  private readHeader(): void {
    let parsed: { meta?: SnapshotMeta; node_count?: unknown; edge_count?: unknown };
    try {
      parsed = JSON.parse(Buffer.concat(this.header).toString("utf8"));
    } catch (error) {
      throw this.fail(`the "snapshot" header is not JSON (${(error as Error).message})`);
    }
    this.header = [];
    const meta = parsed.meta;
    if (!meta || !Array.isArray(meta.node_fields) || !Array.isArray(meta.edge_fields) || !Array.isArray(meta.node_types?.[0]) || !Array.isArray(meta.edge_types?.[0])) {
      throw this.fail("\"snapshot.meta\" lacks node_fields / edge_fields / node_types / edge_types");
    }
    if (!Number.isInteger(parsed.node_count) || !Number.isInteger(parsed.edge_count)) throw this.fail("\"snapshot\" lacks node_count / edge_count");
    if ((parsed.node_count as number) < 1) throw this.fail("the snapshot has no nodes");
    if ((meta.location_fields?.length ?? 4) !== 4) throw this.fail("\"snapshot.meta.location_fields\" is not object_index, script_id, line, column");
    this.meta = { meta, node_count: parsed.node_count as number, edge_count: parsed.edge_count as number, nodeFields: meta.node_fields.length };
  }
}

function fieldOffsets(fields: string[], wanted: string[], reader: Reader): number[] {
  return wanted.map((name) => {
    const index = fields.indexOf(name);
    if (index < 0) throw reader.fail(`the field "${name}" is missing from snapshot.meta`);
    return index;
  });
}

function decodeEscaped(bytes: Buffer, reader: Reader): string {
  try {
    return JSON.parse(`"${bytes.toString("utf8")}"`) as string;
  } catch {
    throw reader.fail("a string in \"strings\" is not valid JSON");
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
