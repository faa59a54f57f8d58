// Faults of rule code stay in their box. Whatever a rule (built-in or plugin) throws is
// described without trusting it — a string, `undefined`, a null-prototype object, an
// object whose `toString` or `message` getter throws — and what it reports is checked
// before it leaves the engine: positions are clamped into the file, and a fix of a kind
// the rule does not declare (safe / suggestion), a malformed one, or one whose edits leave
// the file or overlap each other is refused (it would corrupt the file).
import type { Fix, TextEdit } from "./types";

const MAX_DETAIL = 500;

/** A one-line description of a thrown value; never throws, whatever the value does. */
export function describeThrown(value: unknown): string {
  return truncate(describe(value));
}

function describe(value: unknown): string {
  if (isError(value)) return `${readText(() => value.name, "Error")}: ${readText(() => value.message, "(the message cannot be read)")}`;
  if (typeof value !== "object" && typeof value !== "function") return readText(() => String(value), typeof value);
  if (value === null) return "null";
  // String() calls the value's own toString / Symbol.toPrimitive; a null-prototype object has none.
  return readText(() => String(value), readText(() => Object.prototype.toString.call(value), "an object that cannot be described"));
}

/** `instanceof` itself can throw (a Proxy whose getPrototypeOf trap throws). */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** Reads a value that may throw or be no string at all; the fallback when it cannot be turned into text. */
function readText(read: () => unknown, fallback: string): string {
  try {
    const value = read();
    return typeof value === "string" ? value : String(value);
  } catch {
    return fallback;
  }
}

function truncate(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}

/**
 * A report range inside the file: offsets that are not numbers count as 0, everything
 * is clamped to [0, length], and the end is never before the start.
 */
export function clampRange(start: unknown, end: unknown, length: number): { start: number; end: number } {
  const clamp = (n: unknown): number => (typeof n === "number" && !Number.isNaN(n) ? Math.min(Math.max(Math.trunc(n), 0), length) : 0);
  const s = clamp(start);
  return { start: s, end: Math.max(s, clamp(end)) };
}

/**
 * Why a fix cannot be offered for a file of `length` characters, or undefined when it can:
 * it is of a kind the rule declares (`kinds`: safe and/or suggestion), it has a description,
 * a boolean `safe` and a list of names in `declares` if any; every edit is a range of
 * integers inside the file with text to insert, and no two edits of the fix overlap
 * (sorted by position, each starts at or after the previous one's end).
 */
export function fixProblem(fix: Fix, length: number, kinds: ReadonlyArray<"safe" | "suggestion">): string | undefined {
  if (typeof fix !== "object" || fix === null || !Array.isArray(fix.edits)) return "the fix has no list of edits";
  if (typeof fix.safe !== "boolean") return "the fix does not say whether it is safe (safe: true or false)";
  const kind = fix.safe ? "safe" : "suggestion";
  if (!kinds.includes(kind)) return `it is a ${kind} fix, and the rule's meta.fix declares ${kinds.length > 0 ? kinds.join(" and ") : "none"}`;
  if (typeof fix.description !== "string" || fix.description.trim() === "") return "the fix has no description";
  if (fix.declares !== undefined && !(Array.isArray(fix.declares) && fix.declares.every((d) => typeof d === "string"))) {
    return "the fix's declares is not a list of names";
  }
  const edits = fix.edits as unknown[];
  for (const edit of edits) {
    if (!isEdit(edit)) return "an edit is not { start, end, newText } with integer offsets and a string";
    if (edit.start < 0 || edit.end < edit.start || edit.end > length) {
      return `an edit [${edit.start}, ${edit.end}) is outside the file (0–${length})`;
    }
  }
  const sorted = [...(edits as TextEdit[])].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    if (sorted[i].start < previous.end) return `edits [${previous.start}, ${previous.end}) and [${sorted[i].start}, ${sorted[i].end}) overlap`;
  }
  return undefined;
}

function isEdit(edit: unknown): edit is TextEdit {
  if (typeof edit !== "object" || edit === null) return false;
  const { start, end, newText } = edit as Record<string, unknown>;
  return Number.isInteger(start) && Number.isInteger(end) && typeof newText === "string";
}
