// Source maps (version 3) for services that run compiled JavaScript: a group placed in
// `dist/service.js` is moved to the original `src/service.ts` line, so the lint that
// confirms runs on the file the static findings live in. The map is found the way Node's
// `--enable-source-maps` finds it: the script's last `//# sourceMappingURL=` comment (a
// file next to it or an inline `data:` URL).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PlacedGroup, SourceLocation } from "./source";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

interface Segment {
  column: number;
  source: number;
  line: number;
  sourceColumn: number;
}

export class SourceMap {
  private readonly lines: Segment[][] = [];

  constructor(private readonly sources: string[], mappings: string) {
    let source = 0;
    let line = 0;
    let sourceColumn = 0;
    for (const text of mappings.split(";")) {
      const segments: Segment[] = [];
      let column = 0;
      for (const segment of text.split(",")) {
        if (segment === "") continue;
        const values = decodeVlq(segment);
        column += values[0];
        if (values.length < 4) continue; // a generated column with no source
        source += values[1];
        line += values[2];
        sourceColumn += values[3];
        segments.push({ column, source, line, sourceColumn });
      }
      this.lines.push(segments);
    }
  }

  /** The original position of a 1-based generated position, or undefined. */
  original(line: number, column: number): SourceLocation | undefined {
    const segments = this.lines[line - 1];
    if (!segments || segments.length === 0) return undefined;
    let best = segments[0];
    for (const segment of segments) if (segment.column <= column - 1) best = segment;
    const filePath = this.sources[best.source];
    return filePath === undefined ? undefined : { filePath, line: best.line + 1, column: best.sourceColumn + 1 };
  }
}

/** The source map of a script on disk, or undefined when it has none or it cannot be read. */
export function sourceMapOf(scriptPath: string): SourceMap | undefined {
  let text: string;
  try {
    text = fs.readFileSync(scriptPath, "utf8");
  } catch {
    return undefined;
  }
  const url = [...text.matchAll(/\/\/[#@] sourceMappingURL=(\S+)/g)].pop()?.[1];
  if (!url) return undefined;
  let json: string;
  let base = path.dirname(scriptPath);
  try {
    const inline = /^data:application\/json(?:;charset=[\w-]+)?;base64,(.*)$/.exec(url);
    if (inline) json = Buffer.from(inline[1], "base64").toString("utf8");
    else {
      const mapPath = url.startsWith("file://") ? fileURLToPath(url) : path.resolve(base, decodeURIComponent(url));
      json = fs.readFileSync(mapPath, "utf8");
      base = path.dirname(mapPath);
    }
    const map = JSON.parse(json) as { version?: unknown; sources?: unknown; sourceRoot?: unknown; mappings?: unknown };
    if (map.version !== 3 || !Array.isArray(map.sources) || typeof map.mappings !== "string") return undefined;
    const root = typeof map.sourceRoot === "string" ? map.sourceRoot : "";
    const sources = map.sources.map((s) => {
      const source = `${root}${String(s)}`;
      return source.startsWith("file://") ? fileURLToPath(source) : path.resolve(base, source);
    });
    return new SourceMap(sources, map.mappings);
  } catch {
    return undefined; // a broken map: the group stays in the generated file
  }
}

/** Moves every location of the groups that lies in a script with a source map to the original. */
export function applySourceMaps(groups: readonly PlacedGroup[]): void {
  const maps = new Map<string, SourceMap | undefined>();
  for (const location of groups.flatMap((g) => (g.location ? [g.location, ...g.alternatives] : []))) {
    if (!maps.has(location.filePath)) maps.set(location.filePath, sourceMapOf(location.filePath));
    const original = maps.get(location.filePath)?.original(location.line, location.column);
    if (original) Object.assign(location, original);
  }
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`bad VLQ digit "${char}"`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}
